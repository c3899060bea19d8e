"""MDR class, AI Act category, FRIA and DPIA from a handful of answers: pure, deterministic and
explained (each step cites its article, in Danish and English).

Sources: MDR Annex VIII Rule 11 and Arts 5(5) and 52; AI Act Arts 4, 5, 6, 26, 27, 49, 50 and
113 as amended by Regulation (EU) 2026/1744 (the dates come from the dated data, never from
here); MDCG 2025-6 on in-house devices; GDPR Arts 13 and 35 and the nine criteria of the EDPB's
DPIA guidelines (WP248 rev.01).

The inputs added in December 2026 (`OPTIONAL_FIELDS`) may be left out and then count as false, so
an input written before keeps its meaning.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .dated_data import DatedData, DatedFact, DatedKey
from .formatting import format_date_da, format_date_en
from .reasoning import AI_ACT_URL, GDPR_URL, MDR_URL, InvalidInput, Step

SOFTWARE_FUNCTIONS = (
    "diagnosis_or_therapy_decisions",
    "monitor_physiological",
    "monitor_vital_immediate_danger",
    "other",
)
WORST_CASE_IMPACTS = ("death_or_irreversible", "serious_deterioration_or_surgery", "other")
ANNEX_III_AREAS = (
    "none",
    "emergency_triage",
    "employment",
    "public_benefits_eligibility",
    "biometrics",
    "critical_infrastructure",
    "other_annex_iii",
)
CHOICE_FIELDS: dict[str, tuple[str, ...]] = {
    "software_function": SOFTWARE_FUNCTIONS,
    "worst_case_impact": WORST_CASE_IMPACTS,
    "annex_iii_area": ANNEX_III_AREAS,
}
# The nine criteria of the EDPB's DPIA guidelines (WP248 rev.01), in the order the explanation
# lists them: the first six were the original inputs, the last three were added later.
DPIA_CRITERIA = (
    "health_data",
    "large_scale",
    "vulnerable_subjects",
    "innovative_technology",
    "systematic_monitoring",
    "automated_decisions",
    "evaluation_or_scoring",
    "matching_datasets",
    "prevents_rights_or_service",
)
# Inputs that may be left out (false): added after the first version of the input format.
OPTIONAL_FIELDS = (
    "in_house_device",
    "art6_3_narrow_task",
    "evaluation_or_scoring",
    "matching_datasets",
    "prevents_rights_or_service",
)
BOOL_FIELDS = (
    "is_medical_device",
    "in_house_device",
    "emotion_recognition_at_work",
    "interacts_with_people",
    "generates_synthetic_content",
    "art6_3_narrow_task",
    "personal_data",
    *DPIA_CRITERIA,
    "deployer_is_public_body",
)
INPUT_FIELDS = (
    "is_medical_device",
    "software_function",
    "worst_case_impact",
    "annex_iii_area",
    "emotion_recognition_at_work",
    "interacts_with_people",
    "generates_synthetic_content",
    "personal_data",
    *DPIA_CRITERIA,
    "deployer_is_public_body",
    "in_house_device",
    "art6_3_narrow_task",
)

NOTIFIED_BODY_CLASSES = ("IIa", "IIb", "III")
ROUTE_ANNEX_I = "art6_1_annex_i"
ROUTE_ANNEX_III = "art6_2_annex_iii"
ROUTE_PROHIBITED = "art5_prohibited"
ROUTE_DATE_KEYS = {
    ROUTE_ANNEX_I: DatedKey.AI_ACT_ANNEX_I_FROM,
    ROUTE_ANNEX_III: DatedKey.AI_ACT_ANNEX_III_FROM,
}

PROHIBITED = "prohibited"
HIGH_RISK = "high_risk"
TRANSPARENCY = "transparency"
MINIMAL = "minimal"

ANNEX_III_NAMES = {
    "emergency_triage": (
        "nødopkald, akut lægehjælp og triage af akutte patienter (bilag III, punkt 5, litra d)",
        "emergency calls, emergency healthcare and emergency patient triage (Annex III, "
        "point 5(d))",
    ),
    "employment": (
        "ansættelse og ledelse af arbejdstagere (bilag III, punkt 4)",
        "recruitment and management of workers (Annex III, point 4)",
    ),
    "public_benefits_eligibility": (
        "vurdering af, om personer er berettiget til offentlige ydelser og tjenester, herunder "
        "sundhedsydelser (bilag III, punkt 5, litra a)",
        "evaluating eligibility for public assistance benefits and services, including "
        "healthcare services (Annex III, point 5(a))",
    ),
    "biometrics": ("biometri (bilag III, punkt 1)", "biometrics (Annex III, point 1)"),
    "critical_infrastructure": (
        "kritisk infrastruktur (bilag III, punkt 2)",
        "critical infrastructure (Annex III, point 2)",
    ),
    "other_annex_iii": ("et andet område i bilag III", "another area of Annex III"),
}


@dataclass(frozen=True)
class ClassificationInput:
    is_medical_device: bool
    software_function: str
    worst_case_impact: str
    annex_iii_area: str
    emotion_recognition_at_work: bool
    interacts_with_people: bool
    generates_synthetic_content: bool
    personal_data: bool
    health_data: bool
    large_scale: bool
    vulnerable_subjects: bool
    innovative_technology: bool
    systematic_monitoring: bool
    automated_decisions: bool
    deployer_is_public_body: bool
    in_house_device: bool = False
    art6_3_narrow_task: bool = False
    evaluation_or_scoring: bool = False
    matching_datasets: bool = False
    prevents_rights_or_service: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in INPUT_FIELDS}


def parse_classification_input(raw: Mapping[str, Any]) -> ClassificationInput:
    """Check every field (present, known, of the right type); raise InvalidInput naming each bad
    field, all at once."""
    if not isinstance(raw, Mapping):
        raise InvalidInput([("input", _("must be a JSON object with the answers"))])
    errors: list[tuple[str, str]] = []
    for name in sorted(set(raw) - set(INPUT_FIELDS)):
        errors.append((name, _("unknown field")))
    values: dict[str, Any] = {}
    for name in INPUT_FIELDS:
        if name not in raw:
            if name in OPTIONAL_FIELDS:
                values[name] = False
            else:
                errors.append((name, _("missing")))
            continue
        value = raw[name]
        if name in CHOICE_FIELDS:
            if value not in CHOICE_FIELDS[name]:
                errors.append(
                    (
                        name,
                        _("unknown value %(value)r; use one of %(allowed)s")
                        % {"value": value, "allowed": ", ".join(CHOICE_FIELDS[name])},
                    )
                )
        elif not isinstance(value, bool):
            errors.append((name, _("must be true or false")))
        values[name] = value
    if errors:
        raise InvalidInput(errors)
    return ClassificationInput(**values)


def art6_3_derogation(answers: ClassificationInput) -> bool:
    """AI Act Art. 6(3): an Annex III system that poses no significant risk and only performs a
    narrow procedural or preparatory task is not high-risk, but never when it profiles people.
    Evaluating or scoring people (e.g. predicting a patient's risk) is profiling."""
    return (
        answers.annex_iii_area != "none"
        and answers.art6_3_narrow_task
        and not (answers.personal_data and answers.evaluation_or_scoring)
    )


def mdr_class(answers: ClassificationInput) -> str | None:
    """MDR Annex VIII Rule 11, as written; None when the product is not a medical device."""
    if not answers.is_medical_device:
        return None
    if answers.software_function == "diagnosis_or_therapy_decisions":
        return {"death_or_irreversible": "III", "serious_deterioration_or_surgery": "IIb"}.get(
            answers.worst_case_impact, "IIa"
        )
    if answers.software_function == "monitor_vital_immediate_danger":
        return "IIb"
    if answers.software_function == "monitor_physiological":
        return "IIa"
    return "I"


def dpia_assessment(answers: ClassificationInput) -> tuple[bool, list[str], str | None]:
    """(required, EDPB criteria met, basis): Art. 35(3)(b) for health data on a large scale, or
    two or more of the EDPB's nine criteria. Never without personal data. With one criterion a
    DPIA is likely not required, which the explanation says must be documented."""
    if not answers.personal_data:
        return False, [], None
    met = [name for name in DPIA_CRITERIA if getattr(answers, name)]
    if answers.health_data and answers.large_scale:
        return True, met, "art35_3_b"
    if len(met) >= 2:
        return True, met, "edpb_two_or_more_criteria"
    return False, met, None


def classify(
    raw: Mapping[str, Any] | ClassificationInput,
    *,
    data: DatedData | None = None,
    on: date | None = None,
) -> dict[str, Any]:
    """The classification as JSON-able data. Dates come from `data` (valid on `on`); without
    data the dates are null, which the rules use (they need no dates)."""
    answers = raw if isinstance(raw, ClassificationInput) else parse_classification_input(raw)
    data = data or DatedData()
    steps: list[Step] = []

    device_class = mdr_class(answers)
    # A device made and used in-house (MDR Art. 5(5)) gets no notified body, whatever its class.
    notified_body = device_class in NOTIFIED_BODY_CLASSES and not answers.in_house_device
    steps += _mdr_steps(answers, device_class, notified_body)

    prohibited = answers.emotion_recognition_at_work
    routes: list[str] = []
    if prohibited:
        routes = [ROUTE_PROHIBITED]
    else:
        if answers.is_medical_device and notified_body:
            routes.append(ROUTE_ANNEX_I)
        if answers.annex_iii_area != "none" and not art6_3_derogation(answers):
            routes.append(ROUTE_ANNEX_III)
    transparency = answers.interacts_with_people or answers.generates_synthetic_content
    if prohibited:
        category = PROHIBITED
    elif routes:
        category = HIGH_RISK
    elif transparency:
        category = TRANSPARENCY
    else:
        category = MINIMAL
    steps += _ai_act_steps(answers, device_class, notified_body, category)

    applies_from, proposed, facts = _route_dates(routes, data, on)
    sources = {
        route: (fact.source_title, fact.source_title_en or fact.source_title)
        for route in routes
        for fact in facts
        if not fact.is_proposal and ROUTE_DATE_KEYS.get(route) == fact.key
    }
    steps += _date_steps(routes, applies_from, proposed, sources)

    fria = (
        category == HIGH_RISK
        and ROUTE_ANNEX_III in routes
        and answers.annex_iii_area != "critical_infrastructure"
        and answers.deployer_is_public_body
    )
    steps.append(_fria_step(answers, category, routes, fria))
    obligations = _deployer_obligations(answers, category, routes, fria)
    if category == HIGH_RISK:
        steps.append(
            Step(
                gettext_noop("AI Act Art. 26"),
                "Som idriftsætter af et højrisikosystem skal regionen opfylde pligterne i "
                "art. 26 (se listen over pligter): brug efter brugsanvisningen, menneskeligt "
                "tilsyn, relevante inputdata, overvågning og stop ved risiko, indberetning af "
                "alvorlige hændelser, logs i mindst 6 måneder og information af medarbejderne.",
                "As the deployer of a high-risk system the region must meet the duties of "
                "Art. 26 (see the list of duties): use according to the instructions, human "
                "oversight, relevant input data, monitoring and suspension on risk, reporting "
                "serious incidents, logs kept for at least 6 months, and informing the workers.",
                AI_ACT_URL,
            )
        )
    if transparency and not prohibited:
        steps.append(_transparency_step(data, on, facts))
    elif answers.personal_data and not prohibited:
        steps.append(_listening_step())
    steps.append(_literacy_step(data, on, facts))

    dpia, criteria, basis = dpia_assessment(answers)
    steps.append(_dpia_step(answers, dpia, criteria, basis))

    return {
        "mdr_class": device_class,
        "notified_body_required": notified_body,
        "ai_act_category": category,
        "ai_act_routes": routes,
        "high_risk": category == HIGH_RISK,
        "high_risk_applies_from": applies_from,
        "high_risk_applies_from_proposed": proposed,
        "art6_3_derogation": art6_3_derogation(answers),
        "fria_required": fria,
        "deployer_obligations": obligations,
        "dpia_required": dpia,
        "dpia_criteria_met": criteria,
        "dpia_basis": basis,
        "explanation": [step.as_dict() for step in steps],
        "dated_facts_used": [fact.as_dict() for fact in facts],
        "inputs": answers.as_dict(),
    }


# --- the steps --------------------------------------------------------------------------------


def _mdr_steps(answers: ClassificationInput, device_class, notified_body) -> list[Step]:
    if device_class is None:
        return [
            Step(
                gettext_noop("MDR Art. 2(1)"),
                "Formålet er ikke medicinsk: produktet er ikke medicinsk udstyr, og MDR giver "
                "det ingen klasse.",
                "The intended purpose is not medical: the product is not a medical device and "
                "the MDR gives it no class.",
                MDR_URL,
            )
        ]
    steps = [
        Step(
            gettext_noop("MDR Art. 2(1)"),
            "Formålet er medicinsk: produktet er medicinsk udstyr, og MDR gælder.",
            "The intended purpose is medical: the product is a medical device and the MDR applies.",
            MDR_URL,
        )
    ]
    rule_11 = {
        ("diagnosis_or_therapy_decisions", "death_or_irreversible"): (
            "Softwaren giver information til diagnostiske eller terapeutiske beslutninger, "
            "og en forkert beslutning kan i værste fald føre til død eller uoprettelig "
            "forringelse af helbredet: klasse III.",
            "The software provides information for diagnostic or therapeutic decisions, and a "
            "wrong decision may at worst cause death or an irreversible deterioration of "
            "health: class III.",
        ),
        ("diagnosis_or_therapy_decisions", "serious_deterioration_or_surgery"): (
            "Softwaren giver information til diagnostiske eller terapeutiske beslutninger, "
            "og en forkert beslutning kan i værste fald føre til alvorlig forringelse af "
            "helbredet eller et kirurgisk indgreb: klasse IIb.",
            "The software provides information for diagnostic or therapeutic decisions, and a "
            "wrong decision may at worst cause a serious deterioration of health or a surgical "
            "intervention: class IIb.",
        ),
        ("diagnosis_or_therapy_decisions", "other"): (
            "Softwaren giver information til diagnostiske eller terapeutiske beslutninger, "
            "uden at en fejl kan føre til død, uoprettelig eller alvorlig forringelse eller "
            "et kirurgisk indgreb: klasse IIa.",
            "The software provides information for diagnostic or therapeutic decisions, and an "
            "error cannot cause death, an irreversible or serious deterioration or a surgical "
            "intervention: class IIa.",
        ),
        ("monitor_physiological", None): (
            "Softwaren overvåger fysiologiske processer: klasse IIa.",
            "The software monitors physiological processes: class IIa.",
        ),
        ("monitor_vital_immediate_danger", None): (
            "Softwaren overvåger vitale fysiologiske parametre, hvor ændringer kan medføre "
            "umiddelbar fare for patienten: klasse IIb.",
            "The software monitors vital physiological parameters whose variations could "
            "result in immediate danger to the patient: class IIb.",
        ),
        ("other", None): (
            "Softwaren hverken understøtter diagnostiske eller terapeutiske beslutninger "
            "eller overvåger fysiologiske processer: al anden software er klasse I.",
            "The software neither supports diagnostic or therapeutic decisions nor monitors "
            "physiological processes: all other software is class I.",
        ),
    }
    impact = (
        answers.worst_case_impact
        if answers.software_function == "diagnosis_or_therapy_decisions"
        else None
    )
    da, en = rule_11[(answers.software_function, impact)]
    steps.append(Step(gettext_noop("MDR Annex VIII, Rule 11"), da, en, MDR_URL))
    if answers.in_house_device:
        steps.append(
            Step(
                gettext_noop("MDR Art. 5(5)"),
                "Udstyret fremstilles og bruges kun internt i sundhedsinstitutionen (MDR art. 5, "
                "stk. 5): det CE-mærkes ikke og vurderes ikke af et bemyndiget organ, men skal "
                "opfylde de generelle krav til sikkerhed og ydeevne og betingelserne i art. 5, "
                "stk. 5, bl.a. at intet tilsvarende CE-mærket produkt dækker behovet, og at "
                "institutionen dokumenterer og offentliggør en erklæring.",
                "The device is made and used only within the health institution (MDR "
                "Art. 5(5)): it is not CE-marked and no notified body assesses it, but it must "
                "meet the general safety and performance requirements and the conditions of "
                "Art. 5(5), among them that no equivalent CE-marked device meets the need and "
                "that the institution documents its work and makes a declaration public.",
                MDR_URL,
            )
        )
    elif notified_body:
        steps.append(
            Step(
                gettext_noop("MDR Art. 52"),
                f"Klasse {device_class} kræver, at et bemyndiget organ vurderer "
                "overensstemmelsen: bed om CE-certifikatet og det bemyndigede organs nummer, og "
                "tjek at det erklærede formål dækker jeres brug.",
                f"Class {device_class} needs a notified body to assess conformity: ask for the "
                "CE certificate and the notified body's number, and check that the declared "
                "intended purpose covers your use.",
                MDR_URL,
            )
        )
    else:
        steps.append(
            Step(
                gettext_noop("MDR Art. 52"),
                "Klasse I erklærer fabrikanten selv (intet bemyndiget organ): tjek "
                "overensstemmelseserklæringen og at det erklærede formål dækker jeres brug.",
                "Class I is self-certified by the manufacturer (no notified body): check the "
                "declaration of conformity and that the declared intended purpose covers your "
                "use.",
                MDR_URL,
            )
        )
    return steps


def _ai_act_steps(answers, device_class, notified_body, category) -> list[Step]:
    if answers.emotion_recognition_at_work:
        return [
            Step(
                gettext_noop("AI Act Art. 5(1)(f)"),
                "Systemet aflæser medarbejderes følelser på arbejdspladsen uden medicinsk eller "
                "sikkerhedsmæssig begrundelse. Det er en forbudt praksis, som går forud for alt "
                "andet: systemet må ikke tages i brug.",
                "The system infers workers' emotions at the workplace, not for medical or "
                "safety reasons. That is a prohibited practice, which overrides everything "
                "else: the system must not be deployed.",
                AI_ACT_URL,
            )
        ]
    steps = [
        Step(
            gettext_noop("AI Act Art. 5(1)(f)"),
            "Af de forbudte praksisser i art. 5 vurderer værktøjet kun art. 5, stk. 1, litra f: "
            "systemet aflæser ikke medarbejderes følelser på arbejdspladsen. Juristen skal "
            "tjekke de øvrige forbud i art. 5 (bl.a. manipulation, udnyttelse af sårbarhed, "
            "social bedømmelse og biometrisk kategorisering) og notere det.",
            "Of the prohibited practices of Art. 5 the tool checks only Art. 5(1)(f): the system "
            "does not infer workers' emotions at the workplace. The lawyer must check the other "
            "prohibitions of Art. 5 (among them manipulation, exploiting vulnerabilities, social "
            "scoring and biometric categorisation) and record it.",
            AI_ACT_URL,
        )
    ]
    if answers.is_medical_device and notified_body:
        steps.append(
            Step(
                gettext_noop("AI Act Art. 6(1), Annex I"),
                f"Medicinsk udstyr i klasse {device_class} skal vurderes af et bemyndiget organ: "
                "systemet er højrisiko via produktlovgivningen (bilag I).",
                f"A class {device_class} medical device needs a notified body's conformity "
                "assessment: the system is high-risk through product legislation (Annex I).",
                AI_ACT_URL,
            )
        )
    elif answers.is_medical_device and answers.in_house_device:
        steps.append(
            Step(
                gettext_noop("AI Act Art. 6(1), Annex I; MDCG 2025-6"),
                "Internt fremstillet udstyr (MDR art. 5, stk. 5) gennemgår ingen "
                "overensstemmelsesvurdering ved et bemyndiget organ, uanset klassen: efter "
                "MDCG 2025-6 er systemet derfor ikke højrisiko via bilag I.",
                "A device made in-house (MDR Art. 5(5)) undergoes no conformity assessment by a "
                "notified body, whatever its class: according to MDCG 2025-6 the system is "
                "therefore not high-risk through Annex I.",
                AI_ACT_URL,
            )
        )
    elif answers.is_medical_device:
        steps.append(
            Step(
                gettext_noop("AI Act Art. 6(1), Annex I"),
                "Medicinsk udstyr i klasse I erklæres af fabrikanten selv uden bemyndiget organ: "
                "det gør ikke systemet til højrisiko via bilag I.",
                "A class I medical device is self-certified without a notified body: that does "
                "not make the system high-risk through Annex I.",
                AI_ACT_URL,
            )
        )
    else:
        steps.append(
            Step(
                gettext_noop("AI Act Art. 6(1), Annex I"),
                "Produktet er ikke medicinsk udstyr: vejen via produktlovgivningen (bilag I) "
                "gælder ikke.",
                "The product is not a medical device: the route through product legislation "
                "(Annex I) does not apply.",
                AI_ACT_URL,
            )
        )
    if art6_3_derogation(answers):
        name_da, name_en = ANNEX_III_NAMES[answers.annex_iii_area]
        steps.append(
            Step(
                gettext_noop("AI Act Art. 6(3)"),
                f"Systemet bruges inden for {name_da}, men udgør ikke en væsentlig risiko og "
                "udfører kun en snæver proceduremæssig eller forberedende opgave uden at "
                "profilere personer: efter art. 6, stk. 3, er det ikke højrisiko. Udbyderen skal "
                "dokumentere vurderingen (art. 6, stk. 4) og registrere systemet (art. 49, "
                "stk. 2); regionen beder om dokumentationen og skriver sin egen begrundelse.",
                f"The system is used for {name_en}, but poses no significant risk and only "
                "performs a narrow procedural or preparatory task without profiling people: "
                "under Art. 6(3) it is not high-risk. The provider must document the "
                "assessment (Art. 6(4)) and register the system (Art. 49(2)); the region asks "
                "for that documentation and records its own reasoning.",
                AI_ACT_URL,
            )
        )
    elif answers.annex_iii_area != "none":
        name_da, name_en = ANNEX_III_NAMES[answers.annex_iii_area]
        if answers.art6_3_narrow_task:
            steps.append(
                Step(
                    gettext_noop("AI Act Art. 6(3)"),
                    "Undtagelsen i art. 6, stk. 3, gælder ikke: systemet bedømmer eller "
                    "forudsiger noget om personer (profilering), og et system i bilag III, der "
                    "profilerer personer, er altid højrisiko.",
                    "The derogation of Art. 6(3) does not apply: the system evaluates or "
                    "predicts something about people (profiling), and an Annex III system that "
                    "profiles people is always high-risk.",
                    AI_ACT_URL,
                )
            )
        steps.append(
            Step(
                gettext_noop("AI Act Art. 6(2), Annex III"),
                f"Systemet bruges inden for {name_da}: det er højrisiko via sin anvendelse "
                "(bilag III).",
                f"The system is used for {name_en}: it is high-risk through its use (Annex III).",
                AI_ACT_URL,
            )
        )
    else:
        steps.append(
            Step(
                gettext_noop("AI Act Art. 6(2), Annex III"),
                "Systemet bruges ikke inden for et af områderne i bilag III.",
                "The system is not used in any of the areas of Annex III.",
                AI_ACT_URL,
            )
        )
    summary = {
        HIGH_RISK: (
            gettext_noop("AI Act Art. 6"),
            "Samlet: systemet er et højrisiko-AI-system.",
            "In all: the system is a high-risk AI system.",
        ),
        TRANSPARENCY: (
            gettext_noop("AI Act Art. 6, Art. 50"),
            "Samlet: ikke højrisiko, men systemet interagerer med mennesker eller laver "
            "syntetisk indhold, så der gælder gennemsigtighedskrav.",
            "In all: not high-risk, but the system interacts with people or generates "
            "synthetic content, so transparency obligations apply.",
        ),
        MINIMAL: (
            gettext_noop("AI Act Art. 6, Art. 50"),
            "Samlet: minimal risiko. Ingen højrisiko- eller gennemsigtighedskrav; "
            "AI-færdigheder (art. 4) gælder stadig.",
            "In all: minimal risk. No high-risk or transparency obligations; AI literacy "
            "(Art. 4) still applies.",
        ),
    }
    article, da, en = summary[category]
    steps.append(Step(article, da, en, AI_ACT_URL))
    return steps


def _route_dates(routes, data: DatedData, on: date | None):
    applies_from: dict[str, str | None] = {}
    proposed: dict[str, str | None] = {}
    facts: list[DatedFact] = []
    for route in routes:
        key = ROUTE_DATE_KEYS.get(route)
        if key is None:
            continue
        law = data.find(key, on) if on else None
        proposal = data.find(key, on, proposal=True) if on else None
        applies_from[route] = law.value.isoformat() if law else None
        proposed[route] = proposal.value.isoformat() if proposal else None
        facts += [fact for fact in (law, proposal) if fact]
    return applies_from, proposed, facts


ROUTE_NAMES = {
    ROUTE_ANNEX_I: (
        "Højrisikoreglerne for bilag I-produkter",
        "The high-risk rules for Annex I products",
    ),
    ROUTE_ANNEX_III: (
        "Højrisikoreglerne for bilag III-systemer",
        "The high-risk rules for Annex III systems",
    ),
}


def _date_steps(routes, applies_from, proposed, sources) -> list[Step]:
    steps = []
    for route in routes:
        if route not in ROUTE_NAMES:
            continue
        name_da, name_en = ROUTE_NAMES[route]
        law, proposal = applies_from.get(route), proposed.get(route)
        if law:
            day = date.fromisoformat(law)
            da = f"{name_da} gælder fra {format_date_da(day)}."
            en = f"{name_en} apply from {format_date_en(day)}."
            source_da, source_en = sources.get(route, ("", ""))
            if source_da:
                da += f" Kilde: {source_da}."
                en += f" Source: {source_en}."
        else:
            da = f"{name_da}: produktets data har ingen dato for, hvornår de gælder."
            en = f"{name_en}: the product's data has no date for when they apply."
        if proposal:
            day = date.fromisoformat(proposal)
            da += (
                f" Forslag, ikke vedtaget: en foreslået ændring vil flytte datoen til "
                f"{format_date_da(day)}."
            )
            en += (
                f" Proposal, not adopted: a proposed amendment would move the date to "
                f"{format_date_en(day)}."
            )
        steps.append(Step(gettext_noop("AI Act Art. 113"), da, en, AI_ACT_URL))
    return steps


def _dated(key: str, data: DatedData, on: date | None, facts: list[DatedFact]):
    """The date for `key` in both languages (" fra 2. august 2026", " from 2 August 2026"), or
    empty strings when the data has none; a fact used is added to `facts`."""
    fact = data.find(key, on) if on else None
    if fact is None:
        return "", ""
    facts.append(fact)
    return format_date_da(fact.value), format_date_en(fact.value)


def _transparency_step(data, on, facts) -> Step:
    day_da, day_en = _dated(DatedKey.AI_ACT_ART50_FROM, data, on, facts)
    return Step(
        gettext_noop("AI Act Art. 50"),
        "Systemet interagerer med mennesker eller laver syntetisk indhold: "
        "gennemsigtighedskravene i art. 50 gælder"
        + (f" fra {day_da}" if day_da else "")
        + ". De påhviler mest udbyderen (at fortælle, at man taler med AI, og at mærke "
        "syntetisk indhold); regionen skal sikre, at det virker i praksis. Et system, der kun "
        "lytter (fx en talegenkendelse, der optager en konsultation), interagerer ikke direkte "
        "med patienten; at patienten skal have at vide, at samtalen optages, følger af GDPR "
        "art. 13.",
        "The system interacts with people or generates synthetic content: the transparency "
        "obligations of Art. 50 apply"
        + (f" from {day_en}" if day_en else "")
        + ". They are mostly the provider's (telling people they are dealing with AI, marking "
        "synthetic content); the region makes sure it works in practice. A system that only "
        "listens (e.g. speech recognition recording a consultation) does not interact directly "
        "with the patient; telling the patient that the conversation is recorded is a duty "
        "under GDPR Art. 13.",
        AI_ACT_URL,
    )


def _listening_step() -> Step:
    return Step(
        gettext_noop("AI Act Art. 50(1); GDPR Art. 13"),
        "Art. 50, stk. 1, gælder systemer, der er beregnet til at interagere direkte med "
        "mennesker; et system, der kun lytter eller læser, gør ikke det. At de registrerede "
        "skal informeres om behandlingen, fx at en samtale optages, følger af GDPR art. 13.",
        "Art. 50(1) covers systems intended to interact directly with people; a system that "
        "only listens or reads does not. Informing the data subjects of the processing, e.g. "
        "that a conversation is recorded, is a duty under GDPR Art. 13.",
        GDPR_URL,
    )


def _literacy_step(data, on, facts) -> Step:
    day_da, day_en = _dated(DatedKey.AI_ACT_ART4_ART5_FROM, data, on, facts)
    return Step(
        gettext_noop("AI Act Art. 4"),
        "Kravet om AI-færdigheder gælder altid, for alle udbydere og idriftsættere"
        + (f", fra {day_da}" if day_da else "")
        + ": regionen skal træffe foranstaltninger, der styrker AI-færdighederne hos de "
        "medarbejdere, der bruger systemet (art. 4 som ændret i 2026 er en indsatspligt).",
        "AI literacy always applies, to every provider and deployer"
        + (f", from {day_en}" if day_en else "")
        + ": the region must take measures that support the AI literacy of the staff who use "
        "the system (Art. 4 as amended in 2026 is a duty to make an effort).",
        AI_ACT_URL,
    )


def _fria_step(answers, category, routes, fria) -> Step:
    if fria:
        return Step(
            gettext_noop("AI Act Art. 27"),
            "Systemet er højrisiko via bilag III, og regionen er et offentligretligt organ: "
            "regionen skal lave en konsekvensanalyse af grundlæggende rettigheder (FRIA), før "
            "systemet tages i brug.",
            "The system is high-risk through Annex III and the region is a body governed by "
            "public law: the region must carry out a fundamental rights impact assessment "
            "(FRIA) before the system is deployed.",
            AI_ACT_URL,
        )
    if category != HIGH_RISK:
        da = "Ikke højrisiko: der kræves ingen konsekvensanalyse af grundlæggende rettigheder."
        en = "Not high-risk: no fundamental rights impact assessment is required."
    elif ROUTE_ANNEX_III not in routes:
        da = (
            "Systemet er kun højrisiko via bilag I (medicinsk udstyr): der kræves ingen formel "
            "konsekvensanalyse af grundlæggende rettigheder. En lettere vurdering ved siden af "
            "DPIA'en er god praksis."
        )
        en = (
            "The system is high-risk only through Annex I (a medical device): no formal "
            "fundamental rights impact assessment is required. A lighter assessment next to the "
            "DPIA is good practice."
        )
    elif answers.annex_iii_area == "critical_infrastructure":
        da = (
            "Kritisk infrastruktur (bilag III, punkt 2) er undtaget: der kræves ingen "
            "konsekvensanalyse af grundlæggende rettigheder."
        )
        en = (
            "Critical infrastructure (Annex III, point 2) is exempt: no fundamental rights "
            "impact assessment is required."
        )
    else:
        da = (
            "Idriftsætteren er hverken et offentligretligt organ eller en privat udbyder af "
            "offentlige tjenester: der kræves ingen konsekvensanalyse af grundlæggende "
            "rettigheder."
        )
        en = (
            "The deployer is neither a body governed by public law nor a private provider of "
            "public services: no fundamental rights impact assessment is required."
        )
    return Step(gettext_noop("AI Act Art. 27"), da, en, AI_ACT_URL)


def _dpia_step(answers, dpia, criteria, basis) -> Step:
    names = {
        "health_data": (
            "helbredsoplysninger (følsomme oplysninger)",
            "health data (sensitive data)",
        ),
        "large_scale": ("behandling i stort omfang", "large-scale processing"),
        "vulnerable_subjects": ("sårbare registrerede", "vulnerable data subjects"),
        "innovative_technology": ("ny teknologi", "innovative technology"),
        "systematic_monitoring": ("systematisk overvågning", "systematic monitoring"),
        "automated_decisions": (
            "automatiske afgørelser med betydelige følger",
            "automated decisions with significant effect",
        ),
        "evaluation_or_scoring": (
            "evaluering eller scoring, herunder profilering og forudsigelse",
            "evaluation or scoring, including profiling and predicting",
        ),
        "matching_datasets": (
            "samkøring eller kombination af datasæt",
            "matching or combining datasets",
        ),
        "prevents_rights_or_service": (
            "behandling, der hindrer de registrerede i at udøve en rettighed eller bruge en "
            "tjeneste",
            "processing that prevents data subjects from exercising a right or using a service",
        ),
    }
    met_da = ", ".join(names[name][0] for name in criteria)
    met_en = ", ".join(names[name][1] for name in criteria)
    if not answers.personal_data:
        return Step(
            gettext_noop("GDPR Art. 35"),
            "Der behandles ingen personoplysninger: der kræves ingen konsekvensanalyse (DPIA).",
            "No personal data are processed: no data protection impact assessment (DPIA) is "
            "required.",
            GDPR_URL,
        )
    if basis == "art35_3_b":
        return Step(
            gettext_noop("GDPR Art. 35(3)(b)"),
            "Helbredsoplysninger behandles i stort omfang: en konsekvensanalyse (DPIA) er "
            f"påkrævet, og DPO'en skal inddrages (art. 35, stk. 2). Kriterier opfyldt: {met_da}.",
            "Health data are processed on a large scale: a data protection impact assessment "
            "(DPIA) is required, and the data protection officer must be consulted "
            f"(Art. 35(2)). Criteria met: {met_en}.",
            GDPR_URL,
        )
    if dpia:
        return Step(
            gettext_noop("GDPR Art. 35(1), EDPB criteria"),
            f"To eller flere af EDPB's kriterier er opfyldt ({met_da}): en konsekvensanalyse "
            "(DPIA) er påkrævet, og DPO'en skal inddrages (art. 35, stk. 2).",
            f"Two or more of the EDPB's criteria are met ({met_en}): a data protection impact "
            "assessment (DPIA) is required, and the data protection officer must be consulted "
            "(Art. 35(2)).",
            GDPR_URL,
        )
    if criteria:
        return Step(
            gettext_noop("GDPR Art. 35(1), EDPB criteria"),
            f"Personoplysninger behandles, og ét af EDPB's ni kriterier er opfyldt ({met_da}): "
            "en konsekvensanalyse (DPIA) er sandsynligvis ikke påkrævet – dokumentér hvorfor. "
            "Tjek, at de øvrige kriterier virkelig ikke er opfyldt.",
            "Personal data are processed and one of the EDPB's nine criteria is met "
            f"({met_en}): a data protection impact assessment (DPIA) is likely not required – "
            "document why. Check that the other criteria really are not met.",
            GDPR_URL,
        )
    return Step(
        gettext_noop("GDPR Art. 35(1), EDPB criteria"),
        "Personoplysninger behandles, men ingen af EDPB's ni kriterier er opfyldt: en "
        "konsekvensanalyse (DPIA) er ikke påkrævet. Dokumentér vurderingen.",
        "Personal data are processed, but none of the EDPB's nine criteria is met: a data "
        "protection impact assessment (DPIA) is not required. Record this assessment.",
        GDPR_URL,
    )


# --- the deployer's duties --------------------------------------------------------------------


def _duty(key: str, article: str, da: str, en: str) -> dict[str, str]:
    return {"key": key, "article": article, "text_da": da, "text_en": en}


HIGH_RISK_DUTIES = (
    _duty(
        "art26_instructions",
        gettext_noop("AI Act Art. 26(1)"),
        "Brug systemet efter udbyderens brugsanvisning, med tekniske og organisatoriske tiltag.",
        "Use the system according to the provider's instructions for use, with technical and "
        "organisational measures.",
    ),
    _duty(
        "art26_human_oversight",
        gettext_noop("AI Act Art. 26(2)"),
        "Giv det menneskelige tilsyn til kompetente, uddannede personer med den nødvendige "
        "myndighed og støtte.",
        "Assign human oversight to competent, trained people with the necessary authority and "
        "support.",
    ),
    _duty(
        "art26_input_data",
        gettext_noop("AI Act Art. 26(4)"),
        "Sørg for, at inputdata er relevante og tilstrækkeligt repræsentative, i det omfang "
        "regionen styrer dem.",
        "Make sure input data are relevant and sufficiently representative, to the extent the "
        "region controls them.",
    ),
    _duty(
        "art26_monitoring",
        gettext_noop("AI Act Art. 26(5)"),
        "Overvåg driften; ved risiko: underret udbyderen og myndigheden og stop brugen.",
        "Monitor operation; on risk, inform the provider and the authority and suspend use.",
    ),
    _duty(
        "art26_serious_incidents",
        gettext_noop("AI Act Art. 26(5)"),
        "Indberet alvorlige hændelser til udbyderen og myndigheden.",
        "Report serious incidents to the provider and the authority.",
    ),
    _duty(
        "art26_logs",
        gettext_noop("AI Act Art. 26(6)"),
        "Opbevar de automatisk genererede logs i mindst 6 måneder, i det omfang regionen "
        "har kontrol over dem.",
        "Keep the automatically generated logs for at least 6 months, to the extent they are "
        "under the region's control.",
    ),
    _duty(
        "art26_workers",
        gettext_noop("AI Act Art. 26(7)"),
        "Informér medarbejderne og deres repræsentanter, før systemet tages i brug på "
        "arbejdspladsen.",
        "Inform workers and their representatives before the system is used at the workplace.",
    ),
    _duty(
        "art26_dpia_information",
        gettext_noop("AI Act Art. 26(9)"),
        "Brug de oplysninger, udbyderen giver efter art. 13, i konsekvensanalysen efter GDPR "
        "art. 35, hvor den kræves.",
        "Use the information the provider gives under Art. 13 in the data protection impact "
        "assessment under GDPR Art. 35, where one is required.",
    ),
    _duty(
        "art26_cooperate",
        gettext_noop("AI Act Art. 26(12)"),
        "Samarbejd med de kompetente myndigheder om alle tiltag, de træffer om systemet.",
        "Cooperate with the competent authorities in any action they take in relation to the "
        "system.",
    ),
)
REGISTRATION_DUTY = _duty(
    "art26_registration",
    gettext_noop("AI Act Art. 26(8), Art. 49(3)"),
    "Registrér brugen i EU-databasen (offentlige myndigheder som idriftsættere); gælder ikke "
    "kritisk infrastruktur (bilag III, punkt 2).",
    "Register the use in the EU database (public authorities as deployers); does not apply to "
    "critical infrastructure (Annex III, point 2).",
)
ANNEX_III_DUTIES = (
    _duty(
        "art26_inform_persons",
        gettext_noop("AI Act Art. 26(11)"),
        "Informér de personer, som systemet bruges til at træffe eller understøtte beslutninger "
        "om.",
        "Inform the people about whom the system is used to make or support decisions.",
    ),
)
FRIA_DUTY = _duty(
    "art27_fria",
    gettext_noop("AI Act Art. 27"),
    "Lav en konsekvensanalyse af grundlæggende rettigheder (FRIA) før ibrugtagning.",
    "Carry out a fundamental rights impact assessment (FRIA) before first use.",
)
PROHIBITED_DUTY = _duty(
    "art5_do_not_deploy",
    gettext_noop("AI Act Art. 5(1)(f)"),
    "Tag ikke systemet i brug: det er en forbudt praksis.",
    "Do not deploy the system: it is a prohibited practice.",
)
TRANSPARENCY_DUTY = _duty(
    "art50_transparency",
    gettext_noop("AI Act Art. 50"),
    "Sørg for, at folk får at vide, at de interagerer med AI, og at syntetisk indhold er "
    "mærket (mest udbyderens pligt; regionen sikrer, at det virker i praksis).",
    "Make sure people are told they are interacting with AI and that synthetic content is "
    "marked (mostly the provider's duty; the region makes sure it works in practice).",
)
LITERACY_DUTY = _duty(
    "art4_ai_literacy",
    gettext_noop("AI Act Art. 4"),
    "Træf foranstaltninger, der styrker AI-færdighederne hos de medarbejdere, der bruger "
    "systemet (art. 4 som ændret i 2026).",
    "Take measures that support the AI literacy of the staff who use the system (Art. 4 as "
    "amended in 2026).",
)


def _deployer_obligations(answers, category, routes, fria) -> list[dict[str, str]]:
    duties: list[dict[str, str]] = []
    if category == PROHIBITED:
        duties.append(PROHIBITED_DUTY)
    if category == HIGH_RISK:
        duties += HIGH_RISK_DUTIES
        if ROUTE_ANNEX_III in routes:
            if answers.annex_iii_area != "critical_infrastructure":
                duties.append(REGISTRATION_DUTY)
            duties += ANNEX_III_DUTIES
        if fria:
            duties.append(FRIA_DUTY)
    if category != PROHIBITED and (
        answers.interacts_with_people or answers.generates_synthetic_content
    ):
        duties.append(TRANSPARENCY_DUTY)
    duties.append(LITERACY_DUTY)
    return [dict(duty) for duty in duties]
