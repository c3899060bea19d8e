"""Who may propose and approve a monitoring plan, send data, and assess and decide incidents."""

from checklists.roles import Role
from procurement.models import Project
from procurement.permissions import roles_of

# Who may propose a plan and send data (the owner always may).
CONTRIBUTOR_ROLES = frozenset(
    {Role.CLINICIAN, Role.AI_COMPETENCE, Role.INNOVATION_CONSULTANT, Role.IT_ARCHITECT}
)


def can_contribute(project: Project, user, roles: set[str] | None = None) -> bool:
    roles = roles_of(project, user) if roles is None else roles
    return user.pk == project.owner_id or bool(roles & CONTRIBUTOR_ROLES)


def can_approve_plan(project: Project, user, roles: set[str]) -> bool:
    """An innovation consultant's decision, never the owner's (as for stage approvals)."""
    return Role.INNOVATION_CONSULTANT in roles and user.pk != project.owner_id


def can_assess(project: Project, user, roles: set[str]) -> bool:
    return Role.AI_COMPETENCE in roles


def can_decide(project: Project, user, roles: set[str]) -> bool:
    return Role.INNOVATION_CONSULTANT in roles and user.pk != project.owner_id
