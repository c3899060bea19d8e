"""The guideline as something to read: public pages, no login and no project needed."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .checked_links import checked_links
from .models import Pathway
from .roles import Role


@require_GET
def guide_index(request: HttpRequest) -> HttpResponse:
    latest = {}
    for pathway in Pathway.objects.filter(is_published=True).order_by("slug", "-version"):
        latest.setdefault(pathway.slug, pathway)
    return render(request, "checklists/guide_index.html", {"pathways": list(latest.values())})


@require_GET
def guide(request: HttpRequest, slug: str, version: int | None = None) -> HttpResponse:
    pathways = Pathway.objects.filter(slug=slug, is_published=True)
    pathway = (
        pathways.filter(version=version).first()
        if version
        else pathways.order_by("-version").first()
    )
    if pathway is None:
        raise Http404("No such pathway")
    stages = list(pathway.stages.prefetch_related("items").order_by("order"))
    context = {
        "pathway": pathway,
        "stages": stages,
        "versions": list(pathways.order_by("-version").values_list("version", flat=True)),
        "item_count": sum(len(stage.items.all()) for stage in stages),
        "roles": Role,
        "printable": request.GET.get("print") == "1",
    }
    return render(request, "checklists/guide.html", context)


@require_GET
def guide_sources(request: HttpRequest) -> HttpResponse:
    """The links the guideline cites, with what each is and how and when it was checked."""
    links = sorted(checked_links(), key=lambda link: link.what.casefold())
    return render(request, "checklists/guide_sources.html", {"links": links})
