"""Thin views: the panels' refresh endpoints and the business case editor's save."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget

from checklists.extensions import TOOLS
from procurement.gates import load_stage_status
from procurement.permissions import get_visible_project, require, roles_of
from procurement.project_page import gate_panel, project_context

from .business_case import BUSINESS_CASE_TOOL
from .forms import BusinessCaseForm, reshape
from .permissions import can_edit_business_case
from .services import save_business_case
from .tool import TOOLS as DECISION_TOOLS
from .tool import BusinessCaseTool, business_case_context

PANEL_TOOLS = {tool.name for tool in DECISION_TOOLS}


@login_required
@require_GET
def tool_panel(request: HttpRequest, project_id: int, tool_name: str) -> HttpResponse:
    """One decision panel, freshly computed: the page asks for it after every saved answer."""
    project = get_visible_project(request.user, project_id)
    stage = project.tool_stage(tool_name) if tool_name in PANEL_TOOLS else None
    if stage is None:
        raise Http404("No such tool on this project's pathway")
    tool = TOOLS[tool_name]
    context = tool.context(project=project, stage=stage, user=request.user, status=None)
    return render(request, tool.template_name, {"tool": context, "project": project})


@login_required
@require_POST
def business_case_save(request: HttpRequest, project_id: int) -> HttpResponse:
    """Validate and save the business case editor; answer with the new results (htmx), the whole
    editor when its shape changed, or the stage page (without JavaScript)."""
    project = get_visible_project(request.user, project_id)
    stage = project.tool_stage(BUSINESS_CASE_TOOL)
    if stage is None:
        raise Http404("This project's pathway has no business case")
    roles = roles_of(project, request.user)
    require(can_edit_business_case(project, request.user, roles))
    data, reshaped = reshape(request.POST)
    form = BusinessCaseForm(data)
    saved = form.is_valid()
    if saved:
        try:
            save_business_case(project=project, by=request.user, case=form.case)
        except ValidationError as exc:
            # The stage was approved (or the project stopped) since the page was opened.
            form.add_error(None, exc)
            saved = False
    context = business_case_context(project, request.user, roles, form=form, saved=saved)
    return _business_case_response(request, project, stage, context, reshaped=reshaped)


def _business_case_response(request, project, stage, context, *, reshaped: bool):
    saved = context["saved"]
    status = 200 if saved else 422
    if request.htmx and not reshaped:
        # The results, the status line and (after a save) the page's gate panel, out of band.
        gate = gate_panel(project, load_stage_status(project)) if saved else None
        return render(
            request,
            "decisions/partials/_business_case_response.html",
            {"tool": context, "project": project, "gate": gate},
            status=status,
        )
    if request.htmx:
        template = BusinessCaseTool.template_name
        response = render(request, template, {"tool": context}, status=status)
        return reswap(retarget(response, "#bc-panel"), "outerHTML")
    if saved and not reshaped:
        messages.success(request, _("The business case was saved."))
        return redirect(reverse("project_stage", args=[project.pk, stage.key]) + "#bc-panel")
    # Without JavaScript: the stage page again, with the editor as it was posted.
    page = project_context(project, request.user, stage=stage)
    page["tab"] = "checklist"
    for panel in page["tool_panels"]:
        if panel["name"] == BUSINESS_CASE_TOOL:
            panel["context"] = context
    return render(request, "procurement/project_detail.html", page, status=200 if saved else 400)
