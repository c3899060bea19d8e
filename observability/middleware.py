"""The request id and the access log line of every request."""

from __future__ import annotations

import logging
import re
import time
import uuid

from . import context

logger = logging.getLogger("guide.request")

HEADER = "X-Request-ID"
# A proxy's or load balancer's id is kept when it looks like one (letters, digits, - _ . :),
# so the same request can be followed through both logs; anything else is replaced, so a client
# cannot put arbitrary text (or another person's data) into the logs.
WELL_FORMED = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")


def request_id_of(request) -> str:
    offered = request.META.get("HTTP_X_REQUEST_ID", "")
    return offered if WELL_FORMED.match(offered) else uuid.uuid4().hex


class RequestLogMiddleware:
    """Sets the request id (from X-Request-ID when well formed, else a new one), returns it in
    the response's X-Request-ID, and logs one line per request with the view's name, the status,
    the duration and the ids of the user and the project (from the URL), never the path's query
    or anything a person typed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        request.request_id = request_id_of(request)
        tokens = [
            context.request_id.set(request.request_id),
            context.user_id.set(None),
            context.project_id.set(None),
        ]
        try:
            response = self.get_response(request)
            response[HEADER] = request.request_id
            self._log(request, response.status_code, started)
            return response
        finally:
            for var, token in zip(
                (context.request_id, context.user_id, context.project_id), tokens, strict=True
            ):
                var.reset(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        project = view_kwargs.get("project_id")
        if isinstance(project, int):
            context.project_id.set(project)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            context.user_id.set(user.pk)

    def _log(self, request, status: int, started: float) -> None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            context.user_id.set(user.pk)  # a login sets the user after the view was chosen
        match = getattr(request, "resolver_match", None)
        logger.info(
            "%s %s %s",
            request.method,
            match.view_name if match else "-",
            status,
            extra={
                "method": request.method,
                "view": match.view_name if match else "",
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )
