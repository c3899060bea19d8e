"""Every error as an RFC 9457 problem (`application/problem+json`): `type`, `title`, `status`,
`detail`, and `errors` (field -> messages) or `reasons` (the gate's codes and messages) where
there are any. Titles and details are translated like the web's messages: the LocaleMiddleware
picks Danish or English from Accept-Language."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import OperationalError, connection
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response

from procurement.gates import refuses_person
from procurement.transitions import TransitionBlocked

PROBLEM_TYPE = "application/problem+json"
TYPE_BASE = "urn:clinical-ai-guide:problem:"


class IdempotencyKeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"


class FormInvalid(exceptions.APIException):
    """A web form (the same one the page uses) refused the request's data."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "invalid"

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__(" ".join(message for messages in errors.values() for message in messages))


def problem(
    status_code: int, code: str, title: str, detail: str = "", headers=None, **extra
) -> Response:
    body = {"type": TYPE_BASE + code, "title": title, "status": status_code, "detail": detail}
    body.update(extra)
    return Response(body, status=status_code, headers=headers, content_type=PROBLEM_TYPE)


def _reasons(exc: TransitionBlocked) -> list[dict]:
    return [
        {
            "code": reason.code,
            "message": reason.message,
            "role": reason.role,
            "items": list(reason.items),
            "people": list(reason.people),
        }
        for reason in exc.reasons
    ]


def _field_errors(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {
            str(field): [str(m) for m in (messages if isinstance(messages, list) else [messages])]
            for field, messages in detail.items()
        }
    if isinstance(detail, list):
        return {"non_field_errors": [str(m) for m in detail]}
    return {"non_field_errors": [str(detail)]}


def problem_handler(exc, context) -> Response | None:
    if isinstance(exc, Http404 | exceptions.NotFound):
        return problem(404, "not_found", _("Not found"), _("No such thing, or not yours to see."))
    if isinstance(exc, TransitionBlocked):
        denied = refuses_person(exc.reasons)
        return problem(
            403 if denied else 409,
            "transition_blocked",
            _("The change was not made"),
            str(exc),
            reasons=_reasons(exc),
        )
    if isinstance(exc, DjangoPermissionDenied | exceptions.PermissionDenied):
        message = str(exc) if str(exc) and not isinstance(exc, exceptions.PermissionDenied) else ""
        return problem(
            403,
            "forbidden",
            _("Not allowed"),
            message
            or _(
                "You may see this, but your role or your token's scopes do not let you change it."
            ),
        )
    if isinstance(exc, DjangoValidationError):
        messages = exc.messages
        return problem(
            422,
            getattr(exc, "code", None) or "refused",
            _("The change was not made"),
            " ".join(messages),
            errors={"non_field_errors": messages},
        )
    if isinstance(exc, FormInvalid):
        return problem(422, "invalid", _("The data were not accepted"), str(exc), errors=exc.errors)
    if isinstance(exc, IdempotencyKeyReused):
        return problem(
            422,
            "idempotency_key_reused",
            _("Idempotency key used for another request"),
            _("This Idempotency-Key was used before with other data. Use a new key."),
        )
    if isinstance(exc, exceptions.Throttled):
        wait = max(1, int(exc.wait or 1))
        return problem(
            429,
            "throttled",
            _("Too many requests"),
            _("Too many requests. Try again in %(seconds)d seconds.") % {"seconds": wait},
            headers={"Retry-After": str(wait)},
        )
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        return problem(
            401,
            "not_authenticated",
            _("Not signed in"),
            _("Send a valid API token: Authorization: Token <token>."),
            headers={"WWW-Authenticate": "Token"},
        )
    if isinstance(exc, exceptions.ValidationError):
        errors = _field_errors(exc.detail)
        return problem(
            400,
            "invalid",
            _("The request was not understood"),
            " ".join(m for messages in errors.values() for m in messages),
            errors=errors,
        )
    if isinstance(exc, OperationalError) and _is_sqlite_busy(exc):
        return problem(
            503,
            "busy",
            _("Busy"),
            _("Someone else is saving at this moment. Nothing was changed: try again."),
            headers={"Retry-After": "1"},
        )
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        return problem(
            exc.status_code,
            codes if isinstance(codes, str) else "error",
            str(exc.detail),
            str(exc.detail),
        )
    return None


def _is_sqlite_busy(exc: OperationalError) -> bool:
    # SQLite's write lock held past its timeout: nothing was written, the client may retry.
    return connection.vendor == "sqlite" and "locked" in str(exc)
