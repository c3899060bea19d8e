from django.core.management.base import BaseCommand
from django.utils.translation import gettext_noop

from notifications import deadlines


class Command(BaseCommand):
    help = gettext_noop(
        "Remind people of their deadlines 7 and 1 days before and the day after. Safe to run "
        "every few minutes: each reminder is written once."
    )

    def handle(self, *args, **options):
        written = deadlines.send_reminders()
        self.stdout.write(f"reminders written: {written}")
