"""The API keys page: make a key (shown once), revoke it (POST with CSRF), the empty state; and
the history page naming the key a change came through."""

import pytest
from django.test import Client
from django.urls import reverse

from api.models import ApiToken
from tests.api.conftest import client_with, token_client


def test_empty_state(client, team):
    client.force_login(team.clinician)
    response = client.get(reverse("api_tokens"))
    assert response.status_code == 200
    assert 'id="no-keys"' in response.content.decode()
    assert "Du har ingen API-nøgler endnu." in response.content.decode()


def test_anonymous_is_sent_to_login(client, team):
    assert client.get(reverse("api_tokens")).status_code == 302


def test_make_a_key_shows_it_once(client, team):
    client.force_login(team.clinician)
    response = client.post(
        reverse("api_tokens"), {"name": "Datavarehus", "scopes": ["read"], "days": "30"}
    )
    assert response.status_code == 200
    secret = response.context["secret"]
    assert len(secret) == 64 and secret in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get()
    assert (token.name, token.scopes, token.user) == ("Datavarehus", ["read"], team.clinician)
    assert client_with(secret).get("/api/v1/projects/").status_code == 200
    again = client.get(reverse("api_tokens")).content.decode()
    assert secret not in again
    assert token.prefix in again


@pytest.mark.parametrize(
    "data",
    [
        {"name": "x", "scopes": ["read"], "days": "366"},
        {"name": "x", "scopes": [], "days": "30"},
        {"name": "", "scopes": ["read"], "days": "30"},
        {"name": "x", "scopes": ["admin"], "days": "30"},
    ],
)
def test_bad_input_makes_no_key(client, team, data):
    client.force_login(team.clinician)
    response = client.post(reverse("api_tokens"), data)
    assert response.status_code == 422
    assert response.context["secret"] is None
    assert not ApiToken.objects.exists()


def test_revoke_needs_post_and_csrf(team):
    secret_client = token_client(team.clinician, ["read"])
    token = ApiToken.objects.get()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(team.clinician)
    url = reverse("api_token_revoke", args=[token.pk])
    assert browser.get(url).status_code == 405
    assert browser.post(url).status_code == 403  # no CSRF token
    assert ApiToken.objects.get().revoked_at is None
    page = browser.get(reverse("api_tokens"))
    csrf = page.cookies["csrftoken"].value
    assert browser.post(url, HTTP_X_CSRFTOKEN=csrf).status_code == 302
    assert ApiToken.objects.get().revoked_at is not None
    assert secret_client.get("/api/v1/projects/").status_code == 401


def test_nobody_revokes_another_persons_key(client, team):
    token_client(team.clinician, ["read"])
    token = ApiToken.objects.get()
    client.force_login(team.lawyer)
    assert client.post(reverse("api_token_revoke", args=[token.pk])).status_code == 404
    assert ApiToken.objects.get().revoked_at is None


def test_history_page_names_the_key(client, team):
    token_client(team.clinician, ["write"]).put(
        f"/api/v1/projects/{team.project.pk}/items/need.problem/answer/",
        {"value": "Lange ventetider"},
        format="json",
    )
    client.force_login(team.clinician)
    page = client.get(reverse("project_history", args=[team.project.pk])).content.decode()
    assert "via API-nøgle «test clinician (" in page


def test_preferences_link_to_the_keys(client, team):
    client.force_login(team.clinician)
    page = client.get(reverse("notification_preferences")).content.decode()
    assert reverse("api_tokens") in page


def test_admin_lists_and_revokes_keys(client, team):
    token_client(team.clinician, ["read"])
    token = ApiToken.objects.get()
    client.force_login(team.admin)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/api/apitoken/").status_code == 200
    response = client.post(
        "/admin/api/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}
    )
    assert response.status_code == 302
    assert ApiToken.objects.get().revoked_at is not None


def test_admin_makes_a_system_accounts_key_bound_to_a_project(client, team):
    client.force_login(team.admin)
    assert client.get("/admin/api/apitoken/add/").status_code == 200
    response = client.post(
        "/admin/api/apitoken/add/",
        {
            "user": team.it_architect.pk,
            "name": "Leverandørens monitorering",
            "scopes": ["monitoring:push"],
            "days": "365",
            "project": team.project.pk,
        },
        follow=True,
    )
    assert response.status_code == 200
    token = ApiToken.objects.get()
    assert (token.user, token.project, token.scopes) == (
        team.it_architect,
        team.project,
        ["monitoring:push"],
    )
    shown = [str(m) for m in response.context["messages"]]
    secret = shown[0].rsplit(" ", 1)[-1]
    assert len(secret) == 64 and secret[:15] == token.token_key
    assert client_with(secret).get("/api/v1/projects/").status_code == 403  # no read scope


@pytest.mark.parametrize(
    "extra",
    [{"days": "366"}, {"scopes": []}, {"organisation": "ORG"}],
)
def test_admin_refuses_a_bad_system_key(client, team, extra):
    client.force_login(team.admin)
    data = {
        "user": team.it_architect.pk,
        "name": "x",
        "scopes": ["read"],
        "days": "30",
        "project": team.project.pk,
    }
    data.update(extra)
    if data.get("organisation") == "ORG":
        data["organisation"] = team.organisation.pk  # both bindings at once
    response = client.post("/admin/api/apitoken/add/", data)
    assert response.status_code == 200  # the form again, with its errors
    assert not ApiToken.objects.exists()
