"""Browser tests: Playwright (sync API) against pytest-django's live server, with Debian's Chromium.

The live server runs in a thread of this process, so the data a test sets up must be committed
(`transactional_db`), and Playwright's sync API runs an event loop in the test thread, so the ORM
needs DJANGO_ALLOW_ASYNC_UNSAFE (``make test`` sets it; set here too so plain pytest works).
"""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# Bind the live server to IPv4 explicitly: "localhost" may resolve to ::1 first in Chromium.
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

from tests.personas import Team, load_test_pathway, make_team  # noqa: E402

PASSWORD = "pw"  # every persona's password (tests/personas.py)
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


# Every page records what the Content-Security-Policy refused (the policy is enforced in tests
# as in production): the `securitypolicyviolation` event, and Chromium's console report.
CSP_LISTENER = """
document.addEventListener('securitypolicyviolation', (event) => {
  console.error('CSP violation: ' + event.violatedDirective + ' ' + event.blockedURI);
});
"""


def watch_csp(page_, violations: list[str]) -> None:
    page_.add_init_script(CSP_LISTENER)

    def on_console(message):
        text = message.text
        if "Content Security Policy" in text or text.startswith("CSP violation"):
            violations.append(f"{page_.url}: {text}")

    page_.on("console", on_console)


@pytest.fixture
def csp_violations():
    violations: list[str] = []
    yield violations
    assert violations == [], "Content-Security-Policy violations:\n" + "\n".join(violations)


# Every page depends on the database fixture, so that pytest closes the pages (and the requests
# they still have in flight) before it empties the database: on PostgreSQL a request arriving
# during the flush's TRUNCATE deadlocked with it now and then.
@pytest.fixture
def new_page(transactional_db, browser, browser_context_args, csp_violations):
    """A page in a fresh browser context (another person, or other browser settings)."""
    contexts = []

    def _new_page(**overrides):
        context = browser.new_context(**{**browser_context_args, **overrides})
        contexts.append(context)
        new = context.new_page()
        new.set_default_timeout(5_000)
        new.set_default_navigation_timeout(10_000)
        watch_csp(new, csp_violations)
        return new

    yield _new_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(transactional_db, page, csp_violations):
    # Fail fast: every page here is served locally.
    page.set_default_timeout(5_000)
    page.set_default_navigation_timeout(10_000)
    watch_csp(page, csp_violations)
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
    """Log in through the real login form and land on the dashboard. Pass `on=` another page
    (from a second browser context) to log a second person in alongside the first."""

    def _login(username: str, *, on=None):
        page_ = on or page
        page_.goto(f"{live_server.url}/accounts/login/")
        page_.locator("input[name=username]").fill(username)
        page_.locator("input[name=password]").fill(PASSWORD)
        page_.locator("main form button[type=submit]").click()
        page_.wait_for_url(f"{live_server.url}/")
        return page_

    return _login
