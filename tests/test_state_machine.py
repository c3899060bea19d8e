"""Every (from, to) pair of the state machine: the allowed ones succeed and write one history
row; every other attempt raises and changes nothing."""

import itertools

import pytest
from django.db import transaction

from procurement import services
from procurement.models import Action, HistoryEntry, Project
from procurement.transitions import TransitionBlocked, perform_transition, request_approval
from tests.personas import complete_legal, complete_need, move_to

STAGES = ["need", "legal", "monitoring"]
STATES = [*STAGES, "stopped:need", "stopped:legal", "stopped:monitoring", "retired"]
TARGETS = [*STAGES, "stopped", "retired"]
ACTIONS = [Action.APPROVED, Action.RETURNED, Action.STOPPED, Action.REOPENED, Action.RETIRED]

ALLOWED = {
    ("need", "legal"): Action.APPROVED,
    ("legal", "monitoring"): Action.APPROVED,
    ("legal", "need"): Action.RETURNED,
    ("monitoring", "need"): Action.RETURNED,
    ("monitoring", "legal"): Action.RETURNED,
    ("need", "stopped"): Action.STOPPED,
    ("legal", "stopped"): Action.STOPPED,
    ("monitoring", "stopped"): Action.STOPPED,
    ("stopped:need", "need"): Action.REOPENED,
    ("stopped:legal", "legal"): Action.REOPENED,
    ("stopped:monitoring", "monitoring"): Action.REOPENED,
    ("monitoring", "retired"): Action.RETIRED,
}


def prepare(team, state: str) -> Project:
    """Put the project in `state` with its checklist complete and approval requested, so that
    only the state machine itself can refuse a transition."""
    stage = state.split(":")[-1] if state != "retired" else "monitoring"
    move_to(team, stage)
    completers = {"need": complete_need, "legal": complete_legal}
    if stage in completers:
        completers[stage](team)
    else:
        from tests.personas import answer

        answer(team, "monitoring.owner", "AI-kompetenceenheden", by=team.ai_competence)
    if stage != "monitoring":
        request_approval(project=team.reload(), by=team.clinician)
    if state.startswith("stopped"):
        perform_transition(
            project=team.reload(), action=Action.STOPPED, by=team.consultant, comment="pause"
        )
    if state == "retired":
        perform_transition(
            project=team.reload(), action=Action.RETIRED, by=team.consultant, comment="slut"
        )
    return team.reload()


class Undo(Exception):
    """Raised to roll an attempt back, so the next one starts from the same prepared project."""


def attempt(team, project, from_state, to_state, action) -> None:
    """One (to, action) attempt on a project prepared in `from_state`: the allowed one succeeds
    and writes one history row; every other raises and changes nothing, or leads elsewhere."""
    before_state = project.state
    history_before = HistoryEntry.objects.filter(project=project).count()
    allowed = ALLOWED.get((from_state, to_state)) == action
    # consultant2 did not request the approval, so the four-eyes rule does not interfere.
    kwargs = {"target": to_state} if action == Action.RETURNED else {}
    if allowed:
        result = perform_transition(
            project=project, action=action, by=team.consultant2, comment="grund", **kwargs
        )
        assert result.state == to_state
        assert Project.objects.get(pk=project.pk).state == to_state
        entries = HistoryEntry.objects.filter(project=project).order_by("pk")
        assert entries.count() == history_before + 1
        last = entries.last()
        assert (last.action, last.from_state, last.to_state, last.by) == (
            action,
            before_state,
            to_state,
            team.consultant2,
        )
        return
    try:
        result = perform_transition(
            project=project, action=action, by=team.consultant2, comment="grund", **kwargs
        )
    except TransitionBlocked:
        reloaded = Project.objects.get(pk=project.pk)
        assert reloaded.state == before_state
        assert HistoryEntry.objects.filter(project=project).count() == history_before
    else:
        # The action was possible but leads elsewhere: it must not have reached `to_state`.
        assert result.state != to_state
        assert ALLOWED.get((from_state, result.state)) == action


@pytest.mark.parametrize("from_state", STATES)
def test_transition_pair(team, from_state):
    """Every (to, action) pair from `from_state`. The project is prepared once; each attempt
    runs in a savepoint that is rolled back, so each starts from the same state as a test of its
    own would. All failing pairs are reported together."""
    prepared = prepare(team, from_state)
    failures = []
    for to_state, action in itertools.product(TARGETS, ACTIONS):
        try:
            with transaction.atomic():
                attempt(team, Project.objects.get(pk=prepared.pk), from_state, to_state, action)
                raise Undo
        except Undo:
            pass
        except AssertionError as exc:
            failures.append(f"{from_state} -> {to_state} by {action}: {exc!r}")
        after = Project.objects.get(pk=prepared.pk)
        assert (after.state, after.stopped_from) == (prepared.state, prepared.stopped_from)
    assert not failures, "\n".join(failures)
    assert len(TARGETS) * len(ACTIONS) == 25


def test_every_pair_is_covered():
    pairs = {(f, t) for f in STATES for t in TARGETS}
    assert set(ALLOWED) <= pairs
    assert len(pairs) == len(STATES) * len(TARGETS) == 35


def test_state_cannot_be_assigned_directly(team):
    with pytest.raises(AttributeError):
        team.project.state = "monitoring"


def test_stop_and_reopen_keep_the_stage_and_answers(team):
    complete_need(team)
    perform_transition(
        project=team.reload(), action=Action.STOPPED, by=team.consultant, comment="Afventer budget"
    )
    project = team.reload()
    assert (project.state, project.stopped_from) == ("stopped", "need")
    perform_transition(project=project, action=Action.REOPENED, by=team.consultant)
    project = team.reload()
    assert project.state == "need"
    assert project.answers.count() == 1


def test_new_project_starts_in_first_stage_with_owner(team):
    project = team.project
    assert project.state == "need"
    assert project.owner == team.clinician
    assert project.memberships.filter(user=team.clinician, role="clinician").exists()
    created = HistoryEntry.objects.get(project=project, seq=1)
    assert (created.action, created.to_state) == (Action.CREATED, "need")
    # The team the personas module adds is journalled after it, one entry per role.
    added = HistoryEntry.objects.filter(project=project, action=Action.MEMBER_ADDED).count()
    assert added == project.memberships.count() - 1


def test_create_project_without_organisation_writes_nothing(pathway, django_user_model):
    from django.core.exceptions import ValidationError

    user = django_user_model.objects.create_user("loner", password="pw")
    with pytest.raises(ValidationError):
        services.create_project(
            by=user, pathway=pathway, title="X", clinical_need="Y", department="Z"
        )
    assert Project.objects.count() == 0


def test_history_cannot_be_edited_or_deleted(team):
    entry = HistoryEntry.objects.filter(project=team.project).first()
    entry.comment = "rewritten"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    assert HistoryEntry.objects.get(pk=entry.pk).comment == ""


# --- the gate is asked once, and its refusals are not "someone else changed this project" -------


def test_a_transition_asks_the_gate_once(team, monkeypatch):
    from procurement import gates, transitions

    calls = []
    real = gates.blocking_reasons

    def counted(**kwargs):
        calls.append(kwargs["action"])
        return real(**kwargs)

    monkeypatch.setattr(gates, "blocking_reasons", counted)
    monkeypatch.setattr(transitions, "blocking_reasons", counted)
    perform_transition(
        project=team.reload(), action=Action.STOPPED, by=team.consultant, comment="x"
    )
    assert calls == [Action.STOPPED]
    assert team.reload().state == "stopped"


def test_a_change_between_the_lock_and_the_save_is_someone_elses(team, monkeypatch):
    # SQLite has no row lock: another writer may move the project after it was read. The
    # ConcurrentTransitionMixin refuses the stale save, and the person is told so.
    from procurement import transitions

    real_lock = transitions.lock_project

    def lock_then_someone_else_moves_it(project):
        locked = real_lock(project)
        Project.objects.filter(pk=locked.pk).update(state="legal")
        return locked

    monkeypatch.setattr(transitions, "lock_project", lock_then_someone_else_moves_it)
    with pytest.raises(TransitionBlocked) as blocked:
        perform_transition(
            project=team.reload(), action=Action.STOPPED, by=team.consultant, comment="x"
        )
    assert [reason.code for reason in blocked.value.reasons] == [transitions.CONCURRENT]
    assert blocked.value.reasons[0].message.startswith("En anden har lige ændret projektet.")
    assert team.reload().state == "need"
    assert not HistoryEntry.objects.filter(action=Action.STOPPED).exists()


@pytest.mark.parametrize(
    ("action", "person", "code"),
    [
        (Action.STOPPED, "lawyer", "role_required"),
        (Action.APPROVED, "consultant", "not_requested"),
        (Action.REOPENED, "consultant", "not_stopped"),
    ],
)
def test_a_gate_refusal_says_the_gates_reason(team, action, person, code):
    from procurement import gates, transitions

    project = team.reload()
    expected = gates.blocking_reasons(
        project=project,
        action=action,
        status=gates.load_stage_status(project),
        user=getattr(team, person),
    )
    with pytest.raises(TransitionBlocked) as blocked:
        perform_transition(project=project, action=action, by=getattr(team, person), comment="x")
    assert blocked.value.reasons == expected
    assert code in [reason.code for reason in expected]
    assert transitions.CONCURRENT not in [reason.code for reason in blocked.value.reasons]
    assert team.reload().state == "need"


def test_the_state_machine_refusing_what_the_gate_allowed_is_a_bug_not_a_race(team, monkeypatch):
    from django_fsm import TransitionNotAllowed

    from procurement import transitions

    monkeypatch.setattr(transitions, "blocking_reasons", lambda **kwargs: [])
    with pytest.raises(TransitionNotAllowed):
        perform_transition(
            project=team.reload(), action=Action.REOPENED, by=team.consultant, comment=""
        )
    assert team.reload().state == "need"
    assert not HistoryEntry.objects.filter(action=Action.REOPENED).exists()
