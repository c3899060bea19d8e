"""Classification metrics against published values and independent computations."""

import numpy as np
import pytest
from scipy import optimize, stats
from scipy.special import expit

from validation.metrics.classification import (
    auroc_delong,
    brier,
    calibration,
    calibration_groups,
    classification_summary,
    confusion_matrix,
    evaluate_classification,
    logit,
    operating_point_metrics,
    roc_curve,
)
from validation.metrics.intervals import Z95

# Hanley & McNeil, Radiology 1982;143:29-36, Table 1: CT images rated 1-5 by a radiologist,
# 58 normal and 51 abnormal. Their published area under the curve is 0.893.
HM_NORMAL = [33, 6, 6, 11, 2]
HM_ABNORMAL = [3, 2, 2, 11, 33]


def hanley_mcneil():
    ratings = np.arange(1, 6, dtype=float)
    scores = np.concatenate([np.repeat(ratings, HM_NORMAL), np.repeat(ratings, HM_ABNORMAL)])
    outcomes = np.concatenate([np.zeros(58, int), np.ones(51, int)])
    return scores, outcomes


def delong_by_definition(scores, outcomes):
    """DeLong et al. (Biometrics 1988) straight from the definition, O(m*n): the placement of
    every positive against every negative, ties counting 1/2."""
    pos = scores[outcomes == 1]
    neg = scores[outcomes == 0]
    psi = (pos[:, None] > neg[None, :]).astype(float) + 0.5 * (pos[:, None] == neg[None, :])
    v10 = psi.mean(axis=1)
    v01 = psi.mean(axis=0)
    variance = v10.var(ddof=1) / pos.size + v01.var(ddof=1) / neg.size
    return psi.mean(), np.sqrt(variance)


def test_auroc_matches_hanley_mcneil():
    scores, outcomes = hanley_mcneil()
    assert auroc_delong(scores, outcomes).estimate == pytest.approx(0.893, abs=5e-4)


def test_auroc_is_the_mann_whitney_statistic():
    scores, outcomes = hanley_mcneil()
    u = stats.mannwhitneyu(scores[outcomes == 1], scores[outcomes == 0]).statistic
    assert auroc_delong(scores, outcomes).estimate == pytest.approx(u / (51 * 58))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fast_delong_equals_the_definition(seed):
    rng = np.random.default_rng(seed)
    n = 300
    outcomes = (rng.random(n) < 0.3).astype(int)
    # Rounded scores: many ties, which count 1/2.
    scores = np.round(rng.normal(outcomes * 0.8, 1.0), 1)
    auc, se = delong_by_definition(scores, outcomes)
    result = auroc_delong(scores, outcomes)
    assert result.estimate == pytest.approx(auc, abs=1e-12)
    assert result.ci_low == pytest.approx(auc - Z95 * se, abs=1e-12)
    assert result.ci_high == pytest.approx(auc + Z95 * se, abs=1e-12)


def test_delong_ci_on_hanley_mcneil_data():
    scores, outcomes = hanley_mcneil()
    auc, se = delong_by_definition(scores, outcomes)
    result = auroc_delong(scores, outcomes)
    # Hanley & McNeil's own approximation gives SE 0.032 for these data; DeLong's
    # nonparametric estimate is a little smaller.
    assert se == pytest.approx(0.0307, abs=1e-4)
    assert (result.ci_low, result.ci_high) == pytest.approx((auc - Z95 * se, auc + Z95 * se))


def test_delong_ci_is_clipped_to_0_and_1():
    # Nearly perfect separation with few cases: the normal approximation passes 1.
    scores = np.array([0.1, 0.2, 0.3, 0.9, 0.8, 0.25])
    outcomes = np.array([0, 0, 0, 1, 1, 1])
    result = auroc_delong(scores, outcomes)
    assert result.ci_high == 1.0
    assert 0 <= result.ci_low <= result.estimate
    perfect = auroc_delong([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])
    assert (perfect.estimate, perfect.ci_low, perfect.ci_high) == (1.0, 1.0, 1.0)


def test_auroc_needs_both_classes():
    assert auroc_delong([0.2, 0.4], [1, 1]).estimate is None
    assert auroc_delong([0.2, 0.4, 0.5], [1, 0, 0]).ci_low is None  # one positive: no variance


def test_confusion_matrix_and_the_operating_point():
    decisions = [1, 1, 1, 0, 0, 0, 0, 1]
    outcomes = [1, 1, 0, 0, 0, 1, 0, 1]
    confusion = confusion_matrix(decisions, outcomes)
    assert confusion == {"tp": 3, "fp": 1, "fn": 1, "tn": 3}
    metrics = operating_point_metrics({"tp": 40, "fp": 30, "fn": 10, "tn": 120})
    for key, (k, n) in {
        "sensitivity": (40, 50),
        "specificity": (120, 150),
        "ppv": (40, 70),
        "npv": (120, 130),
    }.items():
        expected = stats.binomtest(k, n).proportion_ci(method="wilson")
        assert metrics[key].estimate == pytest.approx(k / n)
        assert (metrics[key].ci_low, metrics[key].ci_high) == pytest.approx(
            (expected.low, expected.high)
        )


def test_brier_by_hand():
    result = brier([0.9, 0.2, 0.6, 0.1], [1, 0, 0, 0])
    # (0.01 + 0.04 + 0.36 + 0.01) / 4
    assert result.estimate == pytest.approx(0.105)
    errors = np.array([0.01, 0.04, 0.36, 0.01])
    half = Z95 * errors.std(ddof=1) / 2
    assert result.ci_high == pytest.approx(0.105 + half)


def _negative_log_likelihood(beta, x, y, offset):
    eta = offset + x @ beta
    return -np.sum(y * eta - np.logaddexp(0, eta))


def test_calibration_matches_direct_maximum_likelihood():
    rng = np.random.default_rng(11)
    n = 2000
    risk = rng.normal(-1.2, 1.0, n)
    y = (rng.random(n) < expit(risk)).astype(float)
    scores = expit(0.3 + 1.4 * risk)  # over-confident and shifted: slope < 1, intercept < 0
    lp = logit(scores)
    result = calibration(scores, y)
    ones = np.ones((n, 1))
    intercept = optimize.minimize(_negative_log_likelihood, [0.0], args=(ones, y, lp)).x[0]
    both = optimize.minimize(
        _negative_log_likelihood, [0.0, 1.0], args=(np.column_stack([ones, lp]), y, 0 * lp)
    ).x
    assert result["calibration_intercept"].estimate == pytest.approx(intercept, abs=1e-4)
    assert result["calibration_slope"].estimate == pytest.approx(both[1], abs=1e-4)
    assert result["calibration_slope"].estimate == pytest.approx(1 / 1.4, abs=0.1)


def test_calibration_standard_error_is_the_inverse_information():
    rng = np.random.default_rng(3)
    n = 1500
    scores = rng.uniform(0.05, 0.95, n)
    y = (rng.random(n) < scores).astype(float)
    lp = logit(scores)
    result = calibration(scores, y)["calibration_slope"]
    slope = result.estimate
    # Numerical second derivative of the profile log-likelihood in the slope's direction,
    # computed independently with the intercept re-fitted at each point.
    ones = np.ones((n, 1))

    def profile(b):
        fit = optimize.minimize(
            lambda a: _negative_log_likelihood(np.array([a[0]]), ones, y, b * lp), [0.0]
        )
        return fit.fun

    h = 1e-3
    second = (profile(slope + h) - 2 * profile(slope) + profile(slope - h)) / h**2
    se = 1 / np.sqrt(second)
    assert (result.ci_high - result.ci_low) / (2 * Z95) == pytest.approx(se, rel=1e-2)


def test_intercept_with_constant_scores_has_a_closed_form():
    y = np.array([1, 0, 0, 0, 1, 0, 0, 0, 0, 0])
    scores = np.full(10, 0.4)
    intercept = calibration(scores, y)["calibration_intercept"].estimate
    assert intercept == pytest.approx(np.log(0.2 / 0.8) - np.log(0.4 / 0.6), abs=1e-8)


def test_perfectly_calibrated_scores_give_intercept_0_and_slope_1():
    rng = np.random.default_rng(5)
    scores = rng.uniform(0.01, 0.99, 50_000)
    y = (rng.random(scores.size) < scores).astype(int)
    result = calibration(scores, y)
    assert result["calibration_intercept"].estimate == pytest.approx(0, abs=0.05)
    assert result["calibration_slope"].estimate == pytest.approx(1, abs=0.05)
    assert result["calibration_slope"].ci_low < 1 < result["calibration_slope"].ci_high


def test_calibration_without_both_outcomes_is_not_computable():
    result = calibration([0.2, 0.3], [0, 0])
    assert result["calibration_slope"].estimate is None


def test_calibration_groups_are_tenths_by_predicted_risk():
    scores = np.linspace(0.01, 0.99, 100)
    y = (np.arange(100) % 3 == 0).astype(int)
    groups = calibration_groups(scores, y)
    assert [g["n"] for g in groups] == [10] * 10
    assert groups[0]["predicted"] == pytest.approx(scores[:10].mean())
    assert groups[0]["observed"] == pytest.approx(y[:10].mean())
    assert groups[0]["ci_low"] <= groups[0]["observed"] <= groups[0]["ci_high"]


def test_roc_curve_by_hand_with_ties():
    scores = [0.9, 0.8, 0.8, 0.3, 0.1]
    y = [1, 1, 0, 1, 0]
    # Three positives, two negatives; the two cases scored 0.8 move the curve diagonally.
    assert roc_curve(scores, y) == [
        [0.0, 0.0],
        [0.0, 0.33333],
        [0.5, 0.66667],
        [0.5, 1.0],
        [1.0, 1.0],
    ]


def test_roc_curve_is_thinned_for_plotting():
    rng = np.random.default_rng(1)
    points = roc_curve(rng.random(5000), (rng.random(5000) < 0.4).astype(int), max_points=50)
    assert len(points) <= 50
    assert points[0] == [0.0, 0.0] and points[-1] == [1.0, 1.0]


def test_evaluate_and_the_analysts_summary():
    rng = np.random.default_rng(2)
    scores = rng.random(500)
    y = (rng.random(500) < scores).astype(int)
    result = evaluate_classification(scores, y, (scores >= 0.5).astype(int), curves=True)
    summary = classification_summary(result)
    assert list(summary) == [
        "n",
        "prevalence",
        "auroc",
        "sensitivity",
        "specificity",
        "ppv",
        "npv",
        "brier",
        "calibration_intercept",
        "calibration_slope",
    ]
    assert summary["n"] == 500
    assert summary["prevalence"] == pytest.approx(y.mean())
    assert set(summary["auroc"]) == {"estimate", "ci_low", "ci_high"}
    assert result["roc"] and len(result["calibration_groups"]) == 10
    without = evaluate_classification(scores, y)
    assert without["metrics"]["sensitivity"]["estimate"] is None
    assert without["confusion"] is None
