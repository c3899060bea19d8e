"""What `/healthz` checks (the database answers *and* holds this application's schema) and what
`/readyz` adds (every migration applied, both file storages writable and readable)."""

import os

from django.core.files.storage import storages
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

from . import file_storage
from .models import Project

# The migrations table and one table of the application: a database without them (a new empty
# file, another application's database, a half-restored backup) cannot serve a page.
REQUIRED_TABLES = (MigrationRecorder.Migration._meta.db_table, Project._meta.db_table)


def _sqlite_file_missing(connection: BaseDatabaseWrapper) -> bool:
    """SQLite creates a missing database file when it connects; look before connecting."""
    name = str(connection.settings_dict.get("NAME") or "")
    if name == ":memory:" or name.startswith("file:"):
        return False  # an in-memory or URI database (tests): nothing on disk to look for
    return not os.path.isfile(name)


def database_problem(connection: BaseDatabaseWrapper) -> str | None:
    """None when the database answers and has the schema; otherwise a short code saying why not.
    Never creates a database or a table."""
    if connection.vendor == "sqlite" and _sqlite_file_missing(connection):
        return "missing"
    try:
        with connection.cursor() as cursor:
            for table in REQUIRED_TABLES:
                cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} WHERE 1 = 0")  # noqa: S608 (fixed table names)
                cursor.fetchall()
    except Exception:
        return "unavailable"
    return None


def migrations_problem(connection: BaseDatabaseWrapper) -> str | None:
    """None when every migration of the code is applied; "pending" when some are not (an
    upgrade whose migrate job has not run yet), "unavailable" when the plan cannot be read."""
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception:
        return "unavailable"
    return "pending" if plan else None


def readiness(connection: BaseDatabaseWrapper) -> dict[str, str]:
    """Each check of `/readyz` with "ok" or the code of its problem. The later checks need the
    database, so they are not run when it fails."""
    checks = {"database": database_problem(connection) or "ok"}
    if checks["database"] == "ok":
        checks["migrations"] = migrations_problem(connection) or "ok"
    for kind in file_storage.KINDS:
        checks[f"storage_{kind}"] = file_storage.storage_problem(storages[kind]) or "ok"
    return checks
