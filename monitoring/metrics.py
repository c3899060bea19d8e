"""The metrics a monitoring plan can follow: where each one's period values come from (the
aggregates of one data source), which way is harmful, and which validation result and
acceptance criterion pre-fill its baseline and minimum. Pure: no models.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from validation.kinds import UploadKind

from . import rules
from .parsing import CLASSIFICATION, SCRIBE


@dataclass(frozen=True)
class MonitoredMetric:
    key: str
    label: object  # lazy translation
    source: str  # the data source whose periods hold its aggregates
    direction: str
    observe: Callable[[str, dict, float | None], rules.Observation | None]
    digits: int = 3
    validation_kind: str | None = None  # the validation results that pre-fill the baseline
    validation_metric: str | None = None
    default_baseline: float | None = None

    @property
    def two_sided(self) -> bool:
        return self.direction == rules.BOTH_WAYS


def _proportion(successes: Callable, trials: Callable):
    def observe(period, values, baseline):
        n = trials(values)
        if n is None:
            return None
        return rules.proportion(period, successes(values), n, baseline)

    return observe


def _oe(period, values, baseline):
    expected = values.get("expected_positives")
    if expected is None:
        return None
    return rules.oe_ratio(period, values["tp"] + values["fn"], expected, baseline or 1.0)


def _auroc(period, values, baseline):
    if values.get("auroc") is None:
        return None
    positives, negatives = values["tp"] + values["fn"], values["tn"] + values["fp"]
    return rules.auroc(period, values["auroc"], positives, negatives, baseline)


def _rate(column: str):
    def observe(period, values, baseline):
        if values.get(column) is None or not values.get("notes"):
            return None
        return rules.rate(period, values[column], values["notes"], baseline or 0.0)

    return observe


def _mean(prefix: str, n_column: str):
    def observe(period, values, baseline):
        mean, sd, n = values.get(f"{prefix}_mean"), values.get(f"{prefix}_sd"), values.get(n_column)
        if mean is None or not n:
            return None
        return rules.mean(period, mean, sd or 0.0, n, baseline if baseline is not None else mean)

    return observe


def _get(name):
    return lambda values: values.get(name)


def _sum(*names):
    def total(values):
        parts = [values.get(name) for name in names]
        return None if any(part is None for part in parts) else sum(parts)

    return total


METRICS: dict[str, MonitoredMetric] = {
    metric.key: metric
    for metric in (
        MonitoredMetric(
            "sensitivity",
            gettext_lazy("sensitivity"),
            CLASSIFICATION,
            rules.HIGHER_IS_BETTER,
            _proportion(_get("tp"), _sum("tp", "fn")),
            validation_kind=UploadKind.CLASSIFICATION,
            validation_metric="sensitivity",
        ),
        MonitoredMetric(
            "specificity",
            gettext_lazy("specificity"),
            CLASSIFICATION,
            rules.HIGHER_IS_BETTER,
            _proportion(_get("tn"), _sum("tn", "fp")),
            validation_kind=UploadKind.CLASSIFICATION,
            validation_metric="specificity",
        ),
        MonitoredMetric(
            "ppv",
            gettext_lazy("positive predictive value (PPV)"),
            CLASSIFICATION,
            rules.HIGHER_IS_BETTER,
            _proportion(_get("tp"), _sum("tp", "fp")),
            validation_kind=UploadKind.CLASSIFICATION,
            validation_metric="ppv",
        ),
        MonitoredMetric(
            "npv",
            gettext_lazy("negative predictive value (NPV)"),
            CLASSIFICATION,
            rules.HIGHER_IS_BETTER,
            _proportion(_get("tn"), _sum("tn", "fn")),
            validation_kind=UploadKind.CLASSIFICATION,
            validation_metric="npv",
        ),
        MonitoredMetric(
            "oe_ratio",
            gettext_lazy("observed/expected events (calibration)"),
            CLASSIFICATION,
            rules.BOTH_WAYS,
            _oe,
            digits=2,
            default_baseline=1.0,
        ),
        MonitoredMetric(
            "auroc",
            gettext_lazy("AUROC (when the product sends scores)"),
            CLASSIFICATION,
            rules.HIGHER_IS_BETTER,
            _auroc,
            validation_kind=UploadKind.CLASSIFICATION,
            validation_metric="auroc",
        ),
        MonitoredMetric(
            "alert_rate",
            gettext_lazy("alert rate (share of cases flagged)"),
            CLASSIFICATION,
            rules.BOTH_WAYS,
            _proportion(_get("alerts"), _get("n")),
        ),
        MonitoredMetric(
            "pdqi9_mean",
            gettext_lazy("PDQI-9 total score, mean of the monthly sample"),
            SCRIBE,
            rules.HIGHER_IS_BETTER,
            _mean("pdqi9", "pdqi9_n"),
            digits=1,
            validation_kind=UploadKind.PDQI9,
            validation_metric="pdqi9_total",
        ),
        MonitoredMetric(
            "omissions_per_note",
            gettext_lazy("omissions per note"),
            SCRIBE,
            rules.LOWER_IS_BETTER,
            _rate("omissions"),
            validation_kind=UploadKind.ERRORS,
            validation_metric="omissions_per_note",
        ),
        MonitoredMetric(
            "hallucinations_per_note",
            gettext_lazy("hallucinations per note"),
            SCRIBE,
            rules.LOWER_IS_BETTER,
            _rate("hallucinations"),
            validation_kind=UploadKind.ERRORS,
            validation_metric="hallucinations_per_note",
        ),
        MonitoredMetric(
            "time_saved_minutes",
            gettext_lazy("documentation time saved per encounter (minutes)"),
            SCRIBE,
            rules.HIGHER_IS_BETTER,
            _mean("time_saved", "time_n"),
            digits=1,
            validation_kind=UploadKind.TIME,
            validation_metric="time_saved_minutes",
        ),
        MonitoredMetric(
            "uptake",
            gettext_lazy("uptake (share of encounters with the scribe)"),
            SCRIBE,
            rules.HIGHER_IS_BETTER,
            _proportion(_get("encounters_with_scribe"), _get("encounters")),
            validation_kind=UploadKind.TIME,
            validation_metric="uptake",
        ),
    )
}

METRIC_CHOICES = [(metric.key, metric.label) for metric in METRICS.values()]
SOURCE_CHOICES = [
    (CLASSIFICATION, gettext_lazy("classification counts")),
    (SCRIBE, gettext_lazy("ambient scribe figures")),
]
DEFAULT_METRICS = {
    CLASSIFICATION: ("sensitivity", "specificity", "ppv", "npv", "oe_ratio"),
    SCRIBE: ("pdqi9_mean", "omissions_per_note", "hallucinations_per_note", "uptake"),
}


def evaluate_metric(
    metric: MonitoredMetric,
    periods: list[tuple[str, dict]],
    *,
    baseline: float | None,
    minimum: float | None,
    target_arl: float = rules.DEFAULT_TARGET_ARL,
) -> list[rules.PeriodStatus]:
    """The statuses of one metric over (period label, aggregates) in period order; periods
    without the metric's figures are left out."""
    observations = [
        obs
        for obs in (metric.observe(label, values, baseline) for label, values in periods)
        if obs is not None
    ]
    design = rules.Design(target_arl=target_arl, two_sided=metric.two_sided)
    return rules.evaluate(observations, direction=metric.direction, minimum=minimum, design=design)
