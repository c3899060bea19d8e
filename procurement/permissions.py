"""Who may see and change what. Views fetch objects through these helpers: 404 for a project a
person may not see, 403 (PermissionDenied) for what they may see but not change."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_noop

from accounts.models import PROJECT_ROLES
from accounts.organisations import (
    in_same_region,
    organisation_paths,
    organisation_roles_of,
    project_roles_from_organisations,
    subtree_paths,
    under_any,
)
from checklists.models import ChecklistItem
from checklists.roles import APPROVING_ROLES, AnswerType, Role

from .gates import StageStatus
from .models import RETIRED_STATE, Membership, Project


def visible_projects(user) -> QuerySet[Project]:
    """Projects a person may read: those whose team they are on, and every project of an
    organisation (or a unit below it) for which they hold an organisation-wide role;
    administrators see all. The list views' twin of `roles_of`: one rule for both."""
    projects = Project.objects.select_related("pathway", "organisation", "owner")
    if user.is_superuser:
        return projects
    if not getattr(user, "is_authenticated", False):
        return projects.none()
    on_team = Q(pk__in=Membership.objects.filter(user=user).values("project_id"))
    return projects.filter(on_team | under_any(subtree_paths(user)))


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
    """The roles a person holds on a project: on its team, and organisation-wide for the
    project's organisation or a node above it (two queries). The gate's `StageStatus.roles_of`
    gives the same for a loaded status without queries."""
    return roles_on_projects(user, [project])[project.pk]


def roles_on_projects(user, projects) -> dict[int, set[str]]:
    """`roles_of` for a list of projects loaded with their organisation: project id -> the
    person's roles on it (one query however many projects)."""
    if not getattr(user, "is_authenticated", False):
        return {project.pk: set() for project in projects}
    team: dict[int, set[str]] = {project.pk: set() for project in projects}
    for project_id, role in Membership.objects.filter(
        user=user, project_id__in=list(team)
    ).values_list("project_id", "role"):
        team[project_id].add(role)
    return {
        project.pk: team[project.pk]
        | (organisation_roles_of(user, project.organisation) & PROJECT_ROLES)
        for project in projects
    }


def team_people(project: Project) -> dict:
    """Every active person who holds a role on the project (user -> roles): its team and the
    holders of an organisation-wide role for its organisation or a node above it, ordered by
    name (three queries at most). What lists of "the people on this project" read."""
    people: dict = {}
    for membership in Membership.objects.filter(
        project=project, user__is_active=True
    ).select_related("user"):
        people.setdefault(membership.user, set()).add(membership.role)
    paths = organisation_paths([project])
    for user, roles in (
        project_roles_from_organisations(paths).get(project.organisation_id, {}).items()
    ):
        people.setdefault(user, set()).update(roles)
    return dict(
        sorted(
            people.items(),
            key=lambda pair: (pair[0].first_name, pair[0].last_name, pair[0].username),
        )
    )


OTHER_REGION = gettext_noop(
    "%(user)s works outside the project's region. People from another region are invited by the "
    "project owner."
)
NO_ORGANISATION_MEMBER = gettext_noop(
    "%(user)s is not attached to an organisation and cannot join a team. Ask an administrator."
)


def member_refusal(project: Project, by, user) -> str | None:
    """Why `by` may not put `user` on the team, whatever the role; None when they may. People of
    the project's region (its organisation's region, every hospital and department in it) are
    added by whoever manages the team; people from another region only by the owner or an
    administrator, who invite them to a project run across regions. The text is marked for
    translation and still needs `gettext` and `% {"user": ...}`."""
    if user.organisation_id is None:
        return NO_ORGANISATION_MEMBER
    if in_same_region(project.organisation, user.organisation):
        return None
    if by.pk == project.owner_id or is_administrator(by):
        return None
    return OTHER_REGION


def can_invite_from_other_regions(project: Project, by) -> bool:
    return by.pk == project.owner_id or is_administrator(by)


def can_change_pathway(project: Project, user) -> bool:
    """The owner and the project's innovation consultants move it to a newer pathway version."""
    return user.pk == project.owner_id or Role.INNOVATION_CONSULTANT in roles_of(project, user)


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
    if project.state == RETIRED_STATE:
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
