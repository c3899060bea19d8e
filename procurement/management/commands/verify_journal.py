"""Recompute every project's journal chain (or one project's) and name the first broken entry.

Exit status 0 when every chain holds, 1 when one is broken, 2 on bad arguments."""

from django.core.management.base import BaseCommand, CommandError

from procurement.journal import verify_chain
from procurement.models import HistoryEntry, Project


class Command(BaseCommand):
    help = "Check that the projects' journals are unbroken hash chains."

    def add_arguments(self, parser):
        parser.add_argument("--project", type=int, help="only this project (its id)")

    def handle(self, *args, project=None, **options):
        if project is not None:
            if not Project.objects.filter(pk=project).exists():
                raise CommandError(f"No project with id {project}.", returncode=2)
            project_ids = [project]
        else:
            project_ids = list(
                HistoryEntry.objects.order_by("project_id")
                .values_list("project_id", flat=True)
                .distinct()
            )
        broken = 0
        entries = 0
        for project_id in project_ids:
            problem = verify_chain(project_id)
            if problem is None:
                entries += HistoryEntry.objects.filter(project_id=project_id).count()
                continue
            broken += 1
            self.stderr.write(
                f"project {project_id}: entry #{problem.seq} (id {problem.entry_id}) is broken: "
                f"{problem.problem}"
            )
        if broken:
            raise CommandError(f"{broken} of {len(project_ids)} journals are broken.", returncode=1)
        self.stdout.write(
            f"{len(project_ids)} journals verified, {entries} entries, no break found."
        )
