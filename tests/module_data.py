"""Data made once per test module and shared by its tests, without leaking into other modules.

Loading the shipped guideline or seeding the demo takes seconds; doing it once per module instead
of once per test is most of what keeps the suite fast. `module_data(setup)` makes a module-scoped
fixture that runs `setup()` (after putting back what the data migrations wrote, see
tests/migration_data.py) inside a transaction opened for the module and rolled back at the
module's end. Each test's own transaction (pytest-django's `db` fixture) nests inside it as a
savepoint, so every test starts from exactly the data `setup` made and whatever it writes is
undone after it, as with a per-test fixture.

Rules for a module that uses one:
- every test that reads the data also asks for `db` (the shared transaction does not unblock
  database access by itself);
- no test in the module may use `transactional_db`, `live_server` or a second process that reads
  the database: those need committed data and would flush or wait on the open transaction;
- once made, the data stay for the rest of the module, also for tests that do not ask for them,
  so a test that needs an empty database belongs in another module.
"""

from collections.abc import Callable
from typing import Any

import pytest
from django.db import DEFAULT_DB_ALIAS, transaction
from django.test import TestCase, override_settings

from tests.data_snapshot import SNAPSHOTS, Snapshot, read_files, read_rows
from tests.migration_data import restore_migration_data


def module_data(setup: Callable[[], Any], *, snapshot: str | None = None, **settings: Any):
    """A module-scoped fixture whose value is what `setup()` returns, run with `settings`
    overridden (`override_settings`) until its on-commit callbacks have run too, so that a file
    an upload publishes on commit lands where the setup put it.

    With `snapshot`, a key naming what `setup` makes (it must return None), the rows and files
    it made are kept for this test process, and the next module asking for the same key gets
    them put back instead of running `setup` again (tests/data_snapshot.py), when its database
    starts out the same."""

    @pytest.fixture(scope="module")
    def fixture(django_db_setup, django_db_blocker):
        with django_db_blocker.unblock():
            atomic = transaction.atomic(using=DEFAULT_DB_ALIAS)
            # As Django's TestCase marks its class-wide atomic block, so that code asking for a
            # durable block behaves as it does in any other test.
            atomic._from_testcase = True
            atomic.__enter__()
            try:
                restore_migration_data()
                with override_settings(**settings):
                    value = _made_or_restored(setup, snapshot)
            except BaseException:
                transaction.set_rollback(True, using=DEFAULT_DB_ALIAS)
                atomic.__exit__(None, None, None)
                raise
        try:
            yield value
        finally:
            with django_db_blocker.unblock():
                transaction.set_rollback(True, using=DEFAULT_DB_ALIAS)
                atomic.__exit__(None, None, None)

    return fixture


def _made_or_restored(setup: Callable[[], Any], snapshot: str | None) -> Any:
    kept = SNAPSHOTS.get(snapshot) if snapshot else None
    if kept is not None and kept.restore():
        return None
    if snapshot:
        rows_before, files_before = read_rows(), read_files()
    # What would run when the data were committed (files get their real names, mail is queued)
    # runs when `setup` is done, as in a test of its own that captures its on-commit callbacks.
    with TestCase.captureOnCommitCallbacks(using=DEFAULT_DB_ALIAS, execute=True):
        value = setup()
    if snapshot:
        if value is not None:
            raise ValueError("a setup kept as a snapshot must return None")
        taken = Snapshot.take(rows_before, files_before)
        if taken is not None:
            SNAPSHOTS[snapshot] = taken
    return value
