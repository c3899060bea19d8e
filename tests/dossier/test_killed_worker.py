"""A real `db_worker` killed with SIGKILL in the middle of a dossier render: no renderer and no
database connection stay behind, the job ends as failed (not RUNNING forever) and asking again
makes exactly one dossier."""

import io
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django_tasks_db.models import DBTaskResult

from dossier import services
from dossier.models import DossierRequest, DossierVersion
from dossier.reaper import WORKER_LOST

from .test_renderer_process import alive, children_of, sockets_of

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)

# The real worker command, whose renderer child, instead of laying out pages, says who it is and
# then blocks until it is killed: the kill then always lands mid-render, however fast the machine.
HELD_WORKER = textwrap.dedent(
    """
    import os, sys, time
    import django
    django.setup()
    from django.core.management import call_command
    from dossier import rendering

    def hold(job):
        marker = sys.argv[1]
        with open(marker + ".tmp", "w") as out:
            out.write(str(os.getpid()))
        os.replace(marker + ".tmp", marker)
        while True:
            time.sleep(60)

    rendering.render_pdf = hold
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--max-tasks", "1")
    """
)


WORKER_APP_NAME = f"killed-worker-test-{os.getpid()}"


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def worker_env(settings) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_TESTING": "1",
        "DATABASE_URL": database_url(),
        "DOSSIER_ROOT": str(settings.DOSSIER_ROOT),
        "EVIDENCE_ROOT": str(settings.EVIDENCE_ROOT),
        # libpq's name for the worker's session, so the check below counts only its sessions
        # (other connections of this test process, e.g. a live server's, are not the worker's).
        "PGAPPNAME": WORKER_APP_NAME,
    }


def other_connections() -> int:
    """The worker's sessions on the test database (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND application_name = %s",
            [WORKER_APP_NAME],
        )
        return cursor.fetchone()[0]


def holders_of(path: str) -> list[int]:
    """Processes other than this one with the file open."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            links = [os.readlink(fd) for fd in (entry / "fd").iterdir()]
        except OSError:
            continue
        if any(link == path or link.startswith(path + "-") for link in links):
            found.append(int(entry.name))
    return found


def wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def test_a_worker_killed_mid_render_leaves_nothing_and_the_retry_makes_one_dossier(
    dteam, settings, tmp_path
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    request = services.request_dossier(project=dteam.reload(), by=dteam.procurement, language="da")
    assert request.status == DossierRequest.Status.QUEUED and request.task_id
    marker = tmp_path / "renderer.pid"
    worker = subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", HELD_WORKER, str(marker)],
        cwd=ROOT,
        env=worker_env(settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    renderer = None
    try:

        def rendering_started() -> bool:
            if worker.poll() is not None:
                raise AssertionError(f"the worker exited early:\n{worker.stdout.read()}")
            return marker.exists()

        wait_for(rendering_started, 180, "the renderer to start")
        renderer = int(marker.read_text())
        assert renderer in children_of(worker.pid)
        request.refresh_from_db()
        assert request.status == DossierRequest.Status.RUNNING
        assert request.step == DossierRequest.Step.RENDERING
        assert request.worker.split(":")[1] == str(worker.pid)
        # The renderer holds none of the worker's sockets (its database connection among them).
        assert not sockets_of(renderer) & sockets_of(worker.pid)
        if connection.vendor == "postgresql":
            assert other_connections() >= 1  # the worker's, so the check below can fail

        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
        wait_for(lambda: not alive(renderer), 10, "the renderer to die with its worker")
        if connection.vendor == "postgresql":
            wait_for(lambda: other_connections() == 0, 10, "the worker's session to end")
        else:
            name = connection.settings_dict["NAME"]
            assert holders_of(name) == []
            other = sqlite3.connect(name, timeout=0)
            try:
                other.execute("BEGIN IMMEDIATE")  # nobody holds the write lock
                other.rollback()
            finally:
                other.close()

        # What a killed worker leaves: both rows RUNNING, until the reaper looks.
        request.refresh_from_db()
        assert request.status == DossierRequest.Status.RUNNING
        task_row = DBTaskResult.objects.get(pk=request.task_id)
        assert task_row.status == "RUNNING"
        call_command("reap_tasks", stdout=io.StringIO())
        request.refresh_from_db()
        task_row.refresh_from_db()
        assert request.status == DossierRequest.Status.FAILED
        assert request.error_code == WORKER_LOST
        assert task_row.status == "FAILED" and task_row.finished_at is not None
        assert not DossierVersion.objects.exists()

        retried = services.request_dossier(
            project=dteam.reload(), by=dteam.procurement, language="da"
        )
        assert retried.pk == request.pk and retried.status == DossierRequest.Status.QUEUED
        assert retried.task_id != request.task_id
        subprocess.run(  # noqa: S603 - our own interpreter
            [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay",
             "--no-reload"],
            cwd=ROOT,
            env=worker_env(settings),
            check=True,
            timeout=300,
            capture_output=True,
        )  # fmt: skip
        retried.refresh_from_db()
        assert retried.status == DossierRequest.Status.DONE
        assert DBTaskResult.objects.get(pk=retried.task_id).status == "SUCCESSFUL"
        [version] = DossierVersion.objects.all()
        assert version.number == 1 and version.request_id == request.pk
        assert services.read_version(version).startswith(b"%PDF")
        assert DossierRequest.objects.count() == 1
        # Reaping again changes nothing.
        call_command("reap_tasks", stdout=io.StringIO())
        retried.refresh_from_db()
        assert retried.status == DossierRequest.Status.DONE
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(10)
        if renderer is not None and alive(renderer):
            os.kill(renderer, signal.SIGKILL)
