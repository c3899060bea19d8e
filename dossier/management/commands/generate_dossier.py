"""Render a project's dossier now, for operators, scripts and the benchmark.

The same code path as the "Generate dossier" button, run synchronously: a new stored version is
made (and recorded on the project's dossier page), then copied to --output.
"""

import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from dossier import services
from procurement.models import Project


class Command(BaseCommand):
    help = "Generate a new dossier version of a project synchronously and write it to a file."

    def add_arguments(self, parser):
        parser.add_argument("project_id", type=int)
        parser.add_argument("--output", "-o", required=True, help="where to write the PDF")
        parser.add_argument(
            "--by", help="username recorded as the person generating it (default: nobody)"
        )
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            choices=[code for code, _name in settings.LANGUAGES],
        )

    def handle(self, *args, project_id: int, output: str, by, language: str, **options):
        project = Project.objects.filter(pk=project_id).first()
        if project is None:
            raise CommandError(f"No project with id {project_id}.")
        user = None
        if by:
            user = get_user_model().objects.filter(username=by).first()
            if user is None:
                raise CommandError(f"No user {by!r}.")
        started = time.perf_counter()
        request = services.request_dossier(
            project=project, by=user, language=language, enqueue=False
        )
        if request.in_flight and request.status != request.Status.QUEUED:
            raise CommandError(
                f"Version {request.number} of this project is being generated right now."
            )
        try:
            version = services.run_dossier_request(request.pk)
        except Exception as exc:
            request.refresh_from_db()
            raise CommandError(
                f"{services.error_message(request)} ({request.error_detail.splitlines()[0]})"
            ) from exc
        if version is None:
            raise CommandError("Another worker took this request; try again in a moment.")
        Path(output).write_bytes(services.read_version(version))
        self.stdout.write(
            f"Dossier v{version.number} of project {project.pk}: {version.page_count} pages, "
            f"{version.size} bytes, SHA-256 {version.sha256}, "
            f"{time.perf_counter() - started:.2f} s -> {output}"
        )
