"""The helpers wired into the journey: answers -> inputs, the rules in a pathway of our own, the
tools' gate reasons, panels and dossier data."""

import json
from datetime import date
from unittest import mock

import pytest
from django.utils import translation

from checklists.extensions import RULES, TOOLS
from decisions import tool as decision_tools
from decisions.business_case import parse_business_case
from decisions.journey import classification_answers
from decisions.services import save_business_case
from procurement import gates
from procurement.gates import blocking_reasons, load_stage_status
from procurement.models import Action
from tests.personas import answer

from .conftest import PLAIN_LEGAL, advance_to, answer_all
from .test_business_case import HAND

HIGH_RISK_DEVICE = {
    "requirements.is_medical_device": "yes",
    "requirements.software_function": "diagnosis_or_therapy_decisions",
    "requirements.worst_case_impact": "serious_deterioration_or_surgery",
}
NOT_A_DEVICE = {"requirements.is_medical_device": "no"}
HEALTH_DATA_AT_SCALE = {
    "legal.personal_data": "yes",
    "legal.health_data": "yes",
    "legal.large_scale": "yes",
    "legal.innovative_technology": "no",
    "legal.systematic_monitoring": "no",
    "legal.vulnerable_subjects": "no",
    "legal.automated_decisions": "na",
}


# --- answers -> classification input -------------------------------------------------------------


def test_nothing_answered_names_only_the_questions_that_always_matter():
    answers = classification_answers({})
    assert answers.missing == (
        "requirements.is_medical_device",
        "legal.annex_iii_area",
        "legal.emotion_recognition_at_work",
        "legal.interacts_with_people",
        "legal.generates_synthetic_content",
        "legal.personal_data",
    )
    assert answers.inputs["deployer_is_public_body"] is True


def test_follow_up_questions_are_needed_only_when_they_matter():
    device = classification_answers({"requirements.is_medical_device": "yes"})
    assert "requirements.software_function" in device.missing
    assert "requirements.worst_case_impact" not in device.missing
    diagnosis = classification_answers(
        {
            "requirements.is_medical_device": "yes",
            "requirements.software_function": "diagnosis_or_therapy_decisions",
        }
    )
    assert "requirements.worst_case_impact" in diagnosis.missing
    monitoring = classification_answers(
        {
            "requirements.is_medical_device": "yes",
            "requirements.software_function": "monitor_physiological",
        }
    )
    assert monitoring.inputs["worst_case_impact"] == "other"
    personal = classification_answers({"legal.personal_data": "yes"})
    assert "legal.health_data" in personal.missing and "legal.large_scale" in personal.missing
    assert "legal.health_data" not in classification_answers({"legal.personal_data": "no"}).missing


def test_na_counts_as_no_and_unknown_answers_as_missing():
    answers = classification_answers(
        {
            **NOT_A_DEVICE,
            **PLAIN_LEGAL,
            "legal.interacts_with_people": "na",
            "legal.annex_iii_area": "somewhere_else",
        }
    )
    assert answers.inputs["interacts_with_people"] is False
    assert answers.missing == ("legal.annex_iii_area",)
    complete = classification_answers({**NOT_A_DEVICE, **PLAIN_LEGAL})
    assert complete.complete
    assert complete.inputs["software_function"] == "other"
    assert complete.inputs["health_data"] is False


@pytest.mark.parametrize(
    ("values", "high_risk", "dpia", "fria"),
    [
        ({}, False, False, False),
        # the GDPR part alone would need a DPIA, but the rules stay false while incomplete
        (HEALTH_DATA_AT_SCALE, False, False, False),
        ({**NOT_A_DEVICE, **PLAIN_LEGAL}, False, False, False),
        ({**NOT_A_DEVICE, **PLAIN_LEGAL, **HEALTH_DATA_AT_SCALE}, False, True, False),
        ({**HIGH_RISK_DEVICE, **PLAIN_LEGAL}, True, False, False),
        (
            {**NOT_A_DEVICE, **PLAIN_LEGAL, "legal.annex_iii_area": "emergency_triage"},
            True,
            False,
            True,
        ),
    ],
)
def test_rules(values, high_risk, dpia, fria):
    assert RULES["ai_act_high_risk"](values) is high_risk
    assert RULES["dpia_required"](values) is dpia
    assert RULES["fria_required"](values) is fria


def test_registered_names():
    assert {"ai_act_high_risk", "dpia_required", "fria_required"} <= set(RULES)
    assert {"ai_classification", "business_case", "procurement_route"} <= set(TOOLS)


# --- in a pathway: the gate and the rules --------------------------------------------------------


def save_case(team, case=HAND):
    return save_business_case(
        project=team.reload(), by=team.consultant, case=parse_business_case(case)
    )


def to_legal(team, requirements=HIGH_RISK_DEVICE):
    answer_all(team, requirements)
    advance_to(team, "business_case")
    save_case(team)
    advance_to(team, "legal")


def status_of(team, key):
    return next(s for s in load_stage_status(team.reload()).items if s.item.key == key)


def codes(team):
    status = load_stage_status(team.reload())
    return [
        r.code
        for r in blocking_reasons(
            project=team.reload(), action=Action.APPROVAL_REQUESTED, status=status
        )
    ]


def test_classification_blocks_the_legal_stage_until_complete(dteam):
    to_legal(dteam)
    with translation.override("en"):
        status = load_stage_status(dteam.reload())
    reason = next(r for r in status.tool_reasons if r.code == "classification_incomplete")
    assert reason.role == "lawyer"
    assert reason.people == ("Lawyer",)
    assert reason.message == "The AI Act and MDR classification needs answers to these questions"
    assert reason.items == (
        "Is the system used in an Annex III area?",
        "Does it infer workers' emotions?",
        "Does it interact with people?",
        "Does it generate synthetic content?",
        "Are personal data processed?",
    )
    answer(dteam, "legal.personal_data", "yes", by=dteam.lawyer)
    with translation.override("da"):
        reason = load_stage_status(dteam.reload()).tool_reasons[0]
    assert (
        "Helbredsoplysninger?" in reason.items
        and "Behandles personoplysninger?" not in reason.items
    )
    answer_all(dteam, PLAIN_LEGAL)
    assert "classification_incomplete" not in codes(dteam)


def test_legal_stage_is_approved_once_classification_and_its_items_are_done(dteam):
    to_legal(dteam)
    answer_all(dteam, PLAIN_LEGAL)
    # a high-risk device: the deployer-obligation item became required
    assert codes(dteam) == [gates.REQUIRED_UNANSWERED]
    answer(dteam, "legal.deployer_obligations", "Plan for art. 26.", by=dteam.lawyer)
    assert codes(dteam) == []
    advance_to(dteam, "tender_operation")


@pytest.mark.parametrize(
    ("requirements", "legal", "required", "not_required"),
    [
        (NOT_A_DEVICE, PLAIN_LEGAL, [], ["legal.dpia", "legal.deployer_obligations"]),
        (HIGH_RISK_DEVICE, PLAIN_LEGAL, ["legal.deployer_obligations"], ["legal.dpia"]),
        (
            NOT_A_DEVICE,
            {**PLAIN_LEGAL, **HEALTH_DATA_AT_SCALE},
            ["legal.dpia"],
            ["legal.deployer_obligations"],
        ),
        (
            HIGH_RISK_DEVICE,
            {**PLAIN_LEGAL, **HEALTH_DATA_AT_SCALE},
            ["legal.dpia", "legal.deployer_obligations"],
            [],
        ),
    ],
)
def test_rules_make_items_required(dteam, requirements, legal, required, not_required):
    to_legal(dteam, requirements)
    # incomplete: nothing is required by the rules yet
    assert not status_of(dteam, "legal.dpia").required
    assert not status_of(dteam, "legal.deployer_obligations").required
    answer_all(dteam, legal)
    for key in required:
        assert status_of(dteam, key).required, key
    for key in not_required:
        assert not status_of(dteam, key).required, key


def test_fria_item_appears_for_an_annex_iii_use(dteam):
    to_legal(dteam, NOT_A_DEVICE)
    answer_all(dteam, PLAIN_LEGAL)
    assert not status_of(dteam, "legal.fria").applicable
    answer(dteam, "legal.annex_iii_area", "emergency_triage", by=dteam.lawyer)
    fria = status_of(dteam, "legal.fria")
    assert fria.applicable and fria.required and fria.missing
    answer(dteam, "legal.annex_iii_area", "critical_infrastructure", by=dteam.lawyer)
    assert not status_of(dteam, "legal.fria").applicable


def test_business_case_blocks_its_stage_until_complete(dteam):
    advance_to(dteam, "business_case")
    with translation.override("en"):
        reasons = load_stage_status(dteam.reload()).tool_reasons
    assert [(r.code, r.role, r.items, r.people) for r in reasons] == [
        (
            "business_case_incomplete",
            "innovation_consultant",
            ("No business case has been saved yet.",),
            ("Consultant", "Consultant2"),
        )
    ]
    assert codes(dteam) == ["business_case_incomplete"]
    costs_only = {**HAND, "lines": HAND["lines"][:2]}
    save_case(dteam, costs_only)
    with translation.override("en"):
        reason = load_stage_status(dteam.reload()).tool_reasons[0]
    assert reason.items == ("Add at least one benefit with its owner.",)
    save_case(dteam)
    assert load_stage_status(dteam.reload()).tool_reasons == []
    assert codes(dteam) == []


def to_tender(team):
    answer_all(team, NOT_A_DEVICE)
    advance_to(team, "business_case")
    save_case(team)
    advance_to(team, "legal")
    answer_all(team, PLAIN_LEGAL)
    advance_to(team, "tender_operation")


def test_procurement_route_gives_no_gate_reason_and_uses_today_in_copenhagen(dteam):
    to_tender(dteam)
    assert load_stage_status(dteam.reload()).tool_reasons == []
    assert decision_tools.procurement_route_state(dteam.reload())["value_missing"] is True
    answer(dteam, "tender_operation.contract_value_dkk", "2000000", by=dteam.procurement)
    assert load_stage_status(dteam.reload()).tool_reasons == []
    with mock.patch.object(decision_tools, "copenhagen_today", return_value=date(2025, 6, 1)):
        known = decision_tools.procurement_route_state(dteam.reload())["route"]
    assert (known["eu_procedure_required"], known["threshold_dkk"]) == (True, 1644638)
    with mock.patch.object(decision_tools, "copenhagen_today", return_value=date(2026, 11, 26)):
        known = decision_tools.procurement_route_state(dteam.reload())["route"]
    assert (known["eu_procedure_required"], known["threshold_dkk"]) == (True, 1611360)
    with mock.patch.object(decision_tools, "copenhagen_today", return_value=date(2028, 1, 1)):
        unknown = decision_tools.procurement_route_state(dteam.reload())["route"]
    assert unknown["eu_procedure_required"] is None
    data = TOOLS["procurement_route"].dossier_data(project=dteam.reload(), stage=None)
    assert data["value_dkk"] == 2000000
    json.dumps(data)


def test_dossier_data_is_json(dteam):
    answer_all(dteam, HIGH_RISK_DEVICE)
    advance_to(dteam, "business_case")
    project = dteam.reload()
    assert TOOLS["business_case"].dossier_data(project=project, stage=None) is None
    save_case(dteam)
    case_data = TOOLS["business_case"].dossier_data(project=dteam.reload(), stage=None)
    assert case_data["complete"] is True
    assert case_data["results"]["scenarios"]["high"]["npv"] == 488.43
    assert case_data["chart"]["series"][0]["scenario"] == "low"
    classification = TOOLS["ai_classification"].dossier_data(project=project, stage=None)
    assert classification["complete"] is False
    assert "legal.personal_data" in classification["missing"]
    assert TOOLS["procurement_route"].dossier_data(project=project, stage=None) is None
    json.dumps([case_data, classification])


def test_complete_classification_dossier_data(dteam):
    to_legal(dteam)
    answer_all(dteam, {**PLAIN_LEGAL, **HEALTH_DATA_AT_SCALE})
    data = TOOLS["ai_classification"].dossier_data(project=dteam.reload(), stage=None)
    assert data["complete"] is True
    result = data["result"]
    assert (result["mdr_class"], result["ai_act_category"], result["dpia_required"]) == (
        "IIb",
        "high_risk",
        True,
    )
    assert result["inputs"]["deployer_is_public_body"] is True
    json.dumps(data)


def test_dossier_templates_render_the_data(dteam):
    from django.template.loader import render_to_string

    to_legal(dteam)
    answer_all(dteam, {**PLAIN_LEGAL, **HEALTH_DATA_AT_SCALE})
    # now required by the rules: the DPIA (health data at scale) and the deployer's duties
    answer(dteam, "legal.dpia", "DPIA gennemført.", by=dteam.lawyer)
    answer(dteam, "legal.deployer_obligations", "Plan for art. 26.", by=dteam.lawyer)
    advance_to(dteam, "tender_operation")
    answer(dteam, "tender_operation.contract_value_dkk", "2000000", by=dteam.procurement)
    project = dteam.reload()
    with translation.override("en"):
        rendered = {
            name: render_to_string(
                TOOLS[name].dossier_template_name,
                {"data": TOOLS[name].dossier_data(project=project, stage=None)},
            )
            for name in ("ai_classification", "business_case", "procurement_route")
        }
        summary = TOOLS["ai_classification"].dossier_data(project=project, stage=None)["summary"]
        case_summary = TOOLS["business_case"].dossier_data(project=project, stage=None)["summary"]
    assert summary == "MDR class IIb; AI Act: high-risk; DPIA required; FRIA not required."
    assert case_summary.startswith("Net present value -232 kr. in the expected scenario")
    assert "AI Act Art. 26(6)" in rendered["ai_classification"]
    assert "GDPR Art. 35(3)(b)" in rendered["ai_classification"]
    assert "488 kr." in rendered["business_case"] and "<svg" in rendered["business_case"]
    assert "2.000.000 kr." in rendered["procurement_route"]
