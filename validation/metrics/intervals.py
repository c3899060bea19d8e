"""Confidence intervals (95 % unless told otherwise)."""

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import stats

CONFIDENCE = 0.95
Z95 = float(stats.norm.ppf(0.5 + CONFIDENCE / 2))  # 1.959963984540054


@dataclass(frozen=True)
class Estimate:
    """A point estimate and its confidence interval; any part may be None (not computable)."""

    estimate: float | None
    ci_low: float | None = None
    ci_high: float | None = None

    def as_dict(self) -> dict:
        return {"estimate": self.estimate, "ci_low": self.ci_low, "ci_high": self.ci_high}

    @classmethod
    def from_dict(cls, data: dict | None) -> "Estimate":
        if not data:
            return NOT_COMPUTABLE
        return cls(data.get("estimate"), data.get("ci_low"), data.get("ci_high"))


NOT_COMPUTABLE = Estimate(None, None, None)


def finite_or_none(value) -> float | None:
    """A plain float for JSON, or None for NaN, infinity and None."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def wilson(successes: int, n: int, z: float = Z95) -> Estimate:
    """A proportion with the Wilson score interval, without continuity correction
    (Newcombe 1998, method 3)."""
    if n <= 0:
        return NOT_COMPUTABLE
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    # At 0 and n the closed form can land a rounding error outside [0, 1].
    return Estimate(p, max(0.0, centre - half), min(1.0, centre + half))


def poisson_rate(events: int, exposure: float, confidence: float = CONFIDENCE) -> Estimate:
    """Events per unit of exposure (e.g. errors per note) with the exact (Garwood) interval from
    the chi-square distribution."""
    if exposure <= 0:
        return NOT_COMPUTABLE
    alpha = 1 - confidence
    low = 0.0 if events == 0 else _chi2_quantile(alpha / 2, 2 * events) / 2
    high = _chi2_quantile(1 - alpha / 2, 2 * events + 2) / 2
    return Estimate(events / exposure, float(low) / exposure, float(high) / exposure)


def mean_t(values, confidence: float = CONFIDENCE) -> Estimate:
    """A mean with the t interval; the interval needs at least two values."""
    values = np.asarray(values, dtype=float)
    n = values.size
    if n == 0:
        return NOT_COMPUTABLE
    mean = float(values.mean())
    if n < 2:
        return Estimate(mean)
    se = float(values.std(ddof=1)) / math.sqrt(n)
    half = _t_quantile(0.5 + confidence / 2, n - 1) * se
    return Estimate(mean, mean - half, mean + half)


def mean_normal(value: float, sd: float, n: int, z: float = Z95) -> Estimate:
    """A mean known only by its summary (mean, standard deviation, n), with the normal interval
    mean ± z·sd/√n (the aggregates a monitoring period reports; no raw values)."""
    if n <= 0:
        return NOT_COMPUTABLE
    if n < 2 or sd <= 0:
        return Estimate(float(value))
    half = z * sd / math.sqrt(n)
    return Estimate(float(value), value - half, value + half)


# Quantiles are asked for the same few degrees of freedom again and again (every site, every
# item): scipy's ppf is slow enough per call to be worth remembering.
@lru_cache(maxsize=4096)
def _t_quantile(probability: float, df: int) -> float:
    return float(stats.t.ppf(probability, df))


@lru_cache(maxsize=4096)
def _chi2_quantile(probability: float, df: int) -> float:
    return float(stats.chi2.ppf(probability, df))
