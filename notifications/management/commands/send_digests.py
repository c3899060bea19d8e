from django.core.management.base import BaseCommand
from django.utils.translation import gettext_noop

from notifications import mail


class Command(BaseCommand):
    help = gettext_noop(
        "Send each person's daily digest (once a day, after NOTIFICATIONS_DIGEST_TIME) and any "
        "immediate mail whose job was lost or failed. Safe to run every few minutes."
    )

    def handle(self, *args, **options):
        resent = mail.resend_lost_deliveries()
        digests = mail.send_digests()
        self.stdout.write(f"digests sent: {digests}; immediate mails resent: {resent}")
