"""Two-factor authentication (allauth.mfa): TOTP with recovery codes for every local account,
asked for after the password; required of administrators (and content editors), who are sent
to set it up from every page, the admin included."""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from accounts.models import User
from sso import mfa

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"
PASSWORD = "pw"
ACTIVATE = "/accounts/2fa/totp/activate/"
AUTHENTICATE = "/accounts/2fa/authenticate/"
REAUTHENTICATE = "/accounts/reauthenticate/"


def code_for(secret: str, *, offset: int = 0) -> str:
    """The authenticator app's current code for `secret` (RFC 6238, allauth's own HOTP)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + offset))


def log_in(client, username: str, password: str = PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def activate_totp(client, password: str = PASSWORD) -> str:
    """Set up an authenticator app on the TOTP page, as a person does (confirming the password
    first, as allauth asks); returns the secret."""
    page = client.get(ACTIVATE)
    if page.status_code == 302 and page["Location"].startswith(REAUTHENTICATE):
        confirmed = client.post(page["Location"], {"password": password})
        assert confirmed.status_code == 302 and confirmed["Location"] == ACTIVATE
        page = client.get(ACTIVATE)
    assert page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    assert secret in page.content.decode()  # shown for typing into the app
    response = client.post(ACTIVATE, {"code": code_for(secret)})
    assert response.status_code == 302, response.content.decode()
    return secret


@pytest.fixture
def person(db):
    return User.objects.create_user("laege", "laege@region.example", "pw")


@pytest.fixture
def administrator(db):
    return User.objects.create_user("chef", password="pw", is_staff=True, is_superuser=True)


def test_the_user_menu_links_to_two_factor_settings(client, person):
    assert log_in(client, "laege").status_code == 302
    html = client.get("/").content.decode()
    assert 'href="/accounts/2fa/"' in html and "To-faktor-godkendelse" in html
    assert client.get("/accounts/2fa/").status_code == 200


def test_a_person_with_totp_gives_the_code_after_the_password(client, person):
    log_in(client, "laege")
    secret = activate_totp(client)
    assert Authenticator.objects.filter(user=person, type=Authenticator.Type.TOTP).exists()
    client.post("/accounts/logout/")

    response = log_in(client, "laege")
    assert response.status_code == 302 and response["Location"] == AUTHENTICATE
    assert not signed_in(client)
    assert client.get("/")["Location"].startswith(LOGIN)

    wrong = client.post(AUTHENTICATE, {"code": code_for(secret, offset=5)})
    assert wrong.status_code == 200 and not signed_in(client)
    right = client.post(AUTHENTICATE, {"code": code_for(secret)})
    assert right.status_code == 302 and signed_in(client)
    assert client.get("/").status_code == 200


def test_a_wrong_password_never_reaches_the_code(client, person):
    log_in(client, "laege")
    activate_totp(client)
    client.post("/accounts/logout/")
    response = log_in(client, "laege", "wrong")
    assert response.status_code == 200 and not signed_in(client)
    assert client.get(AUTHENTICATE)["Location"].startswith(LOGIN)


def test_a_recovery_code_works_once(client, person):
    log_in(client, "laege")
    activate_totp(client)
    recovery = Authenticator.objects.get(user=person, type=Authenticator.Type.RECOVERY_CODES)
    code = recovery.wrap().get_unused_codes()[0]
    client.post("/accounts/logout/")

    log_in(client, "laege")
    assert client.post(AUTHENTICATE, {"code": code}).status_code == 302
    assert signed_in(client)
    client.post("/accounts/logout/")

    log_in(client, "laege")
    again = client.post(AUTHENTICATE, {"code": code})
    assert again.status_code == 200 and not signed_in(client)


def test_an_administrator_without_totp_is_sent_to_set_it_up_and_cannot_reach_the_admin(
    client, administrator
):
    assert log_in(client, "chef").status_code == 302
    for url in ("/", "/admin/", "/admin/accounts/user/", "/api-keys/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == ACTIVATE, url
    # Why, said on the next page shown (the password is confirmed first).
    page = client.get(ACTIVATE, follow=True).content.decode()
    assert "skal bruge to-faktor-godkendelse" in page

    activate_totp(client)
    assert client.get("/admin/").status_code == 200
    assert client.get("/").status_code == 200


def test_the_admin_login_is_the_app_login(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/admin/"


def test_an_administrator_may_log_out_before_setting_it_up(client, administrator):
    log_in(client, "chef")
    assert client.post("/accounts/logout/").status_code == 302
    assert not signed_in(client)


def test_an_administrator_with_totp_is_not_stopped(client, administrator):
    TOTP.activate(administrator, generate_totp_secret())
    client.force_login(administrator)
    assert client.get("/admin/").status_code == 200


def test_who_must_use_two_factor(person, administrator):
    staff = User.objects.create_user("stab", password="pw", is_staff=True)
    assert mfa.mfa_required(administrator) and mfa.mfa_required(staff)
    assert not mfa.mfa_required(person)
    assert not mfa.mfa_required(AnonymousUser())
    # Single sign-on people (no local password) get their second factor from the provider.
    staff.set_unusable_password()
    assert not mfa.must_set_up_totp(staff)
    assert mfa.must_set_up_totp(administrator)


def test_content_editors_must_use_two_factor(person, client):
    from accounts.models import Organisation, OrganisationRole

    region = Organisation.objects.create(name="Region Redaktion")
    OrganisationRole.objects.create(user=person, organisation=region, role="lawyer")
    assert not mfa.mfa_required(User.objects.get(pk=person.pk))  # another role: not required
    OrganisationRole.objects.create(user=person, organisation=region, role="content_editor")
    editor = User.objects.get(pk=person.pk)  # a new request
    assert mfa.mfa_required(editor) and mfa.must_set_up_totp(editor)
    client.force_login(editor)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
