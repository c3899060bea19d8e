"""The dashboard: a person's projects and what awaits them, in a fixed number of queries."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Q
from django.urls import reverse
from django.utils.functional import cached_property

from checklists.roles import Role

from .gates import (
    NextStep,
    StageStatus,
    available_actions,
    load_deadlines,
    load_return_notices,
    load_stage_statuses,
    next_step,
)
from .models import RETIRED_STATE, Action, Membership, Project, ProjectProgress
from .permissions import roles_on_projects, visible_projects
from .progress import computed_progress, fields_of, summarise, waiting_for


@dataclass
class ProjectRow:
    project: Project
    status: StageStatus
    roles: list[str]
    my_items: int = 0
    my_signoffs: int = 0
    awaits_my_approval: bool = False
    # The latest return or stop, shown to the owner until the stage is approved again.
    return_notice: object = None
    notes: list[str] = field(default_factory=list)
    next_step: NextStep | None = None
    # Filled by other apps' row extensions (deadlines): what is due for this person, and
    # whether anything on the project is overdue.
    deadlines: list = field(default_factory=list)
    overdue: bool = False
    # (text, Bootstrap colour, link) shown beside the state, e.g. an open monitoring incident.
    badges: list[tuple[str, str, str]] = field(default_factory=list)

    @cached_property
    def url(self) -> str:
        """The project's page (a row may be listed in "Awaiting you" and in the table)."""
        return reverse("project_detail", args=[self.project.pk])


# Other apps add to the rows from their AppConfig.ready(), each in a fixed number of queries:
# `extension(user, rows)`. The dashboard imports none of them.
RowExtension = Callable[[object, list[ProjectRow]], None]
ROW_EXTENSIONS: list[RowExtension] = []


def register_row_extension(extension: RowExtension) -> RowExtension:
    if extension not in ROW_EXTENSIONS:
        ROW_EXTENSIONS.append(extension)
    return extension


# Projects in the table per page: a region-wide role may see thousands of projects.
PAGE_SIZE = 50


def dashboard_context(user, page: int | str | None = 1) -> dict:
    """The rows of the projects on the page (newest change first) and, whatever the page, of
    the projects that may await this person: those whose team they are on and those waiting for
    an approval. Constant queries however many projects the person sees; with fewer than
    PAGE_SIZE projects, one page holds them all.

    Only the rows on the page load their stage's items (for the "what now" sentence and the
    checklist column); what awaits the person on the other projects is counted from the stored
    progress (`ProjectProgress`), so the work stays bounded by the page size."""
    visible = visible_projects(user)
    # Keys only: a project object would load its state (django-fsm) with a query of its own.
    paginator = Paginator(visible.select_related(None).values_list("pk", flat=True), PAGE_SIZE)
    page_obj = paginator.get_page(page)
    on_page = list(page_obj.object_list)
    shown = set(on_page)
    team = Membership.objects.filter(user=user).values("project_id")
    awaiting = Q(pk__in=team) | Q(approval_requested_by__isnull=False)
    projects = list(
        visible.filter(Q(pk__in=on_page) | awaiting)
        .select_related("approval_requested_by", "progress")
        .prefetch_related("pathway__stages")
    )
    off_page = [project for project in projects if project.pk not in shown]
    statuses = load_stage_statuses(
        [project for project in projects if project.pk in shown], with_deadlines=True, overview=True
    )
    statuses.update(_summary_statuses(user, off_page))
    progress = _progress_of(off_page)
    rows = []
    for project in projects:
        status = statuses[project.pk]
        roles = status.roles_of(user)
        row = ProjectRow(project, status, [Role(r).label for r in sorted(roles)])
        if project.owner_id == user.pk and project.state != RETIRED_STATE:
            row.return_notice = status.latest_return
        actions = available_actions(project, user, status)
        if project.pk in shown:
            row.next_step = next_step(project, user, status, actions=actions)
        if project.is_active:
            row.my_items, row.my_signoffs = waiting_for(
                progress.get(project.pk) or summarise(status),
                roles,
                is_owner=project.owner_id == user.pk,
            )
            # Asked for, and this person could decide it (the gate's four-eyes and owner rules).
            approve = actions[Action.APPROVED]
            row.awaits_my_approval = (
                project.approval_requested_by_id is not None
                and approve.offered
                and not approve.refused
            )
        rows.append(row)
    for extension in ROW_EXTENSIONS:
        extension(user, rows)
    return {
        "projects": projects,  # for the page's other panels (the latest dossiers)
        "rows": [row for row in rows if row.project.pk in shown],
        "page_obj": page_obj,
        "project_count": paginator.count,
        "approvals": [row for row in rows if row.awaits_my_approval],
        "todo": [
            row
            for row in rows
            if row.my_items or row.my_signoffs or row.return_notice or row.deadlines
        ],
    }


def _summary_statuses(user, projects: list[Project]) -> dict[int, StageStatus]:
    """Statuses without the items for the rows off the page: the person's roles, the owner's
    latest return and the open deadlines (a deadline source loads the items it must judge)."""
    if not projects:
        return {}
    roles = roles_on_projects(user, projects)
    notices = load_return_notices([p.pk for p in projects if p.owner_id == user.pk])
    statuses = {
        project.pk: StageStatus(
            stage=project.current_stage,
            roles_by_user={user.pk: roles[project.pk]},
            latest_return=notices.get(project.pk),
            items_loaded=False,
        )
        for project in projects
    }
    load_deadlines(projects, statuses)
    return statuses


def _progress_of(projects: list[Project]) -> dict[int, dict]:
    """The stored progress of the projects; computed now for one that has none yet (a project
    written around the services)."""
    stored = {}
    for project in projects:
        try:
            stored[project.pk] = fields_of(project.progress)
        except ProjectProgress.DoesNotExist:
            pass
    missing = [project for project in projects if project.pk not in stored]
    return {**stored, **(computed_progress(missing) if missing else {})}
