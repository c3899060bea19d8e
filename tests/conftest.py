"""Shared fixtures: the test pathway and named personas (see tests/personas.py)."""

import pytest

from tests.personas import Team, load_test_pathway, make_team


@pytest.fixture
def pathway(db):
    return load_test_pathway()


@pytest.fixture
def team(db, pathway) -> Team:
    """A project in its first stage with a full team, plus an outsider and an administrator."""
    return make_team(pathway)


@pytest.fixture(autouse=True)
def evidence_root(settings, tmp_path):
    """Each test stores evidence in a folder of its own."""
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    return settings.EVIDENCE_ROOT
