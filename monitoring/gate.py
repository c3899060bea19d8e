"""The monitoring stage's gate reasons: one function read by the panel, the page and the
stage's status."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from checklists.roles import Role
from procurement.gates import Reason

from .selectors import MonitoringState

NO_PLAN = "monitoring_no_plan"
PLAN_PENDING = "monitoring_plan_pending"
DATA_MISSING = "monitoring_data_missing"
INCIDENT_OPEN = "monitoring_incident_open"


def gate_reasons_for(state: MonitoringState) -> list[Reason]:
    """Why the monitoring review is not clean: no approved plan, a plan change waiting, data
    overdue, or an incident nobody has decided."""
    reasons = []
    if state.plan is None:
        reasons.append(
            Reason(
                NO_PLAN,
                _("There is no approved monitoring plan."),
                role=Role.AI_COMPETENCE,
            )
        )
    if state.pending is not None:
        reasons.append(
            Reason(
                PLAN_PENDING,
                _(
                    "A change to the monitoring plan is waiting for an innovation consultant's "
                    "approval."
                ),
                role=Role.INNOVATION_CONSULTANT,
            )  # fmt: skip
        )
    if state.missing:
        reasons.append(
            Reason(
                DATA_MISSING,
                ngettext(
                    "Data for %(count)d period are overdue",
                    "Data for %(count)d periods are overdue",
                    len(state.missing),
                )
                % {"count": len(state.missing)},
                items=tuple(period.label for period in state.missing[-12:]),
                role=Role.AI_COMPETENCE,
            )
        )
    for incident in state.open_incidents:
        reasons.append(incident_reason(incident))
    return reasons


def incident_reason(incident) -> Reason:
    """An undecided incident: urgent in "what now" for the person whose turn it is."""
    facts = {"metric": incident.get_metric_display(), "period": incident.period}
    if incident.assessed_by_id:
        return Reason(
            INCIDENT_OPEN,
            _("Decide the monitoring incident (%(metric)s, %(period)s): it has been assessed.")
            % facts,
            role=Role.INNOVATION_CONSULTANT,
            urgent=True,
        )
    return Reason(
        INCIDENT_OPEN,
        _("Assess the monitoring alarm (%(metric)s, %(period)s): an incident is open.") % facts,
        role=Role.AI_COMPETENCE,
        urgent=True,
    )
