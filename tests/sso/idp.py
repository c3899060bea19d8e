"""A real OpenID Connect provider for the tests (tests/oidc_idp, django-oauth-toolkit) in a
process of its own on a free 127.0.0.1 port, and the steps a person takes there.

Each test process (pytest-xdist worker) starts its own provider with its own SQLite file, so
runs on SQLite and on PostgreSQL alike need nothing else."""

import os
import selectors
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
from django.conf import settings

from tests.oidc_idp.serve import PASSWORD

START_TIMEOUT = 60


@dataclass
class IdentityProvider:
    url: str
    database: Path

    @property
    def server_url(self) -> str:
        return f"{self.url}/o"

    def set_email(self, username: str, email: str) -> None:
        """Change a person's e-mail address at the provider (as a region's directory might)."""
        with sqlite3.connect(self.database) as connection:
            connection.execute(
                "UPDATE auth_user SET email = ? WHERE username = ?", [email, username]
            )

    def subject(self, username: str) -> str:
        """The `sub` the provider gives the person (its user id)."""
        with sqlite3.connect(self.database) as connection:
            row = connection.execute(
                "SELECT id FROM auth_user WHERE username = ?", [username]
            ).fetchone()
        return str(row[0])


@pytest.fixture(scope="session")
def identity_provider(tmp_path_factory):
    data = tmp_path_factory.mktemp("idp")
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    with open(data / "stderr.log", "w") as stderr:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "tests.oidc_idp.serve", str(data)],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
    try:
        watch = selectors.DefaultSelector()
        watch.register(process.stdout, selectors.EVENT_READ)
        line = process.stdout.readline() if watch.select(START_TIMEOUT) else ""
        if not line.startswith("READY "):
            process.kill()
            log = (data / "stderr.log").read_text()
            pytest.fail(f"the test identity provider did not start: {line!r}\n{log}")
        port = int(line.split()[1])
        yield IdentityProvider(url=f"http://127.0.0.1:{port}", database=data / "idp.sqlite3")
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


class FormInputs(HTMLParser):
    """The <input>s of a page, name -> value (the provider's login and consent pages)."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input" and attributes.get("name") and attributes.get("type") != "submit":
            self.fields[attributes["name"]] = attributes.get("value") or ""


def form_inputs(html: str) -> dict[str, str]:
    parser = FormInputs()
    parser.feed(html)
    return parser.fields


def sign_in_at_provider(
    session: requests.Session, authorize_url: str, username: str, *, password: str = PASSWORD
) -> str:
    """What the person does at the provider after the app sent them there: log in if the
    provider asks, consent, and be sent back. Returns the URL the provider redirects to."""
    response = session.get(authorize_url, allow_redirects=False, timeout=10)
    for _ in range(10):
        if response.is_redirect:
            location = urljoin(response.url, response.headers["Location"])
            if not location.startswith(authorize_url.split("/o/")[0]):
                return location
            response = session.get(location, allow_redirects=False, timeout=10)
            continue
        assert response.status_code == 200, response.text
        fields = form_inputs(response.text)
        if "password" in fields:
            fields.update(username=username, password=password)
        elif "redirect_uri" in fields:
            fields["allow"] = "Authorize"
        else:
            raise AssertionError(f"unexpected page at the provider: {response.text[:500]}")
        response = session.post(response.url, data=fields, allow_redirects=False, timeout=10)
    raise AssertionError("the provider never sent the person back")
