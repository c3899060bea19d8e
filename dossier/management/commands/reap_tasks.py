"""Mark background jobs failed whose worker died (see dossier/reaper.py); with --retry, queue
their dossiers again for another worker."""

from django.core.management.base import BaseCommand

from dossier.reaper import reap_lost_jobs
from dossier.services import retry_lost_requests


class Command(BaseCommand):
    help = (
        "Mark jobs failed whose worker process is gone (or that ran past TASK_LEASE_SECONDS), "
        "so they can be retried; --retry queues their dossiers again at once. Run it before "
        "each `db_worker` starts and from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--retry",
            action="store_true",
            help="queue the dossier jobs of lost workers again (at most DOSSIER_MAX_ATTEMPTS)",
        )

    def handle(self, *args, retry: bool, **options):
        reaped = reap_lost_jobs()
        self.stdout.write(f"{reaped} dossier job(s) of lost workers marked failed.")
        if retry:
            retried = retry_lost_requests()
            self.stdout.write(f"{retried} dossier job(s) queued again.")
