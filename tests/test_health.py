"""/healthz answers 503 when the database is gone, garbage or lacks the schema, and never creates
a database file."""

import sqlite3

import pytest
from django.db import connection, connections

from procurement.health import database_problem


def wrapper(**changes):
    """A separate connection to another database, so the test's own stays untouched."""
    real = connections["default"]
    return real.__class__({**real.settings_dict, **changes}, alias="healthz-check")


def check(**changes):
    other = wrapper(**changes)
    try:
        return database_problem(other)
    finally:
        other.close()


def test_the_test_database_is_healthy(db):
    assert database_problem(connection) is None


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite files")
def test_a_missing_sqlite_file_is_503_and_not_created(client, db, tmp_path, monkeypatch):
    gone = tmp_path / "gone.sqlite3"
    monkeypatch.setitem(connection.settings_dict, "NAME", str(gone))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "missing"}
    assert not gone.exists()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite files")
def test_a_garbage_sqlite_file_is_unhealthy(db, tmp_path):
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"this is not a database" * 100)
    assert check(NAME=str(garbage)) == "unavailable"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite files")
def test_an_empty_sqlite_database_is_unhealthy(db, tmp_path):
    empty = tmp_path / "empty.sqlite3"
    sqlite3.connect(empty).execute("CREATE TABLE other (x)").connection.close()
    assert check(NAME=str(empty)) == "unavailable"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL databases")
def test_a_postgresql_database_without_the_schema_is_unhealthy(db):
    assert check(NAME="postgres") == "unavailable"  # exists on every server, has no app tables
    assert check(NAME="no_such_database_for_healthz") == "unavailable"


# --- /readyz ---------------------------------------------------------------------------------


def test_readyz_checks_database_migrations_and_both_storages(client, db, file_backend):
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "migrations": "ok",
        "storage_evidence": "ok",
        "storage_dossiers": "ok",
    }
    assert response["Cache-Control"].startswith("max-age=0")


def test_readyz_is_503_while_a_migration_is_pending(client, db, monkeypatch):
    from django.db.migrations.executor import MigrationExecutor

    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("x", False)])
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["migrations"] == "pending"


def test_readyz_is_503_when_a_storage_fails(client, db, settings):
    settings.DOSSIER_ROOT = "/proc/no-such-folder"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["storage_dossiers"] == "unavailable"
    assert response.json()["storage_evidence"] == "ok"


def test_readyz_is_503_without_a_database(client, db, monkeypatch):
    from procurement import health

    monkeypatch.setattr(health, "database_problem", lambda connection: "unavailable")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"
    assert "migrations" not in response.json()
