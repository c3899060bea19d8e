"""Reads of the assistant's log for content owners."""

from django.db.models import Count, Max, Q

from accounts.organisations import holds_organisation_role
from checklists.roles import Role
from procurement.models import Membership

from .models import QuestionLog, Rating


def may_read_question_log(user) -> bool:
    """Administrators and innovation consultants (on any project) read the log."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    consultant = Role.INNOVATION_CONSULTANT
    return Membership.objects.filter(
        user=user, role=consultant
    ).exists() or holds_organisation_role(user, consultant)


def questions_to_improve(limit: int = 30) -> list[dict]:
    """The most frequent questions that were declined or rated down, most frequent first."""
    return list(
        QuestionLog.objects.filter(Q(declined=True) | Q(rating=Rating.DOWN))
        .values("question", "language")
        .annotate(
            count=Count("id"),
            declined=Count("id", filter=Q(declined=True)),
            rated_down=Count("id", filter=Q(rating=Rating.DOWN)),
            last_asked=Max("asked_at"),
        )
        .order_by("-count", "-last_asked", "question")[:limit]
    )
