"""Reads of the assistant's log for content owners."""

from django.db.models import Count, Max, Q

from .models import QuestionLog, Rating


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
