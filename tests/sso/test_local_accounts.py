"""Local accounts are an administrator's to make: nobody signs up, and no password is set or
reset by e-mail (a single-sign-on person could otherwise give themselves a local password)."""

import pytest
from django.core import mail

from accounts.models import User
from tests.personas import activate_two_factor

pytestmark = pytest.mark.django_db


def test_nobody_signs_up(client):
    response = client.post(
        "/accounts/signup/",
        {"username": "ny", "password1": "Langt-kodeord-42", "password2": "Langt-kodeord-42"},
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="ny").exists()


def test_a_single_sign_on_person_cannot_give_themselves_a_password(client):
    person = User.objects.create_user("sso-person", "p@region.example")
    person.set_unusable_password()
    person.save()
    client.force_login(person)
    page = client.get("/accounts/password/set/")
    assert "sættes af en administrator" in page.content.decode()
    client.post(
        "/accounts/password/set/",
        {"password1": "Langt-kodeord-42", "password2": "Langt-kodeord-42"},
    )
    person.refresh_from_db()
    assert not person.has_usable_password()


def test_no_password_reset_by_e_mail(client):
    User.objects.create_user("laege", "laege@region.example", "pw")
    response = client.post("/accounts/password/reset/", {"email": "laege@region.example"})
    assert response.status_code == 200
    assert mail.outbox == []


def test_a_locked_out_person_stays_locked_out_when_confirming_the_password(client, settings):
    """Reauthentication (before setting up two-factor authentication) checks the password
    through the same backends, django-axes first: wrong tries there lock the account too."""
    settings.AXES_FAILURE_LIMIT = 3
    person = User.objects.create_user("laege", password="pw")
    client.force_login(person)
    for _ in range(3):
        client.post("/accounts/reauthenticate/", {"password": "wrong"})
    locked = client.post("/accounts/reauthenticate/", {"password": "pw"})
    assert locked.status_code == 429
    assert client.get("/accounts/2fa/totp/activate/")["Location"].startswith(
        "/accounts/reauthenticate/"
    )
    client.logout()
    assert client.post("/accounts/login/", {"username": "laege", "password": "pw"}).status_code == (
        429
    )


def test_identity_providers_and_their_organisations_are_edited_in_the_admin(client):
    admin = User.objects.create_user("chef", password="pw", is_staff=True, is_superuser=True)
    client.force_login(activate_two_factor(admin))
    for url in (
        "/admin/socialaccount/socialapp/add/",
        "/admin/sso/identityproviderorganisation/add/",
        "/admin/mfa/authenticator/",
    ):
        assert client.get(url).status_code == 200, url
