"""What the authoring pages read (no writes)."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q

from checklists.loading import Problem
from checklists.models import Pathway

from .models import OPEN_STATUSES, PathwayDraft
from .permissions import editable_organisations
from .services import newer_origin


@dataclass
class EditablePathway:
    pathway: Pathway  # the newest published version
    versions: list[Pathway]
    open_draft: PathwayDraft | None
    newer: Pathway | None  # a newer version from the origin of an adopted copy


def _latest_by_slug(rows) -> dict[str, list[Pathway]]:
    versions: dict[str, list[Pathway]] = defaultdict(list)
    for pathway in rows.order_by("slug", "-version"):
        versions[pathway.slug].append(pathway)
    return versions


def editable_pathways(user) -> list[EditablePathway]:
    """The pathways of the organisations the person edits (the national ones too for an
    administrator), each with its published versions, open draft and news from its origin."""
    owners = Q(organisation__in=editable_organisations(user))
    if user.is_superuser:
        owners |= Q(organisation__isnull=True)
    rows = Pathway.objects.filter(owners, is_published=True).select_related("organisation")
    by_slug = _latest_by_slug(rows)
    drafts = {
        d.slug: d for d in PathwayDraft.objects.filter(slug__in=by_slug, status__in=OPEN_STATUSES)
    }
    return [
        EditablePathway(versions[0], versions, drafts.get(slug), newer_origin(versions[0]))
        for slug, versions in by_slug.items()
    ]


def adoptable_versions(user) -> list[Pathway]:
    """The newest national or shared version of each pathway other organisations publish."""
    rows = (
        Pathway.objects.filter(is_published=True)
        .filter(Q(organisation__isnull=True) | Q(shared=True))
        .exclude(organisation__in=editable_organisations(user))
        .select_related("organisation")
    )
    return [versions[0] for versions in _latest_by_slug(rows).values()]


def open_drafts(user):
    return PathwayDraft.objects.filter(
        organisation__in=editable_organisations(user), status__in=OPEN_STATUSES
    )


def problems_by_key(problems: list[Problem]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = defaultdict(list)
    for problem in problems:
        grouped[problem.key].append(problem.message)
    return dict(grouped)
