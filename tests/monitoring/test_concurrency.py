"""Four people sending the alarming period at the same moment: one period row, one data entry
in the journal, one alarm, one incident. Each thread has its own connection; on PostgreSQL the
project row lock serialises them, on SQLite its write lock does (a loser may get "database is
locked", which is reported, and then nothing of it was written)."""

import threading

import pytest
from django.db import OperationalError, close_old_connections, connection

from checklists.loading import load_pathways
from checklists.models import Pathway
from monitoring import services
from monitoring.models import Alarm, Incident, PeriodData
from procurement.models import Action, HistoryEntry, Project
from tests.monitoring.conftest import FIXTURE, counts, make_plan
from tests.personas import advance, answer, make_team


@pytest.mark.django_db(transaction=True)
def test_the_same_period_sent_four_times_at_once_is_stored_and_alarmed_once():
    load_pathways([FIXTURE])
    team = make_team(Pathway.objects.get(slug="monitoring-test", version=1))
    answer(team, "need.problem", "Lange ventetider.")
    advance(team)
    make_plan(team)
    for month in (1, 2, 3):
        services.ingest_period(
            project=team.reload(), by=team.clinician, period=f"2025-0{month}", values=counts()
        )
    people = [team.clinician, team.ai_competence, team.it_architect, team.consultant]
    barrier = threading.Barrier(len(people))
    results: list = [None] * len(people)

    def send(index: int, person) -> None:
        close_old_connections()
        try:
            project = Project.objects.get(pk=team.project.pk)
            barrier.wait(timeout=30)
            result = services.ingest_period(
                project=project, by=person, period="2025-04", values=counts(tp=130, fn=70)
            )
            results[index] = "changed" if result.changed else "same"
        except OperationalError as exc:
            results[index] = "locked" if "locked" in str(exc) else f"error: {exc}"
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i, p)) for i, p in enumerate(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert results.count("changed") == 1, results
    assert set(results) <= {"changed", "same", "locked"}, results
    assert PeriodData.objects.filter(period="2025-04").count() == 1
    entries = HistoryEntry.objects.filter(project=team.project, action=Action.MONITORING_DATA)
    assert entries.filter(subject="classification 2025-04").count() == 1
    assert Alarm.objects.filter(period="2025-04").count() == 1
    assert Incident.objects.count() == 1
