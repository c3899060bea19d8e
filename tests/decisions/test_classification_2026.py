"""Worked examples for the rules added in December 2026: in-house devices (MDR Art. 5(5),
MDCG 2025-6), the Art. 6(3) derogation, the nine EDPB criteria, registration and the deployer
duties of Art. 26, the Art. 5 check named, Art. 50 and listening, and the AI Act's dates as
amended by Regulation (EU) 2026/1744 read from the seeded dated data."""

from datetime import date

import pytest
from django.utils import translation

from decisions.classification import classify, parse_classification_input
from decisions.journey import ITEM_KEYS, classification_answers
from decisions.selectors import load_dated_data
from tests.decisions.test_classification import answers, device


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def articles(result):
    return [step["article"] for step in result["explanation"]]


def step(result, article):
    return next(s for s in result["explanation"] if s["article"] == article)


def duties(result):
    return [duty["key"] for duty in result["deployer_obligations"]]


def test_new_inputs_are_optional_and_default_to_false():
    parsed = parse_classification_input(answers())
    assert parsed.in_house_device is False and parsed.art6_3_narrow_task is False
    assert parsed.evaluation_or_scoring is False
    assert parsed.matching_datasets is False and parsed.prevents_rights_or_service is False
    # an input written before the new fields keeps its meaning
    assert classify(device("monitor_physiological"))["high_risk"] is True


def test_in_house_class_iia_device_is_not_high_risk():
    """Decision support made and used in the hospital (MDR Art. 5(5)): class IIa by Rule 11, but
    no notified body, so not high-risk through Annex I (MDCG 2025-6)."""
    result = classify(device("diagnosis_or_therapy_decisions", in_house_device=True))
    assert result["mdr_class"] == "IIa"
    assert result["notified_body_required"] is False
    assert result["ai_act_routes"] == [] and result["high_risk"] is False
    assert "MDR Art. 5(5)" in articles(result)
    assert "MDCG 2025-6" in step(result, "AI Act Art. 6(1), Annex I; MDCG 2025-6")["text_en"]
    assert "art26_logs" not in duties(result)


def test_the_same_device_bought_ce_marked_is_high_risk():
    result = classify(device("diagnosis_or_therapy_decisions"))
    assert result["notified_body_required"] is True and result["high_risk"] is True


def test_annex_iii_tool_under_art_6_3_is_not_high_risk():
    """A tool that only sorts referrals into queues for a person to assess (a narrow,
    preparatory task in the area of eligibility for healthcare services), with no profiling."""
    result = classify(
        answers(
            annex_iii_area="public_benefits_eligibility",
            art6_3_narrow_task=True,
            personal_data=True,
            health_data=True,
        )
    )
    assert result["art6_3_derogation"] is True
    assert result["high_risk"] is False and result["fria_required"] is False
    text = step(result, "AI Act Art. 6(3)")["text_en"]
    assert "narrow procedural or preparatory task" in text
    assert "Art. 6(4)" in text and "records its own reasoning" in text
    assert "including healthcare services (Annex III, point 5(a))" in text


def test_art_6_3_never_for_a_tool_that_profiles_people():
    result = classify(
        answers(
            annex_iii_area="emergency_triage",
            art6_3_narrow_task=True,
            personal_data=True,
            evaluation_or_scoring=True,
        )
    )
    assert result["art6_3_derogation"] is False and result["high_risk"] is True
    assert "always high-risk" in step(result, "AI Act Art. 6(3)")["text_en"]


def test_prediction_model_with_evaluation_or_scoring_and_health_data_needs_a_dpia():
    """Every prediction model evaluates or scores people; with health data that is two of the
    EDPB's criteria, so a DPIA is required even without large scale."""
    result = classify(
        device(
            "diagnosis_or_therapy_decisions",
            personal_data=True,
            health_data=True,
            evaluation_or_scoring=True,
        )
    )
    assert result["dpia_required"] is True
    assert result["dpia_basis"] == "edpb_two_or_more_criteria"
    assert result["dpia_criteria_met"] == ["health_data", "evaluation_or_scoring"]
    assert "evaluation or scoring" in step(result, "GDPR Art. 35(1), EDPB criteria")["text_en"]


@pytest.mark.parametrize("criterion", ["matching_datasets", "prevents_rights_or_service"])
def test_the_other_new_criteria_count(criterion):
    result = classify(answers(personal_data=True, health_data=True, **{criterion: True}))
    assert result["dpia_required"] is True and criterion in result["dpia_criteria_met"]


def test_one_criterion_met_says_likely_not_required_document_why():
    result = classify(answers(personal_data=True, health_data=True))
    assert result["dpia_required"] is False
    text = step(result, "GDPR Art. 35(1), EDPB criteria")
    assert "likely not required – document why" in text["text_en"]
    assert "sandsynligvis ikke påkrævet – dokumentér hvorfor" in text["text_da"]


def test_no_registration_for_critical_infrastructure_and_the_new_art_26_duties():
    result = classify(answers(annex_iii_area="critical_infrastructure"))
    keys = duties(result)
    assert "art26_registration" not in keys and "art26_inform_persons" in keys
    assert "art26_dpia_information" in keys and "art26_cooperate" in keys
    logs = next(d for d in result["deployer_obligations"] if d["key"] == "art26_logs")
    assert "to the extent they are under the region's control" in logs["text_en"]
    triage = classify(answers(annex_iii_area="emergency_triage"))
    assert "art26_registration" in duties(triage)


def test_the_art_5_check_names_the_practice_checked():
    text = step(classify(answers()), "AI Act Art. 5(1)(f)")["text_en"]
    assert "checks only Art. 5(1)(f)" in text and "other prohibitions" in text


def test_listening_is_not_direct_interaction_and_recording_is_gdpr_art_13():
    result = classify(answers(personal_data=True, health_data=True))
    assert result["ai_act_category"] == "minimal"
    text = step(result, "AI Act Art. 50(1); GDPR Art. 13")["text_en"]
    assert "only listens" in text and "GDPR Art. 13" in text


@pytest.mark.usefixtures("seeded")
def test_the_amended_dates_on_1_december_2026():
    """From the seeded data (the data migrations): on 1 December 2026 the high-risk rules apply
    to a CE-marked class IIa device from 2 August 2028 and to Annex III from 2 December 2027;
    no proposal is shown, and the date step names the amending regulation."""
    result = classify(
        device("diagnosis_or_therapy_decisions", annex_iii_area="emergency_triage"),
        data=load_dated_data(),
        on=date(2026, 12, 1),
    )
    assert result["high_risk_applies_from"] == {
        "art6_1_annex_i": "2028-08-02",
        "art6_2_annex_iii": "2027-12-02",
    }
    assert result["high_risk_applies_from_proposed"] == {
        "art6_1_annex_i": None,
        "art6_2_annex_iii": None,
    }
    dates = [s for s in result["explanation"] if s["article"] == "AI Act Art. 113"]
    assert "2 August 2028" in dates[0]["text_en"] and "2026/1744" in dates[0]["text_en"]
    assert "2. august 2028" in dates[0]["text_da"]
    assert "Proposal" not in " ".join(s["text_en"] for s in dates)
    art50 = [f for f in result["dated_facts_used"] if f["key"] == "ai_act.art50_applies_from"]
    assert art50 == []  # no transparency step for this system
    # before the amendment entered into force, the original dates applied
    before = classify(
        device("diagnosis_or_therapy_decisions"), data=load_dated_data(), on=date(2026, 7, 1)
    )
    assert before["high_risk_applies_from"] == {"art6_1_annex_i": "2027-08-02"}
    assert before["high_risk_applies_from_proposed"] == {"art6_1_annex_i": "2028-08-02"}


def test_journey_asks_the_new_questions_only_where_the_pathway_has_them():
    values = {
        "requirements.is_medical_device": "yes",
        "requirements.software_function": "diagnosis_or_therapy_decisions",
        "requirements.worst_case_impact": "other",
        "legal.annex_iii_area": "none",
        "legal.emotion_recognition_at_work": "no",
        "legal.interacts_with_people": "no",
        "legal.generates_synthetic_content": "no",
        "legal.personal_data": "yes",
        "legal.health_data": "yes",
        "legal.large_scale": "no",
        "legal.innovative_technology": "no",
        "legal.systematic_monitoring": "no",
        "legal.vulnerable_subjects": "no",
        "legal.automated_decisions": "no",
    }
    old_pathway = classification_answers(values, asked=set())
    assert old_pathway.complete and old_pathway.inputs["in_house_device"] is False
    asked = {ITEM_KEYS[f] for f in ("in_house_device", "evaluation_or_scoring")}
    asked |= {ITEM_KEYS["matching_datasets"], ITEM_KEYS["prevents_rights_or_service"]}
    new_pathway = classification_answers(values, asked=asked)
    assert set(new_pathway.missing) == asked
    answered = {**values, **dict.fromkeys(asked, "no"), ITEM_KEYS["in_house_device"]: "yes"}
    done = classification_answers(answered, asked=asked)
    assert done.complete and done.inputs["in_house_device"] is True
    # Art. 6(3) is only asked for an Annex III use
    assert ITEM_KEYS["art6_3_narrow_task"] not in new_pathway.missing
