from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from .metrics import exposition, metrics_access


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus metrics, for the scraper only (a bearer token or an allow-listed address)."""
    access = metrics_access(request)
    if access == 404:
        raise Http404
    if access == 403:
        return HttpResponse("Forbidden", status=403, content_type="text/plain")
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
