from django.core.management.base import BaseCommand, CommandError

from checklists.loading import PathwayFileError, load_pathways


class Command(BaseCommand):
    help = "Validate the pathway files in checklists/pathways/ and load new versions (idempotent)."

    def handle(self, *args, **options):
        try:
            results = load_pathways()
        except PathwayFileError as exc:
            raise CommandError(f"Nothing was loaded. {exc}") from exc
        for result in results:
            status = "loaded" if result.created else "already loaded"
            self.stdout.write(f"{result.slug} v{result.version}: {status}")
