"""Who may add sites, define criteria and upload results, and who records and signs off an
override of the validation criteria."""

from checklists.roles import Role
from procurement.models import Project
from procurement.permissions import roles_of

# Roles that may add sites, define criteria and upload results (the owner always may).
CONTRIBUTOR_ROLES = frozenset({Role.CLINICIAN, Role.AI_COMPETENCE, Role.INNOVATION_CONSULTANT})


def can_contribute(project: Project, user, roles: set[str] | None = None) -> bool:
    roles = roles_of(project, user) if roles is None else roles
    return user.pk == project.owner_id or bool(roles & CONTRIBUTOR_ROLES)


def can_override(project: Project, user, roles: set[str]) -> bool:
    """An innovation consultant's decision; never the owner's, who asks for approval (an owner
    holding the role from before the team rule still may not)."""
    return Role.INNOVATION_CONSULTANT in roles and user.pk != project.owner_id


def can_sign_off_override(project: Project, user, roles: set[str]) -> bool:
    return Role.AI_COMPETENCE in roles and user.pk != project.owner_id
