"""The metrics an acceptance criterion can name, and the verdict: pure functions of the criteria
and the computed results (no database).

A criterion is judged on the 95 % confidence bound by default — the lower bound for "≥", the upper
bound for "≤" — or on the point estimate when the team chose so. With "every site and subgroup",
each site's and each subgroup's value must meet it too, not only the pooled value.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .kinds import Direction, JudgedOn, UploadKind
from .metrics.intervals import Estimate

MET = "met"
NOT_MET = "not_met"
NOT_EVALUABLE = "not_evaluable"
INCOMPLETE = "incomplete"  # overall: no criteria or no results yet


@dataclass(frozen=True)
class Metric:
    key: str
    label: object  # lazy translation
    kind: str
    digits: int  # decimals shown


METRICS: dict[str, Metric] = {
    metric.key: metric
    for metric in (
        Metric("auroc", gettext_lazy("AUROC"), UploadKind.CLASSIFICATION, 3),
        Metric("sensitivity", gettext_lazy("sensitivity"), UploadKind.CLASSIFICATION, 3),
        Metric("specificity", gettext_lazy("specificity"), UploadKind.CLASSIFICATION, 3),
        Metric(
            "ppv",
            gettext_lazy("positive predictive value (PPV)"),
            UploadKind.CLASSIFICATION,
            3,
        ),
        Metric(
            "npv",
            gettext_lazy("negative predictive value (NPV)"),
            UploadKind.CLASSIFICATION,
            3,
        ),
        Metric("brier", gettext_lazy("Brier score"), UploadKind.CLASSIFICATION, 3),
        Metric(
            "calibration_intercept",
            gettext_lazy("calibration-in-the-large (intercept)"),
            UploadKind.CLASSIFICATION,
            2,
        ),
        Metric(
            "calibration_slope",
            gettext_lazy("calibration slope"),
            UploadKind.CLASSIFICATION,
            2,
        ),
        Metric("pdqi9_total", gettext_lazy("PDQI-9 total score (9–45)"), UploadKind.PDQI9, 1),
        Metric(
            "pdqi9_item_mean",
            gettext_lazy("PDQI-9 mean item score (1–5)"),
            UploadKind.PDQI9,
            2,
        ),
        Metric(
            "icc_2_1",
            gettext_lazy("inter-rater agreement ICC(2,1) of PDQI-9 totals"),
            UploadKind.PDQI9,
            2,
        ),
        Metric(
            "hallucinations_per_note",
            gettext_lazy("hallucinations per note"),
            UploadKind.ERRORS,
            3,
        ),
        Metric(
            "major_hallucinations_per_note",
            gettext_lazy("major hallucinations per note (could harm the patient)"),
            UploadKind.ERRORS,
            3,
        ),
        Metric("omissions_per_note", gettext_lazy("omissions per note"), UploadKind.ERRORS, 3),
        Metric(
            "major_omissions_per_note",
            gettext_lazy("major omissions per note"),
            UploadKind.ERRORS,
            3,
        ),
        Metric(
            "time_saved_minutes",
            gettext_lazy("documentation time saved per encounter (minutes)"),
            UploadKind.TIME,
            1,
        ),
        Metric(
            "time_saved_percent",
            gettext_lazy("documentation time saved (%)"),
            UploadKind.TIME,
            1,
        ),
        Metric(
            "uptake",
            gettext_lazy("uptake (share of encounters where the scribe was used)"),
            UploadKind.TIME,
            2,
        ),
    )
}

METRIC_CHOICES = [(metric.key, metric.label) for metric in METRICS.values()]


@dataclass(frozen=True)
class CriterionSpec:
    """What the verdict needs of a criterion (the model has more: who, when, why)."""

    id: int
    metric: str
    direction: str
    threshold: Decimal | float
    judged_on: str = JudgedOn.BOUND
    every_group: bool = False


@dataclass
class GroupValue:
    label: str
    estimate: Estimate
    judged: float | None
    met: bool | None  # None: not evaluable


@dataclass
class CriterionVerdict:
    spec: CriterionSpec
    status: str
    pooled: GroupValue | None = None
    groups: list[GroupValue] = field(default_factory=list)

    @property
    def failing(self) -> list[GroupValue]:
        return [group for group in self.groups if group.met is False]

    @property
    def undecided(self) -> list[GroupValue]:
        """Sites and subgroups whose value cannot be judged: no results yet, or too few."""
        return [group for group in self.groups if group.met is None]


def judged_value(estimate: Estimate, direction: str, judged_on: str) -> float | None:
    if judged_on == JudgedOn.POINT:
        return estimate.estimate
    return estimate.ci_low if direction == Direction.AT_LEAST else estimate.ci_high


def meets(value: float | None, direction: str, threshold) -> bool | None:
    if value is None:
        return None
    threshold = float(threshold)
    return value >= threshold if direction == Direction.AT_LEAST else value <= threshold


def _group_value(label: str, result: dict | None, spec: CriterionSpec) -> GroupValue:
    estimate = Estimate.from_dict((result or {}).get("metrics", {}).get(spec.metric))
    value = judged_value(estimate, spec.direction, spec.judged_on)
    return GroupValue(label, estimate, value, meets(value, spec.direction, spec.threshold))


def group_results(kind_results: dict) -> list[tuple[str, dict]]:
    """(label, result) for every site and subgroup level of one kind's results."""
    rows = [(site["name"], site["result"]) for site in kind_results.get("sites", [])]
    rows += [
        (f"{group['column']} = {group['level']}", group["result"])
        for group in kind_results.get("subgroups", [])
    ]
    return rows


def judge(
    spec: CriterionSpec, results: dict, expected_sites: Sequence[str] = ()
) -> CriterionVerdict:
    """One criterion against the phase's results ({kind: {pooled, sites, waves, subgroups}}).

    A criterion judged at every site is judged at every site meant to deliver data
    (`expected_sites`) too: one without results leaves it undecided, never met."""
    metric = METRICS[spec.metric]
    kind_results = results.get(metric.kind)
    if not kind_results:
        return CriterionVerdict(spec, NOT_EVALUABLE)
    pooled = _group_value(_("pooled"), kind_results["pooled"], spec)
    groups = []
    if spec.every_group:
        groups = [
            _group_value(label, result, spec) for label, result in group_results(kind_results)
        ]
        with_results = {site["name"] for site in kind_results.get("sites", [])}
        groups += [
            _group_value(name, None, spec) for name in expected_sites if name not in with_results
        ]
    values = [pooled, *groups]
    if any(value.met is None for value in values):
        status = NOT_EVALUABLE
    elif all(value.met for value in values):
        status = MET
    else:
        status = NOT_MET
    return CriterionVerdict(spec, status, pooled, groups)


def overall(verdicts: list[CriterionVerdict], has_results: bool) -> str:
    if not verdicts or not has_results:
        return INCOMPLETE
    return MET if all(v.status == MET for v in verdicts) else NOT_MET


def describe(spec: CriterionSpec) -> str:
    """ "AUROC ≥ 0.80, on the lower 95 % confidence bound, pooled and at every site" """
    metric = METRICS[spec.metric]
    if spec.judged_on == JudgedOn.POINT:
        basis = _("on the point estimate")
    elif spec.direction == Direction.AT_LEAST:
        # xgettext:no-python-format
        basis = _("on the lower 95 % confidence bound")
    else:
        # xgettext:no-python-format
        basis = _("on the upper 95 % confidence bound")
    scope = _("pooled and at every site and subgroup") if spec.every_group else _("pooled")
    return _("%(metric)s %(direction)s %(threshold)s, %(basis)s, %(scope)s") % {
        "metric": metric.label,
        "direction": Direction(spec.direction).label,
        "threshold": format_threshold(spec.threshold),
        "basis": basis,
        "scope": scope,
    }


def format_threshold(value) -> str:
    from django.utils.formats import number_format

    number = Decimal(str(value)).normalize()
    places = max(0, -number.as_tuple().exponent)
    return number_format(number, decimal_pos=places, use_l10n=True)
