"""Fixtures for the monitoring tests: a project in its monitoring stage, with the personas'
team, and (`planned`) an approved classification plan."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from checklists.loading import load_pathways
from checklists.models import Pathway
from monitoring import services
from monitoring.services import MetricSpec
from tests.personas import Team, advance, answer, make_team

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "monitoring-test.v1.yaml"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def mteam(db) -> Team:
    load_pathways([FIXTURE])
    team = make_team(Pathway.objects.get(slug="monitoring-test", version=1))
    answer(team, "need.problem", "Lange ventetider.")
    advance(team)
    team.reload()
    assert team.project.current_stage.key == "monitoring"
    return team


METRICS = [
    MetricSpec("sensitivity", Decimal("0.85"), Decimal("0.75")),
    MetricSpec("specificity", Decimal("0.80"), Decimal("0.70")),
    MetricSpec("oe_ratio", Decimal("1.0")),
]


def make_plan(team: Team, *, approve: bool = True, **overrides):
    kwargs = {
        "project": team.reload(),
        "by": team.ai_competence,
        "source": "classification",
        "period": "month",
        "first_period": "2025-01",
        "agreed_actions": "Gennemgå sager; kontakt leverandøren.",
        "metrics": METRICS,
        "recipients": [team.ai_competence.pk],
        **overrides,
    }
    plan = services.propose_plan(**kwargs)
    if approve:
        services.approve_plan(plan=plan, by=team.consultant)
    return plan


@pytest.fixture
def planned(mteam) -> Team:
    make_plan(mteam)
    return mteam


def counts(tp=170, fp=40, tn=160, fn=30, expected=200.0) -> dict:
    values = {"n": tp + fp + tn + fn, "tp": tp, "fp": fp, "tn": tn, "fn": fn}
    if expected is not None:
        values["expected_positives"] = expected
    return values
