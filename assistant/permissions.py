"""Who may read the assistant's log."""

from accounts.organisations import holds_organisation_role
from checklists.roles import Role
from procurement.models import Membership


def can_read_question_log(user) -> bool:
    """Administrators and innovation consultants (on any project) read the log."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    consultant = Role.INNOVATION_CONSULTANT
    return Membership.objects.filter(
        user=user, role=consultant
    ).exists() or holds_organisation_role(user, consultant)
