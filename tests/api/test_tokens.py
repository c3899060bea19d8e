"""Tokens: stored hashed, shown once, scoped, expiring within a year, revocable, bound to a
project or an organisation for a system account; the command; rate limits; problems in the
reader's language."""

from datetime import timedelta

import pytest
from django.core.cache import caches
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken
from api.services import create_token, revoke_token
from procurement import services
from procurement.journal import entry_hash, verify_chain
from procurement.models import Action, HistoryEntry
from tests.api.conftest import client_with, token_client, token_secret
from tests.personas import complete_need


def base(team) -> str:
    return f"/api/v1/projects/{team.project.pk}/"


def test_the_secret_is_not_stored(team):
    secret = token_secret(team.clinician, ["read"])
    token = ApiToken.objects.get()
    assert secret not in (token.digest, token.token_key)
    assert token.token_key == secret[:15]
    assert len(token.digest) == 128  # knox's SHA-512 hex digest


def test_no_token_is_401_problem(team):
    response = APIClient().get("/api/v1/projects/")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"] == "Token"


def test_wrong_token_is_401(team):
    assert client_with("x" * 64).get("/api/v1/projects/").status_code == 401


def test_read_scope_cannot_write_and_nothing_is_written(team):
    client = token_client(team.clinician, ["read"])
    assert client.get(base(team)).status_code == 200
    before = HistoryEntry.objects.count()
    response = client.put(
        f"{base(team)}items/need.problem/answer/", {"value": "Ventetider"}, format="json"
    )
    assert response.status_code == 403
    assert HistoryEntry.objects.count() == before


def test_write_scope_alone_cannot_read(team):
    assert token_client(team.clinician, ["write"]).get(base(team)).status_code == 403


def test_monitoring_scope_alone_cannot_answer(team):
    client = token_client(team.clinician, ["monitoring:push"])
    response = client.put(f"{base(team)}items/need.problem/answer/", {"value": "x"}, format="json")
    assert response.status_code == 403


def test_revoked_token_is_refused_and_kept(team):
    secret = token_secret(team.clinician, ["read"])
    token = ApiToken.objects.get()
    revoke_token(token=token, by=team.clinician)
    assert client_with(secret).get("/api/v1/projects/").status_code == 401
    assert ApiToken.objects.get().revoked_at is not None


def test_expired_token_is_refused_and_kept(team):
    secret = token_secret(team.clinician, ["read"])
    ApiToken.objects.update(expiry=timezone.now() - timedelta(seconds=1))
    assert client_with(secret).get("/api/v1/projects/").status_code == 401
    assert ApiToken.objects.count() == 1


def test_nobody_revokes_another_persons_token(team):
    token_secret(team.clinician, ["read"])
    with pytest.raises(PermissionDenied):
        revoke_token(token=ApiToken.objects.get(), by=team.lawyer)
    assert ApiToken.objects.get().revoked_at is None


@pytest.mark.parametrize("days", [0, 366, 10_000])
def test_expiry_is_at_most_a_year(team, days):
    with pytest.raises(ValidationError):
        create_token(user=team.clinician, by=team.clinician, name="n", scopes=["read"], days=days)
    assert not ApiToken.objects.exists()


def test_the_model_refuses_a_longer_expiry_whoever_saves(team):
    with pytest.raises(ValidationError):
        ApiToken.objects.create(
            team.clinician,
            expiry=timedelta(days=400),
            name="x",
            scopes=["read"],
            created_by=team.clinician,
        )
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("scopes", [[], ["admin"], ["read", "read"], "read"])
def test_unknown_or_no_scopes_are_refused(team, scopes):
    with pytest.raises(ValidationError):
        create_token(user=team.clinician, by=team.clinician, name="n", scopes=scopes, days=1)


def test_only_an_administrator_binds_a_token_or_makes_one_for_someone_else(team):
    with pytest.raises(PermissionDenied):
        create_token(
            user=team.clinician,
            by=team.clinician,
            name="n",
            scopes=["read"],
            days=1,
            project=team.project,
        )
    with pytest.raises(PermissionDenied):
        create_token(user=team.lawyer, by=team.clinician, name="n", scopes=["read"], days=1)
    assert not ApiToken.objects.exists()


def test_a_token_bound_to_a_project_reaches_that_project_only(team, pathway):
    other = services.create_project(
        by=team.clinician, pathway=pathway, title="Andet", clinical_need="x", department="y"
    )
    client = token_client(team.clinician, ["read"], project=team.project)
    assert [p["id"] for p in client.get("/api/v1/projects/").json()] == [team.project.pk]
    assert client.get(base(team)).status_code == 200
    assert client.get(f"/api/v1/projects/{other.pk}/").status_code == 404


def test_a_token_bound_to_another_organisation_sees_nothing(team):
    client = token_client(team.admin, ["read"], organisation=team.foreigner.organisation)
    assert client.get("/api/v1/projects/").json() == []
    assert client.get(base(team)).status_code == 404


def test_the_binding_adds_no_rights(team):
    """A bound token of a non-member still sees nothing: membership decides, as on the web."""
    client = token_client(team.outsider, ["read"], project=team.project)
    assert client.get(base(team)).status_code == 404


def test_command_prints_a_token_once(team, capsys):
    call_command("create_api_token", "clinician", "--scope", "read", "--days", "10")
    secret = capsys.readouterr().out.strip()
    assert len(secret) == 64
    token = ApiToken.objects.get()
    assert token.scopes == ["read"]
    assert timedelta(days=9) < token.expiry - timezone.now() <= timedelta(days=10)
    assert client_with(secret).get(base(team)).status_code == 200


def test_command_binds_a_system_account(team, capsys):
    call_command(
        "create_api_token",
        "it_architect",
        "--scope",
        "monitoring:push",
        "--project",
        str(team.project.pk),
    )
    assert ApiToken.objects.get().project == team.project


@pytest.mark.parametrize(
    "args",
    [["nobody", "--scope", "read"], ["clinician", "--scope", "read", "--days", "400"]],
)
def test_command_refuses(team, args):
    with pytest.raises(CommandError):
        call_command("create_api_token", *args)
    assert not ApiToken.objects.exists()


def test_rate_limit_per_token_is_429_with_retry_after(team, settings):
    caches["throttle"].clear()
    settings.API_REQUESTS_PER_MINUTE = 3
    client = token_client(team.clinician, ["read"])
    for _ in range(3):
        assert client.get("/api/v1/projects/").status_code == 200
    response = client.get("/api/v1/projects/")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.json()["type"].endswith("throttled")
    # Another token has its own count.
    assert token_client(team.lawyer, ["read"]).get("/api/v1/projects/").status_code == 200
    caches["throttle"].clear()


def test_problems_in_danish_and_english(team):
    client = token_client(team.outsider, ["read"])
    danish = client.get(base(team), HTTP_ACCEPT_LANGUAGE="da")
    english = client.get(base(team), HTTP_ACCEPT_LANGUAGE="en")
    assert danish.json()["title"] == "Ikke fundet"
    assert english.json()["title"] == "Not found"


def test_gate_reasons_in_the_readers_language(team):
    client = token_client(team.consultant, ["read", "write"])
    english = client.post(f"{base(team)}transitions/approve/", HTTP_ACCEPT_LANGUAGE="en")
    danish = client.post(f"{base(team)}transitions/approve/", HTTP_ACCEPT_LANGUAGE="da")
    assert english.status_code == danish.status_code == 409
    assert english.json()["detail"] != danish.json()["detail"]


def test_writes_are_journalled_naming_the_token_and_the_chain_holds(team):
    client = token_client(team.clinician, ["read", "write"])
    response = client.put(
        f"{base(team)}items/need.problem/answer/", {"value": "Lange ventetider"}, format="json"
    )
    assert response.status_code == 200
    entry = HistoryEntry.objects.filter(project=team.project, action=Action.ANSWERED).get()
    token = ApiToken.objects.get()
    assert entry.via == f"test clinician ({token.token_key[:8]})"
    # A web write afterwards names no token; the chain holds across both.
    complete_need(team)
    services.save_answer(
        project=team.reload(), item=team.item("need.problem"), by=team.clinician, value="Web"
    )
    assert HistoryEntry.objects.filter(project=team.project).last().via is None
    assert verify_chain(team.project.pk) is None
    history = client.get(f"{base(team)}history/").json()
    assert history["chain_intact"] is True
    assert any(e["via"] == entry.via for e in history["entries"])


def test_a_changed_via_breaks_the_chain(team):
    token_client(team.clinician, ["write"]).put(
        f"{base(team)}items/need.problem/answer/", {"value": "x"}, format="json"
    )
    entry = HistoryEntry.objects.filter(action=Action.ANSWERED).get()
    original = entry_hash(entry)
    entry.via = "en anden (00000000)"
    assert entry_hash(entry) != original


def test_last_use_is_noted(team):
    client = token_client(team.clinician, ["read"])
    assert ApiToken.objects.get().last_used_at is None
    client.get("/api/v1/projects/")
    assert ApiToken.objects.get().last_used_at is not None
