"""Which pathway versions an organisation's projects may start on (reads only)."""

from django.db.models import Q

from accounts.organisations import ancestor_ids

from .models import Pathway


def _owners(organisation) -> Q:
    """The national seed, and the pathways of the organisation or any node above it."""
    owners = Q(organisation__isnull=True)
    if organisation is not None:
        owners |= Q(organisation_id__in=ancestor_ids(organisation.path))
    return owners


def available_pathways(organisation) -> list[Pathway]:
    """The newest published version of each pathway a new project of `organisation` may start
    on: the national ones and those of the organisation and the nodes above it. A copy adopted
    by one of those replaces what it was copied from, so a region that adapted the national
    pathway starts its projects on its own version (one query)."""
    latest: dict[str, Pathway] = {}
    for pathway in Pathway.objects.filter(_owners(organisation), is_published=True).order_by(
        "slug", "-version"
    ):
        latest.setdefault(pathway.slug, pathway)
    replaced = {pathway.origin_slug for pathway in latest.values() if pathway.origin_slug}
    return [pathway for slug, pathway in latest.items() if slug not in replaced]


def pathway_usable_by(pathway: Pathway, organisation) -> bool:
    """Whether a project of `organisation` may use `pathway` at all (any of its versions)."""
    if pathway.organisation_id is None:
        return True
    return organisation is not None and pathway.organisation_id in ancestor_ids(organisation.path)
