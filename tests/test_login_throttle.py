"""Login throttling (django-axes): per account and per client address, a Danish lockout page,
the lock visible to administrators, and X-Forwarded-For trusted only behind configured proxies."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

LOGIN = "/accounts/login/"


@pytest.fixture(autouse=True)
def throttle(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.TRUSTED_PROXY_COUNT = 0


def attempt(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def test_wrong_passwords_lock_the_account_even_for_the_right_one(client, team):
    for _ in range(2):
        assert attempt(client, "lawyer", "wrong").status_code == 200
    locked = attempt(client, "lawyer", "wrong")
    assert locked.status_code == 429
    assert "For mange loginforsøg" in locked.content.decode()
    right = attempt(client, "lawyer", "pw")
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_account_is_locked_from_every_address(client, team):
    for number in range(3):
        attempt(client, "lawyer", "wrong", REMOTE_ADDR=f"10.0.0.{number + 1}")
    assert attempt(client, "lawyer", "pw", REMOTE_ADDR="10.0.0.99").status_code == 429


def test_one_address_trying_many_accounts_is_locked(client, team):
    for name in ("lawyer", "procurement", "it_architect"):
        attempt(client, name, "wrong", REMOTE_ADDR="10.0.0.7")
    assert attempt(client, "consultant", "pw", REMOTE_ADDR="10.0.0.7").status_code == 429
    assert attempt(client, "consultant", "pw", REMOTE_ADDR="10.0.0.8").status_code == 302


def test_a_forged_forwarded_for_does_not_dodge_the_address_lock(client, team):
    for number, name in enumerate(("lawyer", "procurement", "it_architect")):
        attempt(client, name, "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}")
    response = attempt(client, "consultant", "pw", HTTP_X_FORWARDED_FOR="192.0.2.50")
    assert response.status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_address_counts(client, team, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for name in ("lawyer", "procurement", "it_architect"):
        attempt(client, name, "wrong", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="192.0.2.1")
    # Same proxy, another client: not locked; the locked client stays locked.
    other = attempt(
        client, "consultant", "pw", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="192.0.2.2"
    )
    assert other.status_code == 302
    client.logout()
    same = attempt(
        client,
        "consultant",
        "pw",
        REMOTE_ADDR="10.1.1.1",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.1",
    )
    assert same.status_code == 429


def test_a_right_password_before_the_limit_resets_the_count(client, team):
    attempt(client, "lawyer", "wrong")
    attempt(client, "lawyer", "wrong")
    assert attempt(client, "lawyer", "pw").status_code == 302
    client.logout()
    attempt(client, "lawyer", "wrong")
    attempt(client, "lawyer", "wrong")
    assert attempt(client, "lawyer", "pw").status_code == 302


def test_administrators_see_the_lock(client, team):
    for _ in range(3):
        attempt(client, "lawyer", "wrong")
    assert AccessAttempt.objects.filter(username="lawyer").exists()
    client.force_login(team.admin)
    page = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert page.status_code == 200 and "lawyer" in page.content.decode()
