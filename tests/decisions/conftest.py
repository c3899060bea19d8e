"""Fixtures for the decision helper tests: dated data of the tests' own, and a team on a small
pathway that uses the three tools and the three rules."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from checklists.loading import load_pathways
from checklists.models import Pathway
from decisions.dated_data import DatedData, DatedFact, DatedKey
from procurement.models import Action
from procurement.transitions import perform_transition, request_approval
from tests.migration_data import seed_dated_values
from tests.personas import Team, answer, make_team

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "decisions-pathway.v1.yaml"

OMNIBUS = "Digital Omnibus (proposal)"
TEST_FACTS = (
    DatedFact(DatedKey.AI_ACT_ART4_ART5_FROM, date(2025, 2, 2), source_title="AI Act"),
    DatedFact(DatedKey.AI_ACT_ART50_FROM, date(2026, 8, 2), source_title="AI Act"),
    DatedFact(DatedKey.AI_ACT_ANNEX_III_FROM, date(2026, 8, 2), source_title="AI Act"),
    DatedFact(DatedKey.AI_ACT_ANNEX_I_FROM, date(2027, 8, 2), source_title="AI Act"),
    DatedFact(
        DatedKey.AI_ACT_ANNEX_III_FROM, date(2027, 12, 2), is_proposal=True, source_title=OMNIBUS
    ),
    DatedFact(
        DatedKey.AI_ACT_ANNEX_I_FROM, date(2028, 8, 2), is_proposal=True, source_title=OMNIBUS
    ),
    DatedFact(
        DatedKey.EU_THRESHOLD_SUPPLIES_SERVICES,
        Decimal("1644638"),
        valid_from=date(2024, 1, 1),
        valid_to=date(2025, 12, 31),
        source_title="kfst.dk",
        source_url="https://www.kfst.dk/",
    ),
    DatedFact(
        DatedKey.DISCOUNT_RATE,
        Decimal("0.035"),
        valid_from=date(2021, 1, 7),
        source_title="Finansministeriet",
    ),
)


@pytest.fixture
def seeded(db) -> None:
    seed_dated_values()


@pytest.fixture
def dated() -> DatedData:
    return DatedData(TEST_FACTS)


@pytest.fixture
def decisions_pathway(seeded) -> Pathway:
    load_pathways([FIXTURE])
    return Pathway.objects.get(slug="decisions-pathway", version=1)


@pytest.fixture
def dteam(decisions_pathway) -> Team:
    """A full team on the decisions pathway, in its first stage (requirements)."""
    return make_team(decisions_pathway)


def advance_to(team: Team, stage_key: str) -> None:
    """Approve stages until the project is in `stage_key` (their checklists must be complete)."""
    while team.reload().state != stage_key:
        request_approval(project=team.reload(), by=team.clinician)
        perform_transition(
            project=team.reload(), action=Action.APPROVED, by=team.consultant, comment="ok"
        )


# The answers of a product that is not a medical device and needs nothing special.
PLAIN_LEGAL = {
    "legal.annex_iii_area": "none",
    "legal.emotion_recognition_at_work": "no",
    "legal.interacts_with_people": "no",
    "legal.generates_synthetic_content": "no",
    "legal.personal_data": "no",
}


def answer_all(team: Team, answers: dict[str, str]) -> None:
    for key, value in answers.items():
        by = team.lawyer if key.startswith("legal.") else team.clinician
        justification = "Ikke relevant her." if value == "na" else ""
        answer(team, key, value, by=by, justification=justification)
