"""The decision helpers' stage tools, registered in DecisionsConfig.ready(): the AI Act and MDR
classification, the business case and the procurement route (the protocol in
checklists/extensions.py). What their panels show is built here from the answers, the dated data
and the helpers, so the tool classes, the refresh views and the dossier share one source.

The dossier templates render the `dossier_data` dict, passed to them as `data`.
"""

from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext_lazy

from checklists.extensions import StageTool
from checklists.roles import Role
from procurement.gates import Reason
from procurement.guards import tool_is_open
from procurement.models import Project
from procurement.permissions import roles_of

from . import classification as cl
from .business_case import BUSINESS_CASE_TOOL, SCENARIOS, calculate
from .chart import cumulative_chart
from .dated_data import DatedKey, copenhagen_today, source_title_in_language
from .formatting import format_dkk, format_percent
from .forms import KIND_LABELS, BusinessCaseForm
from .journey import CONTRACT_VALUE_KEY, ITEM_KEYS, OPTIONAL_ITEM_KEYS, classification_answers
from .permissions import can_edit_business_case
from .procurement_route import procurement_route
from .reasoning import InvalidInput, cite
from .reasoning import in_language as _pick
from .selectors import answer_values, business_case_of, items_by_key, load_dated_data
from .services import stored_lines

CLASSIFICATION_TOOL = "ai_classification"
PROCUREMENT_ROUTE_TOOL = "procurement_route"


# --- the AI Act / MDR classification -----------------------------------------------------------


def classification_state(project: Project, *, today: date | None = None) -> dict[str, Any]:
    """The answers, what is missing (with the question texts) and, when complete, the result."""
    keys = list(ITEM_KEYS.values())
    items = items_by_key(project, keys)
    answers = classification_answers(answer_values(project, keys), asked=set(items))
    result = None
    if answers.complete:
        result = cl.classify(answers.inputs, data=load_dated_data(), on=today or copenhagen_today())
    current = project.current_stage
    missing = []
    for key in answers.missing:
        item = items.get(key)
        missing.append(
            {
                "key": key,
                "text": item.text if item else key,
                "stage": item.stage.name if item else "",
                "in_pathway": item is not None,
                "stage_passed": bool(
                    item and current and project.is_active and item.stage.order < current.order
                ),
            }
        )
    return {"answers": answers, "missing": missing, "result": result}


# Interface labels: English in the code, Danish from the catalogue (gettext at display).
CATEGORY_LABELS = {
    cl.PROHIBITED: gettext_noop("Prohibited practice"),
    cl.HIGH_RISK: gettext_noop("High-risk"),
    cl.TRANSPARENCY: gettext_noop("Transparency obligations"),
    cl.MINIMAL: gettext_noop("Minimal risk"),
}
ROUTE_LABELS = {
    cl.ROUTE_ANNEX_I: gettext_noop("Art. 6(1) and Annex I (medical device)"),
    cl.ROUTE_ANNEX_III: gettext_noop("Art. 6(2) and Annex III (the use)"),
    cl.ROUTE_PROHIBITED: gettext_noop("Art. 5 (prohibited practice)"),
}
DPIA_CRITERION_LABELS = {
    "health_data": gettext_noop("Health data"),
    "large_scale": gettext_noop("Large scale"),
    "vulnerable_subjects": gettext_noop("Vulnerable data subjects"),
    "innovative_technology": gettext_noop("Innovative technology"),
    "systematic_monitoring": gettext_noop("Systematic monitoring"),
    "automated_decisions": gettext_noop("Automated decisions"),
    "evaluation_or_scoring": gettext_noop("Evaluation or scoring"),
    "matching_datasets": gettext_noop("Matching or combining datasets"),
    "prevents_rights_or_service": gettext_noop("Prevents a right or a service"),
}


def classification_display(result: dict[str, Any]) -> dict[str, Any]:
    """The result in the active language, with dates as dates, for the templates."""

    def day(value):
        return date.fromisoformat(value) if value else None

    return {
        "mdr_class": result["mdr_class"],
        "notified_body_required": result["notified_body_required"],
        "category": result["ai_act_category"],
        "category_label": _(CATEGORY_LABELS[result["ai_act_category"]]),
        "routes": [
            {
                "key": route,
                "label": _(ROUTE_LABELS[route]),
                "applies_from": day(result["high_risk_applies_from"].get(route)),
                "proposed": day(result["high_risk_applies_from_proposed"].get(route)),
                "has_dates": route in result["high_risk_applies_from"],
            }
            for route in result["ai_act_routes"]
        ],
        "fria_required": result["fria_required"],
        "dpia_required": result["dpia_required"],
        "dpia_basis": result["dpia_basis"],
        "dpia_criteria": [_(DPIA_CRITERION_LABELS[c]) for c in result["dpia_criteria_met"]],
        "obligations": [
            {
                "key": d["key"],
                "article": cite(d["article"]),
                "text": _pick(d["text_da"], d["text_en"]),
            }
            for d in result["deployer_obligations"]
        ],
        "steps": [
            {
                "article": cite(s["article"]),
                "text": _pick(s["text_da"], s["text_en"]),
                "url": s["url"],
            }
            for s in result["explanation"]
        ],
        "proposal_sources": list(
            {
                (source_title_in_language(fact), fact["source_url"]): None
                for fact in result["dated_facts_used"]
                if fact["is_proposal"]
            }
        ),
    }


def classification_context(project: Project) -> dict[str, Any]:
    state = classification_state(project)
    result = state["result"]
    return {
        "project": project,
        "complete": result is not None,
        "missing": state["missing"],
        "result": classification_display(result) if result else None,
    }


# --- the procurement route ---------------------------------------------------------------------


def procurement_route_state(project: Project, *, today: date | None = None) -> dict[str, Any]:
    today = today or copenhagen_today()
    value = answer_values(project, [CONTRACT_VALUE_KEY]).get(CONTRACT_VALUE_KEY, "").strip()
    if not value:
        return {"value_missing": True, "today": today, "route": None, "error": ""}
    try:
        route = procurement_route(value_dkk=value, on=today, data=load_dated_data())
    except InvalidInput as exc:
        return {"value_missing": False, "today": today, "route": None, "error": str(exc)}
    return {"value_missing": False, "today": today, "route": route, "error": ""}


def procurement_route_context(project: Project) -> dict[str, Any]:
    state = procurement_route_state(project)
    route = state["route"]
    display = None
    if route:
        display = {
            "required": route["eu_procedure_required"],
            "known": route["threshold_dkk"] is not None,
            "value": format_dkk(Decimal(str(route["value_dkk"]))),
            "threshold": format_dkk(Decimal(str(route["threshold_dkk"])))
            if route["threshold_dkk"] is not None
            else "",
            "valid_from": date.fromisoformat(route["valid_from"]) if route["valid_from"] else None,
            "valid_to": date.fromisoformat(route["valid_to"]) if route["valid_to"] else None,
            "source": route["source"],
            "source_title": source_title_in_language(route),
            "note": _pick(route["note_da"], route["note_en"]),
        }
    item = items_by_key(project, [CONTRACT_VALUE_KEY]).get(CONTRACT_VALUE_KEY)
    return {
        "project": project,
        "today": state["today"],
        "value_missing": state["value_missing"],
        "error": state["error"],
        "route": display,
        "item_text": item.text if item else CONTRACT_VALUE_KEY,
    }


# --- the business case -------------------------------------------------------------------------

# A scenario is neuter in Danish ("lavt scenarie"), so its labels have their own context.
SCENARIO_LABELS = {
    "low": pgettext_lazy("business case scenario", "Low"),
    "expected": pgettext_lazy("business case scenario", "Expected"),
    "high": pgettext_lazy("business case scenario", "High"),
}


def stored_business_case(project: Project):
    """(the stored BusinessCase or None, its validated input or None). A case an administrator
    broke by hand counts as missing rather than crashing the page."""
    stored = business_case_of(project)
    if stored is None:
        return None, None
    try:
        return stored, stored.as_input()
    except InvalidInput:
        return stored, None


def business_case_results(case) -> dict[str, Any] | None:
    """The results of a case as the templates show them: Danish amounts, chart geometry and a
    text summary of the chart for screen readers."""
    if case is None:
        return None
    result = calculate(case)
    summary, yearly = [], []
    for name in SCENARIOS:
        scenario = result.scenarios[name]
        label = str(SCENARIO_LABELS[name])
        payback = (
            _("year %(year)d") % {"year": scenario.payback_year}
            if scenario.payback_year is not None
            else _("not within %(years)d years") % {"years": result.horizon_years}
        )
        summary.append(
            {
                "scenario": name,
                "label": label,
                "npv": format_dkk(scenario.npv),
                "npv_negative": scenario.npv < 0,
                "payback": payback,
                "final": format_dkk(scenario.cumulative[-1]),
            }
        )
        yearly.append(
            {
                "scenario": name,
                "label": label,
                "net": [format_dkk(v) for v in scenario.net],
                "cumulative": [format_dkk(v) for v in scenario.cumulative],
            }
        )
    chart_text = " ".join(
        _(
            "%(scenario)s scenario: cumulative net %(final)s after year %(last)d; "
            "net present value %(npv)s; payback %(payback)s."
        )
        % {
            "scenario": row["label"],
            "final": row["final"],
            "last": result.horizon_years - 1,
            "npv": row["npv"],
            "payback": row["payback"],
        }
        for row in summary
    )
    return {
        "result": result,
        "summary": summary,
        "yearly": yearly,
        "years": result.years,
        "rate": format_percent(result.discount_rate),
        "chart": cumulative_chart(result),
        "chart_text": chart_text,
    }


def business_case_context(
    project: Project,
    user,
    roles: set[str],
    *,
    form: BusinessCaseForm | None = None,
    saved: bool = False,
) -> dict[str, Any]:
    stored, case = stored_business_case(project)
    frozen = project.is_active and not tool_is_open(project, BUSINESS_CASE_TOOL)
    editable = can_edit_business_case(project, user, roles) and not frozen
    rate_fact = load_dated_data().find(DatedKey.DISCOUNT_RATE, copenhagen_today())
    if form is None and editable:
        form = BusinessCaseForm(case=case, default_rate=rate_fact.value if rate_fact else None)
    return {
        "project": project,
        "stored": stored,
        "case": case,
        "results": business_case_results(case),
        "gaps": business_case_gaps(stored, case),
        "editable": editable,
        "frozen": frozen,
        "form": form,
        "saved": saved,
        "rate_fact": rate_fact,
        "rate_default": format_percent(rate_fact.value) if rate_fact else "",
    }


def business_case_gaps(stored, case) -> list[str]:
    if stored is None:
        return [_("No business case has been saved yet.")]
    if case is None:
        return [_("The saved business case cannot be read: save it again.")]
    return case.gaps()


# --- the tools ----------------------------------------------------------------------------------

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


class ClassificationTool(StageTool):
    """The AI Act and MDR classification, live from the answers (legal stage). Blocks the stage
    until every question it needs is answered."""

    name = CLASSIFICATION_TOOL
    item_keys = tuple(ITEM_KEYS.values())
    optional_item_keys = OPTIONAL_ITEM_KEYS

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


class BusinessCaseTool(StageTool):
    """The business case editor and its results (business case stage). Blocks the stage until a
    complete case (at least one cost and one benefit) is saved."""

    name = BUSINESS_CASE_TOOL
    item_keys = ()

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


class ProcurementRouteTool(StageTool):
    """The procurement route from the estimated contract value (tender stage). Informative: it
    gives no gate reasons."""

    name = PROCUREMENT_ROUTE_TOOL
    item_keys = (CONTRACT_VALUE_KEY,)

    def context(self, *, project, stage, user, status) -> dict[str, Any]:
        return procurement_route_context(project)

    def gate_reasons(self, *, project, stage, status) -> list[Reason]:
        return []

    def dossier_data(self, *, project, stage) -> dict[str, Any] | None:
        route = procurement_route_state(project)["route"]
        if route is None:
            return None
        return {**route, "summary": _pick(route["note_da"], route["note_en"])}


TOOLS = (ClassificationTool(), BusinessCaseTool(), ProcurementRouteTool())
