"""The address a request came from, as login throttling counts it."""

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, unless the app runs behind `TRUSTED_PROXY_COUNT` proxies: then the entry of
    X-Forwarded-For that the outermost trusted proxy wrote (each proxy appends the address it
    was reached from, so the last N entries are ours and anything before them is what the
    client sent). A header shorter than the proxy chain is not trusted."""
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        return remote
    return forwarded[-count]
