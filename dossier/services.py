"""Generating, storing and handing out dossier versions.

The flow is the same for the web page (a background job) and for `manage.py generate_dossier`
(synchronous): `request_dossier` reserves the next version number, `run_dossier_request` builds
the content, renders the PDF in a child process with a time limit, checks PDF/A, and stores the
file and its row. A version row only ever points to a complete file: the file is stored (synced
on a disk, one PUT in object storage) before the row is created, and a failed job leaves nothing
behind but its error.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import uuid
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from procurement import file_storage, journal
from procurement.guards import lock_project
from procurement.models import Action, Project

from . import rendering
from .content import build_dossier
from .models import DossierDownload, DossierRequest, DossierVersion
from .permissions import can_generate
from .reaper import WORKER_LOST, reap_lost_jobs, this_worker

logger = logging.getLogger(__name__)

# The background job (dossier/tasks.py) runs `run_dossier_request` below, so this module cannot
# import it: the dossier's AppConfig.ready() hands it here.
JOB = SimpleNamespace(generate_dossier=None)

TEMPLATE = "dossier/pdf/dossier.html"
STYLESHEET = "dossier/dossier.css"
STORED_NAME = re.compile(r"^[0-9a-f]{32}\.pdf$")

# Error codes of a failed job and what the page says about them.
CONTENT_FAILED = "content"
RENDER_FAILED = "render"
TIMEOUT = "timeout"
PDFA_FAILED = "pdfa"
STORAGE_FAILED = "storage"
ENQUEUE_FAILED = "enqueue"
ERROR_MESSAGES = {
    CONTENT_FAILED: gettext_noop("The case could not be collected for the dossier."),
    RENDER_FAILED: gettext_noop("The PDF could not be laid out."),
    TIMEOUT: gettext_noop(
        "Generating the dossier took longer than the time limit (%(seconds)s seconds) and was "
        "stopped."
    ),
    PDFA_FAILED: gettext_noop("The PDF did not pass the archival check (PDF/A-3b)."),
    STORAGE_FAILED: gettext_noop("The PDF could not be stored."),
    ENQUEUE_FAILED: gettext_noop("The job could not be put in the queue."),
    WORKER_LOST: gettext_noop(
        "The background job stopped without finishing (the worker was stopped or restarted)."
    ),
}


class DossierFileDamaged(Exception):
    """A stored file is missing or no longer matches its SHA-256; it is never sent."""


# --- requesting ------------------------------------------------------------------------------


def request_dossier(*, project: Project, by, language: str, enqueue: bool = True) -> DossierRequest:
    """Ask for a new dossier version and queue its job.

    While a job is waiting or running, asking again returns that job (a double click makes one
    dossier). After a failure, asking again retries the failed job under the same number.
    """
    with transaction.atomic():
        locked = lock_project(project)
        if not can_generate(locked, by):
            raise PermissionDenied
        # A job whose worker was killed is failed now, so asking again retries it.
        reap_lost_jobs(project_id=locked.pk)
        latest = DossierRequest.objects.filter(project=locked).order_by("-number").first()
        if latest is not None and latest.in_flight:
            return latest
        if latest is not None and latest.shows_as_failed:
            latest.status = DossierRequest.Status.QUEUED
            latest.step = ""
            latest.error_code = ""
            latest.error_detail = ""
            latest.worker = ""
            latest.requested_by = by
            latest.language = language
            latest.started_at = latest.finished_at = None
            latest.save()
            request = latest
        else:
            request = DossierRequest.objects.create(
                project=locked,
                number=(latest.number + 1) if latest else 1,
                requested_by=by,
                language=language,
            )
    # Queued after the commit, so the worker finds the row; with the immediate backend (tests)
    # the job then runs here without holding the write lock.
    if enqueue:
        _enqueue(request)
        request.refresh_from_db()
    return request


def _enqueue(request: DossierRequest) -> None:
    try:
        result = JOB.generate_dossier.enqueue(request.pk)
    except Exception as exc:
        logger.exception("Could not queue dossier request %s", request.pk)
        _fail(request, ENQUEUE_FAILED, exc)
        return
    DossierRequest.objects.filter(pk=request.pk).update(task_id=str(result.id)[:64])


def retry_lost_requests() -> int:
    """Queue again the dossier jobs a dead worker left (marked WORKER_LOST by the reaper), so
    another worker renders them without anyone asking again; at most DOSSIER_MAX_ATTEMPTS
    attempts per request (a dossier that kills its worker every time stays failed and the page
    says so). Only the latest request of a project is retried, under the same number, as
    `request_dossier` does. Returns how many were queued. Idempotent."""
    retried = 0
    lost = DossierRequest.objects.filter(
        status=DossierRequest.Status.FAILED,
        error_code=WORKER_LOST,
        attempts__lt=settings.DOSSIER_MAX_ATTEMPTS,
    )
    for request in lost:
        with transaction.atomic():
            locked = lock_project(request.project_id)
            latest = DossierRequest.objects.filter(project=locked).order_by("-number").first()
            if latest is None or latest.pk != request.pk:
                continue
            queued = DossierRequest.objects.filter(
                pk=request.pk, status=DossierRequest.Status.FAILED, error_code=WORKER_LOST
            ).update(
                status=DossierRequest.Status.QUEUED,
                step="",
                error_code="",
                error_detail="",
                worker="",
                started_at=None,
                finished_at=None,
            )
        if queued:
            logger.warning("Dossier request %s: queued again after its worker was lost", request.pk)
            _enqueue(request)
            retried += 1
    return retried


# --- the job ---------------------------------------------------------------------------------


def run_dossier_request(request_id: int) -> DossierVersion | None:
    """Do the work of one request. Returns the stored version, or None when the request was
    not waiting (another worker took it). Raises after recording the failure on the request."""
    claimed = DossierRequest.objects.filter(
        pk=request_id, status=DossierRequest.Status.QUEUED
    ).update(
        status=DossierRequest.Status.RUNNING,
        step=DossierRequest.Step.COLLECTING,
        started_at=timezone.now(),
        attempts=F("attempts") + 1,
        worker=this_worker(),
    )
    if not claimed:
        logger.info("Dossier request %s is not waiting; nothing to do.", request_id)
        return None
    request = DossierRequest.objects.select_related("requested_by").get(pk=request_id)
    generated_at = timezone.now()
    try:
        project = (
            Project.objects.select_related("pathway", "organisation", "owner")
            .prefetch_related("pathway__stages")
            .get(pk=request.project_id)
        )
        stage = project.current_stage
        with translation.override(request.language):
            content = build_dossier(
                project,
                number=request.number,
                generated_at=generated_at,
                generated_by=request.requested_by,
            )
            html = render_to_string(TEMPLATE, content.context)
        attachment = content.json_bytes()
    except Exception as exc:
        _fail(request, CONTENT_FAILED, exc)
        raise

    _set_step(request, DossierRequest.Step.RENDERING)
    try:
        pdf = render(html, attachment)
    except rendering.RenderTimeout as exc:
        _fail(request, TIMEOUT, exc)
        raise
    except rendering.PdfaInvalid as exc:
        _fail(request, PDFA_FAILED, exc)
        raise
    except Exception as exc:
        _fail(request, RENDER_FAILED, exc)
        raise

    _set_step(request, DossierRequest.Step.STORING)
    try:
        return _store(
            request,
            pdf,
            generated_at=generated_at,
            state=project.state,
            stage_key=stage.key if stage else "",
            stage_name=stage.name if stage else "",
        )
    except Exception as exc:
        _fail(request, STORAGE_FAILED, exc)
        raise


def render(html: str, attachment: bytes) -> rendering.RenderedPdf:
    """HTML to a validated PDF/A-3b with dossier.json attached, within the time limit."""
    stylesheet = finders.find(STYLESHEET)
    if not stylesheet:
        raise rendering.RenderError(f"static file {STYLESHEET} not found")
    folder = Path(stylesheet).parent
    allowed = frozenset(os.path.realpath(p) for p in folder.rglob("*") if p.is_file())
    job = rendering.RenderJob(
        html=html,
        attachment=attachment,
        base_url=folder.as_uri() + "/",
        allowed_files=allowed,
        stylesheets=(stylesheet,),
        verify=settings.DOSSIER_VERIFY_PDFA,
    )
    # Import WeasyPrint here once, so every forked renderer starts with it loaded.
    rendering.warm_up()
    return rendering.render_with_time_limit(job, timeout=settings.DOSSIER_RENDER_TIMEOUT)


def _set_step(request: DossierRequest, step: str) -> None:
    DossierRequest.objects.filter(pk=request.pk).update(step=step)


def _fail(request: DossierRequest, code: str, exc: BaseException) -> None:
    logger.error("Dossier request %s failed (%s): %s", request.pk, code, exc)
    DossierRequest.objects.filter(pk=request.pk).update(
        status=DossierRequest.Status.FAILED,
        step="",
        error_code=code,
        error_detail=f"{type(exc).__name__}: {exc}"[:10000],
        finished_at=timezone.now(),
    )


def version_name(version: DossierVersion) -> str:
    """The version's name in the dossier storage (procurement/file_storage.py)."""
    if not STORED_NAME.match(version.stored_name):
        raise ValueError("invalid stored name")
    return f"{int(version.project_id)}/{version.stored_name}"


def _store(
    request: DossierRequest,
    pdf: rendering.RenderedPdf,
    *,
    generated_at,
    state: str,
    stage_key: str,
    stage_name: str,
) -> DossierVersion:
    """Save the PDF under its final name, then create the row: a row only ever points to a
    complete file (a disk write is synced first; an object-storage PUT is complete or absent).
    A process killed between the two leaves a file no row names, which `clean_orphans` lists;
    a failed row removes the file."""
    storage = file_storage.dossier_storage()
    stored_name = f"{uuid.uuid4().hex}.pdf"
    name = f"{int(request.project_id)}/{stored_name}"
    file_storage.save_exactly(storage, name, ContentFile(pdf.content))
    try:
        with transaction.atomic():
            version = DossierVersion.objects.create(
                project_id=request.project_id,
                number=request.number,
                request=request,
                created_at=generated_at,
                created_by=request.requested_by,
                state=state,
                stage_key=stage_key,
                stage_name=stage_name,
                language=request.language,
                page_count=pdf.page_count,
                stored_name=stored_name,
                size=len(pdf.content),
                sha256=hashlib.sha256(pdf.content).hexdigest(),
            )
            DossierRequest.objects.filter(pk=request.pk).update(
                status=DossierRequest.Status.DONE, step="", finished_at=timezone.now()
            )
            journal.record(
                project=lock_project(request.project_id),
                action=Action.DOSSIER_GENERATED,
                by=request.requested_by,
                subject=f"v{version.number}",
                after={
                    "number": version.number,
                    "sha256": version.sha256,
                    "pages": version.page_count,
                    "language": version.language,
                },
                comment=f"v{version.number} · SHA-256 {version.sha256}",
            )
    except IntegrityError:
        storage.delete(name)
        existing = DossierVersion.objects.filter(request=request).first()
        if existing is None:
            raise
        # A worker presumed dead finished after all: its version stands.
        DossierRequest.objects.filter(pk=request.pk).update(
            status=DossierRequest.Status.DONE, step="", finished_at=timezone.now()
        )
        return existing
    except Exception:
        storage.delete(name)
        raise
    logger.info(
        "Dossier v%s of project %s stored: %s bytes, sha256 %s",
        version.number,
        version.project_id,
        version.size,
        version.sha256,
    )
    return version


# --- reading ---------------------------------------------------------------------------------


def read_version(version: DossierVersion) -> bytes:
    """The stored file's bytes, checked against the SHA-256 recorded when it was made."""
    try:
        with file_storage.dossier_storage().open(version_name(version), "rb") as handle:
            content = handle.read(version.size + 1)
    except OSError as exc:
        raise DossierFileDamaged(f"version {version.pk}: {exc}") from exc
    if len(content) != version.size or hashlib.sha256(content).hexdigest() != version.sha256:
        raise DossierFileDamaged(f"version {version.pk}: the file does not match its SHA-256")
    return content


def download_version(*, version: DossierVersion, by) -> bytes:
    """The stored file, unchanged (never re-rendered), with the download logged."""
    content = read_version(version)
    DossierDownload.objects.create(version=version, user=by)
    return content


def dossier_panel(project: Project) -> dict:
    """The dossier tab's state: the latest request and the stored versions."""
    latest = (
        DossierRequest.objects.filter(project=project)
        .select_related("requested_by")
        .order_by("-number")
        .first()
    )
    versions = list(
        DossierVersion.objects.filter(project=project)
        .select_related("created_by")
        .annotate(download_count=Count("downloads"))
        .order_by("-number")
    )
    # The stage each version was made in, named in the reader's language (stage_name keeps the
    # name in the language the version was generated in).
    names = {stage.key: stage.name for stage in project.stages}
    for version in versions:
        version.stage_label = names.get(version.stage_key) or version.stage_name or version.state
    return {
        "job": latest,
        "versions": versions,
        "polling": latest is not None and latest.in_flight,
        "error_message": error_message(latest) if latest and latest.shows_as_failed else "",
    }


def error_message(request: DossierRequest) -> str:
    from django.utils.translation import gettext

    code = WORKER_LOST if request.is_stale else request.error_code
    message = gettext(ERROR_MESSAGES.get(code, ERROR_MESSAGES[RENDER_FAILED]))
    if code == TIMEOUT:
        message %= {"seconds": settings.DOSSIER_RENDER_TIMEOUT}
    return message
