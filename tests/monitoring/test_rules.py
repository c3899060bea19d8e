"""The monitoring rules against published values and by simulation (fixed seeds).

Simulation error: a run length is roughly geometric, so its standard deviation is about its
mean; the mean of N runs has a standard error of about ARL / sqrt(N). The tolerances below are
four standard errors, so a correct implementation fails about once in 15 000 seeds, and a wrong
decision limit (even 10 % off) fails.
"""

import math

import numpy as np
import pytest

from monitoring import rules
from monitoring.rules import (
    ALARM,
    BELOW_MINIMUM,
    BOTH_WAYS,
    CUSUM,
    CUSUM_WARNING,
    HIGHER_IS_BETTER,
    MINIMUM_WARNING,
    OK,
    SHEWHART,
    SHEWHART_WARNING,
    WATCH,
    ConfusionCounts,
    Design,
    Observation,
)
from validation.metrics.intervals import poisson_rate, wilson


def _run_length(stream, **kwargs) -> int:
    """Periods until the first alarm (the real rules, stopped at the alarm)."""
    for index, status in enumerate(rules.iter_statuses(stream, **kwargs), start=1):
        if status.status == ALARM:
            return index
    return -1


def _normal_stream(generator, shift: float, limit: int = 5000, chunk: int = 100):
    for _ in range(limit // chunk):
        for z in generator.normal(shift, 1.0, size=chunk):
            yield Observation("p", None, None, None, float(z))


# --- published values ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("h", "shift", "published"),
    [
        # Montgomery, Introduction to Statistical Quality Control (7th ed.), Table 9.3 gives the
        # two-sided ARL for k = 0.5: 168 (h = 4) and 465 (h = 5) in control; a one-sided
        # CUSUM's is twice that. For a shift of one standard deviation: 8.38 and 10.4.
        (4.0, 0.0, 336.0),
        (5.0, 0.0, 930.0),
        (4.0, 1.0, 8.38),
        (5.0, 1.0, 10.4),
    ],
)
def test_markov_chain_arl_matches_the_published_table(h, shift, published):
    assert rules.markov_arl(h, 0.5, shift, shewhart_z=None) == pytest.approx(published, rel=0.01)
    # Siegmund's approximation agrees to about 1 %.
    assert rules.siegmund_arl(h, 0.5, shift) == pytest.approx(published, rel=0.015)


def test_decision_limit_gives_the_target_arl_and_moves_with_it():
    h100 = rules.decision_limit(100.0)
    h200 = rules.decision_limit(200.0)
    assert rules.markov_arl(h100) == pytest.approx(100.0, rel=1e-6)
    assert h200 > h100
    # With the Shewhart rule the CUSUM alone must be stricter... no: looser is impossible. The
    # combined scheme alarms more often than the CUSUM alone, so h must be larger.
    assert h100 > rules.decision_limit(100.0, shewhart_z=None)
    # The CUSUM alone by Siegmund: exp(b) - b - 1 = 2 k² ARL with b = h + 1.166.
    b = rules.decision_limit(100.0, shewhart_z=None) + rules.SIEGMUND_OVERSHOOT
    assert math.exp(b) - b - 1 == pytest.approx(50.0, rel=0.03)


def test_decision_limit_refuses_targets_the_shewhart_rule_cannot_meet():
    with pytest.raises(ValueError):
        rules.decision_limit(1000.0)  # 3-sigma Shewhart alone: ARL 741
    with pytest.raises(ValueError):
        rules.decision_limit(1.0)


def test_byar_interval_is_close_to_the_exact_poisson_interval():
    # Byar's lower limit is poor for one or two events (0.013 against 0.025 for one), fine from 5.
    for observed in (5, 10, 50, 200):
        low, high = rules.byar_interval(observed)
        exact = poisson_rate(observed, 1.0)
        assert low == pytest.approx(exact.ci_low, rel=0.02)
        assert high == pytest.approx(exact.ci_high, rel=0.01)
    # Breslow & Day's worked example: 10 events give about 4.79 to 18.39.
    low, high = rules.byar_interval(10)
    assert (round(low, 2), round(high, 2)) == (4.79, 18.39)
    assert rules.byar_interval(0)[0] == 0.0


def test_proportions_use_the_validation_wilson_interval():
    obs = rules.proportion("2025-01", 85, 100, 0.85)
    expected = wilson(85, 100)
    assert (obs.value, obs.lower, obs.upper) == (
        expected.estimate,
        expected.ci_low,
        expected.ci_high,
    )
    assert obs.z == pytest.approx(0.0)
    low = rules.proportion("2025-01", 75, 100, 0.85)
    assert low.z == pytest.approx((0.75 - 0.85) / math.sqrt(0.85 * 0.15 / 100))
    assert rules.proportion("2025-01", 0, 0, 0.85).z is None
    assert rules.proportion("2025-01", 5, 5, 1.0).z is None


def test_oe_ratio_value_interval_and_z():
    obs = rules.oe_ratio("2025-01", 10, 8.0)
    low, high = rules.byar_interval(10)
    assert obs.value == pytest.approx(1.25)
    assert (obs.lower, obs.upper) == (pytest.approx(low / 8), pytest.approx(high / 8))
    assert obs.z == pytest.approx((10 - 8) / math.sqrt(8))
    assert rules.oe_ratio("2025-01", 3, 0.0).value is None


# --- rules on hand-made streams -----------------------------------------------------------------


def _obs(z, value=0.9, lower=0.85, upper=0.95):
    return Observation("p", value, lower, upper, z)


def test_statuses_name_the_rule_that_fired():
    design = Design()
    statuses = rules.evaluate(
        [_obs(0.0), _obs(-2.5), _obs(-3.5), _obs(0.0)], direction=HIGHER_IS_BETTER, design=design
    )
    assert [s.status for s in statuses] == [OK, WATCH, ALARM, OK]
    # -2.5: beyond 2 standard errors, and the CUSUM (2.0) is above h / 2.
    assert statuses[1].rules == (SHEWHART_WARNING, CUSUM_WARNING)
    assert SHEWHART in statuses[2].rules
    # -2.5 then -3.5: the CUSUM reaches 2 + 3 = 5 > h, fires with the Shewhart rule and restarts.
    assert CUSUM in statuses[2].rules
    assert statuses[3].cusum == 0.0


def test_a_small_sustained_shift_is_caught_by_the_cusum_not_the_shewhart_rule():
    statuses = rules.evaluate([_obs(-1.5)] * 6)
    fired = [s.rules for s in statuses]
    assert all(SHEWHART not in r and SHEWHART_WARNING not in r for r in fired)
    # S grows by 1 a period: watch above h/2 (period 2), alarm above h = 2.89 (period 3).
    assert fired[1] == (CUSUM_WARNING,)
    assert fired[2] == (CUSUM,)
    assert statuses[2].status == ALARM


def test_improvement_never_alarms_a_one_sided_metric_but_both_ways_does():
    assert {s.status for s in rules.evaluate([_obs(4.0)] * 5)} == {OK}
    statuses = rules.evaluate([_obs(4.0)] * 2, direction=BOTH_WAYS)
    assert statuses[0].status == ALARM


def test_minimum_rules():
    below = rules.evaluate([_obs(None, 0.70, 0.62, 0.74)], minimum=0.75)
    assert below[0].rules == (BELOW_MINIMUM,) and below[0].status == ALARM
    close = rules.evaluate([_obs(None, 0.74, 0.70, 0.79)], minimum=0.75)
    assert close[0].rules == (MINIMUM_WARNING,) and close[0].status == WATCH
    assert rules.evaluate([_obs(None, 0.80, 0.76, 0.85)], minimum=0.75)[0].status == OK
    errors = rules.evaluate(
        [_obs(None, 0.3, 0.25, 0.35)], direction=rules.LOWER_IS_BETTER, minimum=0.2
    )
    assert errors[0].rules == (BELOW_MINIMUM,)


def test_periods_without_cases_leave_the_cusum_alone():
    statuses = rules.evaluate([_obs(-2.0), _obs(None), _obs(-1.0)])
    assert statuses[1].cusum == statuses[0].cusum == pytest.approx(1.5)
    assert statuses[2].cusum == pytest.approx(2.0)


def test_check_classification_names_the_metrics_and_the_first_alarm():
    counts = [ConfusionCounts(f"2025-{m:02d}", 170, 40, 160, 30, 200.0) for m in range(1, 7)]
    counts += [ConfusionCounts(f"2025-{m:02d}", 130, 40, 160, 70, 200.0) for m in range(7, 10)]
    result = rules.check_classification(
        counts, baseline={"sensitivity": 0.85, "specificity": 0.80}, minimum={"sensitivity": 0.75}
    )
    assert set(result) == {"sensitivity", "specificity", "ppv", "npv", "oe_ratio"}
    assert rules.first_alarm(result["sensitivity"]) == "2025-07"
    assert rules.first_alarm(result["specificity"]) is None
    # No baseline for the PPV: its values are there, the control-chart rules are not.
    assert result["ppv"][0].value == pytest.approx(170 / 210)
    assert {s.status for s in result["ppv"]} == {OK}


# --- simulation ---------------------------------------------------------------------------------


RUNS = 3000


def test_in_control_false_alarm_rate_matches_the_design_target():
    """A stable process: the combined Shewhart + CUSUM scheme alarms on average once in 100
    periods (a false alarm rate of 1 % a period)."""
    generator = np.random.default_rng(20261201)
    design = Design(target_arl=100.0)
    lengths = np.array(
        [_run_length(_normal_stream(generator, 0.0), design=design) for _ in range(RUNS)]
    )
    assert (lengths > 0).all()  # every run ended in an alarm within 5000 periods
    mean = lengths.mean()
    standard_error = lengths.std(ddof=1) / math.sqrt(RUNS)
    assert abs(mean - 100.0) < 4 * standard_error, (mean, standard_error)


def test_a_sustained_two_standard_error_shift_is_detected_within_five_periods():
    generator = np.random.default_rng(7)
    design = Design(target_arl=100.0)
    lengths = np.array(
        [_run_length(_normal_stream(generator, -2.0), design=design) for _ in range(RUNS)]
    )
    assert (lengths > 0).all()
    assert lengths.mean() < 5
    # and agrees with the Markov chain's figure for the scheme (2.5 periods)
    standard_error = lengths.std(ddof=1) / math.sqrt(RUNS)
    assert abs(lengths.mean() - design.arl(2.0)) < 4 * standard_error


def test_shift_after_a_stable_start_is_detected_within_five_periods():
    """The shift starts after 30 stable periods (the CUSUM may then sit above 0); delay counts
    from the first shifted period, runs with a false alarm before it are left out."""
    generator = np.random.default_rng(11)
    delays = []
    for _ in range(1000):
        stream = np.concatenate([generator.normal(0, 1, 30), generator.normal(2.0, 1, 200)])
        observations = [Observation("p", None, None, None, float(-z)) for z in stream]
        statuses = rules.evaluate(observations)
        alarms = [i for i, s in enumerate(statuses) if s.status == ALARM]
        before = [i for i in alarms if i < 30]
        if before:
            continue
        delays.append(alarms[0] - 30 + 1)
    assert len(delays) > 700
    assert np.mean(delays) < 5


def test_binomial_sensitivity_stream_keeps_close_to_the_target():
    """Real counts (200 positives a period at a sensitivity of 0.85): the normal approximation
    of the binomial keeps the false alarm rate near the target, and a fall of two standard
    errors (to 0.80) is caught within five periods."""
    generator = np.random.default_rng(3)
    baseline, positives = 0.85, 200

    def stream(p):
        for _ in range(30):
            for tp in generator.binomial(positives, p, size=100):
                yield rules.proportion("p", int(tp), positives, baseline)

    in_control = np.array([_run_length(stream(baseline)) for _ in range(1500)])
    assert 80 < in_control.mean() < 125, in_control.mean()
    shifted = baseline - 2 * math.sqrt(baseline * (1 - baseline) / positives)
    detected = np.array([_run_length(stream(shifted)) for _ in range(1500)])
    assert (detected > 0).all()
    assert detected.mean() < 5


def test_oe_ratio_watched_both_ways_keeps_close_to_the_target():
    generator = np.random.default_rng(5)
    expected = 60.0

    def stream(theta):
        for _ in range(30):
            for observed in generator.poisson(theta * expected, size=100):
                yield rules.oe_ratio("p", int(observed), expected)

    in_control = np.array([_run_length(stream(1.0), direction=BOTH_WAYS) for _ in range(1500)])
    assert 80 < in_control.mean() < 125, in_control.mean()
    # Two standard errors too many events: theta E = E + 2 sqrt(E).
    theta = 1 + 2 / math.sqrt(expected)
    detected = np.array([_run_length(stream(theta), direction=BOTH_WAYS) for _ in range(1500)])
    assert (detected > 0).all()
    assert detected.mean() < 5


def test_mean_and_rate_observations():
    obs = rules.mean("2025-01", 38.0, 4.0, 25, 40.0)
    assert (obs.lower, obs.upper) == (
        pytest.approx(38 - 1.96 * 0.8, abs=1e-3),
        pytest.approx(38 + 1.96 * 0.8, abs=1e-3),
    )
    assert obs.z == pytest.approx(-2.5)
    assert rules.mean("2025-01", 38.0, 4.0, 1, 40.0).lower is None
    errors = rules.rate("2025-01", 30, 100, 0.2)
    assert errors.value == pytest.approx(0.3)
    assert errors.z == pytest.approx((30 - 20) / math.sqrt(20))
    assert errors.lower == pytest.approx(poisson_rate(30, 100).ci_low)


def test_hanley_mcneil_standard_error_worked_example():
    # A = 0.8 with 50 positives and 50 negatives: Q1 = 0.6667, Q2 = 0.7111, so
    # var = (0.16 + 49 (0.6667 - 0.64) + 49 (0.7111 - 0.64)) / 2500 = 0.00198, SE = 0.0445.
    assert rules.hanley_mcneil_se(0.8, 50, 50) == pytest.approx(0.0445, abs=5e-4)
    # More cases, smaller error; a perfect test has none.
    assert rules.hanley_mcneil_se(0.8, 200, 200) < rules.hanley_mcneil_se(0.8, 50, 50)
    assert rules.hanley_mcneil_se(1.0, 50, 50) == 0.0


def test_auroc_observation():
    obs = rules.auroc("2025-01", 0.70, 50, 50, 0.80)
    assert obs.z == pytest.approx((0.70 - 0.80) / rules.hanley_mcneil_se(0.8, 50, 50))
    assert obs.lower < 0.70 < obs.upper
    assert rules.auroc("2025-01", 0.7, 0, 50, 0.8).value is None
