"""Reading a project's monitoring: the plan in force, the periods received and missing, each
metric's statuses, and the incidents."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from procurement.models import Project
from validation.criteria import METRICS as VALIDATION_METRICS
from validation.kinds import Direction, Phase
from validation.metrics.intervals import Estimate
from validation.models import Criterion, PhaseResult

from . import rules
from .metrics import DEFAULT_METRICS, METRICS
from .models import Alarm, Incident, MonitoringPlan, PeriodData
from .periods import Period, expected_periods, parse_period
from .services import evaluate_plan


@dataclass
class MetricState:
    key: str
    label: str
    digits: int
    baseline: float
    minimum: float | None
    statuses: list[rules.PeriodStatus]
    design: rules.Design

    @property
    def latest(self) -> rules.PeriodStatus | None:
        return self.statuses[-1] if self.statuses else None

    @property
    def status(self) -> str:
        return self.latest.status if self.latest else rules.OK


@dataclass
class MonitoringState:
    project: Project
    plan: MonitoringPlan | None
    pending: MonitoringPlan | None
    plans: list[MonitoringPlan]
    periods: list[PeriodData]
    missing: list[Period]
    metrics: list[MetricState] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)
    alarms: list[Alarm] = field(default_factory=list)

    @property
    def open_incidents(self) -> list[Incident]:
        return [incident for incident in self.incidents if incident.is_open]

    @property
    def overall(self) -> str:
        statuses = [metric.status for metric in self.metrics]
        if self.open_incidents:
            statuses.append(rules.ALARM)
        if self.missing:
            statuses.append(rules.WATCH)
        return rules.worst_status(statuses)

    @property
    def is_demo(self) -> bool:
        return any(p.is_demo for p in self.periods) or bool(self.plan and self.plan.is_demo)


def missing_periods(
    plan: MonitoringPlan, received: set[str], today: datetime.date | None = None
) -> list[Period]:
    """The plan's periods whose data are due (the period ended more than `grace_days` ago) and
    have not arrived."""
    today = today or timezone.localdate()
    first = parse_period(plan.first_period, plan.period)
    return [p for p in expected_periods(first, today, plan.grace_days) if p.label not in received]


def load_state(project: Project, *, today: datetime.date | None = None) -> MonitoringState:
    plans = list(
        MonitoringPlan.objects.filter(project=project)
        .select_related("proposed_by", "approved_by")
        .prefetch_related("metrics", "recipients")
        .order_by("version")
    )
    plan = next((p for p in reversed(plans) if p.is_approved), None)
    pending = next((p for p in plans if not p.is_approved), None)
    periods = []
    missing = []
    metrics = []
    if plan is not None:
        periods = list(
            PeriodData.objects.filter(project=project, source=plan.source).order_by("period_start")
        )
        missing = missing_periods(plan, {p.period for p in periods}, today)
        for key, (plan_metric, statuses) in evaluate_plan(plan, periods).items():
            definition = METRICS[key]
            metrics.append(
                MetricState(
                    key,
                    str(definition.label),
                    definition.digits,
                    float(plan_metric.baseline),
                    None if plan_metric.minimum is None else float(plan_metric.minimum),
                    statuses,
                    rules.Design(target_arl=float(plan.target_arl), two_sided=definition.two_sided),
                )
            )
    incidents = list(
        Incident.objects.filter(project=project)
        .select_related("assessed_by", "decided_by")
        .prefetch_related("alarms")
    )
    alarms = list(Alarm.objects.filter(project=project))
    return MonitoringState(
        project, plan, pending, plans, periods, missing, metrics, incidents, alarms
    )


def prefill(project: Project, source: str) -> dict[str, dict]:
    """Baselines from the project's own validation results (prospective before retrospective)
    and minimums from its current acceptance criteria, per monitored metric."""
    results = {r.phase: r.data for r in PhaseResult.objects.filter(project=project) if r.data}
    criteria = list(
        Criterion.objects.filter(project=project, replaced_by__isnull=True, withdrawn=False)
    )
    suggestions = {}
    for key in DEFAULT_METRICS.get(source, ()) + tuple(
        k for k, m in METRICS.items() if m.source == source and k not in DEFAULT_METRICS[source]
    ):
        metric = METRICS[key]
        entry: dict = {}
        if metric.default_baseline is not None:
            entry["baseline"] = metric.default_baseline
            entry["baseline_source"] = "default"
        for phase in (Phase.PROSPECTIVE, Phase.RETROSPECTIVE):
            kind_results = results.get(phase, {}).get(metric.validation_kind or "", {})
            estimate = Estimate.from_dict(
                kind_results.get("pooled", {}).get("metrics", {}).get(metric.validation_metric)
                if kind_results
                else None
            )
            if estimate.estimate is not None:
                entry["baseline"] = round(estimate.estimate, 4)
                entry["baseline_source"] = f"validation:{phase}"
                break
        for phase in (Phase.PROSPECTIVE, Phase.RETROSPECTIVE):
            matching = [
                c
                for c in criteria
                if c.phase == phase
                and c.metric == metric.validation_metric
                and c.metric in VALIDATION_METRICS
                and c.direction
                == (
                    Direction.AT_MOST
                    if metric.direction == rules.LOWER_IS_BETTER
                    else Direction.AT_LEAST
                )
            ]
            if matching:
                entry["minimum"] = float(matching[-1].threshold)
                entry["minimum_source"] = f"criterion:{phase}"
                break
        suggestions[key] = entry
    return suggestions
