"""Single sign-on against a real OpenID Connect provider on 127.0.0.1 (tests/oidc_idp): the
first login creates the person in the mapped organisation, later logins find them by `sub`
(not by e-mail), unmapped people are refused, and a token for another client, a tampered
`state` and a disabled provider get nobody in."""

import base64
import hashlib
import secrets
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from accounts.models import Organisation, User
from sso.models import IdentityProviderOrganisation
from tests.sso.idp import sign_in_at_provider

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def social_app(identity_provider, provider_id: str, name: str, **extra_settings) -> SocialApp:
    return SocialApp.objects.create(
        provider="openid_connect",
        provider_id=provider_id,
        name=name,
        client_id="guide",
        secret="guide-secret",
        settings={
            "server_url": identity_provider.server_url,
            "token_auth_method": "client_secret_basic",
            **extra_settings,
        },
    )


@pytest.fixture
def region(db):
    return Organisation.objects.create(name="Region Syddanmark")


@pytest.fixture
def region_app(identity_provider, region):
    app = social_app(identity_provider, "region", "Region Syd-login")
    IdentityProviderOrganisation.objects.create(
        provider_id="region", claim="groups", claim_value="region-syd", organisation=region
    )
    return app


def start_sign_in(client, provider_id: str = "region", **data):
    return client.post(f"/accounts/oidc/{provider_id}/login/", data)


def sign_in(client, identity_provider, username: str, provider_id: str = "region", **data):
    """The whole round trip: the app sends the person to the provider, they log in there and
    consent, and the provider's redirect brings them back to the app's callback."""
    started = start_sign_in(client, provider_id, **data)
    assert started.status_code == 302
    assert started["Location"].startswith(identity_provider.server_url + "/authorize/")
    callback = sign_in_at_provider(requests.Session(), started["Location"], username)
    assert callback.startswith(f"http://testserver/accounts/oidc/{provider_id}/login/callback/")
    return client.get(callback.removeprefix("http://testserver"))


def signed_in_user(client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def test_the_login_page_offers_each_enabled_provider(client, region_app, identity_provider):
    social_app(identity_provider, "disabled", "Lukket region", enabled=False)
    html = client.get(LOGIN).content.decode()
    assert "Log ind med Region Syd-login" in html
    assert 'action="/accounts/oidc/region/login/"' in html
    assert "Lukket region" not in html
    # The local form is still there, with Django's field names.
    assert 'name="username"' in html and 'name="password"' in html


def test_first_login_creates_the_person_in_the_mapped_organisation_and_later_matches_by_sub(
    client, region_app, region, identity_provider
):
    # A local account with the same e-mail (and the same username) must not be taken over.
    local = User.objects.create_user("anna", "anna@region.example", "pw")

    response = sign_in(client, identity_provider, "anna")
    assert response.status_code == 302 and response["Location"] == "/"
    person = signed_in_user(client)
    assert person is not None and person.pk != local.pk
    assert person.organisation == region
    assert not person.has_usable_password()
    account = SocialAccount.objects.get(user=person)
    assert account.provider == "region" and account.uid == identity_provider.subject("anna")
    local.refresh_from_db()
    assert local.username == "anna" and local.organisation is None
    assert not SocialAccount.objects.filter(user=local).exists()
    assert client.get("/").status_code == 200

    # The provider changes the person's e-mail; they are still found, by `sub`.
    client.post("/accounts/logout/")
    assert signed_in_user(client) is None
    identity_provider.set_email("anna", "anna.new@region.example")
    response = sign_in(client, identity_provider, "anna")
    assert response.status_code == 302
    assert signed_in_user(client).pk == person.pk
    assert User.objects.count() == 2
    assert SocialAccount.objects.get(user=person).extra_data["userinfo"]["email"] == (
        "anna.new@region.example"
    )


def test_the_person_lands_where_they_were_going(client, region_app, identity_provider):
    response = sign_in(client, identity_provider, "anna", next="/guide/")
    assert response.status_code == 302 and response["Location"] == "/guide/"


def test_a_person_from_an_unmapped_organisation_is_refused_and_not_created(
    client, region_app, identity_provider
):
    before = User.objects.count()
    response = sign_in(client, identity_provider, "bo")  # in group region-nord
    assert response.status_code == 403
    html = response.content.decode()
    assert "Login afvist" in html
    assert "din organisation har ikke fået adgang" in html and "Region Syd-login" in html
    assert signed_in_user(client) is None
    assert User.objects.count() == before
    assert not SocialAccount.objects.exists()


def test_a_provider_without_any_mapping_is_refused(client, identity_provider):
    social_app(identity_provider, "unmapped", "Ukendt udbyder")
    response = sign_in(client, identity_provider, "anna", provider_id="unmapped")
    assert response.status_code == 403
    assert not User.objects.exists() and not SocialAccount.objects.exists()


def test_a_mapping_without_a_claim_takes_everyone_from_the_provider(
    client, identity_provider, region
):
    social_app(identity_provider, "unmapped", "Hele regionen")
    IdentityProviderOrganisation.objects.create(provider_id="unmapped", organisation=region)
    response = sign_in(client, identity_provider, "carl", provider_id="unmapped")
    assert response.status_code == 302
    assert signed_in_user(client).organisation == region


def test_a_disabled_provider_cannot_be_used(client, identity_provider, region):
    social_app(identity_provider, "disabled", "Lukket region", enabled=False)
    IdentityProviderOrganisation.objects.create(provider_id="disabled", organisation=region)
    assert start_sign_in(client, "disabled").status_code == 404
    assert client.get("/accounts/oidc/disabled/login/callback/?code=x&state=y").status_code == 404
    assert not User.objects.exists()


def test_a_tampered_state_is_refused(client, region_app, identity_provider):
    started = start_sign_in(client)
    callback = sign_in_at_provider(requests.Session(), started["Location"], "anna")
    parts = urlsplit(callback)
    query = dict(parse_qsl(parts.query))
    query["state"] = query["state"][:-2] + ("xx" if not query["state"].endswith("xx") else "yy")
    tampered = urlunsplit(("", "", parts.path, urlencode(query), ""))
    response = client.get(tampered)
    assert response.status_code == 401
    assert signed_in_user(client) is None
    assert not User.objects.exists() and not SocialAccount.objects.exists()


def id_token_for(identity_provider, client_id: str, secret: str, redirect_uri: str) -> str:
    """An ID token the provider issues to `client_id` (authorization code flow with PKCE)."""
    verifier = secrets.token_urlsafe(48)
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )
    query = urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "scope": "openid profile email",
            "state": "s",
            "nonce": "n",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    session = requests.Session()
    back = sign_in_at_provider(
        session, f"{identity_provider.server_url}/authorize/?{query}", "anna"
    )
    code = dict(parse_qsl(urlsplit(back).query))["code"]
    token = session.post(
        f"{identity_provider.server_url}/token/",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
        },
        auth=(client_id, secret),
        timeout=10,
    )
    assert token.status_code == 200, token.text
    return token.json()["id_token"]


def test_an_id_token_for_another_client_is_refused(region_app, identity_provider):
    """allauth checks the ID token's signature against the provider's real JWKS and its
    audience against our client id: a token the same provider signed for another client
    (another application at the region) does not sign anyone in here."""
    request = RequestFactory().get("/")
    provider = region_app.get_provider(request)
    ours = id_token_for(
        identity_provider,
        "guide",
        "guide-secret",
        "http://testserver/accounts/oidc/region/login/callback/",
    )
    login = provider.verify_token(request, {"id_token": ours})
    assert login.account.uid == identity_provider.subject("anna")

    theirs = id_token_for(
        identity_provider, "other-client", "other-secret", "http://127.0.0.1/callback/"
    )
    with pytest.raises(ValidationError):
        provider.verify_token(request, {"id_token": theirs})
