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


@pytest.fixture(autouse=True)
def force_login_without_throttling(monkeypatch):
    """`force_login` is how tests sign people in without a password; login throttling
    (django-axes) has nothing to count then, so its bookkeeping stays out of the tests' query
    counts. Real logins through the login form (tests/test_login_throttle.py) still go through
    it."""
    from axes.signals import handle_user_logged_in
    from django.contrib.auth.signals import user_logged_in
    from django.test import Client

    original = Client.force_login

    def force_login(self, user, backend=None):
        user_logged_in.disconnect(handle_user_logged_in)
        try:
            return original(self, user, backend)
        finally:
            user_logged_in.connect(handle_user_logged_in)

    monkeypatch.setattr(Client, "force_login", force_login)
