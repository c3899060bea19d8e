"""The classification as a pure function: every Rule 11 branch, every AI Act route, FRIA, DPIA,
dates and invalid input. No database."""

from datetime import date

import pytest
from django.utils import translation

from decisions.classification import classify, parse_classification_input
from decisions.dated_data import DatedData
from decisions.reasoning import InvalidInput


@pytest.fixture(autouse=True)
def english():
    """These tests read the English source messages; the interface's default is Danish."""
    with translation.override("en"):
        yield


TODAY = date(2026, 11, 26)


def answers(**changes):
    """A non-medical product with no personal data and nothing special; change what a case
    needs."""
    base = {
        "is_medical_device": False,
        "software_function": "other",
        "worst_case_impact": "other",
        "annex_iii_area": "none",
        "emotion_recognition_at_work": False,
        "interacts_with_people": False,
        "generates_synthetic_content": False,
        "personal_data": False,
        "health_data": False,
        "large_scale": False,
        "innovative_technology": False,
        "systematic_monitoring": False,
        "vulnerable_subjects": False,
        "automated_decisions": False,
        "deployer_is_public_body": True,
    }
    return {**base, **changes}


def device(function, impact="other", **changes):
    return answers(
        is_medical_device=True, software_function=function, worst_case_impact=impact, **changes
    )


# --- MDR Annex VIII Rule 11 ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("inputs", "mdr_class", "notified_body"),
    [
        (answers(), None, False),  # not a device: no class, whatever the function says
        (answers(software_function="diagnosis_or_therapy_decisions"), None, False),
        (device("diagnosis_or_therapy_decisions", "death_or_irreversible"), "III", True),
        (device("diagnosis_or_therapy_decisions", "serious_deterioration_or_surgery"), "IIb", True),
        (device("diagnosis_or_therapy_decisions", "other"), "IIa", True),
        (device("monitor_physiological"), "IIa", True),
        # the worst case only matters for diagnosis/therapy software
        (device("monitor_physiological", "death_or_irreversible"), "IIa", True),
        (device("monitor_vital_immediate_danger"), "IIb", True),
        (device("other"), "I", False),
        (device("other", "death_or_irreversible"), "I", False),
    ],
)
def test_rule_11(inputs, mdr_class, notified_body):
    result = classify(inputs)
    assert result["mdr_class"] == mdr_class
    assert result["notified_body_required"] is notified_body


# --- AI Act routes and category ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("inputs", "category", "routes"),
    [
        (answers(), "minimal", []),
        (answers(interacts_with_people=True), "transparency", []),
        (answers(generates_synthetic_content=True), "transparency", []),
        # a class I device is self-certified: not high-risk through Annex I
        (device("other"), "minimal", []),
        (device("other", interacts_with_people=True), "transparency", []),
        (device("monitor_physiological"), "high_risk", ["art6_1_annex_i"]),
        (device("diagnosis_or_therapy_decisions"), "high_risk", ["art6_1_annex_i"]),
        (answers(annex_iii_area="emergency_triage"), "high_risk", ["art6_2_annex_iii"]),
        (answers(annex_iii_area="employment"), "high_risk", ["art6_2_annex_iii"]),
        (answers(annex_iii_area="critical_infrastructure"), "high_risk", ["art6_2_annex_iii"]),
        # a device with an Annex III use: both routes
        (
            device("diagnosis_or_therapy_decisions", annex_iii_area="emergency_triage"),
            "high_risk",
            ["art6_1_annex_i", "art6_2_annex_iii"],
        ),
        # a class I device with an Annex III use: high-risk through its use only
        (device("other", annex_iii_area="emergency_triage"), "high_risk", ["art6_2_annex_iii"]),
        # high-risk wins over transparency
        (
            device("monitor_vital_immediate_danger", interacts_with_people=True),
            "high_risk",
            ["art6_1_annex_i"],
        ),
        # prohibited wins over everything
        (answers(emotion_recognition_at_work=True), "prohibited", ["art5_prohibited"]),
        (
            device(
                "diagnosis_or_therapy_decisions",
                "death_or_irreversible",
                annex_iii_area="emergency_triage",
                interacts_with_people=True,
                emotion_recognition_at_work=True,
            ),
            "prohibited",
            ["art5_prohibited"],
        ),
    ],
)
def test_ai_act_category_and_routes(inputs, category, routes):
    result = classify(inputs)
    assert result["ai_act_category"] == category
    assert result["ai_act_routes"] == routes
    assert result["high_risk"] is (category == "high_risk")


def test_prohibited_still_reports_the_mdr_class_and_the_dpia():
    result = classify(
        device(
            "monitor_physiological",
            emotion_recognition_at_work=True,
            personal_data=True,
            health_data=True,
            large_scale=True,
        )
    )
    assert result["ai_act_category"] == "prohibited"
    assert result["mdr_class"] == "IIa"
    assert result["dpia_required"] is True
    assert result["fria_required"] is False
    keys = [duty["key"] for duty in result["deployer_obligations"]]
    assert keys == ["art5_do_not_deploy", "art4_ai_literacy"]


# --- FRIA (Art. 27) ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("inputs", "fria"),
    [
        (answers(annex_iii_area="emergency_triage"), True),
        (answers(annex_iii_area="public_benefits_eligibility"), True),
        (answers(annex_iii_area="biometrics"), True),
        (answers(annex_iii_area="other_annex_iii"), True),
        (device("diagnosis_or_therapy_decisions", annex_iii_area="emergency_triage"), True),
        # a device that is high-risk only via Annex I: no formal FRIA
        (device("diagnosis_or_therapy_decisions", "death_or_irreversible"), False),
        # critical infrastructure (Annex III point 2) is exempt
        (answers(annex_iii_area="critical_infrastructure"), False),
        # not a public-law deployer
        (answers(annex_iii_area="emergency_triage", deployer_is_public_body=False), False),
        (answers(), False),
        (answers(annex_iii_area="employment", emotion_recognition_at_work=True), False),
    ],
)
def test_fria(inputs, fria):
    result = classify(inputs)
    assert result["fria_required"] is fria
    assert ("art27_fria" in [d["key"] for d in result["deployer_obligations"]]) is fria


def test_annex_i_only_explains_why_no_fria():
    result = classify(device("diagnosis_or_therapy_decisions"))
    step = next(s for s in result["explanation"] if s["article"] == "AI Act Art. 27")
    assert "Annex I" in step["text_en"] and "no formal" in step["text_en"]
    assert "bilag I" in step["text_da"]


# --- DPIA (GDPR Art. 35) -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("inputs", "required", "criteria", "basis"),
    [
        # no personal data: no DPIA, whatever else is ticked
        (answers(health_data=True, large_scale=True, vulnerable_subjects=True), False, [], None),
        # 35(3)(b): health data on a large scale
        (
            answers(personal_data=True, health_data=True, large_scale=True),
            True,
            ["health_data", "large_scale"],
            "art35_3_b",
        ),
        # two EDPB criteria
        (
            answers(personal_data=True, innovative_technology=True, systematic_monitoring=True),
            True,
            ["innovative_technology", "systematic_monitoring"],
            "edpb_two_or_more_criteria",
        ),
        (
            answers(personal_data=True, health_data=True, vulnerable_subjects=True),
            True,
            ["health_data", "vulnerable_subjects"],
            "edpb_two_or_more_criteria",
        ),
        # one criterion is not enough
        (answers(personal_data=True, health_data=True), False, ["health_data"], None),
        (
            answers(personal_data=True, automated_decisions=True),
            False,
            ["automated_decisions"],
            None,
        ),
        (answers(personal_data=True), False, [], None),
    ],
)
def test_dpia(inputs, required, criteria, basis):
    result = classify(inputs)
    assert result["dpia_required"] is required
    assert result["dpia_criteria_met"] == criteria
    assert result["dpia_basis"] == basis


# --- obligations, dates and the explanation ------------------------------------------------------


def test_high_risk_obligations_cover_art_26_and_art_4():
    result = classify(device("monitor_physiological"))
    keys = [duty["key"] for duty in result["deployer_obligations"]]
    assert keys == [
        "art26_instructions",
        "art26_human_oversight",
        "art26_input_data",
        "art26_monitoring",
        "art26_serious_incidents",
        "art26_logs",
        "art26_workers",
        "art26_dpia_information",
        "art26_cooperate",
        "art4_ai_literacy",
    ]
    logs = next(d for d in result["deployer_obligations"] if d["key"] == "art26_logs")
    assert "6 months" in logs["text_en"] and "6 måneder" in logs["text_da"]


def test_annex_iii_adds_registration_informing_and_fria_and_art_50_where_it_applies():
    result = classify(answers(annex_iii_area="emergency_triage", interacts_with_people=True))
    keys = [duty["key"] for duty in result["deployer_obligations"]]
    assert keys[-5:] == [
        "art26_registration",
        "art26_inform_persons",
        "art27_fria",
        "art50_transparency",
        "art4_ai_literacy",
    ]


def test_minimal_risk_still_has_ai_literacy():
    result = classify(answers())
    assert [d["key"] for d in result["deployer_obligations"]] == ["art4_ai_literacy"]


def test_dates_per_route_with_the_proposal_marked(dated):
    result = classify(
        device("diagnosis_or_therapy_decisions", annex_iii_area="emergency_triage"),
        data=dated,
        on=TODAY,
    )
    assert result["high_risk_applies_from"] == {
        "art6_1_annex_i": "2027-08-02",
        "art6_2_annex_iii": "2026-08-02",
    }
    assert result["high_risk_applies_from_proposed"] == {
        "art6_1_annex_i": "2028-08-02",
        "art6_2_annex_iii": "2027-12-02",
    }
    used = {(f["key"], f["is_proposal"]) for f in result["dated_facts_used"]}
    assert ("ai_act.high_risk_annex_i_applies_from", True) in used
    steps = [s for s in result["explanation"] if s["article"] == "AI Act Art. 113"]
    assert "2 August 2027" in steps[0]["text_en"]
    assert "Proposal, not adopted" in steps[0]["text_en"] and "2 August 2028" in steps[0]["text_en"]
    assert "2. august 2027" in steps[0]["text_da"] and "Forslag" in steps[0]["text_da"]


def test_dates_are_null_without_data_and_the_explanation_says_so():
    result = classify(device("monitor_physiological"), data=DatedData(), on=TODAY)
    assert result["high_risk_applies_from"] == {"art6_1_annex_i": None}
    assert result["high_risk_applies_from_proposed"] == {"art6_1_annex_i": None}
    step = next(s for s in result["explanation"] if s["article"] == "AI Act Art. 113")
    assert "no date" in step["text_en"]


def test_explanation_is_ordered_and_cites_an_article_in_both_languages(dated):
    result = classify(
        device(
            "diagnosis_or_therapy_decisions",
            "serious_deterioration_or_surgery",
            personal_data=True,
            health_data=True,
            large_scale=True,
        ),
        data=dated,
        on=TODAY,
    )
    articles = [step["article"] for step in result["explanation"]]
    assert articles == [
        "MDR Art. 2(1)",
        "MDR Annex VIII, Rule 11",
        "MDR Art. 52",
        "AI Act Art. 5(1)(f)",
        "AI Act Art. 6(1), Annex I",
        "AI Act Art. 6(2), Annex III",
        "AI Act Art. 6",
        "AI Act Art. 113",
        "AI Act Art. 27",
        "AI Act Art. 26",
        "AI Act Art. 50(1); GDPR Art. 13",
        "AI Act Art. 4",
        "GDPR Art. 35(3)(b)",
    ]
    for step in result["explanation"]:
        assert step["text_da"] and step["text_en"] and step["text_da"] != step["text_en"]
        assert step["url"].startswith("https://eur-lex.europa.eu/")
    rule_11 = result["explanation"][1]
    assert "class IIb" in rule_11["text_en"] and "klasse IIb" in rule_11["text_da"]


def test_classify_is_deterministic(dated):
    inputs = device("monitor_vital_immediate_danger", personal_data=True, health_data=True)
    assert classify(inputs, data=dated, on=TODAY) == classify(inputs, data=dated, on=TODAY)


# --- invalid input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("inputs", "field", "message"),
    [
        (answers(annex_iii_area="hospitals"), "annex_iii_area", "unknown value 'hospitals'"),
        (answers(software_function="triage"), "software_function", "unknown value 'triage'"),
        ({k: v for k, v in answers().items() if k != "personal_data"}, "personal_data", "missing"),
        (answers(health_data="yes"), "health_data", "must be true or false"),
        (answers(is_medical_device=1), "is_medical_device", "must be true or false"),
        ({**answers(), "colour": "blue"}, "colour", "unknown field"),
    ],
)
def test_invalid_input_names_the_field(inputs, field, message):
    with pytest.raises(InvalidInput) as caught:
        classify(inputs)
    assert (field, message) in [(f, m[: len(message)]) for f, m in caught.value.errors]
    assert isinstance(caught.value, ValueError)
    assert f"{field}: {message}" in str(caught.value)


def test_every_problem_is_reported_at_once():
    inputs = {k: v for k, v in answers(annex_iii_area="x").items() if k != "large_scale"}
    with pytest.raises(InvalidInput) as caught:
        parse_classification_input(inputs)
    assert {field for field, _ in caught.value.errors} == {"annex_iii_area", "large_scale"}


def test_input_must_be_an_object():
    with pytest.raises(InvalidInput, match="input: must be a JSON object"):
        parse_classification_input(["not", "an", "object"])
