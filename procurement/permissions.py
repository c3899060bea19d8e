"""Who may see and change what. Views fetch objects through these helpers: 404 for a project a
person may not see, 403 (PermissionDenied) for what they may see but not change."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_noop

from checklists.models import ChecklistItem
from checklists.roles import APPROVING_ROLES, AnswerType, Role

from .gates import StageStatus
from .models import Membership, Project


def visible_projects(user) -> QuerySet[Project]:
    """Projects a person may read: those they are a member of; administrators see all."""
    projects = Project.objects.select_related("pathway", "organisation", "owner")
    if user.is_superuser:
        return projects
    return projects.filter(memberships__user=user).distinct()


def get_visible_project(user, project_id: int) -> Project:
    project = (
        visible_projects(user).prefetch_related("pathway__stages").filter(pk=project_id).first()
    )
    if project is None:
        raise Http404("No such project")
    return project


def can_edit_answer(project: Project, status: StageStatus, user, item: ChecklistItem) -> bool:
    """Members holding the item's role answer it, and the owner may answer anything; only in the
    current stage of an active project."""
    if not project.is_active or status.stage is None or item.stage_id != project.current_stage.pk:
        return False
    return user.pk == project.owner_id or item.role in status.roles_of(user)


def can_sign_off(project: Project, status: StageStatus, user, item: ChecklistItem) -> bool:
    if not project.is_active or item.stage_id != project.current_stage.pk:
        return False
    return bool(item.signoff_role) and item.signoff_role in status.roles_of(user)


# The team rule (four-eyes that the owner cannot bypass). The approving roles are granted by an
# administrator, or by a member who already holds an approving role the rule names: an innovation
# consultant grants the consultant role; an innovation consultant or an AI competence member
# grants the AI competence role (the unit staffs itself, and the consultant who runs the stage may
# call it in). Nobody grants themselves an approving role, and the owner, who asks for approval,
# never holds one. The other roles are granted by the owner, a consultant or an administrator.
# Removing a role follows the same rule as granting it, so an owner cannot remove the consultant
# who would not approve. Until roles are held per organisation, "holds the role" means on this
# project.
GRANTED_BY = {
    Role.INNOVATION_CONSULTANT: frozenset({Role.INNOVATION_CONSULTANT}),
    Role.AI_COMPETENCE: frozenset({Role.AI_COMPETENCE, Role.INNOVATION_CONSULTANT}),
}
TEAM_CLOSED = gettext_noop("The project is retired: its team can no longer change.")
NOT_TEAM_MANAGER = gettext_noop(
    "Only the project owner, an innovation consultant or an administrator can change the team."
)
APPROVER_GRANTED_BY = gettext_noop(
    "Only an administrator or a member who holds an approving role can give or remove the role "
    "%(role)s."
)
NO_SELF_GRANT = gettext_noop("Nobody can give themselves an approving role: ask an administrator.")
OWNER_NOT_APPROVER = gettext_noop(
    "The project owner asks for approval and so cannot also hold the role %(role)s "
    "(four-eyes principle)."
)


def is_administrator(user) -> bool:
    return bool(getattr(user, "is_active", False) and getattr(user, "is_superuser", False))


def roles_of(project: Project, user) -> set[str]:
    """The roles a person holds on a project (one query)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(Membership.objects.filter(project=project, user=user).values_list("role", flat=True))


def team_change_refusal(
    project: Project,
    by,
    role: str,
    *,
    user=None,
    removing: bool = False,
    by_roles: set[str] | None = None,
) -> str | None:
    """Why `by` may not give `role` (to `user`, when given) or remove it; None when they may.

    The one rule for team changes: the form offers only roles with no refusal, the page shows a
    remove button only where there is none, and the service asks again after the lock. The text
    is marked for translation and still needs `gettext` and `% {"role": ...}`.
    """
    if project.state == "retired":
        return TEAM_CLOSED
    by_roles = roles_of(project, by) if by_roles is None else by_roles
    admin = is_administrator(by)
    if role in APPROVING_ROLES:
        if not admin and not by_roles & GRANTED_BY[role]:
            return APPROVER_GRANTED_BY
        if user is not None and not removing:
            if user.pk == project.owner_id:
                return OWNER_NOT_APPROVER
            if user.pk == by.pk and not admin:
                return NO_SELF_GRANT
        return None
    if admin or by.pk == project.owner_id or Role.INNOVATION_CONSULTANT in by_roles:
        return None
    return NOT_TEAM_MANAGER


def grantable_roles(project: Project, by, *, by_roles: set[str] | None = None) -> list[str]:
    """The roles `by` may give someone on this project (the team rule with nobody named yet)."""
    by_roles = roles_of(project, by) if by_roles is None else by_roles
    return [
        role
        for role in Role.values
        if team_change_refusal(project, by, role, by_roles=by_roles) is None
    ]


def can_manage_team(project: Project, user, *, by_roles: set[str] | None = None) -> bool:
    return bool(grantable_roles(project, user, by_roles=by_roles))


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def is_file_item(item: ChecklistItem) -> bool:
    return item.answer_type == AnswerType.EVIDENCE
