"""The journal: the one way a change to a project is recorded.

Every service that changes what a gate, the dossier or the team says calls `record` inside the
transaction that makes the change, after it has locked the project row. `record` numbers the
entry (`seq`), chains it to the one before (`prev_hash`) and seals it (`hash`, SHA-256 over the
canonical form below). The database refuses UPDATE and DELETE on the table (a trigger, installed
by migration 0005), so an entry that was written stays as it was; `verify_chain` recomputes a
project's chain and names the first entry that does not match. The entries of a change that can
alter the current stage's checklist also rewrite the project's stored progress (`progress`).

What is hashed (version 1 of the canonical form): the project id, seq, action, actor id, time (UTC,
microseconds), stage key, subject, from/to state, before/after values, comment and the previous
hash, as JSON with sorted keys and no whitespace. Changing this form would break every existing
chain: add a new version instead. An entry made through the API also names the token it came
through (`via`, set for the request by `acting_via`); the key is hashed only when it is not
empty, so every entry written before it existed, and every web entry, hashes as it always did.
"""

import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.utils import timezone

from .guards import lock_project
from .models import HistoryEntry, Project
from .progress import PROGRESS_ACTIONS, refresh_progress

GENESIS = ""

# What a change came through other than the web page (the API token's name and key prefix, e.g.
# "ERP (a1b2c3d4)"), for the request that makes it; empty for the web.
_via: ContextVar[str] = ContextVar("journal_via", default="")


@contextmanager
def acting_via(label: str) -> Iterator[None]:
    """Entries recorded inside the block name `label` as what the change came through."""
    token = _via.set(label[:200])
    try:
        yield
    finally:
        _via.reset(token)


def current_via() -> str:
    return _via.get()


# Who else learns of each entry, inside the same transaction (e.g. notifications). Other apps
# register here from their AppConfig.ready(); the journal imports none of them.
Listener = Callable[[HistoryEntry], None]
LISTENERS: list[Listener] = []


def register_listener(listener: Listener) -> Listener:
    """Call `listener(entry)` after each entry is written, in the change's transaction: a listener
    that raises rolls the change back with it, so it must only write what belongs to the change."""
    if listener not in LISTENERS:
        LISTENERS.append(listener)
    return listener


def canonical(entry: HistoryEntry) -> bytes:
    data = {
        "v": 1,
        "project": entry.project_id,
        "seq": entry.seq,
        "action": entry.action,
        "by": entry.by_id,
        "at": entry.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "stage": entry.stage_key,
        "subject": entry.subject,
        "from": entry.from_state,
        "to": entry.to_state,
        "before": entry.before,
        "after": entry.after,
        "comment": entry.comment,
        "prev": entry.prev_hash,
    }
    # getattr: migration 0005 seals entries through a historical model that has no `via` yet.
    via = getattr(entry, "via", None)
    if via:
        data["via"] = via
    return json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def entry_hash(entry: HistoryEntry) -> str:
    return hashlib.sha256(canonical(entry)).hexdigest()


def as_json(value):
    """A value as the database's JSON gives it back (Decimals and dates as strings), so the
    hash computed now is the hash recomputed from the stored row later."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, allow_nan=False))


def record(
    *,
    project: Project,
    action: str,
    by,
    subject: str = "",
    stage_key: str | None = None,
    before=None,
    after=None,
    comment: str = "",
    from_state: str | None = None,
    to_state: str | None = None,
) -> HistoryEntry:
    """Append one entry to the project's journal. Must run inside the change's transaction;
    the project row is locked here (a no-op when the caller holds the lock already), so the
    next number and the previous hash cannot change under us. `from_state`/`to_state` default
    to the project's state, `stage_key` to its current stage."""
    if not connection.in_atomic_block:
        raise RuntimeError("journal.record must run inside the change's transaction")
    lock_project(project.pk)
    last = (
        HistoryEntry.objects.filter(project_id=project.pk)
        .order_by("-seq")
        .values_list("seq", "hash")
        .first()
    )
    seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
    if stage_key is None:
        current = project.current_stage
        stage_key = current.key if current is not None else ""
    entry = HistoryEntry(
        project=project,  # the listeners read the project as the change left it
        seq=seq,
        action=action,
        by=by if getattr(by, "pk", None) else None,
        at=timezone.now(),
        stage_key=stage_key,
        subject=subject[:200],
        from_state=project.state if from_state is None else from_state,
        to_state=project.state if to_state is None else to_state,
        before=as_json(before),
        after=as_json(after),
        comment=comment,
        prev_hash=prev_hash,
        via=current_via() or None,
    )
    entry.hash = entry_hash(entry)
    entry.save(force_insert=True)
    if action in PROGRESS_ACTIONS:
        # The change is written before it is recorded, so the progress made now is the change's.
        refresh_progress(project)
    for listener in LISTENERS:
        listener(entry)
    return entry


@dataclass(frozen=True)
class ChainHead:
    count: int
    hash: str


def chain_head(project: Project) -> ChainHead:
    last = (
        HistoryEntry.objects.filter(project_id=project.pk)
        .order_by("-seq")
        .values_list("seq", "hash")
        .first()
    )
    return ChainHead(*last) if last else ChainHead(0, GENESIS)


@dataclass(frozen=True)
class Break:
    project_id: int
    seq: int
    entry_id: int | None
    problem: str


def verify_chain(project_id: int) -> Break | None:
    """Recompute one project's chain; the first entry that does not match, or None."""
    expected_prev = GENESIS
    expected_seq = 1
    entries = HistoryEntry.objects.filter(project_id=project_id).order_by("seq").iterator()
    for entry in entries:
        if entry.seq != expected_seq:
            return Break(project_id, expected_seq, entry.pk, "missing entry before this one")
        if entry.prev_hash != expected_prev:
            return Break(project_id, entry.seq, entry.pk, "previous hash does not match")
        if entry_hash(entry) != entry.hash:
            return Break(project_id, entry.seq, entry.pk, "content does not match its hash")
        expected_prev = entry.hash
        expected_seq += 1
    return None
