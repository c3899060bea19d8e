"""Two (or eight) consultants approving the same stage at the same moment produce exactly one
transition; the others get a clear reason and nothing changes.

Each thread has its own database connection. On PostgreSQL (the CI's second pass) the row lock
serialises them; on SQLite the ConcurrentTransitionMixin and SQLite's write lock do."""

import threading

import pytest
from django.db import OperationalError, close_old_connections, connection

from procurement import services
from procurement.gates import load_stage_status
from procurement.models import Action, HistoryEntry, Project
from procurement.transitions import TransitionBlocked, perform_transition, request_approval
from tests.personas import complete_need, load_test_pathway, make_team

THREADS = 8
ROUNDS = 10


def race(project_id: int, people: list) -> list:
    barrier = threading.Barrier(len(people))
    results: list = [None] * len(people)

    def approve(index: int, person) -> None:
        close_old_connections()
        try:
            project = Project.objects.get(pk=project_id)
            load_stage_status(project)  # read everything first, as a page view would
            barrier.wait(timeout=30)
            perform_transition(project=project, action=Action.APPROVED, by=person, comment="ok")
            results[index] = "ok"
        except TransitionBlocked as exc:
            results[index] = tuple(reason.code for reason in exc.reasons)
        except OperationalError as exc:  # pragma: no cover - reported as a failure below
            results[index] = f"database error: {exc}"
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(i, p)) for i, p in enumerate(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
def test_simultaneous_approvals_make_exactly_one_transition():
    team = make_team(load_test_pathway())
    consultants = []
    for index in range(THREADS):
        person = type(team.consultant).objects.create_user(
            username=f"konsulent{index}", password="pw", organisation=team.organisation
        )
        services.add_member(
            project=team.project, by=team.admin, user=person, role="innovation_consultant"
        )
        consultants.append(person)
    complete_need(team)
    for round_number in range(ROUNDS):
        request_approval(project=team.reload(), by=team.clinician)
        approvals_before = HistoryEntry.objects.filter(action=Action.APPROVED).count()
        results = race(team.project.pk, consultants)
        winners = [r for r in results if r == "ok"]
        losers = [r for r in results if r != "ok"]
        assert len(winners) == 1, (round_number, connection.vendor, results)
        for codes in losers:
            assert isinstance(codes, tuple), codes
            assert set(codes) & {"concurrent", "not_active", "not_requested", "bad_target"}, codes
        assert team.reload().state == "legal"
        assert HistoryEntry.objects.filter(action=Action.APPROVED).count() == approvals_before + 1
        # Back to the first stage for the next round.
        perform_transition(
            project=team.reload(),
            action=Action.RETURNED,
            by=team.consultant,
            comment="igen",
            target="need",
        )
