"""Writes of the assistant: the question log, its ratings and its deletion."""

from datetime import timedelta

from django.utils import timezone

from .answering import Answer
from .models import QuestionLog, Rating


def log_question(*, answer: Answer, page: str = "", project=None) -> QuestionLog:
    """Record a question and what was answered (the cited keys, declined or not)."""
    return QuestionLog.objects.create(
        question=answer.question[:300],
        language=answer.language,
        page=page[:200],
        project=project,
        stage_key=(project.state if project is not None else "")[:80],
        cited=[f"{c.pathway}:{c.key}" for c in answer.citations],
        declined=answer.declined,
        project_answer=answer.project_answer.kind if answer.project_answer else "",
    )


def rate_answer(*, entry: QuestionLog, helpful: bool) -> QuestionLog:
    """The person's thumbs up or down; a second rating replaces the first."""
    entry.rating = Rating.UP if helpful else Rating.DOWN
    entry.save(update_fields=["rating"])
    return entry


def purge_questions(*, older_than_days: int, now=None) -> int:
    """Delete logged questions older than the given number of days; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=older_than_days)
    deleted, _ = QuestionLog.objects.filter(asked_at__lt=cutoff).delete()
    return deleted
