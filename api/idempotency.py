"""Requests sent with an `Idempotency-Key` header are done once: the first answer is stored
(per person, token, project and key) and given again to every repetition; the same key with
another request body is refused (422). Two requests with the same key at the same moment: the
unique constraint decides which answer is stored, and the other request rolls back its work and
answers with the stored one."""

import hashlib
import json
from collections.abc import Callable

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from rest_framework.exceptions import ValidationError as BadRequest

from procurement.models import Project

from .exceptions import IdempotencyKeyReused
from .models import IdempotentResponse
from .permissions import token_of

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200


def fingerprint(data) -> str:
    text = json.dumps(data, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _stored(scope: dict, print_: str) -> tuple[int, dict] | None:
    stored = IdempotentResponse.objects.filter(**scope).first()
    if stored is None:
        return None
    if stored.fingerprint != print_:
        raise IdempotencyKeyReused
    return stored.status, stored.body


def replay_or_run(
    *, request, project: Project, data, run: Callable[[], tuple[int, dict]]
) -> tuple[int, dict]:
    """`run()` (status and body) once per key; without a key, simply `run()`."""
    key = request.headers.get(HEADER, "").strip()
    if not key:
        return run()
    if len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise BadRequest({HEADER: [f"At most {MAX_KEY_LENGTH} printable characters."]})
    token = token_of(request)
    scope = {
        "user": request.user,
        "token_digest": token.digest if token is not None else "",
        "project": project,
        "key": key,
    }
    print_ = fingerprint(data)
    stored = _stored(scope, print_)
    if stored is not None:
        return stored
    try:
        with transaction.atomic():
            status, body = run()
            IdempotentResponse.objects.create(**scope, fingerprint=print_, status=status, body=body)
    except IntegrityError:
        # Another request with this key committed first: its work counts, ours rolled back.
        stored = _stored(scope, print_)
        if stored is None:
            raise
        return stored
    return status, body
