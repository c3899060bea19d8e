"""Thin views: fetch through the permission helper (404 for what a person may not see, 403 for
what they may see but not change), validate with a form, call a service, redirect back to the
stage's panel. Problems go to the person as messages on the stage page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from procurement import evidence_files
from procurement.downloads import set_download_name
from procurement.forms import error_messages
from procurement.permissions import get_visible_project, require, roles_of

from . import services, upload_templates
from .forms import CriterionForm, OverrideForm, SiteForm, UploadForm, WaveForm, WithdrawForm
from .kinds import UploadKind, phase_for_stage_key
from .models import Criterion, Override, ResultUpload
from .permissions import can_contribute, can_override, can_sign_off_override
from .tool import NAME


def _validation_stage(request: HttpRequest, project_id: int, stage_key: str):
    """The project (404 unless the person may see it) and a stage that has the tool."""
    project = get_visible_project(request.user, project_id)
    stage = project.stage(stage_key)
    if stage is None or NAME not in stage.tools:
        raise Http404("No validation on this stage")
    return project, stage


def _back(project, stage) -> HttpResponse:
    url = reverse("project_stage", args=[project.pk, stage.key]) + "#tool-validation"
    return redirect(url)


def _refused(request, project, stage, errors) -> HttpResponse:
    for error in errors:
        messages.error(request, error)
    return _back(project, stage)


@login_required
@require_POST
def site_add(request: HttpRequest, project_id: int, stage_key: str) -> HttpResponse:
    project, stage = _validation_stage(request, project_id, stage_key)
    require(can_contribute(project, request.user))
    form = SiteForm(request.POST)
    if not form.is_valid():
        return _refused(request, project, stage, error_messages(form))
    try:
        services.add_site(project=project, stage=stage, by=request.user, **form.cleaned_data)
    except ValidationError as exc:
        return _refused(request, project, stage, exc.messages)
    messages.success(request, _("The site was added."))
    return _back(project, stage)


@login_required
@require_POST
def wave_save(request: HttpRequest, project_id: int, stage_key: str) -> HttpResponse:
    project, stage = _validation_stage(request, project_id, stage_key)
    require(can_contribute(project, request.user))
    form = WaveForm(request.POST)
    if not form.is_valid():
        return _refused(request, project, stage, error_messages(form))
    try:
        services.save_wave(project=project, stage=stage, by=request.user, **form.cleaned_data)
    except ValidationError as exc:
        return _refused(request, project, stage, exc.messages)
    messages.success(request, _("The wave was saved."))
    return _back(project, stage)


@login_required
@require_POST
def criterion_add(request: HttpRequest, project_id: int, stage_key: str) -> HttpResponse:
    project, stage = _validation_stage(request, project_id, stage_key)
    require(can_contribute(project, request.user))
    form = CriterionForm(request.POST)
    if not form.is_valid():
        return _refused(request, project, stage, error_messages(form))
    try:
        services.add_criterion(project=project, stage=stage, by=request.user, **form.cleaned_data)
    except ValidationError as exc:
        return _refused(request, project, stage, exc.messages)
    messages.success(request, _("The criterion was added."))
    return _back(project, stage)


@login_required
@require_POST
def criterion_change(
    request: HttpRequest, project_id: int, stage_key: str, criterion_id: int
) -> HttpResponse:
    project, stage = _validation_stage(request, project_id, stage_key)
    require(can_contribute(project, request.user))
    criterion = get_object_or_404(
        Criterion, pk=criterion_id, project=project, phase=phase_for_stage_key(stage.key)
    )
    form = CriterionForm(request.POST)
    if not form.is_valid():
        return _refused(request, project, stage, error_messages(form))
    try:
        services.change_criterion(
            project=project, stage=stage, criterion=criterion, by=request.user, **form.cleaned_data
        )
    except ValidationError as exc:
        return _refused(request, project, stage, exc.messages)
    messages.success(request, _("The criterion was changed. The earlier version is kept."))
    return _back(project, stage)


@login_required
@require_POST
def criterion_withdraw(
    request: HttpRequest, project_id: int, stage_key: str, criterion_id: int
) -> HttpResponse:
    project, stage = _validation_stage(request, project_id, stage_key)
    require(can_contribute(project, request.user))
    criterion = get_object_or_404(
        Criterion, pk=criterion_id, project=project, phase=phase_for_stage_key(stage.key)
    )
    form = WithdrawForm(request.POST)
    form.is_valid()
    try:
        services.withdraw_criterion(
            project=project,
            stage=stage,
            criterion=criterion,
            by=request.user,
            reason=form.cleaned_data.get("reason", ""),
        )
    except ValidationError as exc:
        return _refused(request, project, stage, exc.messages)
    messages.success(request, _("The criterion was withdrawn. It stays in the history."))
    return _back(project, stage)


@login_required
@require_POST
def upload(request: HttpRequest, project_id: int, stage_key: str) -> HttpResponse:
    project, stage = _validation_stage(request, project_id, stage_key)
    require(can_contribute(project, request.user))
    form = UploadForm(request.POST, request.FILES, project=project)
    if not form.is_valid():
        return _refused(request, project, stage, error_messages(form))
    data = form.cleaned_data
    try:
        result = services.upload_results(
            project=project,
            stage=stage,
            site=data["site"],
            kind=data["kind"],
            upload=data["file"],
            by=request.user,
            threshold=data.get("threshold"),
        )
    except ValidationError as exc:
        messages.error(request, _("Nothing was imported. Correct the file and upload it again."))
        return _refused(request, project, stage, exc.messages)
    messages.success(
        request,
        _("%(rows)d rows were imported for %(site)s and the results recomputed.")
        % {"rows": result.row_count, "site": result.site.name},
    )
    return _back(project, stage)


@login_required
@require_GET
def upload_download(request: HttpRequest, project_id: int, upload_id: int):
    project = get_visible_project(request.user, project_id)
    result = get_object_or_404(ResultUpload, pk=upload_id, project=project)
    return evidence_files.stored_file_response(
        project.pk,
        result.stored_name,
        original_name=result.original_name,
        content_type=result.content_type,
    )


@login_required
@require_POST
def override_record(request: HttpRequest, project_id: int, stage_key: str) -> HttpResponse:
    project, stage = _validation_stage(request, project_id, stage_key)
    require(can_override(project, request.user, roles_of(project, request.user)))
    form = OverrideForm(request.POST)
    if not form.is_valid():
        return _refused(request, project, stage, error_messages(form))
    try:
        services.record_override(
            project=project,
            stage=stage,
            by=request.user,
            justification=form.cleaned_data["justification"],
        )
    except ValidationError as exc:
        return _refused(request, project, stage, exc.messages)
    messages.success(
        request, _("The override was recorded. It counts once the AI competence unit signs it off.")
    )
    return _back(project, stage)


@login_required
@require_POST
def override_sign_off(
    request: HttpRequest, project_id: int, stage_key: str, override_id: int
) -> HttpResponse:
    project, stage = _validation_stage(request, project_id, stage_key)
    require(can_sign_off_override(project, request.user, roles_of(project, request.user)))
    override = get_object_or_404(Override, pk=override_id, project=project)
    try:
        services.sign_off_override(project=project, stage=stage, override=override, by=request.user)
    except ValidationError as exc:
        return _refused(request, project, stage, exc.messages)
    messages.success(request, _("The override was signed off."))
    return _back(project, stage)


@login_required
@require_GET
def upload_template(request: HttpRequest, kind: str, file_format: str) -> HttpResponse:
    """The columns and an example row of one kind of upload, as CSV or XLSX. The same for every
    project, so it needs a login and nothing more."""
    if kind not in UploadKind.values or file_format not in ("csv", "xlsx"):
        raise Http404("No such template")
    if file_format == "csv":
        body, content_type = upload_templates.csv_template(kind), "text/csv; charset=utf-8"
    else:
        body, content_type = upload_templates.xlsx_template(kind), upload_templates.XLSX_TYPE
    response = HttpResponse(body, content_type=content_type)
    return set_download_name(response, f"skabelon-{kind}.{file_format}")
