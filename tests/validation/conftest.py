"""Fixtures for the validation tests: a pathway with the validation tool on two stages and a
team whose project is in the retrospective validation stage."""

import pytest
from django.utils import translation

from checklists.loading import load_pathways
from checklists.models import Pathway
from tests.personas import Team, make_team
from tests.validation.helpers import FIXTURE, to_retrospective


@pytest.fixture
def vpathway(db) -> Pathway:
    load_pathways([FIXTURE])
    return Pathway.objects.get(slug="validation-test", version=1)


@pytest.fixture
def vteam(vpathway) -> Team:
    """A project in the retrospective validation stage, with the personas' full team."""
    team = make_team(vpathway)
    to_retrospective(team)
    return team


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in their English source text (Danish is the default language, and
    its translations are made centrally)."""
    with translation.override("en"):
        yield
