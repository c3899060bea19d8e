from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from procurement.demo_data import DemoDataError, seed_demo
from procurement.transitions import TransitionBlocked


class Command(BaseCommand):
    help = (
        "Create the demo organisation, users (password 'demo') and the seed's four cases. "
        "Idempotent. Refuses to run with DEBUG off unless given --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DEBUG is off (never in production).",
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: demo users with the password 'demo' do not belong on a real "
                "server. Use --force if you really mean it."
            )
        try:
            results = seed_demo()
        except (DemoDataError, TransitionBlocked) as exc:
            raise CommandError(f"Demo data could not be created: {exc}") from exc
        for project, created in results:
            status = "created" if created else "already there"
            self.stdout.write(f"{project.title} [{project.state_label}]: {status}")
