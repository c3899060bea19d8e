"""Thin views: fetch through a permission helper, validate with a form, call a service, redirect
(or return a partial for htmx)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from checklists.models import ChecklistItem

from . import evidence_files, services
from .dashboard import dashboard_context
from .forms import TRANSITION_FORMS, AnswerForm, MemberForm, ProjectForm, ReturnForm, TransitionForm
from .gates import available_actions, load_stage_status, refuses_person
from .health import database_problem, readiness
from .history import HistoryFilter, chain_status, history_filter_choices, history_rows
from .models import Action, Evidence, Membership
from .pathway_change import (
    continuation_plan,
    plan_pathway_change,
    upgrade_project,
)
from .permissions import (
    can_change_pathway,
    can_manage_team,
    get_visible_project,
    require,
    roles_of,
    team_change_refusal,
)
from .project_page import item_context, project_context
from .transitions import TransitionBlocked, perform_transition, request_approval


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the app and its database answer and the database holds the app's schema, 503
    otherwise (a missing SQLite file is not created). No login: load balancers use it."""
    problem = database_problem(connection)
    if problem is not None:
        return JsonResponse({"status": "error", "database": problem}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> HttpResponse:
    """200 when this process can serve: database with the schema, every migration applied, the
    file storages writable; 503 with the failing check's code otherwise. No login."""
    checks = readiness(connection)
    ready = all(value == "ok" for value in checks.values())
    status = "ok" if ready else "error"
    return JsonResponse({"status": status, **checks}, status=200 if ready else 503)


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    context = dashboard_context(request.user, page=request.GET.get("page"))
    return render(request, "procurement/dashboard.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request: HttpRequest) -> HttpResponse:
    form = ProjectForm(request.POST or None, organisation=request.user.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.create_project(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("The project was created. Add your team, then start on the checklist.")
            )
            return redirect("project_detail", project_id=project.pk)
    return render(request, "procurement/project_form.html", {"form": form})


@login_required
@require_GET
def project_detail(request: HttpRequest, project_id: int, stage_key: str | None = None):
    project = get_visible_project(request.user, project_id)
    stage = project.stage(stage_key) if stage_key else None
    if stage_key and stage is None:
        raise Http404("No such stage")
    context = project_context(project, request.user, stage=stage)
    context["tab"] = "checklist"
    return render(request, "procurement/project_detail.html", context)


@login_required
@require_GET
def team(request: HttpRequest, project_id: int) -> HttpResponse:
    project = get_visible_project(request.user, project_id)
    return _team_page(request, project, MemberForm(project=project, by=request.user))


def _team_page(request, project, member_form, status: int = 200) -> HttpResponse:
    context = project_context(project, request.user)
    by_roles = roles_of(project, request.user)
    context.update(
        tab="team",
        member_form=member_form,
        can_grant_approvers=any(
            value == "innovation_consultant" for value, _label in member_form.fields["role"].choices
        ),
        removable_ids={
            membership.pk
            for membership in context["memberships"]
            if team_change_refusal(
                project, request.user, membership.role, removing=True, by_roles=by_roles
            )
            is None
            and not (membership.user_id == project.owner_id and membership.role == "clinician")
        },
    )
    return render(request, "procurement/team.html", context, status=status)


@login_required
@require_POST
def member_add(request: HttpRequest, project_id: int) -> HttpResponse:
    project = get_visible_project(request.user, project_id)
    require(can_manage_team(project, request.user))
    form = MemberForm(request.POST, project=project, by=request.user)
    if form.is_valid():
        try:
            membership = services.add_member(project=project, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(user)s was added as %(role)s.")
                % {"user": membership.user, "role": membership.get_role_display()},
            )
            return redirect("project_team", project_id=project.pk)
    return _team_page(request, project, form, status=400)


@login_required
@require_POST
def member_remove(request: HttpRequest, project_id: int, membership_id: int) -> HttpResponse:
    project = get_visible_project(request.user, project_id)
    require(can_manage_team(project, request.user))
    membership = get_object_or_404(Membership, pk=membership_id, project=project)
    try:
        services.remove_member(project=project, by=request.user, membership=membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("project_team", project_id=project.pk)


@login_required
@require_GET
def history(request: HttpRequest, project_id: int) -> HttpResponse:
    project = get_visible_project(request.user, project_id)
    filters = HistoryFilter.from_query(request.GET)
    context = project_context(project, request.user)
    context.update(
        tab="history",
        history=history_rows(project, filters),
        filters=filters,
        choices=history_filter_choices(project),
        chain=chain_status(project),
    )
    return render(request, "procurement/history.html", context)


def _item_response(request, project, item, *, form=None, status=200, saved=False, error=""):
    """For htmx, the fragments that depend on the item and on the gate, out of band (the form
    the person is using is left alone); a redirect back to the item otherwise."""
    if not request.htmx:
        if form is not None and form.errors:
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, f"{item.text}: {message}")
        if error:
            messages.error(request, f"{item.text}: {error}")
        url = reverse("project_detail", args=[project.pk]) + f"#item-{item.pk}"
        return redirect(url)
    # Re-read: the save may have changed what the project shows (its status, its gate).
    project = get_visible_project(request.user, project.pk)
    context = item_context(project, request.user, item, form=form, saved=saved, error=error)
    return render(request, "procurement/partials/_item_response.html", context, status=status)


@login_required
@require_POST
def answer_save(request: HttpRequest, project_id: int, item_id: int) -> HttpResponse:
    project = get_visible_project(request.user, project_id)
    item = get_object_or_404(ChecklistItem, pk=item_id, stage__pathway_id=project.pathway_id)
    form = AnswerForm(
        request.POST, request.FILES, item=item, required=_item_required(project, item)
    )
    if not form.is_valid():
        return _item_response(request, project, item, form=form, status=422)
    upload = form.cleaned_data["value"] if item.answer_type == "evidence" else None
    try:
        services.save_answer(
            project=project,
            item=item,
            by=request.user,
            value="" if item.answer_type == "evidence" else form.cleaned_data["value"],
            justification=form.cleaned_data.get("justification", ""),
            upload=upload,
            seen_state=request.POST.get("seen_state") or None,
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return _item_response(request, project, item, form=form, status=422)
    response = _item_response(request, project, item, saved=True)
    # Stage tools that depend on answers (e.g. the AI Act classification) refresh on this event.
    response["HX-Trigger"] = "answer-saved"
    return response


def _item_required(project, item) -> bool:
    status = load_stage_status(project, item.stage)
    return next((s.required for s in status.items if s.item.pk == item.pk), item.required)


@login_required
@require_POST
def signoff_create(request: HttpRequest, project_id: int, item_id: int) -> HttpResponse:
    project = get_visible_project(request.user, project_id)
    item = get_object_or_404(ChecklistItem, pk=item_id, stage__pathway_id=project.pathway_id)
    try:
        services.sign_off(
            project=project,
            item=item,
            by=request.user,
            seen_state=request.POST.get("seen_state") or None,
        )
    except ValidationError as exc:
        return _item_response(request, project, item, status=422, error=" ".join(exc.messages))
    return _item_response(request, project, item)


@login_required
@require_GET
def evidence_download(request: HttpRequest, project_id: int, evidence_id: int):
    project = get_visible_project(request.user, project_id)
    evidence = get_object_or_404(Evidence, pk=evidence_id, project=project)
    return evidence_files.stored_file_response(
        project.pk,
        evidence.stored_name,
        original_name=evidence.original_name,
        content_type=evidence.content_type,
    )


@login_required
@require_POST
def approval_request(request: HttpRequest, project_id: int) -> HttpResponse:
    project = get_visible_project(request.user, project_id)
    form = TransitionForm(request.POST)
    form.is_valid()
    try:
        request_approval(
            project=project, by=request.user, comment=form.cleaned_data.get("comment", "")
        )
    except TransitionBlocked as exc:
        return _blocked(request, project, exc)
    messages.success(
        request,
        _(
            "Approval requested. The innovation consultants on the project have been told "
            "(in the app, and by e-mail unless they chose otherwise)."
        ),
    )
    return redirect("project_detail", project_id=project.pk)


@login_required
@require_POST
def transition(request: HttpRequest, project_id: int, action: str) -> HttpResponse:
    project = get_visible_project(request.user, project_id)
    form_class = TRANSITION_FORMS.get(action)
    if form_class is None:
        raise Http404("No such action")
    kwargs = {"project": project} if form_class is ReturnForm else {}
    form = form_class(request.POST, **kwargs)
    if not form.is_valid():
        # The person may not act at all: refuse before complaining about the form.
        _refuse_unless_member_may(project, request.user, action)
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("project_detail", project_id=project.pk)
    try:
        perform_transition(
            project=project,
            action=action,
            by=request.user,
            comment=form.cleaned_data["comment"],
            target=form.cleaned_data.get("target"),
        )
    except TransitionBlocked as exc:
        return _blocked(request, project, exc)
    messages.success(request, _transition_done(action))
    return redirect("project_detail", project_id=project.pk)


def _refuse_unless_member_may(project, user, action) -> None:
    if available_actions(project, user, load_stage_status(project))[action].refused:
        raise PermissionDenied


def _blocked(request, project, exc: TransitionBlocked) -> HttpResponse:
    if refuses_person(exc.reasons):
        raise PermissionDenied(" ".join(reason.message for reason in exc.reasons))
    for reason in exc.reasons:
        messages.error(request, reason.message)
    response = redirect("project_detail", project_id=project.pk)
    response.status_code = 303
    return response


def _transition_done(action: str) -> str:
    return {
        Action.APPROVED: _("The stage was approved. The project has moved to the next stage."),
        Action.RETURNED: _("The project was returned to an earlier stage."),
        Action.STOPPED: _("The project was stopped."),
        Action.REOPENED: _("The project was reopened."),
        Action.RETIRED: _("The project was retired."),
    }[action]


@login_required
@require_http_methods(["GET", "POST"])
def upgrade(request: HttpRequest, project_id: int) -> HttpResponse:
    """Preview of moving to the newest version of the pathway; POST confirms it."""
    project = get_visible_project(request.user, project_id)
    require(can_change_pathway(project, request.user))
    target = project.pathway.newer_versions().first()
    if target is None:
        messages.info(request, _("The project already uses the newest version of its pathway."))
        return redirect("project_detail", project_id=project.pk)
    if request.method == "POST":
        if request.POST.get("target") != str(target.pk):
            messages.error(request, _("A newer version was published meanwhile: look again."))
            return redirect("project_upgrade", project_id=project.pk)
        try:
            upgrade_project(project=project, target=target, by=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("project_upgrade", project_id=project.pk)
        messages.success(request, _("The project now uses version %(v)d.") % {"v": target.version})
        return redirect("project_detail", project_id=project.pk)
    context = project_context(project, request.user)
    context.update(plan=plan_pathway_change(project, target), tab="checklist")
    return render(request, "procurement/pathway_change.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def continuation(request: HttpRequest, project_id: int) -> HttpResponse:
    """Preview of continuing a completed fast-track project in the full pathway; POST does it."""
    project = get_visible_project(request.user, project_id)
    plan = continuation_plan(project)
    if plan is None:
        raise Http404("This pathway does not continue into another one")
    if request.method == "POST":
        form = TransitionForm(request.POST)
        form.is_valid()
        try:
            perform_transition(
                project=project,
                action=Action.CONTINUED,
                by=request.user,
                comment=form.cleaned_data.get("comment", ""),
            )
        except TransitionBlocked as exc:
            return _blocked(request, project, exc)
        messages.success(request, _("The project continues in the full pathway."))
        return redirect("project_detail", project_id=project.pk)
    context = project_context(project, request.user)
    context.update(
        plan=plan,
        tab="checklist",
        continuation=True,
        reasons=context["available_actions"][Action.CONTINUED].reasons,
    )
    return render(request, "procurement/pathway_change.html", context)
