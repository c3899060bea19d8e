"""The stage tools registered in DecisionsConfig.ready(): panels on stage pages with their own
gate reasons and dossier data (the protocol in checklists/extensions.py).

The dossier templates render the `dossier_data` dict, passed to them as `data`.
"""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from checklists.roles import Role
from procurement.gates import Reason
from procurement.permissions import roles_of

from .business_case import BUSINESS_CASE_TOOL, SCENARIOS
from .formatting import format_dkk
from .forms import KIND_LABELS
from .panels import (
    CATEGORY_LABELS,
    CLASSIFICATION_TOOL,
    PROCUREMENT_ROUTE_TOOL,
    business_case_context,
    business_case_gaps,
    business_case_results,
    classification_context,
    classification_state,
    procurement_route_context,
    procurement_route_state,
    stored_business_case,
)
from .reasoning import in_language
from .services import stored_lines

CLASSIFICATION_INCOMPLETE = "classification_incomplete"
BUSINESS_CASE_INCOMPLETE = "business_case_incomplete"
CLASSIFICATION_INCOMPLETE_MESSAGE = gettext_noop(
    "The AI Act and MDR classification needs answers to these questions"
)
BUSINESS_CASE_INCOMPLETE_MESSAGE = gettext_noop("The business case is not complete")


def classification_summary(result: dict[str, Any] | None) -> str:
    """One line for the dossier's key results."""
    if result is None:
        return _("The AI Act and MDR classification is not complete.")
    mdr = (
        _("MDR class %(class)s") % {"class": result["mdr_class"]}
        if result["mdr_class"]
        else _("not a medical device")
    )
    return _("%(mdr)s; AI Act: %(category)s; DPIA %(dpia)s; FRIA %(fria)s.") % {
        "mdr": mdr,
        "category": _(CATEGORY_LABELS[result["ai_act_category"]]).lower(),
        "dpia": _("required") if result["dpia_required"] else _("not required"),
        "fria": _("required") if result["fria_required"] else _("not required"),
    }


def business_case_summary(results: dict[str, Any]) -> str:
    rows = {row["scenario"]: row for row in results["summary"]}
    return _(
        "Net present value %(expected)s in the expected scenario (low %(low)s, high %(high)s); "
        "payback %(payback)s."
    ) % {
        "expected": rows["expected"]["npv"],
        "low": rows["low"]["npv"],
        "high": rows["high"]["npv"],
        "payback": rows["expected"]["payback"],
    }


class ClassificationTool:
    """The AI Act and MDR classification, live from the answers (legal stage). Blocks the stage
    until every question it needs is answered."""

    name = CLASSIFICATION_TOOL
    template_name = "decisions/partials/_classification_panel.html"
    dossier_template_name = "decisions/dossier/_classification.html"

    def context(self, *, project, stage, user, status) -> dict[str, Any]:
        return classification_context(project)

    def gate_reasons(self, *, project, stage, status) -> list[Reason]:
        missing = classification_state(project)["missing"]
        if not missing:
            return []
        return [
            Reason(
                code=CLASSIFICATION_INCOMPLETE,
                message=_(CLASSIFICATION_INCOMPLETE_MESSAGE),
                role=Role.LAWYER.value,
                items=tuple(entry["text"] for entry in missing),
                item_keys=tuple(entry["key"] for entry in missing),
                people=tuple(status.people_by_role.get(Role.LAWYER.value, ())),
            )
        ]

    def dossier_data(self, *, project, stage) -> dict[str, Any] | None:
        state = classification_state(project)
        result = state["result"]
        return {
            "complete": result is not None,
            "summary": classification_summary(result),
            "missing": [entry["key"] for entry in state["missing"]],
            "missing_questions": [entry["text"] for entry in state["missing"]],
            "result": result,
        }


class BusinessCaseTool:
    """The business case editor and its results (business case stage). Blocks the stage until a
    complete case (at least one cost and one benefit) is saved."""

    name = BUSINESS_CASE_TOOL
    template_name = "decisions/partials/_business_case_panel.html"
    dossier_template_name = "decisions/dossier/_business_case.html"

    def context(self, *, project, stage, user, status) -> dict[str, Any]:
        roles = status.roles_of(user) if status is not None else roles_of(project, user)
        return business_case_context(project, user, roles)

    def gate_reasons(self, *, project, stage, status) -> list[Reason]:
        stored, case = stored_business_case(project)
        gaps = business_case_gaps(stored, case)
        if not gaps:
            return []
        consultant = Role.INNOVATION_CONSULTANT.value
        return [
            Reason(
                code=BUSINESS_CASE_INCOMPLETE,
                message=_(BUSINESS_CASE_INCOMPLETE_MESSAGE),
                role=consultant,
                items=tuple(gaps),
                people=tuple(status.people_by_role.get(consultant, ())),
            )
        ]

    def dossier_data(self, *, project, stage) -> dict[str, Any] | None:
        stored, case = stored_business_case(project)
        if case is None:
            return None
        results = business_case_results(case)
        return {
            "complete": not case.gaps(),
            "horizon_years": case.horizon_years,
            "discount_rate": float(case.discount_rate),
            "lines": stored_lines(case),
            "line_rows": [
                {
                    "label": line.label,
                    "kind": str(KIND_LABELS[line.kind]),
                    "owner": line.owner,
                    **{name: format_dkk(sum(line.estimate(name))) for name in SCENARIOS},
                }
                for line in case.lines
            ],
            "summary": business_case_summary(results),
            "results": results["result"].as_dict(),
            "scenario_rows": results["summary"],
            "chart": results["chart"],
            "chart_text": results["chart_text"],
            "updated_at": stored.updated_at.isoformat(),
            "updated_by": str(stored.updated_by),
        }


class ProcurementRouteTool:
    """The procurement route from the estimated contract value (tender stage). Informative: it
    gives no gate reasons."""

    name = PROCUREMENT_ROUTE_TOOL
    template_name = "decisions/partials/_procurement_route_panel.html"
    dossier_template_name = "decisions/dossier/_procurement_route.html"

    def context(self, *, project, stage, user, status) -> dict[str, Any]:
        return procurement_route_context(project)

    def gate_reasons(self, *, project, stage, status) -> list[Reason]:
        return []

    def dossier_data(self, *, project, stage) -> dict[str, Any] | None:
        route = procurement_route_state(project)["route"]
        if route is None:
            return None
        return {**route, "summary": in_language(route["note_da"], route["note_en"])}


TOOLS = (ClassificationTool(), BusinessCaseTool(), ProcurementRouteTool())
