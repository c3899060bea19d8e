"""Who may change a business case. Seeing one follows the project: its members (others get 404
through `procurement.permissions.get_visible_project`)."""

from checklists.roles import Role
from procurement.models import Project

BUSINESS_CASE_EDITORS = {Role.CLINICIAN, Role.INNOVATION_CONSULTANT, Role.PROCUREMENT}


def can_edit_business_case(project: Project, user, roles: set[str]) -> bool:
    """The owner and members holding a clinician, innovation consultant or procurement role, while
    the project is active."""
    if not project.is_active or not getattr(user, "is_authenticated", False):
        return False
    return user.pk == project.owner_id or bool(roles & BUSINESS_CASE_EDITORS)
