"""Predictive and diagnostic models: discrimination, the operating point and calibration.

Inputs are arrays of scores (probabilities in [0, 1]), outcomes (0/1) and, optionally, the
model's decisions at the vendor's operating point (0/1).
"""

import math

import numpy as np
from scipy import stats
from scipy.special import expit

from .intervals import NOT_COMPUTABLE, Z95, Estimate, finite_or_none, wilson

# Scores of exactly 0 or 1 have an infinite logit: they are moved this far inside [0, 1] for
# the calibration models only (never for AUROC, Brier or the operating point).
LOGIT_EPSILON = 1e-6
ROC_MAX_POINTS = 200
CALIBRATION_GROUPS = 10


def auroc_delong(scores, outcomes, z: float = Z95) -> Estimate:
    """AUROC (ties count ½) with DeLong's 95 % CI: normal approximation on the AUROC scale,
    clipped to [0, 1].

    O(n log n) through midranks (Sun & Xu, IEEE Signal Process Lett 2014): the placement values
    of DeLong et al. (Biometrics 1988) come from ranks within each class and in the pooled sample.
    """
    scores = np.asarray(scores, dtype=float)
    outcomes = np.asarray(outcomes)
    positives = scores[outcomes == 1]
    negatives = scores[outcomes == 0]
    m, n = positives.size, negatives.size
    if m == 0 or n == 0:
        return NOT_COMPUTABLE
    rank_pos = stats.rankdata(positives)
    rank_neg = stats.rankdata(negatives)
    rank_all = stats.rankdata(np.concatenate([positives, negatives]))
    auc = float((rank_all[:m].sum() - m * (m + 1) / 2) / (m * n))
    if m < 2 or n < 2:
        return Estimate(auc)
    # V10: for each positive, the share of negatives it outranks; V01: for each negative, the
    # share of positives that outrank it.
    v10 = (rank_all[:m] - rank_pos) / n
    v01 = 1 - (rank_all[m:] - rank_neg) / m
    variance = v10.var(ddof=1) / m + v01.var(ddof=1) / n
    se = math.sqrt(max(variance, 0.0))
    return Estimate(auc, max(0.0, auc - z * se), min(1.0, auc + z * se))


def confusion_matrix(decisions, outcomes) -> dict[str, int]:
    decisions = np.asarray(decisions).astype(bool)
    outcomes = np.asarray(outcomes).astype(bool)
    return {
        "tp": int(np.count_nonzero(decisions & outcomes)),
        "fp": int(np.count_nonzero(decisions & ~outcomes)),
        "fn": int(np.count_nonzero(~decisions & outcomes)),
        "tn": int(np.count_nonzero(~decisions & ~outcomes)),
    }


def operating_point_metrics(confusion: dict[str, int]) -> dict[str, Estimate]:
    """Sensitivity, specificity, PPV and NPV with Wilson intervals."""
    tp, fp, fn, tn = confusion["tp"], confusion["fp"], confusion["fn"], confusion["tn"]
    return {
        "sensitivity": wilson(tp, tp + fn),
        "specificity": wilson(tn, tn + fp),
        "ppv": wilson(tp, tp + fp),
        "npv": wilson(tn, tn + fn),
    }


def brier(scores, outcomes) -> Estimate:
    """Mean squared difference between score and outcome, with a normal-approximation CI
    (the mean of independent squared errors)."""
    errors = (np.asarray(scores, dtype=float) - np.asarray(outcomes, dtype=float)) ** 2
    n = errors.size
    if n == 0:
        return NOT_COMPUTABLE
    value = float(errors.mean())
    if n < 2:
        return Estimate(value)
    half = Z95 * float(errors.std(ddof=1)) / math.sqrt(n)
    return Estimate(value, max(0.0, value - half), value + half)


def logit(scores) -> np.ndarray:
    p = np.clip(np.asarray(scores, dtype=float), LOGIT_EPSILON, 1 - LOGIT_EPSILON)
    return np.log(p / (1 - p))


def _log_likelihood(eta: np.ndarray, y: np.ndarray) -> float:
    return float(np.sum(y * eta - np.logaddexp(0.0, eta)))


def fit_logistic(
    design: np.ndarray, y: np.ndarray, offset: np.ndarray, max_iter: int = 100
) -> tuple[np.ndarray, np.ndarray] | None:
    """Maximum likelihood logistic regression by Newton-Raphson with step halving.

    Returns (coefficients, covariance) or None when the fit does not exist (separation, a
    singular information matrix, no convergence)."""
    beta = np.zeros(design.shape[1])
    current = _log_likelihood(offset, y)
    for _ in range(max_iter):
        mu = expit(offset + design @ beta)
        information = (design * (mu * (1 - mu))[:, None]).T @ design
        gradient = design.T @ (y - mu)
        try:
            step = np.linalg.solve(information, gradient)
        except np.linalg.LinAlgError:
            return None
        size = 1.0
        while True:
            candidate = beta + size * step
            value = _log_likelihood(offset + design @ candidate, y)
            if value >= current - 1e-12 or size < 1e-10:
                break
            size /= 2
        beta, current = candidate, value
        if np.max(np.abs(size * step)) < 1e-10:
            break
    else:
        return None
    mu = expit(offset + design @ beta)
    information = (design * (mu * (1 - mu))[:, None]).T @ design
    try:
        covariance = np.linalg.inv(information)
    except np.linalg.LinAlgError:
        return None
    if not np.all(np.isfinite(beta)) or np.max(np.abs(beta)) > 1e6:
        return None
    return beta, covariance


def _wald(value: float, variance: float) -> Estimate:
    se = math.sqrt(variance) if variance > 0 else float("nan")
    return Estimate(
        finite_or_none(value), finite_or_none(value - Z95 * se), finite_or_none(value + Z95 * se)
    )


def calibration(scores, outcomes) -> dict[str, Estimate]:
    """Calibration-in-the-large (the intercept of a logistic model with the logit of the score as
    offset; 0 is perfect) and the calibration slope (logistic regression of the outcome on the
    logit of the score; 1 is perfect), each with a Wald 95 % CI."""
    y = np.asarray(outcomes, dtype=float)
    if y.size < 2 or y.min() == y.max():
        return {"calibration_intercept": NOT_COMPUTABLE, "calibration_slope": NOT_COMPUTABLE}
    lp = logit(scores)
    ones = np.ones((y.size, 1))
    intercept = fit_logistic(ones, y, lp)
    slope = fit_logistic(np.column_stack([ones, lp]), y, np.zeros(y.size))
    return {
        "calibration_intercept": (
            _wald(intercept[0][0], intercept[1][0, 0]) if intercept else NOT_COMPUTABLE
        ),
        "calibration_slope": _wald(slope[0][1], slope[1][1, 1]) if slope else NOT_COMPUTABLE,
    }


def calibration_groups(scores, outcomes, groups: int = CALIBRATION_GROUPS) -> list[dict]:
    """Cases sorted by score and cut into (up to) ten groups of equal size: mean predicted
    risk against the observed proportion with its Wilson interval."""
    scores = np.asarray(scores, dtype=float)
    outcomes = np.asarray(outcomes)
    if scores.size == 0:
        return []
    order = np.argsort(scores, kind="stable")
    rows = []
    for index, chunk in enumerate(np.array_split(order, min(groups, scores.size)), start=1):
        events = int(outcomes[chunk].sum())
        observed = wilson(events, chunk.size)
        rows.append(
            {
                "group": index,
                "n": int(chunk.size),
                "events": events,
                "predicted": float(scores[chunk].mean()),
                "observed": observed.estimate,
                "ci_low": observed.ci_low,
                "ci_high": observed.ci_high,
            }
        )
    return rows


def roc_curve(scores, outcomes, max_points: int = ROC_MAX_POINTS) -> list[list[float]]:
    """[false positive rate, true positive rate] at every distinct threshold, from (0, 0) to
    (1, 1), thinned to at most `max_points` points for plotting."""
    scores = np.asarray(scores, dtype=float)
    outcomes = np.asarray(outcomes)
    positives = int(outcomes.sum())
    negatives = outcomes.size - positives
    if positives == 0 or negatives == 0:
        return []
    order = np.argsort(-scores, kind="stable")
    sorted_scores = scores[order]
    sorted_outcomes = outcomes[order]
    # The last case of every run of equal scores: ties move the curve diagonally.
    ends = np.flatnonzero(np.diff(sorted_scores) != 0)
    ends = np.append(ends, sorted_scores.size - 1)
    tps = np.cumsum(sorted_outcomes)[ends]
    fps = (ends + 1) - tps
    fpr = np.concatenate([[0.0], fps / negatives])
    tpr = np.concatenate([[0.0], tps / positives])
    if fpr.size > max_points:
        keep = np.unique(np.linspace(0, fpr.size - 1, max_points).round().astype(int))
        fpr, tpr = fpr[keep], tpr[keep]
    return [[round(float(x), 5), round(float(y), 5)] for x, y in zip(fpr, tpr, strict=True)]


def evaluate_classification(scores, outcomes, decisions=None, *, curves: bool = False) -> dict:
    """Every classification metric for one group of cases, as JSON-able data.

    `metrics` holds Estimates as dicts under the metric keys the acceptance criteria use; the
    curves (ROC, calibration groups) are only computed when asked for (the pooled results)."""
    scores = np.asarray(scores, dtype=float)
    outcomes = np.asarray(outcomes, dtype=int)
    n = int(outcomes.size)
    positives = int(outcomes.sum())
    metrics: dict[str, Estimate] = {
        "prevalence": wilson(positives, n),
        "auroc": auroc_delong(scores, outcomes),
        "brier": brier(scores, outcomes),
        **calibration(scores, outcomes),
    }
    result: dict = {"n": n, "n_positive": positives, "n_negative": n - positives}
    if decisions is not None:
        decisions = np.asarray(decisions, dtype=int)
        confusion = confusion_matrix(decisions, outcomes)
        metrics.update(operating_point_metrics(confusion))
        result["confusion"] = confusion
    else:
        metrics.update(dict.fromkeys(("sensitivity", "specificity", "ppv", "npv"), NOT_COMPUTABLE))
        result["confusion"] = None
    result["metrics"] = {key: value.as_dict() for key, value in metrics.items()}
    if curves:
        result["roc"] = roc_curve(scores, outcomes)
        result["calibration_groups"] = calibration_groups(scores, outcomes)
    return result


def classification_summary(result: dict) -> dict:
    """The analyst's JSON (the `evaluate` command): exactly the fields the issue names."""
    metrics = result["metrics"]
    return {
        "n": result["n"],
        "prevalence": metrics["prevalence"]["estimate"],
        **{key: metrics[key] for key in ("auroc", "sensitivity", "specificity", "ppv", "npv")},
        "brier": metrics["brier"]["estimate"],
        "calibration_intercept": metrics["calibration_intercept"]["estimate"],
        "calibration_slope": metrics["calibration_slope"]["estimate"],
    }
