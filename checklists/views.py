"""The guideline as something to read: public pages, no login and no project needed."""

import hashlib

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from .checked_links import checked_links
from .models import Pathway
from .roles import Role

# Published content: kept a day per process; the key changes whenever the content could.
GUIDELINE_CACHE_SECONDS = 24 * 3600


@require_GET
def guide_index(request: HttpRequest) -> HttpResponse:
    latest = {}
    published = Pathway.objects.filter(is_published=True).select_related("organisation")
    for pathway in published.order_by("slug", "-version"):
        latest.setdefault(pathway.slug, pathway)
    return render(request, "checklists/guide_index.html", {"pathways": list(latest.values())})


@require_GET
def guide(request: HttpRequest, slug: str, version: int | None = None) -> HttpResponse:
    versions = list(Pathway.objects.filter(slug=slug, is_published=True).order_by("-version"))
    wanted = [p for p in versions if p.version == version] if version else versions[:1]
    if not wanted:
        raise Http404("No such pathway")
    pathway = wanted[0]
    printable = request.GET.get("print") == "1"
    numbers = [p.version for p in versions]
    key = guideline_cache_key(pathway, numbers, printable)
    guideline = cache.get(key)
    if guideline is None:
        stages = list(pathway.stages.prefetch_related("items").order_by("order"))
        context = {
            "pathway": pathway,
            "stages": stages,
            "versions": numbers,
            "item_count": sum(len(stage.items.all()) for stage in stages),
            "roles": Role,
            "printable": printable,
        }
        # Rendered without the request: the fragment holds nothing of the person reading it.
        guideline = render_to_string("checklists/partials/_guideline.html", context)
        cache.set(key, guideline, GUIDELINE_CACHE_SECONDS)
    context = {"pathway": pathway, "printable": printable, "guideline": guideline}
    return render(request, "checklists/guide.html", context)


def guideline_cache_key(pathway: Pathway, versions: list[int], printable: bool) -> str:
    """The rendered guideline of one published version, per language and layout.

    A published version is immutable (the loader refuses a changed file, the admin shows it
    read-only), so its text never goes stale. What can change is the list of published versions
    the page links to, and a database reloaded from scratch can give a version's row a new id: the
    key names the row, its checksum and load time and the published versions, so loading a new
    version or (un)publishing one gives every process a new key without having to tell it.
    """
    parts = [
        pathway.pk,
        pathway.slug,
        pathway.version,
        pathway.checksum,
        pathway.loaded_at.isoformat(),
        get_language() or "da",
        "print" if printable else "screen",
        "-".join(map(str, versions)),
    ]
    return "guideline:" + hashlib.sha256(repr(parts).encode()).hexdigest()


@require_GET
def guide_sources(request: HttpRequest) -> HttpResponse:
    """The links the guideline cites, with what each is and how and when it was checked."""
    links = sorted(checked_links(), key=lambda link: link.what.casefold())
    return render(request, "checklists/guide_sources.html", {"links": links})
