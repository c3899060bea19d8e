"""Background jobs (django-tasks; `manage.py db_worker` runs them): mail after the commit."""

import logging

from django_tasks import task

from . import mail

logger = logging.getLogger(__name__)


@task()
def send_notification_mail(delivery_id: int) -> bool:
    return mail.send_delivery(delivery_id)


def enqueue_deliveries(delivery_ids: list[int]) -> None:
    """Queue one job per immediate mail (called after the commit). A mail whose job could not be
    queued stays PENDING and is sent by the next `manage.py send_digests` run."""
    for delivery_id in delivery_ids:
        try:
            send_notification_mail.enqueue(delivery_id)
        except Exception:
            logger.exception("Could not queue notification mail %s", delivery_id)
