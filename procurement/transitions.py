"""The only door through which a project's state changes.

Every state change (web views now, an API and commands later) goes through `perform_transition`:
it opens a transaction, locks the project row, asks the gate (permission and checklist) once,
*after* taking the lock, runs the django-fsm transition, saves and writes the history entry in the
same transaction. The gate's reasons reach the person as they are. `ConcurrentTransitionMixin` on
`Project` is the second guard (SQLite ignores row locks): a save from a stale state raises instead
of overwriting, and only that (or SQLite's write lock) is answered "someone else changed this
project".
"""

from django.db import OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from . import journal
from .gates import Reason, blocking_reasons, load_stage_status
from .guards import lock_project
from .models import TRANSITIONS, Action, Project
from .pathway_change import apply_plan, continuation_plan

CONCURRENT = "concurrent"
REASON_REQUIRED = "reason_required"

# Transitions whose history entry must say why.
NEEDS_REASON = {Action.RETURNED, Action.STOPPED, Action.RETIRED}


class TransitionBlocked(Exception):
    """The transition did not happen; `reasons` says why. Nothing was written."""

    def __init__(self, reasons: list[Reason]):
        self.reasons = reasons
        super().__init__("; ".join(reason.message for reason in reasons))


def perform_transition(
    *, project: Project, action: str, by, comment: str = "", target: str | None = None
) -> Project:
    """Move the project along `action` (approve, return_to, stop, reopen, retire).

    Returns the saved project. Raises TransitionBlocked with the reasons when the gate is closed,
    the person may not do it, or someone else changed the project a moment earlier.
    """
    if action not in TRANSITIONS:
        raise ValueError(f"{action!r} is not a transition")
    comment = comment.strip()
    if action in NEEDS_REASON and not comment:
        raise TransitionBlocked([Reason(REASON_REQUIRED, _("Please give a reason."))])
    try:
        with transaction.atomic():
            locked = lock_project(project)
            status = load_stage_status(locked)
            reasons = blocking_reasons(
                project=locked, action=action, status=status, user=by, target=target
            )
            if reasons:
                raise TransitionBlocked(reasons)
            method = getattr(locked, action)
            from_state = locked.state
            from_stage = locked.current_stage
            if action == Action.RETURNED:
                method(target=target)
            elif action == Action.CONTINUED:
                plan = continuation_plan(locked)
                method(plan=plan)
                apply_plan(plan)
            else:
                method()
            locked.save()
            journal.record(
                project=locked,
                action=action,
                by=by,
                stage_key=from_stage.key if from_stage else "",
                from_state=from_state,
                to_state=locked.state,
                comment=comment,
            )
    except ConcurrentTransition as exc:
        # The row changed between our read and our save. django-fsm's TransitionNotAllowed is
        # not caught: after the gate on the locked row let the change through, the state machine
        # refusing it would be a bug, not someone else's change.
        raise TransitionBlocked([_concurrent_reason()]) from exc
    except OperationalError as exc:
        if not _is_sqlite_lock(exc):
            raise
        raise TransitionBlocked([_concurrent_reason()]) from exc
    return locked


def _is_sqlite_lock(exc: OperationalError) -> bool:
    # SQLite has no row locks: a second writer at the same moment finds the table locked. That
    # is the same situation as a lost race on PostgreSQL, so it gets the same answer.
    return connection.vendor == "sqlite" and "locked" in str(exc)


def request_approval(*, project: Project, by, comment: str = "") -> Project:
    """Ask an innovation consultant to approve the current stage. Not a state change, but it goes
    through the same lock and gate, and is recorded in the history."""
    with transaction.atomic():
        locked = lock_project(project)
        status = load_stage_status(locked)
        reasons = blocking_reasons(
            project=locked, action=Action.APPROVAL_REQUESTED, status=status, user=by
        )
        if reasons:
            raise TransitionBlocked(reasons)
        locked.approval_requested_by = by
        locked.approval_requested_at = timezone.now()
        locked.save(update_fields=["approval_requested_by", "approval_requested_at", "updated_at"])
        journal.record(
            project=locked, action=Action.APPROVAL_REQUESTED, by=by, comment=comment.strip()
        )
    return locked


def _concurrent_reason() -> Reason:
    return Reason(
        CONCURRENT,
        _(
            "Someone else changed this project a moment ago. Nothing was changed: "
            "look at the page again."
        ),
    )
