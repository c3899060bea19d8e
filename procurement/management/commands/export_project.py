"""Write one project (its rows, journal and files) to one archive (procurement/project_archive)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from procurement.project_archive import export_project


class Command(BaseCommand):
    help = (
        "Write a project's rows, journal and files (with their SHA-256) to one zip archive, "
        "for a backup or a move; import_project restores it into an empty database."
    )

    def add_arguments(self, parser):
        parser.add_argument("project_id", type=int)
        parser.add_argument(
            "--output", "-o", help="the archive to write (default project-ID.zip); never replaced"
        )

    def handle(self, *args, project_id: int, output: str | None, **options):
        path = Path(output or f"project-{project_id}.zip")
        try:
            with open(path, "xb") as out:
                try:
                    summary = export_project(project_id, out)
                except BaseException:
                    path.unlink(missing_ok=True)
                    raise
        except FileExistsError as exc:
            raise CommandError(f"{path} exists; choose another --output.") from exc
        except (LookupError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Project {project_id}: {summary.rows} rows and {summary.files} files "
            f"({summary.bytes} bytes) written to {path}."
        )
