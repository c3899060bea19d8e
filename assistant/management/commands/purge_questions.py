from django.conf import settings
from django.core.management.base import BaseCommand

from assistant.services import purge_questions


class Command(BaseCommand):
    help = "Delete logged assistant questions older than ASSISTANT_LOG_RETENTION_DAYS (or --days)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None)

    def handle(self, *args, **options):
        days = (
            options["days"]
            if options["days"] is not None
            else settings.ASSISTANT_LOG_RETENTION_DAYS
        )
        deleted = purge_questions(older_than_days=max(days, 0))
        self.stdout.write(f"Deleted {deleted} question(s) older than {days} days.")
