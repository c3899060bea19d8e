"""The monitoring rules: per-period values with their 95 % CI, and the control-chart rules that
turn a stream of periods into the statuses ok, watch and alarm. Pure functions, no Django models.

How a metric is watched
-----------------------
Each period's value is turned into a standardised deviation from the baseline,
``z = (value - baseline) / SE_baseline``, where ``SE_baseline`` is the standard error the value
would have in that period (its own n) if the product still performed at the baseline. The sign is
turned so that a positive ``x`` is the harmful direction (a falling sensitivity, a rising error
rate); the O/E ratio is harmful both ways and is watched on both sides. On ``x`` two rules run:

* **Shewhart** (sudden change): alarm when ``x > 3`` (3 standard errors), watch when ``x > 2``.
* **One-sided CUSUM** (sustained small shift; Page 1954, *Biometrika* 41:100-115):
  ``S_t = max(0, S_{t-1} + x_t - k)`` with reference value ``k = 0.5`` (tuned to a shift of one
  standard error), alarm when ``S_t > h``, watch when ``S_t > h / 2``; after an alarm ``S`` starts
  again from 0, so the next alarm is a new signal.

The decision limit ``h`` is not a magic number: it is chosen so that the *combined* scheme
(Shewhart and CUSUM together) has the in-control average run length (ARL) the plan asks for,
100 periods by default, i.e. on average one false alarm per 100 periods of a stable product.
The ARL is computed with the Markov-chain method of Brook & Evans (1972, *Biometrika*
59:539-549), which includes the Shewhart limit as a second way out of the chain; Siegmund's
approximation (Siegmund 1985, *Sequential Analysis*, p. 27; Montgomery, *Introduction to
Statistical Quality Control*, 7th ed., §9.1.5) is kept as a check, and both are tested against
Montgomery's published table (k = 0.5, h = 4 and 5). A two-sided watch (the O/E ratio) gives
each side twice the target, as ``1/ARL = 1/ARL+ + 1/ARL-`` (Montgomery §9.1.4).

Risk-adjusted calibration (O/E)
-------------------------------
The observed events ``O`` of a period are compared with the events the model expected, ``E``
(the sum of its predicted probabilities): under a calibrated model ``O ~ Poisson(θ0 E)`` with
``θ0`` the baseline O/E ratio, so ``z = (O - θ0 E) / sqrt(θ0 E)`` enters the same Shewhart and
CUSUM rules on both sides: the observed-minus-expected CUSUM of risk-adjusted monitoring
(Grigg & Farewell 2004, *J R Stat Soc A* 167:523-539). The ratio's interval is Byar's
approximation to the exact Poisson interval for ``O``, divided by ``E`` (Breslow & Day 1987,
*Statistical Methods in Cancer Research* II, p. 69).

Proportions get the Wilson interval of the validation statistics (`validation.metrics.
intervals.wilson`); there is one Wilson interval in the code base.

The minimum acceptable value
----------------------------
Beside the statistical rules the plan's minimum is a clinical floor: alarm when even the upper
(better) bound of the 95 % CI lies below it, watch when the point estimate does.
"""

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from scipy import optimize, stats

from validation.metrics.intervals import Z95, Estimate, mean_normal, poisson_rate, wilson

OK = "ok"
WATCH = "watch"
ALARM = "alarm"
STATUSES = (OK, WATCH, ALARM)
SEVERITY = {OK: 0, WATCH: 1, ALARM: 2}

# Which way is harmful.
HIGHER_IS_BETTER = "higher"
LOWER_IS_BETTER = "lower"
BOTH_WAYS = "both"

# Rule codes, as they appear in a period's `rules` (the name of what fired).
SHEWHART = "shewhart"  # alarm: more than `shewhart_z` standard errors from the baseline
SHEWHART_WARNING = "shewhart_warning"  # watch: more than `warning_z` standard errors
CUSUM = "cusum"  # alarm: the CUSUM crossed h
CUSUM_WARNING = "cusum_warning"  # watch: the CUSUM is above h / 2
BELOW_MINIMUM = "below_minimum"  # alarm: the whole CI is on the wrong side of the minimum
MINIMUM_WARNING = "minimum_warning"  # watch: the point estimate is
RULES = (SHEWHART, SHEWHART_WARNING, CUSUM, CUSUM_WARNING, BELOW_MINIMUM, MINIMUM_WARNING)
ALARM_RULES = frozenset({SHEWHART, CUSUM, BELOW_MINIMUM})

DEFAULT_TARGET_ARL = 100.0
DEFAULT_K = 0.5
DEFAULT_SHEWHART_Z = 3.0
DEFAULT_WARNING_Z = 2.0
# Siegmund's correction of the boundary for the overshoot of a normal random walk.
SIEGMUND_OVERSHOOT = 1.166
MARKOV_STATES = 150


# --- per-period values --------------------------------------------------------------------------


@dataclass(frozen=True)
class Observation:
    """One period of one metric: the value with its 95 % CI, and `z`, the value's deviation
    from the baseline in baseline standard errors (None when it cannot be computed: no cases,
    or a baseline of exactly 0 or 1)."""

    period: str
    value: float | None
    lower: float | None
    upper: float | None
    z: float | None
    n: float = 0
    se: float | None = None  # the value's standard error at the baseline (for the chart's limits)


def proportion(period: str, successes: int, trials: int, baseline: float | None) -> Observation:
    """A proportion (sensitivity, specificity, PPV, NPV, alert rate, uptake) with its Wilson
    interval; `z` uses the binomial standard error at the baseline, sqrt(p0 (1 - p0) / n)."""
    estimate = wilson(successes, trials)
    z = se = None
    if trials > 0 and baseline is not None and 0 < baseline < 1:
        se = math.sqrt(baseline * (1 - baseline) / trials)
        z = (successes / trials - baseline) / se
    return Observation(period, estimate.estimate, estimate.ci_low, estimate.ci_high, z, trials, se)


def byar_interval(observed: int, z: float = Z95) -> tuple[float, float]:
    """Byar's approximation to the exact 95 % Poisson interval of an observed count (Breslow &
    Day 1987, vol. II, p. 69); the lower limit of 0 events is 0."""
    if observed < 0:
        raise ValueError("a count cannot be negative")
    lower = 0.0
    if observed > 0:
        lower = observed * (1 - 1 / (9 * observed) - z / (3 * math.sqrt(observed))) ** 3
    upper_n = observed + 1
    upper = upper_n * (1 - 1 / (9 * upper_n) + z / (3 * math.sqrt(upper_n))) ** 3
    return max(0.0, lower), upper


def oe_ratio(period: str, observed: int, expected: float, baseline: float = 1.0) -> Observation:
    """The observed/expected events ratio with Byar's interval; `z` is the Poisson-standardised
    observed-minus-expected count at the baseline ratio (risk-adjusted by the model's own
    predicted probabilities)."""
    if expected <= 0:
        return Observation(period, None, None, None, None, 0)
    lower, upper = byar_interval(observed)
    z = se = None
    if baseline > 0:
        z = (observed - baseline * expected) / math.sqrt(baseline * expected)
        se = math.sqrt(baseline / expected)
    value = observed / expected
    return Observation(period, value, lower / expected, upper / expected, z, expected, se)


def mean(period: str, value: float, sd: float, n: int, baseline: float) -> Observation:
    """A mean (PDQI-9 score, minutes saved) of a period's sample of `n`, with the normal 95 %
    interval; `z` uses the period's own standard error sd / sqrt(n)."""
    estimate = mean_normal(value, sd, n)
    z = se = None
    if n > 0 and sd > 0:
        se = sd / math.sqrt(n)
        z = (value - baseline) / se
    return Observation(period, estimate.estimate, estimate.ci_low, estimate.ci_high, z, n, se)


def rate(period: str, events: int, exposure: float, baseline: float) -> Observation:
    """Events per unit (omissions or hallucinations per note) with the exact Poisson interval;
    `z` is the Poisson-standardised excess over the baseline rate."""
    estimate: Estimate = poisson_rate(events, exposure)
    z = se = None
    if exposure > 0 and baseline > 0:
        z = (events - baseline * exposure) / math.sqrt(baseline * exposure)
        se = math.sqrt(baseline * exposure) / exposure
    lower, upper = estimate.ci_low, estimate.ci_high
    return Observation(period, estimate.estimate, lower, upper, z, exposure, se)


def hanley_mcneil_se(auroc: float, positives: int, negatives: int) -> float:
    """The standard error of an AUROC from its value and the numbers of positive and negative
    cases (Hanley & McNeil 1982, *Radiology* 143:29-36, eq. 2, with Q1 = A/(2-A) and
    Q2 = 2A²/(1+A))."""
    a = auroc
    q1, q2 = a / (2 - a), 2 * a * a / (1 + a)
    variance = (a * (1 - a) + (positives - 1) * (q1 - a * a) + (negatives - 1) * (q2 - a * a)) / (
        positives * negatives
    )
    return math.sqrt(max(variance, 0.0))


def auroc(
    period: str, value: float, positives: int, negatives: int, baseline: float | None
) -> Observation:
    """A period's AUROC (computed by the sending system from its scores) with the normal 95 %
    interval from the Hanley-McNeil standard error; `z` uses the standard error at the baseline."""
    if positives <= 0 or negatives <= 0:
        return Observation(period, None, None, None, None, 0)
    half = Z95 * hanley_mcneil_se(value, positives, negatives)
    z = se = None
    if baseline is not None and 0 < baseline < 1:
        se = hanley_mcneil_se(baseline, positives, negatives)
        z = (value - baseline) / se if se > 0 else None
    lower, upper = max(0.0, value - half), min(1.0, value + half)
    return Observation(period, value, lower, upper, z, positives + negatives, se)


# --- the design of the scheme -------------------------------------------------------------------


def siegmund_arl(h: float, k: float = DEFAULT_K, shift: float = 0.0) -> float:
    """Siegmund's approximation of the ARL of a one-sided CUSUM of N(shift, 1) values with
    reference value k and decision limit h: (exp(-2Δb) + 2Δb - 1) / (2Δ²), Δ = shift - k,
    b = h + 1.166; (b² when Δ = 0)."""
    delta = shift - k
    b = h + SIEGMUND_OVERSHOOT
    if abs(delta) < 1e-9:
        return b * b
    return (math.exp(-2 * delta * b) + 2 * delta * b - 1) / (2 * delta * delta)


def markov_arl(
    h: float,
    k: float = DEFAULT_K,
    shift: float = 0.0,
    shewhart_z: float | None = DEFAULT_SHEWHART_Z,
    states: int = MARKOV_STATES,
) -> float:
    """The ARL, from a CUSUM of 0, of the one-sided CUSUM of N(shift, 1) values with decision
    limit h, together with the Shewhart rule x > shewhart_z when given, by the Markov chain of
    Brook & Evans (1972): [0, h] cut into `states` cells of width w = 2h / (2m - 1), state 0
    holding the CUSUM at 0, state j the values around j·w; ARL = (I - R)⁻¹ 1."""
    m = states
    w = 2 * h / (2 * m - 1)
    centres = np.arange(m) * w
    # Upper edges of the cells the next CUSUM value falls into, as limits on x.
    edges = np.arange(m) * w + w / 2  # state j covers ((j - 1/2) w, (j + 1/2) w]
    cap = math.inf if shewhart_z is None else shewhart_z
    # x needed to land at or below each edge from each state: s + x - k <= edge.
    limits = edges[None, :] - centres[:, None] + k
    limits = np.minimum(limits, cap)
    cdf = stats.norm.cdf(limits, loc=shift)
    transition = np.diff(np.concatenate([np.zeros((m, 1)), cdf], axis=1), axis=1)
    transition = np.clip(transition, 0.0, None)
    arl = np.linalg.solve(np.eye(m) - transition, np.ones(m))
    return float(arl[0])


@dataclass(frozen=True)
class Design:
    """How the rules are tuned. `h` is derived: the CUSUM limit that gives the combined scheme
    (per side) the in-control ARL `target_arl` (per side `2 × target_arl` when both directions
    are watched)."""

    target_arl: float = DEFAULT_TARGET_ARL
    k: float = DEFAULT_K
    shewhart_z: float = DEFAULT_SHEWHART_Z
    warning_z: float = DEFAULT_WARNING_Z
    two_sided: bool = False

    @property
    def h(self) -> float:
        per_side = self.target_arl * (2 if self.two_sided else 1)
        return decision_limit(per_side, self.k, self.shewhart_z)

    def arl(self, shift: float = 0.0) -> float:
        """The scheme's ARL for a sustained shift of `shift` standard errors in the harmful
        direction (one side)."""
        return markov_arl(self.h, self.k, shift, self.shewhart_z)

    def as_dict(self) -> dict:
        return {
            "target_arl": self.target_arl,
            "k": self.k,
            "h": round(self.h, 4),
            "shewhart_z": self.shewhart_z,
            "warning_z": self.warning_z,
            "two_sided": self.two_sided,
        }


@lru_cache(maxsize=256)
def decision_limit(
    target_arl: float, k: float = DEFAULT_K, shewhart_z: float | None = DEFAULT_SHEWHART_Z
) -> float:
    """The CUSUM decision limit h at which the combined CUSUM and Shewhart scheme has the
    in-control ARL `target_arl` (Brook & Evans' Markov chain, solved for h)."""
    if shewhart_z is not None:
        ceiling = 1 / stats.norm.sf(shewhart_z)
        if target_arl >= ceiling:
            raise ValueError("the Shewhart rule alone alarms more often than the target allows")
    if target_arl <= 1:
        raise ValueError("the target ARL must exceed one period")
    return float(
        optimize.brentq(lambda h: markov_arl(h, k, 0.0, shewhart_z) - target_arl, 1e-3, 50.0)
    )


# --- the rules over a stream --------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodStatus:
    period: str
    value: float | None
    lower: float | None
    upper: float | None
    z: float | None
    cusum: float
    status: str
    rules: tuple[str, ...] = field(default_factory=tuple)
    se: float | None = None
    n: float = 0

    def as_dict(self) -> dict:
        return {
            "period": self.period,
            "value": _rounded(self.value),
            "lower": _rounded(self.lower),
            "upper": _rounded(self.upper),
            "status": self.status,
            "rules": list(self.rules),
        }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def harmful(z: float, direction: str) -> list[float]:
    """The deviations to watch, positive when harmful: one for a one-sided metric, two (too low,
    too high) for one watched both ways."""
    if direction == HIGHER_IS_BETTER:
        return [-z]
    if direction == LOWER_IS_BETTER:
        return [z]
    return [-z, z]


def iter_statuses(
    observations: Iterable[Observation],
    *,
    direction: str = HIGHER_IS_BETTER,
    minimum: float | None = None,
    design: Design | None = None,
) -> Iterator[PeriodStatus]:
    """The status of each period in order, lazily (a simulation may stop at the first alarm).
    Periods whose `z` cannot be computed leave the CUSUM where it was and are `ok` unless the
    minimum rule fires."""
    if design is None:
        design = Design(two_sided=direction == BOTH_WAYS)
    h = design.h
    sides = 2 if direction == BOTH_WAYS else 1
    sums = [0.0] * sides
    for obs in observations:
        rules: list[str] = []
        if obs.z is not None:
            deviations = harmful(obs.z, direction)
            for side, x in enumerate(deviations):
                sums[side] = max(0.0, sums[side] + x - design.k)
            worst = max(deviations)
            if worst > design.shewhart_z:
                rules.append(SHEWHART)
            elif worst > design.warning_z:
                rules.append(SHEWHART_WARNING)
            if max(sums) > h:
                rules.append(CUSUM)
            elif max(sums) > h / 2:
                rules.append(CUSUM_WARNING)
        rules.extend(_minimum_rules(obs, minimum, direction))
        shown = max(sums)
        if CUSUM in rules:
            sums = [0.0] * sides  # restart: the next alarm is a new signal
        status = ALARM if ALARM_RULES.intersection(rules) else WATCH if rules else OK
        yield PeriodStatus(
            obs.period,
            obs.value,
            obs.lower,
            obs.upper,
            obs.z,
            shown,
            status,
            tuple(rules),
            obs.se,
            obs.n,
        )


def _minimum_rules(obs: Observation, minimum: float | None, direction: str) -> list[str]:
    if minimum is None or obs.value is None:
        return []
    if direction == LOWER_IS_BETTER:  # the "minimum" is then a maximum acceptable value
        bound = obs.lower if obs.lower is not None else obs.value
        if bound > minimum:
            return [BELOW_MINIMUM]
        return [MINIMUM_WARNING] if obs.value > minimum else []
    if direction == BOTH_WAYS:
        return []
    bound = obs.upper if obs.upper is not None else obs.value
    if bound < minimum:
        return [BELOW_MINIMUM]
    return [MINIMUM_WARNING] if obs.value < minimum else []


def evaluate(
    observations: Iterable[Observation],
    *,
    direction: str = HIGHER_IS_BETTER,
    minimum: float | None = None,
    design: Design | None = None,
) -> list[PeriodStatus]:
    return list(iter_statuses(observations, direction=direction, minimum=minimum, design=design))


def first_alarm(statuses: Iterable[PeriodStatus]) -> str | None:
    return next((s.period for s in statuses if s.status == ALARM), None)


def worst_status(statuses: Iterable[str]) -> str:
    return max(statuses, key=SEVERITY.__getitem__, default=OK)


# --- classification metrics from a period's confusion counts --------------------------------


@dataclass(frozen=True)
class ConfusionCounts:
    """A period's aggregate counts at the locked operating point (never patient-level data)."""

    period: str
    tp: int
    fp: int
    tn: int
    fn: int
    expected_positives: float | None = None

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.tn + self.fn


CLASSIFICATION_METRICS = ("sensitivity", "specificity", "ppv", "npv", "oe_ratio")
# metric -> (successes, trials) from the counts
_PROPORTIONS = {
    "sensitivity": lambda c: (c.tp, c.tp + c.fn),
    "specificity": lambda c: (c.tn, c.tn + c.fp),
    "ppv": lambda c: (c.tp, c.tp + c.fp),
    "npv": lambda c: (c.tn, c.tn + c.fn),
}


def classification_observations(
    metric: str, counts: Iterable[ConfusionCounts], baseline: float | None
) -> list[Observation]:
    """The periods of one classification metric. The O/E ratio compares the observed positives
    (tp + fn) with the sum of the predicted probabilities."""
    if metric == "oe_ratio":
        return [
            oe_ratio(c.period, c.tp + c.fn, c.expected_positives or 0.0, baseline or 1.0)
            for c in counts
        ]
    split = _PROPORTIONS[metric]
    return [proportion(c.period, *split(c), baseline) for c in counts]


def check_classification(
    counts: list[ConfusionCounts],
    *,
    baseline: dict[str, float],
    minimum: dict[str, float] | None = None,
    target_arl: float = DEFAULT_TARGET_ARL,
) -> dict[str, list[PeriodStatus]]:
    """Every classification metric over the periods in order: sensitivity, specificity, PPV and
    NPV always (a metric without a baseline gets its values and the minimum rule, not the
    control-chart rules, which need a baseline), the O/E ratio when the periods carry expected
    positives (baseline 1 unless told)."""
    minimum = minimum or {}
    results = {}
    has_expected = any(c.expected_positives is not None for c in counts)
    for metric in CLASSIFICATION_METRICS:
        if metric == "oe_ratio":
            if not has_expected:
                continue
            base = baseline.get("oe_ratio", 1.0)
            direction = BOTH_WAYS
        else:
            base = baseline.get(metric)
            direction = HIGHER_IS_BETTER
        design = Design(target_arl=target_arl, two_sided=direction == BOTH_WAYS)
        results[metric] = evaluate(
            classification_observations(metric, counts, base),
            direction=direction,
            minimum=minimum.get(metric),
            design=design,
        )
    return results
