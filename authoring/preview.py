"""The guideline page for a draft, rendered as the published version would be."""

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from checklists.loading import create_pathway
from checklists.roles import Role

from .content import parse_content
from .models import PathwayDraft


class _Rollback(Exception):
    pass


def render_draft_guideline(draft: PathwayDraft) -> str:
    """The draft written as a pathway version inside a savepoint, rendered by the guideline's
    own template and rolled back: the preview is the page the published version will have.
    Raises PathwayFileError when the loader refuses the content."""
    parsed = parse_content(draft.content, slug=draft.slug, version=draft.version)
    html = ""
    try:
        with transaction.atomic():
            pathway = create_pathway(parsed, organisation=draft.organisation)
            stages = list(pathway.stages.prefetch_related("items").order_by("order"))
            html = render_to_string(
                "checklists/partials/_guideline.html",
                {
                    "pathway": pathway,
                    "stages": stages,
                    "versions": [],
                    "item_count": sum(len(stage.items.all()) for stage in stages),
                    "roles": Role,
                    "printable": True,  # no links to other versions or print layout
                },
            )
            raise _Rollback
    except (_Rollback, IntegrityError):
        pass
    return html
