"""Procurement's journey in Chromium: open a project, generate the dossier, wait for the
background job (the page follows its progress without a reload), download the stored PDF.

The job runs on the database backend, as in production: it waits in the queue until the test
runs `db_worker --batch`, so the page really shows "being generated" first.
"""

import hashlib
import re
import signal
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from dossier.models import DossierDownload, DossierRequest, DossierVersion
from tests.browser.axe import axe_problems
from tests.personas import advance, complete_need

pytestmark = pytest.mark.browser


def run_worker() -> None:
    """Run the queued jobs like `manage.py db_worker` does, keeping this process's signal
    handlers (the worker installs its own)."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def test_procurement_generates_waits_for_and_downloads_the_dossier(
    login, team, live_server, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    complete_need(team)
    advance(team)
    project = team.reload()

    page = login("procurement")
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    page.locator(".nav-tabs").get_by_role("link", name=re.compile("Dossier")).click()
    page.wait_for_url(f"{live_server.url}/projects/{project.pk}/dossier/")
    panel = page.locator("#dossier-panel")
    expect(panel).to_have_attribute("data-state", "none")
    assert axe_problems(page, "dossier") == []

    page.evaluate("window.__dossierMarker = 'no-reload'")
    page.locator("#generate-dossier").click()
    expect(panel).to_have_attribute("data-state", "working")
    expect(page.locator("#dossier-status")).to_contain_text("1")
    assert DossierRequest.objects.get(project=project).status == "queued"

    run_worker()  # the job runs in the background; the page polls until it is done
    expect(panel).to_have_attribute("data-state", "done", timeout=15_000)
    expect(page.locator("#generate-dossier")).to_be_enabled()  # a new version can be made
    assert page.evaluate("window.__dossierMarker") == "no-reload"
    version = DossierVersion.objects.get(project=project)
    expect(page.locator("#dossier-versions tbody[data-version]")).to_have_count(1)
    expect(page.locator("#dossier-versions")).to_contain_text(version.sha256)

    with page.expect_download() as info:
        page.locator("[data-testid=latest-download]").click()
    download = info.value
    content = Path(download.path()).read_bytes()
    assert download.suggested_filename == "dossier-testprojekt-v1.pdf"  # the project title
    assert content.startswith(b"%PDF")
    assert hashlib.sha256(content).hexdigest() == version.sha256
    assert list(DossierDownload.objects.values_list("user__username", flat=True)) == ["procurement"]
    assert axe_problems(page, "dossier") == []
