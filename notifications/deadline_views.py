"""The project's "Deadlines" tab: target dates per stage, assignees and due dates per item."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from checklists.models import ChecklistItem, Stage
from procurement.permissions import get_visible_project, require, team_people
from procurement.project_page import project_context

from . import deadlines
from .forms import AssignmentForm, StageTargetForm
from .models import ItemAssignment, StageTarget
from .permissions import can_plan


def _members(project):
    people = team_people(project)
    return get_user_model().objects.filter(pk__in=[user.pk for user in people])


@login_required
@require_GET
def deadlines_page(request: HttpRequest, project_id: int) -> HttpResponse:
    project = get_visible_project(request.user, project_id)
    current = project.current_stage
    stages = [s for s in project.stages if current is None or s.order >= current.order]
    targets = {t.stage_id: t for t in StageTarget.objects.filter(project=project)}
    assignments = {
        a.item_id: a
        for a in ItemAssignment.objects.filter(project=project).select_related("assignee")
    }
    members = _members(project)
    items_by_stage = {}
    for item in ChecklistItem.objects.filter(stage__in=stages).order_by("stage__order", "order"):
        items_by_stage.setdefault(item.stage_id, []).append(item)
    rows = []
    for stage in stages:
        target = targets.get(stage.pk)
        item_rows = []
        for item in items_by_stage.get(stage.pk, []):
            assignment = assignments.get(item.pk)
            initial = (
                {"assignee": assignment.assignee, "due_date": assignment.due_date}
                if assignment
                else {}
            )
            form = AssignmentForm(initial=initial, members=members, prefix=f"item{item.pk}")
            item_rows.append({"item": item, "assignment": assignment, "form": form})
        rows.append(
            {
                "stage": stage,
                "target": target,
                "form": StageTargetForm(
                    initial={"target_date": target.target_date if target else None},
                    prefix=f"stage{stage.pk}",
                ),
                "items": item_rows,
            }
        )
    context = project_context(project, request.user)
    context.update(
        tab="deadlines",
        stages=rows,
        can_plan=can_plan(project, request.user),
        today=deadlines.today(),
    )
    return render(request, "notifications/deadlines.html", context)


@login_required
@require_POST
def stage_target_save(request: HttpRequest, project_id: int, stage_id: int) -> HttpResponse:
    project = get_visible_project(request.user, project_id)
    require(can_plan(project, request.user))
    stage = get_object_or_404(Stage, pk=stage_id, pathway_id=project.pathway_id)
    form = StageTargetForm(request.POST, prefix=f"stage{stage.pk}")
    if form.is_valid():
        deadlines.set_stage_target(
            project=project,
            stage=stage,
            by=request.user,
            target_date=form.cleaned_data["target_date"],
        )
        messages.success(request, _("The target date was saved."))
    else:
        messages.error(request, _("Not saved: the date is not valid."))
    return redirect("project_deadlines", project_id=project.pk)


@login_required
@require_POST
def assignment_save(request: HttpRequest, project_id: int, item_id: int) -> HttpResponse:
    project = get_visible_project(request.user, project_id)
    require(can_plan(project, request.user))
    item = get_object_or_404(ChecklistItem, pk=item_id, stage__pathway_id=project.pathway_id)
    form = AssignmentForm(request.POST, members=_members(project), prefix=f"item{item.pk}")
    if not form.is_valid():
        messages.error(request, _("Choose a member of the team and a valid date."))
        return redirect("project_deadlines", project_id=project.pk)
    try:
        deadlines.assign_item(project=project, item=item, by=request.user, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Saved: %(item)s") % {"item": item.text})
    return redirect(reverse("project_deadlines", args=[project.pk]) + f"#item-{item.pk}")
