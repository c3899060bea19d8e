import json

from django.core.management.base import BaseCommand, CommandError

from checklists.guideline import guideline_data, guideline_markdown
from checklists.models import Pathway


class Command(BaseCommand):
    help = "Print a pathway's guideline as Markdown (for review by domain experts) or JSON."

    def add_arguments(self, parser):
        parser.add_argument("pathway", help="The pathway's slug, e.g. indkoeb-ce-maerket-ai.")
        parser.add_argument(
            "--pathway-version",
            type=int,
            dest="pathway_version",
            help="A version (default: newest).",
        )
        parser.add_argument("--format", choices=["markdown", "json"], default="markdown")

    def handle(self, *args, pathway: str, pathway_version: int | None, format: str, **options):
        version = pathway_version
        pathways = Pathway.objects.filter(slug=pathway)
        chosen = (
            pathways.filter(version=version).first()
            if version
            else pathways.order_by("-version").first()
        )
        if chosen is None:
            known = ", ".join(sorted(set(Pathway.objects.values_list("slug", flat=True))))
            raise CommandError(
                f"No pathway '{pathway}'{f' version {version}' if version else ''}. "
                f"Known: {known or 'none (run load_pathways)'}."
            )
        if format == "json":
            self.stdout.write(json.dumps(guideline_data(chosen), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(guideline_markdown(chosen), ending="")
