"""Browser tests: Playwright (sync API) against pytest-django's live server, with Debian's Chromium.

The live server runs in a thread of this process, so the data a test sets up must be committed
(`transactional_db`), and Playwright's sync API runs an event loop in the test thread, so the ORM
needs DJANGO_ALLOW_ASYNC_UNSAFE (``make test`` sets it; set here too so plain pytest works).
"""

import os
import re

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# Bind the live server to IPv4 explicitly: "localhost" may resolve to ::1 first in Chromium.
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

from tests.personas import Team, load_test_pathway, make_team  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A Danish hospital's browser; the app's default language is Danish too.
    return {**browser_context_args, "locale": "da-DK", "timezone_id": "Europe/Copenhagen"}


@pytest.fixture
def page(page):
    # Fail fast: every page here is served locally.
    page.set_default_timeout(5_000)
    page.set_default_navigation_timeout(10_000)
    return page


@pytest.fixture
def pathway(transactional_db):
    return load_test_pathway()


@pytest.fixture
def team(transactional_db, pathway) -> Team:
    """A project in its first stage with a full team, committed so the live server sees it."""
    return make_team(pathway)


@pytest.fixture
def login(page, live_server):
    """Log in through the real login form; returns the page on the dashboard."""

    def _login(username: str, password: str = "pw"):
        page.goto(f"{live_server.url}/accounts/login/")
        page.locator("input[name=username]").fill(username)
        page.locator("input[name=password]").fill(password)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(re.compile(r"/$"))
        return page

    return _login
