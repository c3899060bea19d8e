"""Ambient scribe metrics against published values and independent computations."""

import numpy as np
import pytest
from scipy import stats

from validation.metrics.scribe import (
    PDQI9_ITEMS,
    evaluate_errors,
    evaluate_pdqi9,
    evaluate_time,
    icc_2_1,
    pdqi9_summary,
    time_summary,
)

# Shrout & Fleiss, Psychol Bull 1979;86:420-428, Table 2: six targets rated by four judges.
SHROUT_FLEISS = [
    [9, 2, 5, 8],
    [6, 1, 3, 2],
    [8, 4, 6, 8],
    [7, 1, 2, 6],
    [10, 5, 6, 9],
    [6, 2, 4, 7],
]


def test_icc_2_1_matches_shrout_and_fleiss():
    result = icc_2_1(SHROUT_FLEISS)
    # Published: ICC(2,1) = .29. The 95 % limits (McGraw & Wong 1996, case 2A) are the ones
    # R's psych::ICC prints for these data: 0.019 and 0.76.
    assert result.estimate == pytest.approx(0.29, abs=0.005)
    assert result.ci_low == pytest.approx(0.019, abs=0.001)
    assert result.ci_high == pytest.approx(0.76, abs=0.005)


def test_icc_2_1_from_variance_components():
    """Independent computation: ICC(2,1) = (MSR - MSE) / (MSR + (k-1) MSE + k (MSC - MSE) / n)
    with the mean squares from scipy's one-way ANOVA pieces."""
    x = np.array(SHROUT_FLEISS, dtype=float)
    n, k = x.shape
    # Between-targets and between-judges mean squares via scipy's f_oneway on the groups.
    f_rows = stats.f_oneway(*x)  # groups = targets
    ss_total = ((x - x.mean()) ** 2).sum()
    ss_rows = k * ((x.mean(axis=1) - x.mean()) ** 2).sum()
    ss_within = ss_total - ss_rows
    assert f_rows.statistic == pytest.approx((ss_rows / (n - 1)) / (ss_within / (n * (k - 1))))
    ss_cols = n * ((x.mean(axis=0) - x.mean()) ** 2).sum()
    msr, msc = ss_rows / (n - 1), ss_cols / (k - 1)
    mse = (ss_within - ss_cols) / ((n - 1) * (k - 1))
    expected = (msr - mse) / (msr + (k - 1) * mse + k * (msc - mse) / n)
    assert icc_2_1(x).estimate == pytest.approx(expected)


def test_icc_is_1_for_perfect_agreement_and_lower_with_a_rater_offset():
    totals = np.array([[30, 30], [35, 35], [40, 40], [28, 28]], dtype=float)
    assert icc_2_1(totals).estimate == pytest.approx(1.0)
    offset = totals + np.array([0, 3])
    consistent_but_shifted = icc_2_1(offset).estimate
    assert consistent_but_shifted < 1  # absolute agreement penalises the shift


def test_icc_needs_a_complete_matrix():
    assert icc_2_1([[1, 2]]).estimate is None
    assert icc_2_1([[1, np.nan], [2, 3]]).estimate is None


def _ratings(rows):
    note_ids = [row[0] for row in rows]
    raters = [row[1] for row in rows]
    items = np.array([row[2:] for row in rows], dtype=float)
    return note_ids, raters, items


def test_pdqi9_totals_and_item_means_are_per_note():
    rows = [
        ["n1", "A", *[4] * 9],  # total 36
        ["n1", "B", *[5] * 9],  # total 45 -> note n1: 40.5
        ["n2", "A", *[3] * 9],  # total 27
        ["n2", "B", *[3] * 8, 5],  # total 29 -> note n2: 28.0
        ["n3", "A", *[2] * 9],  # only one rater: 18
    ]
    result = evaluate_pdqi9(*_ratings(rows))
    note_totals = np.array([40.5, 28.0, 18.0])
    low, high = stats.t.interval(0.95, 2, note_totals.mean(), stats.sem(note_totals))
    total = result["metrics"]["pdqi9_total"]
    assert result["n_notes"] == 3 and result["n_raters"] == 2 and result["n_ratings"] == 5
    assert total["estimate"] == pytest.approx(note_totals.mean())
    assert (total["ci_low"], total["ci_high"]) == pytest.approx((low, high))
    assert result["metrics"]["pdqi9_item_mean"]["estimate"] == pytest.approx(note_totals.mean() / 9)
    last_item = np.array([4.5, 4.0, 2.0])
    assert result["item_means"]["internally_consistent"]["estimate"] == pytest.approx(
        last_item.mean()
    )
    # ICC on the two notes rated by both raters: n1 (36, 45), n2 (27, 29).
    assert result["icc_notes"] == 2
    assert result["metrics"]["icc_2_1"]["estimate"] == pytest.approx(
        icc_2_1([[36, 45], [27, 29]]).estimate
    )
    summary = pdqi9_summary(result)
    assert list(summary) == ["n_notes", "n_raters", "total_mean", "item_means", "icc_2_1"]
    assert list(summary["item_means"]) == list(PDQI9_ITEMS)


def test_error_rates_per_note():
    counts = {
        "hallucinations_minor": [0, 1, 0, 2],
        "hallucinations_major": [0, 0, 1, 0],
        "omissions_minor": [1, 0, 0, 0],
        "omissions_major": [0, 0, 0, 0],
    }
    result = evaluate_errors(counts)
    metrics = result["metrics"]
    assert result["n_notes"] == 4
    assert result["totals"] == {
        "hallucinations": 4,
        "major_hallucinations": 1,
        "omissions": 1,
        "major_omissions": 0,
    }
    assert metrics["hallucinations_per_note"]["estimate"] == pytest.approx(1.0)
    assert metrics["hallucinations_per_note"]["ci_high"] == pytest.approx(
        stats.chi2.ppf(0.975, 10) / 2 / 4
    )
    assert metrics["major_omissions_per_note"]["ci_high"] == pytest.approx(3.6889 / 4, abs=1e-4)
    assert metrics["notes_with_hallucinations"]["estimate"] == pytest.approx(0.75)


def test_time_saved_point_estimates_and_uptake():
    periods = ["baseline"] * 4 + ["scribe"] * 4
    minutes = [10, 12, 8, 10, 8, 9, 7, 12]
    used = [0, 0, 0, 0, 1, 1, 1, 0]
    result = evaluate_time(periods, minutes, used)
    metrics = result["metrics"]
    assert metrics["baseline_minutes"]["estimate"] == pytest.approx(10)
    assert metrics["scribe_minutes"]["estimate"] == pytest.approx(9)
    assert metrics["time_saved_minutes"]["estimate"] == pytest.approx(1)
    assert metrics["time_saved_percent"]["estimate"] == pytest.approx(10)
    assert metrics["uptake"]["estimate"] == pytest.approx(0.75)
    expected = stats.binomtest(3, 4).proportion_ci(method="wilson")
    assert metrics["uptake"]["ci_low"] == pytest.approx(expected.low)
    assert list(time_summary(result))[0] == "n_baseline"


def test_time_bootstrap_is_seeded_and_agrees_with_the_normal_theory_interval():
    rng = np.random.default_rng(4)
    baseline = rng.lognormal(np.log(10), 0.35, 800)
    scribe = rng.lognormal(np.log(8.5), 0.35, 800)
    periods = ["baseline"] * 800 + ["scribe"] * 800
    minutes = np.concatenate([baseline, scribe])
    used = [0] * 800 + [1] * 800
    first = evaluate_time(periods, minutes, used)["metrics"]["time_saved_minutes"]
    again = evaluate_time(periods, minutes, used)["metrics"]["time_saved_minutes"]
    assert first == again  # the same data always give the same interval
    other_seed = evaluate_time(periods, minutes, used, seed=1)["metrics"]["time_saved_minutes"]
    assert other_seed["ci_low"] != first["ci_low"]
    # Independent check: Welch's normal-theory interval for a difference of means.
    se = np.sqrt(baseline.var(ddof=1) / 800 + scribe.var(ddof=1) / 800)
    difference = baseline.mean() - scribe.mean()
    assert first["estimate"] == pytest.approx(difference)
    assert first["ci_low"] == pytest.approx(difference - 1.96 * se, abs=0.08 * se * 1.96)
    assert first["ci_high"] == pytest.approx(difference + 1.96 * se, abs=0.08 * se * 1.96)


def test_time_without_a_baseline_is_not_computable():
    result = evaluate_time(["scribe", "scribe"], [5, 6], [1, 1])
    assert result["metrics"]["time_saved_minutes"]["estimate"] is None
    assert result["metrics"]["uptake"]["estimate"] == 1.0
