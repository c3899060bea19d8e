"""Mark background jobs failed whose worker died (see dossier/reaper.py)."""

from django.core.management.base import BaseCommand

from dossier.reaper import reap_lost_jobs


class Command(BaseCommand):
    help = (
        "Mark jobs failed whose worker process is gone (or that ran past TASK_LEASE_SECONDS), "
        "so they can be retried. Run it before each `db_worker` starts and from cron."
    )

    def handle(self, *args, **options):
        reaped = reap_lost_jobs()
        self.stdout.write(f"{reaped} dossier job(s) of lost workers marked failed.")
