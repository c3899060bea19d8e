"""Target dates per stage, due dates and assignees per item, and the reminders about them.

Setting a date or an assignee is a change to the project: it locks the project row, checks that
the person may plan (the owner or an innovation consultant on the project) and is journalled
(`deadline_set`). Reminders are not journal events: `send_reminders` finds what is due and tells
the person through the same `routing.notify`, keyed by (what, due date, which reminder), so a run
every few minutes, a second machine or a missed day never tells anyone twice.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from checklists.models import ChecklistItem, Stage
from checklists.roles import Role
from procurement import journal
from procurement.gates import ItemStatus, load_stage_statuses
from procurement.guards import lock_project
from procurement.models import Action, Membership, Project
from procurement.permissions import roles_of

from .models import ItemAssignment, Kind, StageTarget
from .permissions import can_plan
from .routing import notify, project_link

# Days before (negative) or after the due date that a reminder goes out.
REMINDER_OFFSETS = (-7, -1, 1)
NOT_A_MEMBER = "not_a_member"


def today() -> date:
    return timezone.localdate()


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def set_stage_target(*, project: Project, stage: Stage, by, target_date: date | None) -> None:
    """Set (or, with None, clear) the target date of one of the project's stages."""
    if stage.pathway_id != project.pathway_id:
        raise ValidationError(_("This stage is not part of the project's pathway."))
    with transaction.atomic():
        locked = lock_project(project)
        if not can_plan(locked, by):
            raise PermissionDenied
        current = StageTarget.objects.filter(project=locked, stage=stage).first()
        before = _iso(current.target_date) if current else None
        if before == _iso(target_date):
            return
        if target_date is None:
            current.delete()
        else:
            StageTarget.objects.update_or_create(
                project=locked, stage=stage, defaults={"target_date": target_date, "set_by": by}
            )
        journal.record(
            project=locked,
            action=Action.DEADLINE_SET,
            by=by,
            stage_key=stage.key,
            subject=f"stage:{stage.key}",
            before={"target_date": before},
            after={"target_date": _iso(target_date)},
        )


def assign_item(
    *, project: Project, item: ChecklistItem, by, assignee, due_date: date | None
) -> None:
    """Name who should answer an item and by when; None for either clears it."""
    if item.stage.pathway_id != project.pathway_id:
        raise ValidationError(_("This item is not part of the project's pathway."))
    with transaction.atomic():
        locked = lock_project(project)
        if not can_plan(locked, by):
            raise PermissionDenied
        if assignee is not None and not (assignee.is_active and roles_of(locked, assignee)):
            raise ValidationError(
                _("Only an active member of the team can be assigned."), code=NOT_A_MEMBER
            )
        current = ItemAssignment.objects.filter(project=locked, item=item).first()
        before = (
            {
                "assignee": current.assignee.get_username() if current.assignee else None,
                "due_date": _iso(current.due_date),
            }
            if current
            else {"assignee": None, "due_date": None}
        )
        after = {
            "assignee": assignee.get_username() if assignee else None,
            "due_date": _iso(due_date),
        }
        if before == after:
            return
        if assignee is None and due_date is None:
            current.delete()
        else:
            ItemAssignment.objects.update_or_create(
                project=locked,
                item=item,
                defaults={"assignee": assignee, "due_date": due_date, "set_by": by},
            )
        journal.record(
            project=locked,
            action=Action.DEADLINE_SET,
            by=by,
            stage_key=item.stage.key,
            subject=item.key,
            before=before,
            after=after,
        )


# --- what is open, and what is late ------------------------------------------------------------


def item_done(status: ItemStatus | None) -> bool:
    return status is not None and status.answered and not status.signoff_missing


@dataclass
class Deadline:
    project: Project
    what: dict  # {"da": ..., "en": ...}
    due: date
    link: str
    key: str  # stable identity of the deadline, for reminder keys
    stage: Stage
    item: ChecklistItem | None = None
    assignee: object = None

    @property
    def overdue(self) -> bool:
        return self.due < today()


def open_deadlines(projects: list[Project], statuses=None) -> dict[int, list[Deadline]]:
    """Each active project's deadlines still to meet: stage targets of the current and later
    stages, and due dates of items not yet done there. Three queries (plus the stage statuses
    when not given, or given without their items), however many projects there are."""
    projects = [project for project in projects if project.is_active]
    if statuses is None:
        statuses = load_stage_statuses(projects)
    by_project = {project.pk: project for project in projects}
    result: dict[int, list[Deadline]] = {pk: [] for pk in by_project}
    for target in StageTarget.objects.filter(project_id__in=by_project).select_related("stage"):
        project = by_project[target.project_id]
        if target.stage.order < project.current_stage.order:
            continue  # approved already
        result[project.pk].append(
            Deadline(
                project=project,
                what={"da": target.stage.name_da, "en": target.stage.name_en},
                due=target.target_date,
                link=project_link(project, target.stage.key),
                key=f"stage:{target.pk}",
                stage=target.stage,
            )
        )
    assignments = list(
        ItemAssignment.objects.filter(
            project_id__in=by_project, due_date__isnull=False
        ).select_related("item", "item__stage", "assignee")
    )
    # A status given without its items (a dashboard row off the page) is loaded here, for the
    # projects with a due date in their current stage only.
    unjudged = {
        assignment.project_id
        for assignment in assignments
        if assignment.item.stage_id == by_project[assignment.project_id].current_stage.pk
        and not statuses[assignment.project_id].items_loaded
    }
    if unjudged:
        statuses = {
            **statuses,
            **load_stage_statuses([by_project[pk] for pk in unjudged], overview=True),
        }
    for assignment in assignments:
        project = by_project[assignment.project_id]
        stage = assignment.item.stage
        if stage.order < project.current_stage.order:
            continue
        if stage.order == project.current_stage.order:
            status = statuses[project.pk]
            item_status = next((s for s in status.items if s.item.pk == assignment.item_id), None)
            if item_done(item_status) or (item_status is not None and not item_status.applicable):
                continue
        result[project.pk].append(
            Deadline(
                project=project,
                what={"da": assignment.item.text_da, "en": assignment.item.text_en},
                due=assignment.due_date,
                link=project_link(project, stage.key, f"item-{assignment.item_id}"),
                key=f"item:{assignment.pk}",
                stage=stage,
                item=assignment.item,
                assignee=assignment.assignee,
            )
        )
    for deadlines in result.values():
        deadlines.sort(key=lambda d: d.due)
    return result


def _reminder(deadline: Deadline, on: date) -> tuple[str, int] | None:
    """Which reminder is due on `on`, if any: 7 days before until the 1-day one takes over, 1 day
    before until the date, and from the day after. A missed run catches up, once."""
    days_left = (deadline.due - on).days
    if days_left >= 7 + 1 or days_left == 0:
        return None
    if days_left < 0:
        return Kind.DEADLINE_PASSED, 1
    if days_left == 1:
        return Kind.DEADLINE_SOON, -1
    return Kind.DEADLINE_SOON, -7


def send_reminders(on: date | None = None) -> int:
    """Tell people about deadlines 7 and 1 days before and the day after; returns how many
    notifications were written (the mails follow after the commit)."""
    on = on or today()
    projects = list(
        Project.objects.select_related("owner", "pathway").prefetch_related("pathway__stages")
    )
    memberships = Membership.objects.filter(
        project__in=[p.pk for p in projects], user__is_active=True
    ).select_related("user")
    members: dict[int, dict[int, object]] = {}
    for membership in memberships:
        members.setdefault(membership.project_id, {})[membership.user_id] = membership.user
    written = 0
    for project_id, deadlines in open_deadlines(projects).items():
        team = members.get(project_id, {})
        for deadline in deadlines:
            reminder = _reminder(deadline, on)
            if reminder is None:
                continue
            kind, offset = reminder
            person = deadline.assignee or deadline.project.owner
            if person is None or person.pk not in team:
                continue
            with transaction.atomic():
                written += len(
                    notify(
                        [team[person.pk]],
                        kind=kind,
                        event_key=f"deadline:{deadline.key}:{deadline.due.isoformat()}:{offset}",
                        project_id=project_id,
                        link=deadline.link,
                        data={
                            "project": deadline.project.title,
                            "what": deadline.what,
                            "due": deadline.due.isoformat(),
                        },
                    )
                )
    return written


def annotate_dashboard(user, rows) -> None:
    """The dashboard's row extension: the person's own deadlines (items assigned to them; stage
    targets for the owner and the consultants) and an overdue mark per project. No queries: the
    dashboard loads the statuses with their deadlines (`open_deadlines`, the gate's source)."""
    for row in rows:
        found = row.status.deadlines
        planner = row.project.owner_id == user.pk or Role.INNOVATION_CONSULTANT in (
            row.status.roles_of(user)
        )
        row.deadlines = [
            deadline
            for deadline in found
            if (deadline.assignee is not None and deadline.assignee.pk == user.pk)
            or (deadline.item is None and planner)
        ]
        row.overdue = any(deadline.overdue for deadline in found)
