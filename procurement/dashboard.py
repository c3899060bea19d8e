"""The dashboard: a person's projects and what awaits them, in a fixed number of queries."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Q

from checklists.roles import Role

from .gates import NextStep, StageStatus, available_actions, load_stage_statuses, next_step
from .models import RETIRED_STATE, Action, Membership, Project
from .permissions import visible_projects


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
    PAGE_SIZE projects, one page holds them all."""
    visible = visible_projects(user)
    # Keys only: a project object would load its state (django-fsm) with a query of its own.
    paginator = Paginator(visible.select_related(None).values_list("pk", flat=True), PAGE_SIZE)
    page_obj = paginator.get_page(page)
    on_page = list(page_obj.object_list)
    team = Membership.objects.filter(user=user).values("project_id")
    awaiting = Q(pk__in=team) | Q(approval_requested_by__isnull=False)
    projects = list(
        visible.filter(Q(pk__in=on_page) | awaiting)
        .select_related("approval_requested_by")
        .prefetch_related("pathway__stages")
    )
    statuses = load_stage_statuses(projects, with_deadlines=True, overview=True)
    rows = []
    for project in projects:
        status = statuses[project.pk]
        roles = status.roles_of(user)
        row = ProjectRow(project, status, [Role(r).label for r in sorted(roles)])
        if project.owner_id == user.pk and project.state != RETIRED_STATE:
            row.return_notice = status.latest_return
        actions = available_actions(project, user, status)
        row.next_step = next_step(project, user, status, actions=actions)
        if project.is_active:
            is_owner = project.owner_id == user.pk
            row.my_items = sum(
                1 for s in status.items if s.missing and (s.item.role in roles or is_owner)
            )
            row.my_signoffs = sum(
                1
                for s in status.items
                if s.answered and s.signoff_missing and s.item.signoff_role in roles
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
    shown = set(on_page)
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
