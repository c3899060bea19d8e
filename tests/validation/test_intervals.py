"""Confidence intervals against published values and independent computations."""

import numpy as np
import pytest
from scipy import stats

from validation.metrics.intervals import Z95, mean_t, poisson_rate, wilson


@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [
        # Newcombe, Stat Med 1998;17:857-872, Table I, method 3 (score, no continuity correction)
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0000, 0.1611),
        (1, 29, 0.0061, 0.1718),
        (29, 29, 0.8830, 1.0000),
    ],
)
def test_wilson_matches_newcombe(successes, n, low, high):
    result = wilson(successes, n)
    assert result.estimate == pytest.approx(successes / n)
    assert result.ci_low == pytest.approx(low, abs=5e-5)
    assert result.ci_high == pytest.approx(high, abs=5e-5)


def test_wilson_matches_scipy_for_many_proportions():
    rng = np.random.default_rng(7)
    for _ in range(200):
        n = int(rng.integers(1, 500))
        k = int(rng.integers(0, n + 1))
        expected = stats.binomtest(k, n).proportion_ci(method="wilson")
        result = wilson(k, n)
        assert result.ci_low == pytest.approx(expected.low, abs=1e-12)
        assert result.ci_high == pytest.approx(expected.high, abs=1e-12)


def test_wilson_without_cases_is_not_computable():
    assert wilson(0, 0).estimate is None


def test_z_is_the_normal_quantile():
    assert pytest.approx(1.959963984540054) == Z95


@pytest.mark.parametrize(
    ("events", "low", "high"),
    # Exact (Garwood) 95 % limits for a Poisson count, as tabulated e.g. by Ulm (Am J Epidemiol
    # 1990;131:373-375): 0 -> (0, 3.689), 10 -> (4.795, 18.390).
    [(0, 0.0, 3.6889), (10, 4.7954, 18.3904)],
)
def test_poisson_rate_matches_published_limits(events, low, high):
    result = poisson_rate(events, 1)
    assert result.ci_low == pytest.approx(low, abs=1e-4)
    assert result.ci_high == pytest.approx(high, abs=1e-4)


@pytest.mark.parametrize("events", [1, 3, 17, 60])
def test_poisson_limits_are_where_the_tail_probabilities_are_2_5_percent(events):
    """Independent check from the definition: P(X >= k | low) = P(X <= k | high) = 0.025."""
    exposure = 40
    result = poisson_rate(events, exposure)
    assert stats.poisson.sf(events - 1, result.ci_low * exposure) == pytest.approx(0.025)
    assert stats.poisson.cdf(events, result.ci_high * exposure) == pytest.approx(0.025)
    assert result.estimate == pytest.approx(events / exposure)


def test_mean_t_matches_scipy():
    values = [3.1, 4.2, 3.9, 4.4, 3.3, 4.0, 4.8]
    low, high = stats.t.interval(0.95, len(values) - 1, np.mean(values), stats.sem(values))
    result = mean_t(values)
    assert result.estimate == pytest.approx(np.mean(values))
    assert (result.ci_low, result.ci_high) == pytest.approx((low, high))


def test_mean_t_needs_two_values_for_an_interval():
    assert mean_t([4.0]).ci_low is None
    assert mean_t([]).estimate is None
