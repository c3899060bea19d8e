"""Which jobs count as lost: a dead worker on this machine at once, one elsewhere after the
lease; a live worker's job never, however long it runs."""

import socket
import subprocess
import sys
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from dossier.models import DossierRequest
from dossier.reaper import WORKER_LOST, reap_lost_jobs, this_worker, worker_is_gone

pytestmark = pytest.mark.django_db


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])  # noqa: S603
    child.wait()
    return child.pid


def test_who_is_gone():
    me = this_worker()
    host, pid, started = me.rsplit(":", 2)
    assert host == socket.gethostname() and started
    assert worker_is_gone(me) is False
    assert worker_is_gone(f"{host}:{dead_pid()}:1") is True
    assert worker_is_gone(f"{host}:{pid}:{int(started) + 1}") is True  # the pid was reused
    assert worker_is_gone(f"elsewhere:{pid}:{started}") is None
    assert worker_is_gone("") is None


def task_row(started):
    return DBTaskResult.objects.create(
        status="RUNNING",
        started_at=started,
        args_kwargs={"args": [1], "kwargs": {}},
        task_path="dossier.tasks.generate_dossier",
        backend_name="default",
        run_after=get_date_max(),
    )


def running(team, number, worker, started):
    row = task_row(started)
    return DossierRequest.objects.create(
        project=team.project,
        number=number,
        language="da",
        status=DossierRequest.Status.RUNNING,
        started_at=started,
        worker=worker,
        task_id=str(row.pk),
    )


def test_reaping(team, settings):
    settings.TASK_LEASE_SECONDS = 300
    now = timezone.now()
    host = socket.gethostname()
    dead_here = running(team, 1, f"{host}:{dead_pid()}:1", now)
    alive_here_old = running(team, 2, this_worker(), now - timedelta(hours=2))
    elsewhere_new = running(team, 3, "elsewhere:1:1", now - timedelta(seconds=60))
    elsewhere_old = running(team, 4, "elsewhere:1:1", now - timedelta(seconds=301))
    mail_job_old = task_row(now - timedelta(seconds=301))
    mail_job_new = task_row(now - timedelta(seconds=10))

    assert reap_lost_jobs(now=now) == 2
    assert reap_lost_jobs(now=now) == 0  # idempotent
    status = dict(DossierRequest.objects.values_list("pk", "status"))
    assert status[dead_here.pk] == status[elsewhere_old.pk] == "failed"
    assert status[alive_here_old.pk] == status[elsewhere_new.pk] == "running"
    assert DossierRequest.objects.get(pk=dead_here.pk).error_code == WORKER_LOST
    task_status = dict(DBTaskResult.objects.values_list("pk", "status"))
    for request in (dead_here, elsewhere_old):
        assert DBTaskResult.objects.get(pk=request.task_id).status == "FAILED"
    for request in (alive_here_old, elsewhere_new):
        assert DBTaskResult.objects.get(pk=request.task_id).status == "RUNNING"
    assert task_status[mail_job_old.pk] == "FAILED"
    assert task_status[mail_job_new.pk] == "RUNNING"


def test_asking_again_reaps_only_that_project(team, pathway, settings):
    from dossier import services
    from procurement import services as project_services

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    other = project_services.create_project(
        by=team.clinician, pathway=pathway, title="Andet", clinical_need="Behov.",
        department="Afd.",
    )  # fmt: skip
    host = socket.gethostname()
    mine = running(team, 1, f"{host}:{dead_pid()}:1", timezone.now())
    theirs = DossierRequest.objects.create(
        project=other, number=1, language="da", status="running",
        started_at=timezone.now(), worker=f"{host}:{dead_pid()}:1",
    )  # fmt: skip
    retried = services.request_dossier(project=team.reload(), by=team.clinician, language="da")
    assert retried.pk == mine.pk and retried.status == "queued" and retried.worker == ""
    theirs.refresh_from_db()
    assert theirs.status == "running"


def test_reap_tasks_retry_queues_the_lost_job_again_for_another_worker(team, settings, monkeypatch):
    """`reap_tasks --retry`: the job of a killed worker is queued again under its number, up to
    DOSSIER_MAX_ATTEMPTS tries; an earlier request of the project and a job that has had all its
    tries stay failed."""
    from io import StringIO

    from django.core.management import call_command

    from dossier import services

    settings.DOSSIER_MAX_ATTEMPTS = 3
    queued = []
    monkeypatch.setattr(services, "_enqueue", lambda request: queued.append(request.pk))
    host = socket.gethostname()
    now = timezone.now()
    earlier = running(team, 1, f"{host}:{dead_pid()}:1", now)
    latest = running(team, 2, f"{host}:{dead_pid()}:1", now)
    DossierRequest.objects.filter(pk=latest.pk).update(attempts=1)

    out = StringIO()
    call_command("reap_tasks", "--retry", stdout=out)
    assert "2 dossier job(s) of lost workers marked failed." in out.getvalue()
    assert "1 dossier job(s) queued again." in out.getvalue()
    assert queued == [latest.pk]
    latest.refresh_from_db()
    assert (latest.status, latest.worker, latest.error_code, latest.number) == ("queued", "", "", 2)
    assert DossierRequest.objects.get(pk=earlier.pk).status == "failed"
    # Idempotent: nothing is lost any more.
    call_command("reap_tasks", "--retry", stdout=StringIO())
    assert queued == [latest.pk]
    # Lost again on its last try: it stays failed.
    DossierRequest.objects.filter(pk=latest.pk).update(
        status="running", worker=f"{host}:{dead_pid()}:1", attempts=3
    )
    call_command("reap_tasks", "--retry", stdout=StringIO())
    assert queued == [latest.pk]
    assert DossierRequest.objects.get(pk=latest.pk).error_code == WORKER_LOST


def test_reap_tasks_without_retry_only_marks(team, monkeypatch):
    from io import StringIO

    from django.core.management import call_command

    from dossier import services

    monkeypatch.setattr(services, "_enqueue", lambda request: pytest.fail("queued"))
    lost = running(team, 1, f"{socket.gethostname()}:{dead_pid()}:1", timezone.now())
    call_command("reap_tasks", stdout=StringIO())
    assert DossierRequest.objects.get(pk=lost.pk).status == "failed"
