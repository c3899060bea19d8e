"""The login page with an identity provider's button, and an administrator made to set up
two-factor authentication, in Chromium: no serious or critical accessibility violations."""

import pytest
from allauth.socialaccount.models import SocialApp
from playwright.sync_api import expect

from accounts.models import User
from tests.browser.axe import axe_problems
from tests.browser.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_the_login_page_with_a_provider_and_the_two_factor_setup_are_accessible(
    page, live_server, transactional_db
):
    SocialApp.objects.create(
        provider="openid_connect",
        provider_id="region",
        name="Region Syd",
        client_id="guide",
        secret="secret",
        settings={"server_url": "http://127.0.0.1:9/o"},  # never asked: the page only lists it
    )
    User.objects.create_user("chef", password=PASSWORD, is_staff=True, is_superuser=True)

    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("button", name="Log ind med Region Syd")).to_be_visible()
    problems = axe_problems(page, "login with a provider")

    page.locator("form.local-login input[name=username]").fill("chef")
    page.locator("form.local-login input[name=password]").fill(PASSWORD)
    page.locator("form.local-login button[type=submit]").click()
    # Sent to set up an authenticator app; the password is confirmed first.
    page.wait_for_url(f"{live_server.url}/accounts/reauthenticate/**")
    expect(page.locator("main")).to_contain_text("skal bruge to-faktor-godkendelse")
    problems += axe_problems(page, "confirm the password")
    page.locator("main input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/accounts/2fa/totp/activate/")
    expect(page.locator("main h1")).to_have_text("Aktiver autentificeringsapp")
    problems += axe_problems(page, "activate TOTP")

    assert not problems, "axe-core found serious/critical violations:\n" + "\n".join(problems)
