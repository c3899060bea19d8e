"""Fixtures for the market tests: a project in its market dialogue stage with the personas'
team, a requirements list (two minimum requirements, three award criteria), and helpers that
take three vendors through the dialogue to offers and scores."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from checklists.loading import load_pathways
from checklists.models import Pathway
from dossier.requirements import add_requirement
from market import services
from market.models import Vendor
from tests.personas import Team, advance, answer, make_team

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "market-test.v1.yaml"
VENDORS = [("Alfa Medical ApS", "29190909"), ("Beta Health A/S", "29190925"), ("Gamma AI", "")]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def mteam(db) -> Team:
    load_pathways([FIXTURE])
    team = make_team(Pathway.objects.get(slug="market-test", version=1))
    # The owner holds the clinician role on creation; the IT architect evaluates too.
    assert team.project.current_stage.key == "market_dialogue"
    return team


def add_requirements(team: Team) -> dict:
    by = team.procurement
    project = team.reload()
    rows = {
        "min_ce": add_requirement(project=project, by=by, text="CE-mærket", kind="minimum"),
        "min_gdpr": add_requirement(project=project, by=by, text="Data i EU", kind="minimum"),
        "price": add_requirement(
            project=project, by=by, text="Pris", kind="award", weight=Decimal(50)
        ),
        "quality": add_requirement(
            project=project, by=by, text="Kvalitet", kind="award", weight=Decimal(30)
        ),
        "support": add_requirement(
            project=project, by=by, text="Support", kind="award", weight=Decimal(20)
        ),
    }
    return rows


def add_vendors(team: Team, status: str = Vendor.Status.IN_DIALOGUE) -> list[Vendor]:
    vendors = []
    for name, cvr in VENDORS:
        vendor = services.add_vendor(project=team.reload(), by=team.procurement, name=name, cvr=cvr)
        if status != Vendor.Status.IDENTIFIED:
            vendor = services.update_vendor(
                vendor=vendor, by=team.procurement, name=name, cvr=cvr, status=status
            )
        vendors.append(vendor)
    return vendors


def to_tender(team: Team) -> None:
    """Approve the market dialogue stage (the requirements list must be valid by then)."""
    advance(team)
    team.reload()
    assert team.project.current_stage.key == "tender_operation"


def make_bidders(team: Team, vendors: list[Vendor]) -> list[Vendor]:
    return [
        services.update_vendor(
            vendor=v, by=team.procurement, name=v.name, cvr=v.cvr, status=Vendor.Status.BIDDER
        )
        for v in vendors
    ]


def evaluators(team: Team) -> list:
    people = [team.procurement, team.clinician, team.it_architect]
    for person in people:
        services.assign_evaluator(project=team.reload(), by=team.procurement, user=person)
    return people


# Consensus scores used by several tests (0-10 scales): Alfa 8/6/5, Beta 6/9/9, Gamma 9/4/3.
# Totals: Alfa 50*.8+30*.6+20*.5 = 68, Beta 30+27+18 = 75, Gamma 45+12+6 = 63.
CONSENSUS = {
    "Alfa Medical ApS": {"price": 8, "quality": 6, "support": 5},
    "Beta Health A/S": {"price": 6, "quality": 9, "support": 9},
    "Gamma AI": {"price": 9, "quality": 4, "support": 3},
}


def score_all(team: Team, vendors, requirements, people, table=CONSENSUS) -> None:
    for person in people:
        for vendor in vendors:
            for key, value in table[vendor.name].items():
                services.save_score(
                    vendor=vendor,
                    requirement=requirements[key],
                    by=person,
                    value=Decimal(value),
                    justification=f"{person.username} om {vendor.name}",
                )


def set_consensus_all(team: Team, vendors, requirements, table=CONSENSUS) -> None:
    for vendor in vendors:
        for key, value in table[vendor.name].items():
            services.set_consensus(
                vendor=vendor,
                requirement=requirements[key],
                by=team.procurement,
                value=Decimal(value),
                reason="Enighed efter drøftelse.",
            )


def check_minimums(team: Team, vendors, requirements, failing=()) -> None:
    for vendor in vendors:
        for key in ("min_ce", "min_gdpr"):
            met = (vendor.name, key) not in failing
            services.set_minimum_check(
                vendor=vendor,
                requirement=requirements[key],
                by=team.procurement,
                met=met,
                note="" if met else "Ikke dokumenteret.",
            )


def answer_procedure(team: Team, value: str = "eu_tender") -> None:
    answer(team, "tender_operation.procedure", value, by=team.procurement)


def full_market_journey(team: Team) -> dict:
    """A market dialogue with a published answer, then an evaluation of three offers, finished:
    Beta has the best total but fails a minimum requirement; Alfa wins."""
    from datetime import date

    requirements = add_requirements(team)
    vendors = add_vendors(team)
    question = services.record_dialogue(
        project=team.reload(),
        by=team.procurement,
        kind="question",
        vendor=vendors[0],
        occurred_on=date(2026, 11, 3),
        title="Hosting",
        text="Må løsningen køre i en EU-sky?",
    )
    services.answer_question(entry=question, by=team.procurement, answer="Ja, inden for EU/EØS.")
    to_tender(team)
    answer_procedure(team, "eu_tender")
    vendors = make_bidders(team, vendors)
    people = evaluators(team)
    score_all(team, vendors, requirements, people)
    set_consensus_all(team, vendors, requirements)
    check_minimums(team, vendors, requirements, failing={("Beta Health A/S", "min_gdpr")})
    services.finish_evaluation(project=team.reload(), by=team.procurement)
    return {"requirements": requirements, "vendors": vendors, "evaluators": people}
