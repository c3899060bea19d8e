"""Thin views: fetch through a permission helper (404 for non-members, 403 for members who may
not change a thing), validate with a form, call a service, redirect or return a partial for htmx.
"""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from procurement.downloads import set_download_name
from procurement.forms import error_messages
from procurement.models import Project
from procurement.permissions import get_visible_project, require
from procurement.project_page import project_context

from . import requirements as requirement_service
from . import services
from .forms import RequirementForm
from .models import DossierVersion, Requirement
from .permissions import can_edit_requirements
from .tool import RequirementsListTool, requirements_panel, requirements_specification
from .word import DOCX_TYPE

logger = logging.getLogger(__name__)

PANEL = "dossier/partials/_panel.html"
REQUIREMENTS_PANEL = RequirementsListTool.template_name


# --- the dossier tab -------------------------------------------------------------------------


@login_required
@require_GET
def dossier_page(request: HttpRequest, project_id: int) -> HttpResponse:
    project = get_visible_project(request.user, project_id)
    context = project_context(project, request.user)
    context.update(tab="dossier", **services.dossier_panel(project))
    context["requirements_stage"] = _requirements_stage(project)
    return render(request, "dossier/project_dossier.html", context)


@never_cache
@login_required
@require_GET
def dossier_status(request: HttpRequest, project_id: int) -> HttpResponse:
    """The panel alone: htmx polls it while a job is waiting or running."""
    project = get_visible_project(request.user, project_id)
    return render(request, PANEL, {"project": project, **services.dossier_panel(project)})


@login_required
@require_POST
def dossier_generate(request: HttpRequest, project_id: int) -> HttpResponse:
    project = get_visible_project(request.user, project_id)
    services.request_dossier(project=project, by=request.user, language=request.LANGUAGE_CODE)
    if request.htmx:
        return render(request, PANEL, {"project": project, **services.dossier_panel(project)})
    return redirect("dossier:page", project_id=project.pk)


@login_required
@require_GET
def dossier_download(request: HttpRequest, project_id: int, version_id: int) -> HttpResponse:
    project = get_visible_project(request.user, project_id)
    version = get_object_or_404(DossierVersion, pk=version_id, project=project)
    try:
        content = services.download_version(version=version, by=request.user)
    except services.DossierFileDamaged:
        logger.exception("Stored dossier %s cannot be sent", version.pk)
        return HttpResponse(
            _("The stored file is missing or damaged, so it is not sent. Tell an administrator."),
            status=500,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(content, content_type="application/pdf")
    set_download_name(response, version.file_name)
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-cache"
    return response


# --- the requirements list -------------------------------------------------------------------


def _requirements_stage(project: Project):
    return project.tool_stage(RequirementsListTool.name)


def _back_to_list(project: Project) -> HttpResponse:
    stage = _requirements_stage(project)
    if stage is None:
        return redirect("project_detail", project_id=project.pk)
    url = reverse("project_stage", args=[project.pk, stage.key])
    return redirect(f"{url}#tool-{RequirementsListTool.name}")


def _panel_response(request, project, *, status=200, **panel) -> HttpResponse:
    context = {"project": project, "tool": requirements_panel(project, request.user, **panel)}
    return render(request, REQUIREMENTS_PANEL, context, status=status)


def _form_errors_to_messages(request, form) -> None:
    for error in error_messages(form):
        messages.error(request, error)


def _refused(request, project, exc: ValidationError) -> HttpResponse:
    """A change the list no longer takes (its stage was approved meanwhile): the panel as it is
    now, which says why, or the message on the stage page."""
    if request.htmx:
        return _panel_response(request, project, status=422)
    for message in exc.messages:
        messages.error(request, message)
    return _back_to_list(project)


def _editable(request, project_id: int) -> Project:
    project = get_visible_project(request.user, project_id)
    require(can_edit_requirements(project, request.user))
    return project


@login_required
@require_POST
def requirement_add(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _editable(request, project_id)
    form = RequirementForm(request.POST, project=project, prefix="new")
    if form.is_valid():
        try:
            requirement = requirement_service.add_requirement(
                project=project, by=request.user, **form.service_kwargs()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if request.htmx:
                return _panel_response(request, project, saved_pk=requirement.pk)
            messages.success(request, _("The requirement was added."))
            return _back_to_list(project)
    if request.htmx:
        return _panel_response(request, project, new_form=form, status=422)
    _form_errors_to_messages(request, form)
    return _back_to_list(project)


@login_required
@require_POST
def requirement_update(request: HttpRequest, project_id: int, requirement_id: int):
    project = _editable(request, project_id)
    requirement = get_object_or_404(Requirement, pk=requirement_id, project=project)
    form = RequirementForm(request.POST, project=project, prefix=f"req{requirement.pk}")
    saved = False
    if form.is_valid():
        try:
            requirement = requirement_service.update_requirement(
                requirement=requirement, by=request.user, **form.service_kwargs()
            )
            saved = True
        except ValidationError as exc:
            form.add_error(None, exc)
    if not request.htmx:
        if not saved:
            _form_errors_to_messages(request, form)
        return _back_to_list(project)
    tool = requirements_panel(
        project,
        request.user,
        bound=None if saved else form,
        bound_pk=requirement.pk,
        saved_pk=requirement.pk if saved else None,
    )
    row = next(row for row in tool["rows"] if row.requirement.pk == requirement.pk)
    context = {"project": project, "tool": tool, "row": row}
    return render(
        request,
        "dossier/partials/_requirement_response.html",
        context,
        status=200 if saved else 422,
    )


@login_required
@require_POST
def requirement_move(request: HttpRequest, project_id: int, requirement_id: int, direction: str):
    project = _editable(request, project_id)
    requirement = get_object_or_404(Requirement, pk=requirement_id, project=project)
    offset = {"up": -1, "down": 1}.get(direction)
    if offset is None:
        raise PermissionDenied
    try:
        requirement_service.move_requirement(
            requirement=requirement, by=request.user, offset=offset
        )
    except ValidationError as exc:
        return _refused(request, project, exc)
    if request.htmx:
        return _panel_response(request, project)
    return _back_to_list(project)


@login_required
@require_POST
def requirement_delete(request: HttpRequest, project_id: int, requirement_id: int):
    project = _editable(request, project_id)
    requirement = get_object_or_404(Requirement, pk=requirement_id, project=project)
    try:
        requirement_service.delete_requirement(requirement=requirement, by=request.user)
    except ValidationError as exc:
        return _refused(request, project, exc)
    if request.htmx:
        return _panel_response(request, project)
    messages.success(request, _("The requirement was deleted."))
    return _back_to_list(project)


@login_required
@require_GET
def requirements_download(request: HttpRequest, project_id: int) -> HttpResponse:
    """The requirements specification as Word, for every member."""
    project = get_visible_project(request.user, project_id)
    content, name = requirements_specification(project)
    response = HttpResponse(content, content_type=DOCX_TYPE)
    set_download_name(response, name)
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
