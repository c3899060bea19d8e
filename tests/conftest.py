"""Shared fixtures: the test pathway and named personas (see tests/personas.py)."""

import pytest

from tests.object_storage import file_backend, moto_endpoint, object_storage  # noqa: F401
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


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test (browser, concurrency) ends with a flush of every table, the rows the
    data migrations wrote included; put them back once its teardown is done, so that what runs
    next in this process finds the database as `migrate` left it, whatever the order."""
    yield
    if nextitem is None:
        return  # the session's end: the test database is gone by now
    names = getattr(item, "fixturenames", ())
    marker = item.get_closest_marker("django_db")
    transactional = {"transactional_db", "live_server", "django_db_reset_sequences"} & set(names)
    if transactional or (marker is not None and marker.kwargs.get("transaction")):
        from pytest_django.plugin import blocking_manager_key

        from tests.migration_data import restore_migration_data

        with item.config.stash[blocking_manager_key].unblock():
            restore_migration_data()


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language (Danish) and leaves no other behind: a request
    in English or a mail in the recipient's language activates it in the thread, and the next
    test in the same process would otherwise read English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
