"""Requests per token (or per signed-in person) and minute, counted in the shared "throttle"
cache (a database table), so every worker process counts together. Over the limit: 429 with
Retry-After, as a problem (api.exceptions)."""

from django.conf import settings
from django.core.cache import caches
from rest_framework.throttling import SimpleRateThrottle

from .permissions import token_of


class TokenRateThrottle(SimpleRateThrottle):
    scope = "token"
    cache = caches["throttle"]

    def get_rate(self) -> str:
        # Read at each request, not at import, so a changed setting counts at once.
        return f"{settings.API_REQUESTS_PER_MINUTE}/min"

    def allow_request(self, request, view) -> bool:
        if settings.API_REQUESTS_PER_MINUTE <= 0:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view) -> str | None:
        token = token_of(request)
        if token is not None:
            ident = f"t:{token.digest[:32]}"
        elif request.user and request.user.is_authenticated:
            ident = f"u:{request.user.pk}"
        else:
            ident = f"a:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
