"""Every change to a project's monitoring goes through these functions.

Each one opens a transaction, locks the project row, re-checks who may do it and whether the
monitoring stage is open *after* the lock, writes, and journals the change
(`procurement.journal.record`) in the same transaction; nothing is written when a check fails.

When period data arrive (`ingest_period`, also the service the push API will call), the rules
run over the source's periods in the same transaction: an alarm that has not been raised before
is written with the incident it opens (or joins), and journalled as `monitoring_alarm`, which
the notifications route to the plan's recipients. Sending the same period again with the same
figures changes nothing; with other figures it replaces them, and an alarm already raised for
that period stays raised (an alarm is a fact of its time, not a cache).
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from checklists.models import Stage
from procurement import journal
from procurement.guards import lock_project, require_tool_open
from procurement.models import Action, Project
from procurement.permissions import roles_of
from procurement.transitions import TransitionBlocked, perform_transition
from validation.parsing import ParseError

from . import rules
from .labels import rule_label
from .metrics import METRICS, evaluate_metric
from .models import (
    Alarm,
    Decision,
    Incident,
    MonitoringPlan,
    PeriodData,
    PlanMetric,
    Via,
)
from .parsing import FORMATS, PeriodRow, check_values, parse_periods
from .periods import PeriodError, parse_period
from .permissions import can_approve_plan, can_assess, can_contribute, can_decide

TOOL = "monitoring"

NO_MONITORING_STAGE = gettext_noop("This project's pathway has no monitoring stage.")
NO_PLAN = gettext_noop("Make and approve a monitoring plan before data can be received.")
PLAN_PENDING = gettext_noop("A plan change is already waiting for approval.")
PLAN_REASON_REQUIRED = gettext_noop("Give the reason for changing the monitoring plan.")
PLAN_SELF_APPROVAL = gettext_noop("The person who proposed a plan cannot approve it.")
PLAN_APPROVED = gettext_noop("This plan version is already approved.")
PLAN_NO_METRICS = gettext_noop("Choose at least one metric to monitor.")
BASELINE_REASON_REQUIRED = gettext_noop(
    "%(metric)s: the baseline differs from the validation result (%(value)s); give the reason."
)
WRONG_SOURCE_METRIC = gettext_noop("%(metric)s cannot be computed from %(source)s.")
INCIDENT_DECIDED = gettext_noop("This incident has already been decided.")
INCIDENT_NOT_ASSESSED = gettext_noop(
    "The AI competence unit must assess the incident before it is decided."
)
INCIDENT_FOUR_EYES = gettext_noop(
    "The person who assessed the incident cannot also decide it: another person decides."
)
DECISION_REASON_REQUIRED = gettext_noop("Give the reason for the decision.")


def _locked_open(project: Project) -> tuple[Project, Stage]:
    """The locked project and its monitoring stage, if monitoring may change now: while the
    project is active (a plan and pilot data may come before the monitoring stage, e.g. for a
    wave still in prospective validation)."""
    project = lock_project(project)
    stage = project.tool_stage(TOOL)
    if stage is None:
        raise ValidationError(_(NO_MONITORING_STAGE))
    require_tool_open(project, TOOL)
    return project, stage


def current_plan(project: Project) -> MonitoringPlan | None:
    return (
        MonitoringPlan.objects.filter(project=project, approved_by__isnull=False)
        .order_by("-version")
        .first()
    )


def pending_plan(project: Project) -> MonitoringPlan | None:
    return MonitoringPlan.objects.filter(project=project, approved_by__isnull=True).first()


def incident_link(project: Project, incident: Incident) -> str:
    return reverse("monitoring:incident", args=[project.pk, incident.pk])


# --- the plan ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MetricSpec:
    metric: str
    baseline: Decimal
    minimum: Decimal | None = None
    baseline_reason: str = ""


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValidationError(_("Not a number.")) from exc
    if not number.is_finite():
        raise ValidationError(_("Not a number."))
    return number


@transaction.atomic
def propose_plan(
    *,
    project: Project,
    by,
    source: str,
    period: str,
    first_period: str,
    agreed_actions: str,
    metrics: list[MetricSpec],
    recipients=(),
    grace_days: int = 15,
    target_arl: int = 100,
    reason: str = "",
    prefill: dict | None = None,
    is_demo: bool = False,
) -> MonitoringPlan:
    """A new plan version, waiting for an innovation consultant's approval. Refused: without
    metrics, with a metric the source cannot give, without a reason once a plan exists, with a
    baseline that differs from the validation result (`prefill`) without its reason, and while
    another change waits for approval."""
    project, _stage = _locked_open(project)
    if not can_contribute(project, by):
        raise PermissionDenied
    if pending_plan(project) is not None:
        raise ValidationError(_(PLAN_PENDING))
    previous = current_plan(project)
    reason = reason.strip()
    if previous is not None and not reason:
        raise ValidationError(_(PLAN_REASON_REQUIRED))
    if source not in FORMATS:
        raise ValidationError(_("Unknown data source."))
    try:
        first = parse_period(first_period, period)
    except PeriodError as exc:
        raise ValidationError(str(exc)) from exc
    if not metrics:
        raise ValidationError(_(PLAN_NO_METRICS))
    prefill = prefill or {}
    rows = []
    for spec in metrics:
        definition = METRICS.get(spec.metric)
        if definition is None or definition.source != source:
            raise ValidationError(
                _(WRONG_SOURCE_METRIC) % {"metric": spec.metric, "source": source}
            )
        suggested = prefill.get(spec.metric, {})
        suggested_value = _decimal(suggested.get("baseline"))
        baseline = _decimal(spec.baseline)
        if baseline is None:
            raise ValidationError(_("%(metric)s: give a baseline.") % {"metric": definition.label})
        baseline_reason = spec.baseline_reason.strip()
        if suggested_value is not None and baseline.quantize(Decimal("0.0001")) != (
            suggested_value.quantize(Decimal("0.0001"))
        ):
            if not baseline_reason:
                raise ValidationError(
                    _(BASELINE_REASON_REQUIRED)
                    % {"metric": definition.label, "value": suggested_value.normalize()}
                )
            baseline_source = _("changed: %(reason)s") % {"reason": baseline_reason}
        elif suggested_value is not None:
            baseline_source = suggested.get("baseline_source", "")
        else:
            baseline_source = baseline_reason or _("set in the plan")
        minimum = _decimal(spec.minimum)
        rows.append(
            PlanMetric(
                metric=spec.metric,
                baseline=baseline,
                baseline_source=baseline_source[:200],
                minimum=minimum,
                minimum_source=(
                    suggested.get("minimum_source", "")
                    if minimum is not None and minimum == _decimal(suggested.get("minimum"))
                    else ""
                )[:200],
            )
        )
    if len({row.metric for row in rows}) != len(rows):
        raise ValidationError(_("Each metric can be in the plan once."))
    plan = MonitoringPlan.objects.create(
        project=project,
        version=(previous.version + 1) if previous else 1,
        source=source,
        period=period,
        first_period=first.label,
        grace_days=grace_days,
        target_arl=target_arl,
        agreed_actions=agreed_actions.strip(),
        reason=reason,
        replaces=previous,
        proposed_by=by,
        is_demo=is_demo,
    )
    for row in rows:
        row.plan = plan
    PlanMetric.objects.bulk_create(rows)
    plan.recipients.set(list(recipients))
    journal.record(
        project=project,
        action=Action.MONITORING_PLAN,
        by=by,
        subject=f"v{plan.version}",
        before=plan_data(previous) if previous else None,
        after=plan_data(plan),
        comment=reason,
    )
    return plan


def plan_data(plan: MonitoringPlan) -> dict:
    return {
        "version": plan.version,
        "source": plan.source,
        "period": plan.period,
        "first_period": plan.first_period,
        "grace_days": plan.grace_days,
        "target_arl": plan.target_arl,
        "agreed_actions": plan.agreed_actions,
        "recipients": sorted(plan.recipients.values_list("pk", flat=True)),
        "metrics": [
            {
                "metric": m.metric,
                "baseline": str(m.baseline.normalize()),
                "baseline_source": m.baseline_source,
                "minimum": None if m.minimum is None else str(m.minimum.normalize()),
                "minimum_source": m.minimum_source,
            }
            for m in plan.metrics.all()
        ],
        "reason": plan.reason,
        "approved_by": str(plan.approved_by) if plan.approved_by_id else None,
    }


@transaction.atomic
def approve_plan(*, plan: MonitoringPlan, by) -> MonitoringPlan:
    """The plan version counts from now on; the rules run again over the data received so far
    with its baselines and limits."""
    project, _stage = _locked_open(plan.project)
    plan = MonitoringPlan.objects.select_for_update().get(pk=plan.pk)
    if not can_approve_plan(project, by, roles_of(project, by)):
        raise PermissionDenied
    if plan.is_approved:
        raise ValidationError(_(PLAN_APPROVED))
    if plan.proposed_by_id == by.pk:
        raise ValidationError(_(PLAN_SELF_APPROVAL))
    plan.approved_by = by
    plan.approved_at = timezone.now()
    plan.save(update_fields=["approved_by", "approved_at"])
    journal.record(
        project=project,
        action=Action.MONITORING_PLAN,
        by=by,
        subject=f"v{plan.version}",
        after=plan_data(plan),
    )
    _raise_alarms(project, plan, by)
    return plan


# --- data --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IngestResult:
    period: PeriodData
    changed: bool
    alarms: list[Alarm]


def _ingest(
    project: Project, plan: MonitoringPlan, period_text, values: dict, by, via: str, is_demo: bool
) -> tuple[PeriodData, bool]:
    try:
        period = parse_period(period_text, plan.period)
    except PeriodError as exc:
        raise ValidationError(str(exc)) from exc
    existing = PeriodData.objects.filter(
        project=project, source=plan.source, period=period.label
    ).first()
    if existing is not None and existing.values == values:
        return existing, False
    before = existing.values if existing else None
    if existing is None:
        row = PeriodData.objects.create(
            project=project,
            source=plan.source,
            period=period.label,
            period_start=period.start,
            values=values,
            via=via,
            is_demo=is_demo,
            entered_by=by,
        )
    else:
        existing.values, existing.via, existing.entered_by = values, via, by
        existing.is_demo = is_demo
        existing.save(update_fields=["values", "via", "entered_by", "is_demo", "entered_at"])
        row = existing
    journal.record(
        project=project,
        action=Action.MONITORING_DATA,
        by=by,
        subject=f"{plan.source} {period.label}",
        before=before,
        after={"period": period.label, "via": via, **values},
    )
    return row, True


@transaction.atomic
def ingest_period(
    *, project: Project, by, period: str, values: dict, via: str = Via.API, is_demo: bool = False
) -> IngestResult:
    """One period's aggregates (the push API's door; the form's too). Idempotent on (project,
    source, period): the same figures again change nothing and raise no second alarm. The
    figures are checked as an upload row is (`parsing.check_values`)."""
    project, _stage = _locked_open(project)
    if not can_contribute(project, by):
        raise PermissionDenied
    plan = current_plan(project)
    if plan is None:
        raise ValidationError(_(NO_PLAN))
    cleaned = check_values(plan.source, values)
    row, changed = _ingest(project, plan, period, cleaned, by, via, is_demo)
    alarms = _raise_alarms(project, plan, by) if changed else []
    return IngestResult(row, changed, alarms)


@transaction.atomic
def upload_periods(*, project: Project, by, data: bytes, filename: str) -> list[IngestResult]:
    """Every period of an uploaded CSV/XLSX file, or none: a ParseError (row and column named)
    or a refusal writes nothing."""
    project, _stage = _locked_open(project)
    if not can_contribute(project, by):
        raise PermissionDenied
    plan = current_plan(project)
    if plan is None:
        raise ValidationError(_(NO_PLAN))
    rows: list[PeriodRow] = parse_periods(data, filename, plan.source, period_kind=plan.period)
    changed = []
    for row in sorted(rows, key=lambda r: r.period):
        values = {k: v for k, v in row.values.items() if v is not None}
        period, was_changed = _ingest(
            project, plan, row.period.label, values, by, Via.UPLOAD, False
        )
        changed.append((period, was_changed))
    alarms = _raise_alarms(project, plan, by) if any(c for _p, c in changed) else []
    return [IngestResult(period, was_changed, alarms) for period, was_changed in changed]


def evaluate_plan(plan: MonitoringPlan, periods: list[PeriodData] | None = None) -> dict:
    """metric key -> (PlanMetric, [PeriodStatus]) over the plan's source's periods in order."""
    if periods is None:
        periods = list(
            PeriodData.objects.filter(project_id=plan.project_id, source=plan.source).order_by(
                "period_start"
            )
        )
    stream = [(p.period, p.values) for p in periods if _in_plan(p, plan)]
    results = {}
    for plan_metric in plan.metrics.all():
        definition = METRICS[plan_metric.metric]
        results[plan_metric.metric] = (
            plan_metric,
            evaluate_metric(
                definition,
                stream,
                baseline=float(plan_metric.baseline),
                minimum=None if plan_metric.minimum is None else float(plan_metric.minimum),
                target_arl=float(plan.target_arl),
            ),
        )
    return results


def _in_plan(period: PeriodData, plan: MonitoringPlan) -> bool:
    try:
        return parse_period(period.period).kind == plan.period
    except PeriodError:
        return False


def _raise_alarms(project: Project, plan: MonitoringPlan, by) -> list[Alarm]:
    """Write the alarms the rules raise now that were not raised before, each with its incident
    and its journal entry (in the caller's transaction)."""
    raised = set(Alarm.objects.filter(project=project).values_list("metric", "period"))
    recipients = sorted(plan.recipients.values_list("pk", flat=True))
    new = []
    for metric, (_plan_metric, statuses) in evaluate_plan(plan).items():
        for status in statuses:
            if status.status != rules.ALARM or (metric, status.period) in raised:
                continue
            incident = Incident.objects.filter(
                project=project, metric=metric, decided_by__isnull=True
            ).first()
            if incident is None:
                incident = Incident.objects.create(
                    project=project, metric=metric, period=status.period
                )
            alarm = Alarm.objects.create(
                project=project,
                plan=plan,
                incident=incident,
                metric=metric,
                period=status.period,
                rules=list(status.rules),
                value=status.value,
                lower=status.lower,
                upper=status.upper,
            )
            journal.record(
                project=project,
                action=Action.MONITORING_ALARM,
                by=by,
                subject=f"{metric} {status.period}",
                after={
                    "metric": str(METRICS[metric].label),
                    "metric_key": metric,
                    "period": status.period,
                    "rule": ", ".join(rule_label(rule) for rule in status.rules),
                    "rules": list(status.rules),
                    "value": None if status.value is None else round(status.value, 4),
                    "incident": incident.pk,
                    "recipients": recipients,
                    "link": incident_link(project, incident),
                },
            )
            new.append(alarm)
    return new


# --- incidents ---------------------------------------------------------------------------------


def _locked_incident(incident: Incident) -> tuple[Project, Incident]:
    project = lock_project(incident.project_id)
    return project, Incident.objects.select_for_update().get(pk=incident.pk)


@transaction.atomic
def assess_incident(*, incident: Incident, by, assessment: str, serious: bool = False) -> Incident:
    """The AI competence unit's assessment (may be revised until the decision)."""
    project, incident = _locked_incident(incident)
    if not project.is_active:
        raise ValidationError(_("The project is not active: nothing can be changed."))
    if not can_assess(project, by, roles_of(project, by)):
        raise PermissionDenied
    if not incident.is_open:
        raise ValidationError(_(INCIDENT_DECIDED))
    assessment = assessment.strip()
    if len(assessment) < 10:
        raise ValidationError(_("Write an assessment of at least 10 characters."))
    before = (
        {"assessment": incident.assessment, "serious": incident.serious}
        if (incident.assessed_by_id)
        else None
    )
    incident.assessment, incident.serious = assessment, bool(serious)
    incident.assessed_by, incident.assessed_at = by, timezone.now()
    incident.save(update_fields=["assessment", "serious", "assessed_by", "assessed_at"])
    journal.record(
        project=project,
        action=Action.MONITORING_INCIDENT,
        by=by,
        subject=f"#{incident.pk} {incident.metric} {incident.period}",
        before=before,
        after={"incident": incident.pk, "assessment": assessment, "serious": incident.serious},
    )
    return incident


@transaction.atomic
def decide_incident(*, incident: Incident, by, decision: str, reason: str) -> Incident:
    """An innovation consultant's decision on an assessed incident, never by the person who
    assessed it. Suspension and decommissioning are journalled like every decision; a
    decommissioning retires the project through the state machine's door with the incident as
    its reason (refused, and nothing written, when the project cannot be retired)."""
    project, incident = _locked_incident(incident)
    if not project.is_active:
        raise ValidationError(_("The project is not active: nothing can be changed."))
    if not can_decide(project, by, roles_of(project, by)):
        raise PermissionDenied
    if not incident.is_open:
        raise ValidationError(_(INCIDENT_DECIDED))
    if incident.assessed_by_id is None:
        raise ValidationError(_(INCIDENT_NOT_ASSESSED))
    if incident.assessed_by_id == by.pk:
        raise ValidationError(_(INCIDENT_FOUR_EYES))
    if decision not in Decision.values:
        raise ValidationError(_("Choose a decision."))
    reason = reason.strip()
    if not reason:
        raise ValidationError(_(DECISION_REASON_REQUIRED))
    incident.decision, incident.decision_reason = decision, reason
    incident.decided_by, incident.decided_at = by, timezone.now()
    incident.save(update_fields=["decision", "decision_reason", "decided_by", "decided_at"])
    journal.record(
        project=project,
        action=Action.MONITORING_INCIDENT,
        by=by,
        subject=f"#{incident.pk} {incident.metric} {incident.period}: {decision}",
        after={
            "incident": incident.pk,
            "metric": incident.metric,
            "period": incident.period,
            "decision": decision,
            "reason": reason,
            "assessed_by": str(incident.assessed_by),
        },
        comment=reason,
    )
    if decision == Decision.DECOMMISSION:
        comment = _(
            "Decommissioned after monitoring incident %(id)d (%(metric)s, %(period)s): %(reason)s"
        ) % {
            "id": incident.pk,
            "metric": METRICS[incident.metric].label,
            "period": incident.period,
            "reason": reason,
        }
        try:
            perform_transition(project=project, action=Action.RETIRED, by=by, comment=comment)
        except TransitionBlocked as exc:
            raise ValidationError([reason.message for reason in exc.reasons]) from exc
    return incident


__all__ = [
    "ParseError",
    "approve_plan",
    "assess_incident",
    "decide_incident",
    "ingest_period",
    "propose_plan",
    "upload_periods",
]
