"""export_project / import_project: a demo project (with evidence, its journal and a dossier)
round-trips into an empty database, where verify_journal passes and every file's SHA-256
matches; a damaged or foreign archive, or a database that is not empty, is refused with nothing
written."""

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import uuid
import zipfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import connection

from checklists.loading import load_pathways
from dossier import services as dossier_services
from dossier.models import DossierVersion
from procurement import file_storage
from procurement.models import Evidence, HistoryEntry, Project, ProjectProgress
from procurement.project_archive import ArchiveRefused, import_project
from tests.module_data import module_data
from validation.models import ResultUpload

ROOT = Path(__file__).resolve().parent.parent
EVIDENCE = Path(tempfile.mkdtemp(prefix="archive-evidence-"))


def seed():
    load_pathways()
    call_command("seed_demo")


seeded_once = module_data(seed, snapshot="demo", DEBUG=True, EVIDENCE_ROOT=EVIDENCE)


@pytest.fixture(autouse=True)
def evidence_root(settings):
    settings.EVIDENCE_ROOT = EVIDENCE
    return EVIDENCE


@pytest.fixture
def demo(db, seeded_once, settings, tmp_path):
    """The demo project with the most files."""
    settings.DOSSIER_ROOT = tmp_path / "dossiers"
    return max(
        Project.objects.all(),
        key=lambda p: (
            Evidence.objects.filter(project=p).count()
            + ResultUpload.objects.filter(project=p).count()
        ),
    )


@pytest.fixture
def demo_with_dossier(demo):
    """... with one dossier version made for it too."""
    dossier_services.request_dossier(project=demo, by=demo.owner, language="da")
    assert DossierVersion.objects.filter(project=demo).exists()
    return demo


def exported(project, tmp_path) -> Path:
    path = tmp_path / "project.zip"
    call_command("export_project", str(project.pk), "--output", str(path), stdout=io.StringIO())
    return path


def manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter and fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_a_demo_project_round_trips_into_an_empty_database(demo_with_dossier, tmp_path):
    demo = demo_with_dossier
    archive = exported(demo, tmp_path)
    with zipfile.ZipFile(archive) as opened:
        manifest = json.loads(opened.read("manifest.json"))
        rows = json.loads(opened.read("project.json"))
    expected_files = (
        Evidence.objects.filter(project=demo).count()
        + ResultUpload.objects.filter(project=demo).count()
        + DossierVersion.objects.filter(project=demo).count()
    )
    assert len(manifest["files"]) == expected_files >= 2
    users = [row for row in rows if row["model"] == "accounts.user"]
    assert users and all(row["fields"]["password"] == "" for row in users)
    journal = HistoryEntry.objects.filter(project=demo).count()
    assert sum(row["model"] == "procurement.historyentry" for row in rows) == journal

    # A new, empty database (migrated, nothing else) of the same kind, and empty file folders.
    target = tmp_path / "restore"
    target.mkdir()
    with empty_database(target) as (database_url, query):
        restore_and_check(demo, archive, manifest, journal, target, database_url, query)


@contextmanager
def empty_database(target: Path):
    """A database URL of a new database, and a function running a query in it: a SQLite file,
    or a new PostgreSQL database beside the test database (dropped afterwards)."""
    if connection.vendor != "postgresql":
        path = target / "db.sqlite3"

        def query(sql, *params):
            with sqlite3.connect(path) as db:
                return db.execute(sql.replace("%s", "?"), params).fetchall()

        yield f"sqlite:///{path}", query
        return
    import psycopg

    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    server = f"postgresql://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    name = f"restore_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')

    def query(sql, *params):
        with psycopg.connect(f"{server}/{name}", autocommit=True) as restored:
            return restored.execute(sql, params).fetchall()

    try:
        yield f"{server}/{name}", query
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def restore_and_check(demo, archive, manifest, journal, target, database_url, query):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": database_url,
        "EVIDENCE_ROOT": str(target / "evidence"),
        "DOSSIER_ROOT": str(target / "dossiers"),
        "FILE_UPLOAD_TEMP_DIR": str(target / "uploads"),
        "STORAGE_URL": "",
    }
    assert manage(env, "migrate", "--noinput").returncode == 0
    restored = manage(env, "import_project", str(archive))
    assert restored.returncode == 0, restored.stderr[-2000:]
    assert f"Project {demo.pk} restored" in restored.stdout
    verified = manage(env, "verify_journal")
    assert verified.returncode == 0, verified.stderr[-2000:]

    for entry in manifest["files"]:
        root = target / ("evidence" if entry["storage"] == "evidence" else "dossiers")
        assert hashlib.sha256((root / entry["name"]).read_bytes()).hexdigest() == entry["sha256"]
    count = "SELECT count(*) FROM procurement_historyentry WHERE project_id = %s"
    assert query(count, demo.pk)[0][0] == journal
    ((head,),) = query(
        "SELECT hash FROM procurement_historyentry WHERE project_id = %s ORDER BY seq DESC LIMIT 1",
        demo.pk,
    )
    # The stored progress is made again from the restored answers, as the journal would.
    progress = "SELECT stage_key, answered FROM procurement_projectprogress WHERE project_id = %s"
    stored = ProjectProgress.objects.get(project=demo)
    assert [tuple(row) for row in query(progress, demo.pk)] == [(stored.stage_key, stored.answered)]
    passwords = [row[0] for row in query("SELECT password FROM accounts_user")]
    if connection.vendor == "postgresql":
        # New rows get new ids: the sequences were moved past the restored ones.
        ((next_id,),) = query("SELECT nextval(pg_get_serial_sequence('procurement_project', 'id'))")
        assert next_id > demo.pk
    last = HistoryEntry.objects.filter(project=demo).order_by("-seq").first()
    assert head == last.hash
    assert passwords and all(password.startswith("!") for password in passwords)

    # Twice: the database is no longer empty; nothing more is written.
    again = manage(env, "import_project", str(archive))
    assert again.returncode == 1 and "not empty" in again.stderr


def test_a_database_that_is_not_empty_is_refused(demo, tmp_path):
    archive = exported(demo, tmp_path)
    before = HistoryEntry.objects.count()
    with pytest.raises(CommandError, match="not empty"):
        call_command("import_project", str(archive), stdout=io.StringIO())
    assert HistoryEntry.objects.count() == before


def rewritten(archive: Path, tmp_path: Path, change) -> Path:
    """A copy of the archive with `change(members)` applied to its {name: bytes}."""
    with zipfile.ZipFile(archive) as opened:
        members = {name: opened.read(name) for name in opened.namelist()}
    change(members)
    out = tmp_path / "changed.zip"
    with zipfile.ZipFile(out, "w") as changed:
        for name, content in members.items():
            changed.writestr(name, content)
    return out


def damage_a_file(members):
    name = next(n for n in members if n.startswith("files/"))
    members[name] = members[name][:-1] + b"X"


def point_outside(members):
    manifest = json.loads(members["manifest.json"])
    manifest["files"][0]["name"] = "../../etc/passwd"
    members["manifest.json"] = json.dumps(manifest).encode()


def drop_a_file(members):
    del members[next(n for n in members if n.startswith("files/"))]


def wrong_format(members):
    manifest = json.loads(members["manifest.json"])
    manifest["format"] = 99
    members["manifest.json"] = json.dumps(manifest).encode()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (damage_a_file, "SHA-256|size"),
        (point_outside, "does not make"),
        (drop_a_file, "missing"),
        (wrong_format, "version"),
    ],
)
def test_a_damaged_archive_is_refused_before_anything_is_written(demo, tmp_path, change, message):
    archive = rewritten(exported(demo, tmp_path), tmp_path, change)
    listed = {
        kind: [f.name for f in file_storage.list_files(storage)]
        for kind, storage in file_storage.storages_by_kind().items()
    }
    with pytest.raises(ArchiveRefused, match=message), open(archive, "rb") as source:
        import_project(source)
    assert listed == {
        kind: [f.name for f in file_storage.list_files(storage)]
        for kind, storage in file_storage.storages_by_kind().items()
    }


def test_not_a_zip_file_is_refused(db, tmp_path):
    path = tmp_path / "x.zip"
    path.write_bytes(b"not a zip")
    with pytest.raises(CommandError, match="not a zip"):
        call_command("import_project", str(path), stdout=io.StringIO())


def test_export_refuses_an_unknown_project_and_never_replaces_a_file(demo, tmp_path):
    with pytest.raises(CommandError, match="No project"):
        call_command("export_project", "999999", "-o", str(tmp_path / "a.zip"))
    assert not (tmp_path / "a.zip").exists()
    existing = tmp_path / "b.zip"
    existing.write_bytes(b"keep")
    with pytest.raises(CommandError, match="exists"):
        call_command("export_project", str(demo.pk), "-o", str(existing))
    assert existing.read_bytes() == b"keep"


def test_export_refuses_a_damaged_stored_file(demo, tmp_path):
    evidence = Evidence.objects.filter(project=demo).first()
    path = Path(django_settings.EVIDENCE_ROOT) / str(demo.pk) / evidence.stored_name
    original = path.read_bytes()
    try:
        path.write_bytes(original + b"changed")
        with pytest.raises(CommandError, match="SHA-256"):
            call_command("export_project", str(demo.pk), "-o", str(tmp_path / "c.zip"))
        assert not (tmp_path / "c.zip").exists()
    finally:
        path.write_bytes(original)


# Rows that point to a project but are not the project's content: credentials (a restored
# project gets new keys) and the API's replay cache.
NOT_ARCHIVED = {"api.ApiToken", "api.IdempotentResponse"}


def test_every_model_of_a_project_is_in_the_archive():
    """A model that points to a project (or to a row of one) is exported, or named above with
    the reason; a new app's rows cannot be left out of the backups unnoticed."""
    from django.apps import apps
    from django.db.models import ForeignKey

    from procurement.project_archive import PROJECT_ROWS

    listed = {label for label, _path in PROJECT_ROWS}
    missing = {
        model._meta.label
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, ForeignKey)
        and (field.related_model._meta.label in listed | {"procurement.Project"})
        and model._meta.label not in listed | NOT_ARCHIVED
    }
    assert not missing
