"""Mail: one notification at once, or the day's digest, in the recipient's language.

Sending is claimed first (`Delivery` PENDING → SENDING in one conditional UPDATE), so two workers
given the same delivery send it once: the second finds nothing to claim. A delivery whose send
failed is marked FAILED and retried by `manage.py send_digests` a few times; one left in SENDING
(a worker died mid-send) is never retried, because it may have gone out.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Channel, Delivery, Digest, Notification
from .wording import describe

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
# An immediate delivery still waiting this long after it was written lost its task (a worker
# restart, a queue failure): the cron command sends it.
STALE_AFTER = timedelta(minutes=10)


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _entries(notifications: list[Notification]) -> list[dict]:
    rows = []
    for notification in notifications:
        wording = describe(notification)
        rows.append(
            {
                "title": wording.title,
                "detail": wording.detail,
                "url": absolute(notification.link),
                "at": timezone.localtime(notification.created_at),
            }
        )
    return rows


def build_message(recipient, notifications: list[Notification], *, digest: bool = False):
    """The e-mail (plain text and HTML from templates) in the recipient's language."""
    language = recipient.language or settings.LANGUAGE_CODE
    with translation.override(language):
        entries = _entries(notifications)
        if digest:
            subject = _("Your daily summary: %(count)d new") % {"count": len(entries)}
        else:
            subject = entries[0]["title"]
        preferences_url = absolute(reverse("notification_preferences"))
        context = {
            "recipient": recipient,
            "entries": entries,
            "digest": digest,
            "subject": subject,
            "preferences_url": preferences_url,
            "list_url": absolute(reverse("notification_list")),
            "language": language,
        }
        text = render_to_string("notifications/email/message.txt", context)
        html = render_to_string("notifications/email/message.html", context)
    message = EmailMultiAlternatives(
        subject=subject[:200],
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
        headers={
            "Content-Language": language,
            "Auto-Submitted": "auto-generated",
            "X-Auto-Response-Suppress": "All",
            "List-Unsubscribe": f"<{preferences_url}>",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def _claim(ids: list[int], *, retry: bool = False) -> int:
    statuses = (
        [Delivery.Status.PENDING, Delivery.Status.FAILED] if retry else [Delivery.Status.PENDING]
    )
    return Delivery.objects.filter(
        pk__in=ids, status__in=statuses, attempts__lt=MAX_ATTEMPTS
    ).update(status=Delivery.Status.SENDING, attempts=F("attempts") + 1)


def _finish(ids: list[int], error: Exception | None, digest: Digest | None = None) -> None:
    if error is None:
        Delivery.objects.filter(pk__in=ids).update(
            status=Delivery.Status.SENT, sent_at=timezone.now(), error="", digest=digest
        )
    else:
        Delivery.objects.filter(pk__in=ids).update(
            status=Delivery.Status.FAILED, error=f"{type(error).__name__}: {error}"[:2000]
        )


def send_delivery(delivery_id: int, *, retry: bool = False) -> bool:
    """Send one immediate mail, once. True when this call sent it."""
    if not _claim([delivery_id], retry=retry):
        return False
    delivery = Delivery.objects.select_related("notification", "notification__recipient").get(
        pk=delivery_id
    )
    recipient = delivery.notification.recipient
    if not recipient.is_active or not recipient.email:
        Delivery.objects.filter(pk=delivery_id).update(status=Delivery.Status.SKIPPED)
        return False
    try:
        build_message(recipient, [delivery.notification]).send()
    except Exception as exc:
        logger.exception("Could not send notification mail %s", delivery_id)
        _finish([delivery_id], exc)
        return False
    _finish([delivery_id], None)
    return True


def resend_lost_deliveries(now=None) -> int:
    """Immediate mails whose task was lost or failed: sent now (each claimed, so once)."""
    now = now or timezone.now()
    ids = list(
        Delivery.objects.filter(channel=Channel.IMMEDIATE, attempts__lt=MAX_ATTEMPTS)
        .filter(
            Q(status=Delivery.Status.PENDING, created_at__lt=now - STALE_AFTER)
            | Q(status=Delivery.Status.FAILED)
        )
        .values_list("pk", flat=True)
    )
    return sum(1 for pk in ids if send_delivery(pk, retry=True))


def send_digests(now=None) -> int:
    """Each person's digest of what waits for it, once a day after the configured local time
    (`NOTIFICATIONS_DIGEST_TIME`) and only when there is something. Safe to run every few
    minutes and from several machines: the day's `Digest` row is created by exactly one run,
    and only that run sends. Returns the number of digests sent."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    if local.time() < settings.NOTIFICATIONS_DIGEST_TIME:
        return 0
    waiting = Delivery.objects.filter(channel=Channel.DIGEST, status=Delivery.Status.PENDING)
    recipient_ids = set(waiting.values_list("notification__recipient_id", flat=True))
    sent = 0
    for recipient_id in sorted(recipient_ids):
        digest, created = Digest.objects.get_or_create(recipient_id=recipient_id, day=local.date())
        if not created:
            continue  # today's digest went out (or is going out) already
        if _send_digest(digest, waiting.filter(notification__recipient_id=recipient_id)):
            sent += 1
    return sent


def _send_digest(digest: Digest, waiting) -> bool:
    ids = list(waiting.values_list("pk", flat=True))
    claimed = Delivery.objects.filter(pk__in=ids, status=Delivery.Status.PENDING)
    claimed.update(status=Delivery.Status.SENDING, digest=digest, attempts=F("attempts") + 1)
    deliveries = list(
        Delivery.objects.filter(digest=digest, status=Delivery.Status.SENDING)
        .select_related("notification", "notification__recipient")
        .order_by("notification__created_at", "pk")
    )
    ids = [delivery.pk for delivery in deliveries]
    recipient = deliveries[0].notification.recipient if deliveries else None
    if recipient is None or not recipient.is_active or not recipient.email:
        Delivery.objects.filter(pk__in=ids).update(status=Delivery.Status.SKIPPED)
        return False
    try:
        build_message(recipient, [d.notification for d in deliveries], digest=True).send()
    except Exception:
        logger.exception("Could not send the digest of user %s", recipient.pk)
        # Give the next run the chance: the deliveries wait again, the day is free again.
        Delivery.objects.filter(pk__in=ids).update(status=Delivery.Status.PENDING, digest=None)
        digest.delete()
        return False
    Delivery.objects.filter(pk__in=ids).update(status=Delivery.Status.SENT, sent_at=timezone.now())
    Digest.objects.filter(pk=digest.pk).update(sent_at=timezone.now())
    return True
