"""Recompute every project's stored progress from its answers and sign-offs, and rewrite the rows
that differ. The journal keeps the progress as each change is made; this is the repair (and, with
--check, the check) for a database written around the services.

Exit status 0 when every row matched (or was rewritten), 1 with --check when one differed."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from procurement.progress import rebuild_progress


class Command(BaseCommand):
    help = "Recompute the projects' stored progress (what the dashboard counts)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="write nothing; exit 1 when a row differs"
        )

    def handle(self, *args, check=False, **options):
        with transaction.atomic():
            changed = rebuild_progress()
            if check:
                transaction.set_rollback(True)
        self.stdout.write(f"{changed} project(s) with stale or missing progress.")
        if check and changed:
            raise CommandError("The stored progress differs from the answers.", returncode=1)
