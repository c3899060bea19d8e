"""How often a person may ask: a fixed one-minute window counted in Django's cache ("throttle":
a database table, so all worker processes count together), per signed-in person and, for people
who are not signed in, per client address (accounts.client_address, as login throttling counts
it). The counters hold a hash of the person's id or address for two minutes and nothing else.

Django's database cache increments by reading and writing, so two questions at the same instant
may be counted as one: a throttle against runaway use, not an exact quota."""

import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError
from django.http import HttpRequest

from accounts.client_address import client_address

WINDOW_SECONDS = 60
logger = logging.getLogger(__name__)


def _now() -> float:
    return time.time()


def _key(kind: str, who: str, window: int) -> str:
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{kind}:{who}".encode()).hexdigest()[:32]
    return f"ask:{kind}:{digest}:{window}"


def allow_question(request: HttpRequest, *, now: float | None = None) -> bool:
    """Count this question; False when the person (or address) is over the limit. A cache that
    cannot be reached lets the question through and logs it: asking must not break on it."""
    if request.user.is_authenticated:
        kind, who = "user", str(request.user.pk)
        limit = settings.ASSISTANT_QUESTIONS_PER_MINUTE
    else:
        kind, who = "address", client_address(request) or "unknown"
        limit = settings.ASSISTANT_QUESTIONS_PER_MINUTE_PER_ADDRESS
    if limit <= 0:
        return True
    window = int((now if now is not None else _now()) // WINDOW_SECONDS)
    key = _key(kind, who, window)
    cache = caches["throttle"]
    try:
        cache.add(key, 0, timeout=2 * WINDOW_SECONDS)
        count = cache.incr(key)
    except (DatabaseError, ValueError):
        logger.warning("The question throttle's cache is unavailable; not throttling.")
        return True
    return count <= limit


def retry_after(now: float | None = None) -> int:
    """Seconds until the current window ends."""
    now = now if now is not None else _now()
    return max(1, WINDOW_SECONDS - int(now % WINDOW_SECONDS))
