"""The page a person sees when login throttling has locked them out."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def locked_out(request: HttpRequest, credentials: dict | None = None, *args, **kwargs):
    """django-axes' lockout response (AXES_LOCKOUT_CALLABLE): 429 with a page in the person's
    language that says how long the lock lasts and who can lift it."""
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes}
    response: HttpResponse = render(request, "registration/locked_out.html", context, status=429)
    return response
