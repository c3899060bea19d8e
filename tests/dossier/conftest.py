"""The dossier tests' pathway (fixtures/dossier-test.v1.yaml, with the requirements_list tool)
and a team on it; helpers to take the project through its stages."""

from decimal import Decimal
from pathlib import Path

import pytest

from checklists.loading import load_pathways
from checklists.models import Pathway
from dossier import requirements as requirement_service
from procurement.models import Action
from procurement.transitions import perform_transition
from tests.personas import Team, advance, answer, make_team, pdf_upload

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "dossier-test.v1.yaml"


def load_dossier_pathway() -> Pathway:
    load_pathways([FIXTURE])
    return Pathway.objects.get(slug="dossier-test", version=1)


@pytest.fixture(autouse=True)
def dossier_root(settings, tmp_path):
    """Each test stores dossiers in a folder of its own."""
    settings.DOSSIER_ROOT = tmp_path / "dossiers"
    return settings.DOSSIER_ROOT


@pytest.fixture
def dossier_pathway(db) -> Pathway:
    return load_dossier_pathway()


@pytest.fixture
def dteam(dossier_pathway) -> Team:
    """A project on the dossier pathway, in its first stage, with a full team."""
    return make_team(dossier_pathway)


def complete_need(team: Team, problem: str = "Lange ventetider på beskrivelser.") -> None:
    answer(team, "need.problem", problem)
    answer(team, "need.simpler_solution", "na", justification="Ingen enklere løsning findes.")


def add_valid_requirements(team: Team) -> None:
    project = team.reload()
    add = requirement_service.add_requirement
    by = team.procurement
    add(
        project=project,
        by=by,
        text="CE-mærket til formålet.",
        kind="minimum",
        verification="CE-certifikat.",
    )
    add(project=project, by=by, text="Pris.", kind="award", weight=Decimal(40))
    add(
        project=project,
        by=by,
        text="Klinisk kvalitet.",
        kind="award",
        weight=Decimal(60),
        verification="Valideringsrapport.",
    )


def complete_requirements(team: Team, *, file_name: str = "kravspec.pdf") -> None:
    # Written by the holder of its sign-off role, the specification counts as signed by them.
    answer(team, "requirements.specification", by=team.procurement, upload=pdf_upload(file_name))
    answer(team, "requirements.contract_value", "1250000.5", by=team.procurement)
    add_valid_requirements(team)


def to_legal(team: Team) -> None:
    """Need and requirements completed and approved: the project is in the legal stage."""
    complete_need(team)
    advance(team)
    complete_requirements(team)
    advance(team)
    answer(team, "legal.personal_data", "no", by=team.lawyer)
    team.reload()


def full_journey(dteam: Team) -> Team:
    """A project in its legal stage after a full journey: approvals, a return with a reason, a
    stop and a reopening, evidence with a sign-off, a "not applicable" with its justification, a
    requirements list, and an item that does not apply."""
    to_legal(dteam)
    perform_transition(
        project=dteam.reload(),
        action=Action.RETURNED,
        by=dteam.consultant,
        comment="Kravene skal skærpes.",
        target="requirements",
    )
    advance(dteam)
    perform_transition(
        project=dteam.reload(), action=Action.STOPPED, by=dteam.consultant, comment="Afventer."
    )
    perform_transition(
        project=dteam.reload(), action=Action.REOPENED, by=dteam.consultant2, comment="Klar."
    )
    answer(dteam, "legal.personal_data", "no", by=dteam.lawyer)
    answer(dteam, "legal.notes", "Noter fra juristen.", by=dteam.lawyer)
    dteam.reload()
    return dteam
