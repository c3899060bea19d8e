"""The web's permission matrix (tests/test_permissions.py) through the API: the same personas
and the same expectations; non-members get 404, members without the role 403, and a refused
write writes nothing."""

import pytest

from procurement.models import Action, Answer, HistoryEntry, SignOff
from procurement.transitions import perform_transition, request_approval
from tests.personas import answer, complete_need, move_to, with_organisation_roles
from tests.test_permissions import (
    ANSWER_HOSTING,
    ANSWER_PERSONAL_DATA,
    DECISIONS,
    PERSONAS,
    READERS,
    ready_for,
)

OUTSIDERS = set(PERSONAS) - READERS


def base(team) -> str:
    return f"/api/v1/projects/{team.project.pk}/"


@pytest.fixture
def team(team):
    """The shared team with people who hold organisation-wide roles (tests.personas)."""
    return with_organisation_roles(team)


def refused(person: str) -> int:
    return 404 if person in OUTSIDERS else 403


@pytest.mark.parametrize("person", PERSONAS)
def test_view(team, api_as, person):
    client = api_as(person)
    for path in ("", "history/", "stages/need/items/", "dossiers/"):
        response = client.get(base(team) + path)
        assert response.status_code == (200 if person in READERS else 404), path
    listed = [p["id"] for p in client.get("/api/v1/projects/").json()]
    assert listed == ([team.project.pk] if person in READERS else [])


@pytest.mark.parametrize("person", PERSONAS)
def test_answer(team, api_as, person):
    move_to(team, "legal")
    client = api_as(person)
    for key, value, allowed in (
        ("legal.personal_data", "yes", ANSWER_PERSONAL_DATA),
        ("legal.hosting", "eu_cloud", ANSWER_HOSTING),
    ):
        before = HistoryEntry.objects.count()
        response = client.put(f"{base(team)}items/{key}/answer/", {"value": value}, format="json")
        if person in allowed:
            assert response.status_code == 200, response.json()
            assert response.json()["value"] == value
        else:
            assert response.status_code == refused(person)
            assert response["Content-Type"] == "application/problem+json"
            assert not Answer.objects.filter(project=team.project, item__key=key).exists()
            assert HistoryEntry.objects.count() == before


@pytest.mark.parametrize("person", PERSONAS)
def test_sign_off(team, api_as, person):
    move_to(team, "legal")
    answer(team, "legal.hosting", "eu_cloud", by=team.clinician)
    response = api_as(person).post(f"{base(team)}items/legal.hosting/signoff/", {}, format="json")
    if person == "it_architect":
        assert response.status_code == 201
        assert response.json()["user"] == "it_architect"
    else:
        assert response.status_code == refused(person)
        assert not SignOff.objects.filter(project=team.project, item__key="legal.hosting").exists()


@pytest.mark.parametrize("person", PERSONAS)
def test_request_approval(team, api_as, person):
    complete_need(team)
    response = api_as(person).post(f"{base(team)}request-approval/", {}, format="json")
    if person in {"clinician", "consultant", "region_consultant"}:
        assert response.status_code == 200
        assert team.reload().approval_requested_by == getattr(team, person)
    else:
        assert response.status_code == refused(person)
        assert team.reload().approval_requested_by is None


@pytest.mark.parametrize("action", DECISIONS)
@pytest.mark.parametrize("person", PERSONAS)
def test_decisions_only_by_consultants(team, api_as, person, action):
    project = ready_for(team, action)
    state = project.state
    body = {"comment": "grund", "target": "need" if action == Action.RETURNED else ""}
    response = api_as(person).post(f"{base(team)}transitions/{action}/", body, format="json")
    if person in {"consultant", "region_consultant"}:
        assert response.status_code == 200, response.json()
        assert team.reload().state != state
    else:
        assert response.status_code == refused(person)
        if person in READERS:
            assert "role_required" in [r["code"] for r in response.json()["reasons"]]
        assert team.reload().state == state


def test_four_eyes_through_the_api(team, api_as):
    complete_need(team)
    request_approval(project=team.reload(), by=team.consultant)
    response = api_as("consultant").post(f"{base(team)}transitions/approve/", {}, format="json")
    assert response.status_code == 403
    assert [r["code"] for r in response.json()["reasons"]] == ["four_eyes"]
    assert team.reload().state == "need"
    assert api_as("consultant2").post(f"{base(team)}transitions/approve/").status_code == 200
    assert team.reload().state == "legal"


def test_closed_gate_is_409_with_the_reasons(team, api_as):
    response = api_as("consultant").post(f"{base(team)}transitions/approve/", {}, format="json")
    assert response.status_code == 409
    codes = [r["code"] for r in response.json()["reasons"]]
    assert "not_requested" in codes
    assert team.reload().state == "need"


def test_frozen_stage_refuses_an_answer(team, api_as):
    move_to(team, "legal")
    before = HistoryEntry.objects.count()
    response = api_as("clinician").put(
        f"{base(team)}items/need.problem/answer/", {"value": "Ændret"}, format="json"
    )
    assert response.status_code == 422
    assert response.json()["type"].endswith("stage_approved")
    assert HistoryEntry.objects.count() == before


def test_own_answer_cannot_be_signed_off(team, api_as):
    move_to(team, "legal")
    answer(team, "legal.hosting", "eu_cloud", by=team.clinician)
    # The IT architect answers and so signs by answering; a separate sign-off of one's own
    # answer is refused.
    api_as("it_architect").put(
        f"{base(team)}items/legal.hosting/answer/", {"value": "on_premises"}, format="json"
    )
    response = api_as("it_architect").post(f"{base(team)}items/legal.hosting/signoff/")
    assert response.status_code == 422


def test_return_needs_a_reason(team, api_as):
    move_to(team, "legal")
    response = api_as("consultant").post(
        f"{base(team)}transitions/return_to/", {"target": "need"}, format="json"
    )
    assert response.status_code in (409, 422)
    assert team.reload().state == "legal"


def test_invalid_answer_is_refused_by_the_web_form(team, api_as):
    move_to(team, "legal")
    response = api_as("lawyer").put(
        f"{base(team)}items/legal.personal_data/answer/", {"value": "maybe"}, format="json"
    )
    assert response.status_code == 422
    assert "value" in response.json()["errors"]
    assert (
        not Answer.objects.filter(project=team.project)
        .filter(item__key="legal.personal_data")
        .exists()
    )


def test_stopped_project_reopened_by_consultant(team, api_as):
    perform_transition(
        project=team.reload(), action=Action.STOPPED, by=team.consultant, comment="pause"
    )
    assert api_as("clinician").post(f"{base(team)}transitions/reopen/").status_code == 403
    assert api_as("consultant").post(f"{base(team)}transitions/reopen/").status_code == 200
    assert team.reload().state == "need"
