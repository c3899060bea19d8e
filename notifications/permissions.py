"""Who may set a project's dates and assignees."""

from checklists.roles import Role
from procurement.models import Project
from procurement.permissions import roles_of


def can_plan(project: Project, user) -> bool:
    """The owner and the project's innovation consultants set dates and assignees."""
    if not project.is_active or not getattr(user, "is_authenticated", False):
        return False
    if user.pk == project.owner_id:
        return True
    return Role.INNOVATION_CONSULTANT in roles_of(project, user)
