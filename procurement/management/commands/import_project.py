"""Restore a project archive made by export_project into an empty database."""

from django.core.management.base import BaseCommand, CommandError

from procurement.project_archive import ArchiveRefused, import_project


class Command(BaseCommand):
    help = (
        "Restore a project archive (export_project) into an empty, migrated database: the rows "
        "with their ids, the journal, and the files after checking their SHA-256. Then run "
        "verify_journal."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive")

    def handle(self, *args, archive: str, **options):
        try:
            with open(archive, "rb") as source:
                summary = import_project(source)
        except OSError as exc:
            raise CommandError(f"Cannot read {archive}: {exc}") from exc
        except ArchiveRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Project {summary.project_id} restored: {summary.rows} rows, {summary.files} files."
        )
