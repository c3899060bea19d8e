"""Refuse a request body larger than any upload the app accepts, before Django reads it."""

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _


class RequestBodyLimitMiddleware:
    """413 for a declared Content-Length above MAX_REQUEST_BYTES. Django's own
    DATA_UPLOAD_MAX_MEMORY_SIZE leaves file parts out of its count; this caps the whole body
    (the proxy in front should cap it too: see README)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BYTES:
            return HttpResponse(
                _("The upload is too large."), status=413, content_type="text/plain"
            )
        return self.get_response(request)
