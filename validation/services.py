"""Every change to a project's validation data goes through these functions.

Each one opens a transaction, locks the project row, re-checks who may do it and whether the stage
allows it *after* the lock, writes, and records the audit event (and, where the verdict can change,
the new verdict) in the same transaction. Nothing is written when a check fails.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from checklists.models import Stage
from procurement import evidence_files, journal
from procurement.guards import lock_project, require_stage_open
from procurement.models import Action, Project
from procurement.permissions import roles_of

from .criteria import METRICS
from .kinds import Direction, JudgedOn, UploadKind, WaveStatus, phase_for_stage_key
from .models import (
    AuditAction,
    AuditEvent,
    Criterion,
    EvaluationSite,
    Override,
    PhaseResult,
    ResultUpload,
    Wave,
)
from .parsing import ParseError, parse_upload
from .permissions import can_contribute, can_override, can_sign_off_override
from .selectors import compute_results, load_phase_state, verdict_snapshot

# Messages kept as constants so tests can assert them.
REASON_REQUIRED = gettext_noop(
    "The criteria are locked because results have been uploaded: give the reason for the change."
)
NOT_CURRENT_CRITERION = gettext_noop("Only a current criterion can be changed or withdrawn.")
SITE_EXISTS = gettext_noop("The project already has a site with this name.")
WAVE_DATES = gettext_noop("The wave cannot end before it starts.")
OVERRIDE_PENDING = gettext_noop("An override is already waiting for sign-off.")
OVERRIDE_NOT_NEEDED = gettext_noop("The validation gate is already open: no override is needed.")
OVERRIDE_SIGNED = gettext_noop("This override has already been signed off.")
OVERRIDE_SELF = gettext_noop("The person who recorded an override cannot sign it off.")
JUSTIFICATION_TOO_SHORT = gettext_noop("Give a justification of at least 20 characters.")
WRONG_SITE = gettext_noop("Choose one of the project's sites.")


def _locked(project: Project) -> Project:
    return lock_project(project)


def _phase(project: Project, stage: Stage) -> str:
    """The stage's phase, if the stage is the project's current one (re-read after the lock);
    an approved stage's validation is frozen with it."""
    require_stage_open(project, stage)
    return phase_for_stage_key(stage.key)


# The validation's own trail (read by its panel) is derived data; the project's journal gets
# every change a person made. The verdict is computed from those changes, so it is not journalled.
NOT_JOURNALLED = {AuditAction.VERDICT}
# Overrides have actions of their own in the journal (they change what the gate says).
JOURNAL_ACTION = {
    AuditAction.OVERRIDE_RECORDED: Action.VALIDATION_OVERRIDE,
    AuditAction.OVERRIDE_SIGNED_OFF: Action.VALIDATION_OVERRIDE_SIGNED,
}


def _event(project: Project, phase: str, action: str, by, **data) -> AuditEvent:
    event = AuditEvent.objects.create(project=project, phase=phase, action=action, by=by, data=data)
    if action not in NOT_JOURNALLED:
        journal.record(
            project=project,
            action=JOURNAL_ACTION.get(action, Action.VALIDATION_CHANGED),
            by=by,
            subject=f"{phase}: {action}",
            after=data,
            comment=data.get("justification", "") or data.get("reason", ""),
        )
    return event


def _spec_data(criterion: Criterion) -> dict:
    return {
        "metric": criterion.metric,
        "direction": criterion.direction,
        "threshold": str(criterion.threshold),
        "judged_on": criterion.judged_on,
        "every_group": criterion.every_group,
    }


def _record_verdict_if_changed(project: Project, phase: str, by) -> None:
    """Write the phase's verdict to the audit trail when it differs from the last one written."""
    state = load_phase_state(project, phase, with_events=False)
    if not state.criteria and not state.has_results:
        return
    snapshot = verdict_snapshot(state)
    last = (
        AuditEvent.objects.filter(project=project, phase=phase, action=AuditAction.VERDICT)
        .order_by("-at", "-pk")
        .first()
    )
    if last is None or last.data != snapshot:
        _event(project, phase, AuditAction.VERDICT, by, **snapshot)


# --- sites -------------------------------------------------------------------------------------


@transaction.atomic
def add_site(
    *,
    project: Project,
    stage: Stage,
    by,
    name: str,
    kind: str,
    department: str = "",
    wave: int = 1,
    is_demo: bool = False,
) -> EvaluationSite:
    project = _locked(project)
    if not can_contribute(project, by):
        raise PermissionDenied
    phase = _phase(project, stage)
    name = name.strip()
    if EvaluationSite.objects.filter(project=project, name__iexact=name).exists():
        raise ValidationError(_(SITE_EXISTS))
    site = EvaluationSite.objects.create(
        project=project,
        name=name,
        kind=kind,
        department=department.strip(),
        wave=wave,
        is_demo=is_demo,
        created_by=by,
    )
    _event(
        project,
        phase,
        AuditAction.SITE_ADDED,
        by,
        site_id=site.pk,
        site=site.name,
        wave=site.wave,
        kind=site.kind,
        department=site.department,
    )
    return site


@transaction.atomic
def save_wave(
    *,
    project: Project,
    stage: Stage,
    by,
    number: int,
    name: str,
    starts_on: date | None = None,
    ends_on: date | None = None,
    status: str = WaveStatus.PLANNED,
) -> Wave:
    """Name a wave of the roll-out, or change its name, dates or status (one row per number).
    Journalled; refused on a frozen stage, for a non-contributor, or when it ends before it
    starts. A running or finished wave's sites are expected to deliver results."""
    project = _locked(project)
    if not can_contribute(project, by):
        raise PermissionDenied
    phase = _phase(project, stage)
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError(_(WAVE_DATES))
    wave, _created = Wave.objects.update_or_create(
        project=project,
        number=number,
        defaults={
            "name": name.strip(),
            "starts_on": starts_on,
            "ends_on": ends_on,
            "status": WaveStatus(status),
            "updated_by": by,
        },
    )
    _event(
        project,
        phase,
        AuditAction.WAVE_SAVED,
        by,
        wave=wave.number,
        name=wave.name,
        starts_on=starts_on.isoformat() if starts_on else "",
        ends_on=ends_on.isoformat() if ends_on else "",
        status=wave.status,
    )
    return wave


# --- criteria ----------------------------------------------------------------------------------


def _criterion_values(metric, direction, threshold, judged_on, every_group) -> dict:
    if metric not in METRICS:
        raise ValidationError(_("Unknown metric."))
    if direction not in Direction.values or judged_on not in JudgedOn.values:
        raise ValidationError(_("Unknown direction or basis."))
    return {
        "metric": metric,
        "direction": direction,
        "threshold": Decimal(str(threshold)),
        "judged_on": judged_on,
        "every_group": bool(every_group),
    }


def _is_locked(project: Project, phase: str) -> bool:
    return ResultUpload.objects.filter(project=project, phase=phase).exists()


@transaction.atomic
def add_criterion(
    *,
    project: Project,
    stage: Stage,
    by,
    metric: str,
    direction: str,
    threshold,
    judged_on: str = JudgedOn.BOUND,
    every_group: bool = False,
    reason: str = "",
) -> Criterion:
    """A new criterion. Once the phase's criteria are locked, adding one is a change too and
    needs a reason."""
    project = _locked(project)
    if not can_contribute(project, by):
        raise PermissionDenied
    phase = _phase(project, stage)
    values = _criterion_values(metric, direction, threshold, judged_on, every_group)
    locked = _is_locked(project, phase)
    if locked and not reason.strip():
        raise ValidationError(_(REASON_REQUIRED))
    criterion = Criterion.objects.create(
        project=project,
        phase=phase,
        after_lock=locked,
        reason=reason.strip(),
        created_by=by,
        **values,
    )
    _event(
        project,
        phase,
        AuditAction.CRITERION_ADDED,
        by,
        criterion_id=criterion.pk,
        after=_spec_data(criterion),
        reason=criterion.reason,
        after_lock=locked,
    )
    if locked:
        _record_verdict_if_changed(project, phase, by)
    return criterion


def _current(project: Project, phase: str, criterion: Criterion) -> Criterion:
    """The criterion re-read under the lock; refused unless it is current in this phase."""
    criterion = Criterion.objects.filter(pk=criterion.pk, project=project, phase=phase).first()
    if (
        criterion is None
        or criterion.withdrawn
        or Criterion.objects.filter(replaces=criterion).exists()
    ):
        raise ValidationError(_(NOT_CURRENT_CRITERION))
    return criterion


@transaction.atomic
def change_criterion(
    *,
    project: Project,
    stage: Stage,
    criterion: Criterion,
    by,
    metric: str,
    direction: str,
    threshold,
    judged_on: str,
    every_group: bool,
    reason: str = "",
) -> Criterion:
    """A new version of a criterion; the old one stays in the history, unchanged."""
    spec = (metric, direction, threshold, judged_on, every_group)
    return _replace_criterion(
        project=project, stage=stage, criterion=criterion, by=by, reason=reason, spec=spec
    )


@transaction.atomic
def withdraw_criterion(
    *, project: Project, stage: Stage, criterion: Criterion, by, reason: str = ""
) -> Criterion:
    """A withdrawal is a new row too (a tombstone with the old values), never a deletion."""
    return _replace_criterion(
        project=project, stage=stage, criterion=criterion, by=by, reason=reason, spec=None
    )


def _replace_criterion(
    *, project: Project, stage: Stage, criterion: Criterion, by, reason: str, spec: tuple | None
) -> Criterion:
    """Write the row that replaces `criterion`: new values from `spec`, or a withdrawal when
    `spec` is None. After the lock a reason is required and the verdict is re-recorded."""
    project = _locked(project)
    if not can_contribute(project, by):
        raise PermissionDenied
    phase = _phase(project, stage)
    old = _current(project, phase, criterion)
    withdrawn = spec is None
    if withdrawn:
        values = {
            field: getattr(old, field)
            for field in ("metric", "direction", "threshold", "judged_on", "every_group")
        }
    else:
        values = _criterion_values(*spec)
    locked = _is_locked(project, phase)
    if locked and not reason.strip():
        raise ValidationError(_(REASON_REQUIRED))
    new = Criterion.objects.create(
        project=project,
        phase=phase,
        replaces=old,
        withdrawn=withdrawn,
        after_lock=locked,
        reason=reason.strip(),
        created_by=by,
        **values,
    )
    changes = {"before": _spec_data(old)}
    if not withdrawn:
        changes["after"] = _spec_data(new)
    _event(
        project,
        phase,
        AuditAction.CRITERION_WITHDRAWN if withdrawn else AuditAction.CRITERION_CHANGED,
        by,
        criterion_id=new.pk,
        replaces_id=old.pk,
        reason=new.reason,
        after_lock=locked,
        **changes,
    )
    if locked:
        _record_verdict_if_changed(project, phase, by)
    return new


# --- results -----------------------------------------------------------------------------------


CONTENT_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def upload_results(
    *,
    project: Project,
    stage: Stage,
    site: EvaluationSite,
    kind: str,
    upload: UploadedFile,
    by,
    threshold=None,
    is_demo: bool = False,
) -> ResultUpload:
    """Check and parse the file, then store it, its rows and the recomputed results of the
    phase. The first upload of a phase locks its criteria. Raises ValidationError with the
    row-level messages when the file cannot be used; then nothing is stored."""
    max_bytes = settings.VALIDATION_UPLOAD_MAX_BYTES
    if kind not in UploadKind.values:
        raise ValidationError(_("Unknown kind of results."))
    if upload.size > max_bytes:
        # Refuse before reading a byte of a file that is too large.
        raise ValidationError(parse_error_messages(max_bytes, upload.size))
    upload.seek(0)
    data = upload.read()
    try:
        table = parse_upload(data, upload.name, kind, max_bytes=max_bytes)
    except ParseError as exc:
        raise ValidationError(exc.messages) from exc
    extension = upload.name.rsplit(".", 1)[-1].lower()
    stored = None
    try:
        with transaction.atomic():
            project = _locked(project)
            if not can_contribute(project, by):
                raise PermissionDenied
            phase = _phase(project, stage)
            if site.project_id != project.pk:
                raise ValidationError(_(WRONG_SITE))
            stored = evidence_files.store_upload(
                upload, project_id=project.pk, content_type=CONTENT_TYPES[extension]
            )
            first = not ResultUpload.objects.filter(project=project, phase=phase).exists()
            result_upload = ResultUpload.objects.create(
                project=project,
                site=site,
                phase=phase,
                kind=kind,
                original_name=stored.original_name,
                stored_name=stored.stored_name,
                content_type=stored.content_type,
                size=stored.size,
                sha256=stored.sha256,
                threshold=None if threshold in (None, "") else Decimal(str(threshold)),
                row_count=table.n_rows,
                data=table.as_dict(),
                is_demo=is_demo,
                uploaded_by=by,
            )
            if first:
                _event(project, phase, AuditAction.CRITERIA_LOCKED, by, upload_id=result_upload.pk)
            _event(
                project,
                phase,
                AuditAction.RESULTS_UPLOADED,
                by,
                upload_id=result_upload.pk,
                site=site.name,
                kind=kind,
                file=stored.original_name,
                sha256=stored.sha256,
                rows=table.n_rows,
                demo=is_demo,
            )
            recompute(project=project, phase=phase, kinds=[kind])
            _record_verdict_if_changed(project, phase, by)
            evidence_files.publish_on_commit(project.pk, stored)
    except BaseException:
        if stored is not None:
            evidence_files.remove_stored(project.pk, stored.stored_name)
        raise
    return result_upload


def parse_error_messages(max_bytes: int, size: int) -> list[str]:
    from django.template.defaultfilters import filesizeformat

    return [
        _("The file is too large (%(size)s). The limit is %(limit)s.")
        % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes)}
    ]


def recompute(*, project: Project, phase: str, kinds: list[str] | None = None) -> PhaseResult:
    """Recompute and store the phase's results, all kinds or only `kinds` (inside the caller's
    transaction)."""
    stored = PhaseResult.objects.select_for_update().filter(project=project, phase=phase).first()
    data = dict(stored.data) if stored and kinds else {}
    data.update(compute_results(project, phase, kinds))
    if stored is None:
        return PhaseResult.objects.create(project=project, phase=phase, data=data)
    stored.data = data
    stored.save(update_fields=["data", "computed_at"])
    return stored


# --- override ----------------------------------------------------------------------------------


@transaction.atomic
def record_override(*, project: Project, stage: Stage, by, justification: str) -> Override:
    """An innovation consultant's justified decision to pass the gate although the criteria are
    not met. It counts only once the AI competence unit has signed it off."""
    project = _locked(project)
    if not can_override(project, by, roles_of(project, by)):
        raise PermissionDenied
    phase = _phase(project, stage)
    justification = justification.strip()
    if len(justification) < 20:
        raise ValidationError(_(JUSTIFICATION_TOO_SHORT))
    state = load_phase_state(project, phase, with_events=False)
    if state.gate_open:
        raise ValidationError(_(OVERRIDE_NOT_NEEDED))
    if state.pending_override is not None:
        raise ValidationError(_(OVERRIDE_PENDING))
    override = Override.objects.create(
        project=project, phase=phase, justification=justification, recorded_by=by
    )
    _event(
        project,
        phase,
        AuditAction.OVERRIDE_RECORDED,
        by,
        override_id=override.pk,
        justification=justification,
        verdict=verdict_snapshot(state),
    )
    return override


@transaction.atomic
def sign_off_override(*, project: Project, stage: Stage, override: Override, by) -> Override:
    project = _locked(project)
    if not can_sign_off_override(project, by, roles_of(project, by)):
        raise PermissionDenied
    phase = _phase(project, stage)
    override = Override.objects.select_for_update().get(pk=override.pk, project=project)
    if override.phase != phase:
        raise ValidationError(_(NOT_CURRENT_CRITERION))
    if override.is_signed_off:
        raise ValidationError(_(OVERRIDE_SIGNED))
    if override.recorded_by_id == by.pk:
        raise PermissionDenied(_(OVERRIDE_SELF))
    override.signed_off_by = by
    override.signed_off_at = timezone.now()
    override.save(update_fields=["signed_off_by", "signed_off_at"])
    _event(
        project,
        phase,
        AuditAction.OVERRIDE_SIGNED_OFF,
        by,
        override_id=override.pk,
        justification=override.justification,
    )
    return override
