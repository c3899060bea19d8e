"""Who may generate a dossier and change the requirements list."""

from checklists.roles import Role
from procurement.models import Project
from procurement.permissions import roles_of

# Who may change the requirements list, besides the project's owner.
EDITOR_ROLES = frozenset({Role.CLINICIAN, Role.PROCUREMENT, Role.INNOVATION_CONSULTANT})


def can_generate(project: Project, user) -> bool:
    """Every member may generate the dossier (administrators too); `None` is an operator
    running the management command."""
    if user is None or user.is_superuser:
        return True
    return bool(roles_of(project, user))


def can_edit_requirements(project: Project, user, roles: set[str] | None = None) -> bool:
    """The owner and members holding a clinician, procurement or innovation consultant role,
    while the project is active."""
    if not project.is_active or not getattr(user, "is_authenticated", False):
        return False
    if user.pk == project.owner_id:
        return True
    return bool((roles_of(project, user) if roles is None else roles) & EDITOR_ROLES)
