"""Writes a person makes to their own notifications: read marks and preferences."""

from django.db import transaction
from django.utils import timezone

from .models import DEFAULT_CHANNEL, Notification, Preference


def mark_read(*, user, notification_ids: list[int] | None = None) -> int:
    """Mark the person's notifications read (all of them without ids); returns how many."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=timezone.now())


def current_channels(user) -> dict[str, str]:
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "channel"))
    return {kind: chosen.get(kind, default) for kind, default in DEFAULT_CHANNEL.items()}


def save_preferences(*, user, channels: dict[str, str], language: str) -> None:
    """Store the person's choice per kind and their language; a choice equal to the default is
    stored too, so a later change of the defaults does not change what they chose."""
    with transaction.atomic():
        for kind, channel in channels.items():
            Preference.objects.update_or_create(user=user, kind=kind, defaults={"channel": channel})
        if user.language != language:
            user.language = language
            user.save(update_fields=["language"])
