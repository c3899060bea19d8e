"""From a project's checklist answers to the helpers' inputs, and the rules pathway files use.

The answers that feed the classification are ordinary checklist items (versioned, signed off, in
the dossier). Values are as stored: yes/no/na items hold "yes", "no" or "na" ("na" counts as
no); choice items hold the choice key.

`deployer_is_public_body` is always true: every organisation in this product is a Danish region
or hospital, i.e. a body governed by public law (AI Act Art. 27). Should private providers of
public services ever use it, this becomes a field on the organisation.
"""

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from .classification import CHOICE_FIELDS, DPIA_CRITERIA, OPTIONAL_FIELDS, classify

ITEM_KEYS: dict[str, str] = {
    "is_medical_device": "requirements.is_medical_device",
    "software_function": "requirements.software_function",
    "worst_case_impact": "requirements.worst_case_impact",
    "annex_iii_area": "legal.annex_iii_area",
    "emotion_recognition_at_work": "legal.emotion_recognition_at_work",
    "interacts_with_people": "legal.interacts_with_people",
    "generates_synthetic_content": "legal.generates_synthetic_content",
    "personal_data": "legal.personal_data",
    "health_data": "legal.health_data",
    "large_scale": "legal.large_scale",
    "innovative_technology": "legal.innovative_technology",
    "systematic_monitoring": "legal.systematic_monitoring",
    "vulnerable_subjects": "legal.vulnerable_subjects",
    "automated_decisions": "legal.automated_decisions",
    # asked from default pathway v3 on; optional (false) where the pathway does not ask them
    # (OPTIONAL_FIELDS)
    "in_house_device": "legal.in_house_device",
    "art6_3_narrow_task": "legal.art6_3_narrow_task",
    "evaluation_or_scoring": "legal.evaluation_or_scoring",
    "matching_datasets": "legal.matching_datasets",
    "prevents_rights_or_service": "legal.prevents_rights_or_service",
}
# The items a pathway may leave out (then their answer counts as false); every other key above is
# one the pathway loader requires of a pathway that names the classification tool.
OPTIONAL_ITEM_KEYS = tuple(ITEM_KEYS[field] for field in OPTIONAL_FIELDS)
CONTRACT_VALUE_KEY = "tender_operation.contract_value_dkk"
YES_NO = {"yes": True, "no": False, "na": False}


@dataclass(frozen=True)
class ClassificationAnswers:
    """The classification's input built from the answers, or the item keys still missing."""

    inputs: dict[str, Any]
    missing: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return not self.missing


def classification_answers(
    values_by_key: Mapping[str, str], asked: Collection[str] | None = None
) -> ClassificationAnswers:
    """Only the questions that matter for these answers are needed: the software's function only
    for a medical device, the worst case only for diagnosis or therapy software, and the GDPR
    criteria only when personal data are processed. Questions that do not matter get the neutral
    value ("other", or false). An answer the classification does not know counts as missing.

    The optional questions (`OPTIONAL_FIELDS`: in-house device, Art. 6(3), three EDPB criteria)
    count as missing only when their item keys are in `asked` (the project's pathway asks them);
    otherwise an unanswered one is false. With `asked` None, every item answered counts."""
    inputs: dict[str, Any] = {"deployer_is_public_body": True}
    missing: list[str] = []

    def take(field: str):
        key = ITEM_KEYS[field]
        unasked = asked is None or key not in asked
        if field in OPTIONAL_FIELDS and not values_by_key.get(key) and unasked:
            inputs[field] = False
            return False
        value = values_by_key.get(key, "")
        if field in CHOICE_FIELDS:
            known = value in CHOICE_FIELDS[field]
            inputs[field] = value if known else None
        else:
            known = value in YES_NO
            inputs[field] = YES_NO.get(value)
        if not known:
            missing.append(ITEM_KEYS[field])
        return inputs[field]

    if take("is_medical_device"):
        if take("software_function") == "diagnosis_or_therapy_decisions":
            take("worst_case_impact")
        else:
            inputs["worst_case_impact"] = "other"
        take("in_house_device")
    else:
        inputs["software_function"] = inputs["worst_case_impact"] = "other"
        inputs["in_house_device"] = False
    for field in (
        "annex_iii_area",
        "emotion_recognition_at_work",
        "interacts_with_people",
        "generates_synthetic_content",
    ):
        take(field)
    if inputs["annex_iii_area"] not in (None, "none"):
        take("art6_3_narrow_task")
    else:
        inputs["art6_3_narrow_task"] = False
    if take("personal_data"):
        for field in DPIA_CRITERIA:
            take(field)
    else:
        inputs.update(dict.fromkeys(DPIA_CRITERIA, False))
    return ClassificationAnswers(inputs=inputs, missing=tuple(missing))


def classification_of(values_by_key: Mapping[str, str]) -> dict[str, Any] | None:
    """The classification (without dates) when the answers are complete, else None."""
    answers = classification_answers(values_by_key)
    return classify(answers.inputs) if answers.complete else None


# --- rules that pathway files name (false while the classification is incomplete) ------------
# Registered in DecisionsConfig.ready() under these names.


def ai_act_high_risk(values_by_key: Mapping[str, str]) -> bool:
    result = classification_of(values_by_key)
    return bool(result and result["high_risk"])


def dpia_required(values_by_key: Mapping[str, str]) -> bool:
    result = classification_of(values_by_key)
    return bool(result and result["dpia_required"])


def fria_required(values_by_key: Mapping[str, str]) -> bool:
    result = classification_of(values_by_key)
    return bool(result and result["fria_required"])


def data_leave_eu(values_by_key: Mapping[str, str]) -> bool:
    """Personal data leave the EU/EEA when they are processed or stored outside it, or when the
    vendor or a sub-processor can reach them from outside it: remote access from a third country
    is a transfer under GDPR chapter V too (EDPB Guidelines 05/2021, the three criteria of a
    transfer: data made available to an importer in a third country)."""
    return (
        values_by_key.get("agreement.hosting") == "outside_eu"
        or values_by_key.get("legal.third_country_access") == "yes"
    )


RULES = {
    "ai_act_high_risk": ai_act_high_risk,
    "data_leave_eu": data_leave_eu,
    "dpia_required": dpia_required,
    "fria_required": fria_required,
}
