"""The monitoring push: idempotent on (project, source, period), and on the Idempotency-Key;
sixteen systems sending the same period with the same key at once store it once and all get the
same answer."""

import threading

import pytest
from django.db import close_old_connections, connection

from api.models import IdempotentResponse
from checklists.loading import load_pathways
from checklists.models import Pathway
from monitoring.models import PeriodData
from procurement.models import Action, HistoryEntry
from tests.api.conftest import client_with, token_client, token_secret
from tests.monitoring.conftest import FIXTURE, counts, make_plan
from tests.personas import advance, answer, make_team

THREADS = 16


def push_url(team) -> str:
    return f"/api/v1/projects/{team.project.pk}/monitoring/periods/"


@pytest.fixture
def planned_team(db):
    load_pathways([FIXTURE])
    team = make_team(Pathway.objects.get(slug="monitoring-test", version=1))
    answer(team, "need.problem", "Lange ventetider.")
    advance(team)
    make_plan(team)
    return team


def data_entries(team, period: str):
    return HistoryEntry.objects.filter(
        project=team.project, action=Action.MONITORING_DATA, subject=f"classification {period}"
    )


def test_the_same_period_twice_without_a_key_is_one_period_and_one_answer(planned_team):
    client = token_client(planned_team.it_architect, ["monitoring:push"])
    body = {"period": "2025-01", "values": counts()}
    first = client.post(push_url(planned_team), body, format="json")
    second = client.post(push_url(planned_team), body, format="json")
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert first.json()["period"] == "2025-01"
    assert PeriodData.objects.filter(project=planned_team.project).count() == 1
    assert data_entries(planned_team, "2025-01").count() == 1


def test_the_same_key_again_returns_the_stored_answer(planned_team):
    client = token_client(planned_team.it_architect, ["monitoring:push"])
    body = {"period": "2025-01", "values": counts()}
    headers = {"HTTP_IDEMPOTENCY_KEY": "feb-1"}
    first = client.post(push_url(planned_team), body, format="json", **headers)
    again = client.post(push_url(planned_team), body, format="json", **headers)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert IdempotentResponse.objects.count() == 1


def test_the_same_key_with_other_figures_is_refused_and_writes_nothing(planned_team):
    client = token_client(planned_team.it_architect, ["monitoring:push"])
    headers = {"HTTP_IDEMPOTENCY_KEY": "k"}
    client.post(
        push_url(planned_team), {"period": "2025-01", "values": counts()}, format="json", **headers
    )
    other = {"period": "2025-01", "values": counts(tp=100, fn=100)}
    response = client.post(push_url(planned_team), other, format="json", **headers)
    assert response.status_code == 422
    assert response.json()["type"].endswith("idempotency_key_reused")
    assert PeriodData.objects.get(project=planned_team.project).values["tp"] == 170
    assert data_entries(planned_team, "2025-01").count() == 1


def test_push_needs_the_monitoring_scope_and_a_contributing_role(planned_team):
    body = {"period": "2025-01", "values": counts()}
    read_write = token_client(planned_team.it_architect, ["read", "write"])
    assert read_write.post(push_url(planned_team), body, format="json").status_code == 403
    lawyer = token_client(planned_team.lawyer, ["monitoring:push"])
    assert lawyer.post(push_url(planned_team), body, format="json").status_code == 403
    outsider = token_client(planned_team.outsider, ["monitoring:push"])
    assert outsider.post(push_url(planned_team), body, format="json").status_code == 404
    assert not PeriodData.objects.exists()


def test_bad_figures_are_a_problem_naming_the_column(planned_team):
    client = token_client(planned_team.it_architect, ["monitoring:push"])
    body = {"period": "2025-01", "values": {**counts(), "tp": -1}}
    response = client.post(push_url(planned_team), body, format="json")
    assert response.status_code == 422
    assert "tp" in response.json()["detail"]
    assert not PeriodData.objects.exists()


def test_the_journal_names_the_token(planned_team):
    client = token_client(planned_team.it_architect, ["monitoring:push"])
    client.post(push_url(planned_team), {"period": "2025-01", "values": counts()}, format="json")
    entry = data_entries(planned_team, "2025-01").get()
    assert entry.by == planned_team.it_architect
    assert entry.via.startswith("test it_architect (")


@pytest.mark.django_db(transaction=True)
def test_sixteen_threads_with_the_same_key_store_the_period_once():
    load_pathways([FIXTURE])
    team = make_team(Pathway.objects.get(slug="monitoring-test", version=1))
    answer(team, "need.problem", "Lange ventetider.")
    advance(team)
    make_plan(team)
    secret = token_secret(team.it_architect, ["monitoring:push"])
    body = {"period": "2025-03", "values": counts(tp=130, fn=70)}
    barrier = threading.Barrier(THREADS)
    results: list = [None] * THREADS

    def send(index: int) -> None:
        close_old_connections()
        try:
            client = client_with(secret)  # one client per thread: a client is not thread-safe
            barrier.wait(timeout=30)
            response = client.post(
                push_url(team), body, format="json", HTTP_IDEMPOTENCY_KEY="march-2025"
            )
            results[index] = (response.status_code, response.json())
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    statuses = [result[0] if result else None for result in results]
    assert statuses == [200] * THREADS, (connection.vendor, results)
    assert all(result[1] == results[0][1] for result in results)
    assert PeriodData.objects.filter(project=team.project, period="2025-03").count() == 1
    assert data_entries(team, "2025-03").count() == 1
    assert IdempotentResponse.objects.filter(project=team.project).count() == 1
