"""What the monitoring panel, page and dossier show: built from one `MonitoringState`."""

from django.urls import reverse
from django.utils.translation import gettext as _

from checklists.roles import Role
from procurement.guards import tool_is_open
from validation.presentation import format_number

from . import rules
from .gate import gate_reasons_for
from .labels import STATUS_CLASSES, rule_label, status_label
from .metrics import METRICS
from .permissions import can_approve_plan, can_assess, can_contribute, can_decide
from .plots import control_chart
from .selectors import MonitoringState, load_state
from .services import TOOL, plan_data


def _is_open(project) -> bool:
    return project.tool_stage(TOOL) is not None and tool_is_open(project, TOOL)


def metric_rows(state: MonitoringState) -> list[dict]:
    rows = []
    for metric in state.metrics:
        latest = metric.latest
        rows.append(
            {
                "key": metric.key,
                "label": metric.label,
                "baseline": format_number(metric.baseline, metric.digits),
                "minimum": format_number(metric.minimum, metric.digits),
                "latest_period": latest.period if latest else "",
                "latest_value": format_number(latest.value if latest else None, metric.digits),
                "latest_interval": (
                    f"{format_number(latest.lower, metric.digits)}–"
                    f"{format_number(latest.upper, metric.digits)}"
                    if latest and latest.lower is not None
                    else ""
                ),
                "status": metric.status,
                "status_label": status_label(metric.status),
                "status_class": STATUS_CLASSES[metric.status],
                "rules": [rule_label(rule) for rule in (latest.rules if latest else ())],
                "h": format_number(metric.design.h, 2),
            }
        )
    return rows


def figures(state: MonitoringState) -> list:
    out = []
    for metric in state.metrics:
        figure = control_chart(f"monitoring-{metric.key}", metric, METRICS[metric.key].direction)
        if figure is not None:
            out.append(figure)
    return out


def incident_rows(state: MonitoringState) -> list[dict]:
    return [
        {
            "incident": incident,
            "metric": incident.get_metric_display(),
            "url": reverse("monitoring:incident", args=[state.project.pk, incident.pk]),
            "stage": _incident_stage(incident),
        }
        for incident in state.incidents
    ]


def _incident_stage(incident) -> str:
    if incident.decided_by_id:
        return _("Decided: %(decision)s") % {"decision": incident.get_decision_display()}
    if incident.assessed_by_id:
        return _("Assessed; waiting for an innovation consultant's decision")
    return _("Waiting for the AI competence unit's assessment")


def panel_context(*, project, stage, user, roles: set[str]) -> dict:
    state = load_state(project)
    return {
        "project": project,
        "stage": stage,
        "state": state,
        "overall": state.overall,
        "overall_label": status_label(state.overall),
        "overall_class": STATUS_CLASSES[state.overall],
        "metric_rows": metric_rows(state),
        "incidents": incident_rows(state),
        "gate_reasons": gate_reasons_for(state),
        "page_url": reverse("monitoring:page", args=[project.pk]),
    }


def permissions(project, user, roles: set[str]) -> dict:
    open_ = _is_open(project)
    return {
        "is_open": open_,
        "can_contribute": open_ and can_contribute(project, user, roles),
        "can_approve_plan": open_ and can_approve_plan(project, user, roles),
        "can_assess": project.is_active and can_assess(project, user, roles),
        "can_decide": project.is_active and can_decide(project, user, roles),
        "is_ai_competence": Role.AI_COMPETENCE in roles,
    }


def dossier_data(state: MonitoringState) -> dict:
    """The monitoring as JSON-able data for the dossier and its dossier.json: the plan and its
    history, every metric's periods with statuses, the design of the rules, the missing periods
    and the incidents with their decisions."""
    plan = state.plan
    return {
        "demonstration_data": state.is_demo,
        "overall": state.overall,
        "plan": plan_data(plan) if plan else None,
        "plan_versions": [plan_data(p) for p in state.plans],
        "missing_periods": [p.label for p in state.missing],
        "metrics": {
            metric.key: {
                "label": metric.label,
                "baseline": metric.baseline,
                "minimum": metric.minimum,
                "design": metric.design.as_dict(),
                "first_alarm": rules.first_alarm(metric.statuses),
                "periods": [s.as_dict() for s in metric.statuses],
            }
            for metric in state.metrics
        },
        "figures": [figure.as_dict() for figure in figures(state)],
        "incidents": [
            {
                "id": incident.pk,
                "metric": incident.metric,
                "period": incident.period,
                "alarms": [
                    {"period": a.period, "rules": a.rules, "value": a.value}
                    for a in incident.alarms.all()
                ],
                "assessment": incident.assessment,
                "serious": incident.serious,
                "assessed_by": str(incident.assessed_by) if incident.assessed_by_id else None,
                "assessed_at": incident.assessed_at.isoformat() if incident.assessed_at else None,
                "decision": incident.decision or None,
                "decision_reason": incident.decision_reason,
                "decided_by": str(incident.decided_by) if incident.decided_by_id else None,
                "decided_at": incident.decided_at.isoformat() if incident.decided_at else None,
            }
            for incident in state.incidents
        ],
    }
