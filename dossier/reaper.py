"""Jobs whose worker died: marked failed, so they neither show as running forever nor block a
retry.

A worker killed with SIGKILL (the out-of-memory killer, a forced restart) runs no clean-up: its
dossier request and its django-tasks row stay RUNNING. The request records which process took
it (`host:pid:start time`); a job whose process is gone from this machine is lost at once, a job
of another machine once it has run longer than any live job can (`TASK_LEASE_SECONDS`: the
render time limit plus a margin). The renderer child dies with its worker (`rendering`), so
nothing of the job is left running when its row is marked failed.

`reap_lost_jobs` runs from `manage.py reap_tasks` (before each worker starts and from cron) and
before a new request of the same project, so asking again works at once.
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .models import DossierRequest

logger = logging.getLogger(__name__)

# The error code of a job whose worker died (the page's message is in services.ERROR_MESSAGES).
WORKER_LOST = "worker_lost"
WORKER_LOST_DETAIL = "WorkerLost: the worker process {worker} stopped without finishing the job"


def _start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (field 22 of /proc/<pid>/stat): with
    the pid it names one process, even after the pid is reused. None when there is no such
    (living) process; "" when /proc is not available."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return None
    except OSError:
        return ""
    if fields[0] in ("Z", "X"):  # a zombie has finished all it will do
        return None
    return fields[19]


def this_worker() -> str:
    """The identity recorded on a job this process takes."""
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_start_time(pid) or ''}"[:200]


def worker_is_gone(worker: str) -> bool | None:
    """True when the process named by `this_worker()` no longer runs on this machine, False
    when it does, None when it ran on another machine (or is not recorded)."""
    host, pid_text, started = (worker.rsplit(":", 2) + ["", ""])[:3]
    if not pid_text.isdigit() or host != socket.gethostname():
        return None
    current = _start_time(int(pid_text))
    if current is None:
        return True
    if current == "":  # no /proc: ask the kernel whether the pid exists
        try:
            os.kill(int(pid_text), 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False
    return bool(started) and current != started


def lease() -> timedelta:
    return timedelta(seconds=settings.TASK_LEASE_SECONDS)


def reap_lost_jobs(*, project_id: int | None = None, now: datetime | None = None) -> int:
    """Mark the dossier requests (and their task rows) of dead workers failed; with
    `project_id`, only that project's. Also fail any task row left RUNNING past the lease (a
    mail job of a dead worker). Returns how many dossier requests were marked. Idempotent; a
    job that finishes meanwhile is left alone (every update is conditional on RUNNING)."""
    now = now or timezone.now()
    running = DossierRequest.objects.filter(status=DossierRequest.Status.RUNNING)
    if project_id is not None:
        running = running.filter(project_id=project_id)
    reaped = 0
    for request in running:
        gone = worker_is_gone(request.worker)
        if gone is False:
            continue
        if gone is None and not (request.started_at and now - request.started_at > lease()):
            continue
        marked = DossierRequest.objects.filter(
            pk=request.pk, status=DossierRequest.Status.RUNNING, worker=request.worker
        ).update(
            status=DossierRequest.Status.FAILED,
            step="",
            error_code=WORKER_LOST,
            error_detail=WORKER_LOST_DETAIL.format(worker=request.worker or "?"),
            finished_at=now,
        )
        if not marked:
            continue
        reaped += 1
        logger.warning("Dossier request %s: its worker %s is gone", request.pk, request.worker)
        if request.task_id:
            _fail_task_rows(DBTaskResult.objects.filter(pk=request.task_id), request.worker, now)
    if project_id is None:
        # Other jobs (mail) record no worker: past the lease they are lost, except the task
        # rows of dossier jobs whose worker still runs.
        alive = DossierRequest.objects.filter(status=DossierRequest.Status.RUNNING).exclude(
            task_id=""
        )
        stale = DBTaskResult.objects.filter(started_at__lt=now - lease()).exclude(
            pk__in=list(alive.values_list("task_id", flat=True))
        )
        _fail_task_rows(stale, "", now)
    return reaped


def _fail_task_rows(rows, worker: str, now: datetime) -> None:
    rows.filter(status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        return_value=None,
        exception_class_path="dossier.reaper.WorkerLost",
        traceback=WORKER_LOST_DETAIL.format(worker=worker or "?"),
    )
