"""Validation in Chromium: a clinician uploads a Danish CSV export through the stage panel and
sees the results and plots; the results page passes axe-core (no serious or critical WCAG 2.1
A/AA violations), with every collapsed section opened."""

import re

import pytest
from playwright.sync_api import expect

from checklists.loading import load_pathways
from checklists.models import Pathway
from tests.browser.axe import axe_problems
from tests.personas import make_team
from tests.validation.helpers import (
    FIXTURE,
    add_criterion,
    add_site,
    classification_rows,
    csv_bytes,
    pdqi9_file,
    to_retrospective,
    upload,
)

pytestmark = pytest.mark.browser

IMPORTED = re.compile(r"400 rækker|400 rows")


@pytest.fixture
def vteam(transactional_db):
    """A project in retrospective validation with a site and two criteria (committed, so the
    live server sees them)."""
    load_pathways([FIXTURE])
    team = make_team(Pathway.objects.get(slug="validation-test", version=1))
    to_retrospective(team)
    add_site(team, name="OUH Lungemedicinsk afdeling")
    add_criterion(team, metric="auroc", threshold="0.7")
    add_criterion(team, metric="sensitivity", threshold="0.6", every_group=True)
    return team


def stage_url(live_server, team) -> str:
    return f"{live_server.url}/projects/{team.project.pk}/stages/retrospective_validation/"


def test_clinician_uploads_results_and_sees_the_verdict(login, vteam, live_server, tmp_path):
    header, rows = classification_rows(n=400)
    path = tmp_path / "resultater.csv"
    path.write_bytes(csv_bytes(header, rows, encoding="cp1252"))

    page = login("clinician")
    page.goto(stage_url(live_server, vteam))
    panel = page.locator("#tool-validation")
    expect(panel.locator("[data-locked='false']")).to_be_visible()
    panel.locator("details", has=page.locator("#id_upload_file")).locator("summary").click()
    page.locator("#id_upload_site").select_option(label="OUH Lungemedicinsk afdeling")
    page.locator("#id_upload_kind").select_option("classification")
    page.locator("#id_upload_file").set_input_files(str(path))
    page.locator("#id_upload_threshold").fill("0,3")
    panel.locator("form[action$='/uploads/'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/stages/retrospective_validation/"))

    expect(page.locator(".messages")).to_contain_text(IMPORTED)
    expect(panel.locator("[data-locked='true']")).to_be_visible()
    for figure in ("roc", "calibration", "forest"):
        # The figures are folded away, each under its title: a click opens one.
        svg = panel.locator(f"#figure-retrospective-{figure} svg[role=img]")
        expect(svg).not_to_be_visible()
        panel.locator(f"details[data-figure=retrospective-{figure}] > summary").click()
        expect(svg).to_be_visible()
        assert svg.locator("title").count() == 1
    expect(panel.locator("[data-verdict]")).to_have_attribute("data-verdict", re.compile("met"))


def test_a_bad_file_is_refused_with_the_row(login, vteam, live_server, tmp_path):
    path = tmp_path / "fejl.csv"
    path.write_bytes(b"id;score;outcome\n1;0,5;1\n2;0,4;2\n")
    page = login("ai_competence")
    page.goto(stage_url(live_server, vteam))
    panel = page.locator("#tool-validation")
    panel.locator("details", has=page.locator("#id_upload_file")).locator("summary").click()
    page.locator("#id_upload_site").select_option(label="OUH Lungemedicinsk afdeling")
    page.locator("#id_upload_file").set_input_files(str(path))
    panel.locator("form[action$='/uploads/'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/stages/retrospective_validation/"))
    expect(page.locator(".messages")).to_contain_text(re.compile(r"(række|row) 3"))
    expect(panel.locator("[data-locked='false']")).to_be_visible()


def test_results_page_passes_axe(login, vteam, live_server):
    site = vteam.project.evaluation_sites.get()
    upload(vteam, site)
    upload(vteam, site, file=pdqi9_file(), kind="pdqi9")
    for who in ("clinician", "lawyer"):  # with and without the forms
        page = login(who)
        page.goto(stage_url(live_server, vteam))
        # axe judges what is shown: open every folded figure, table and list first.
        for summary in page.locator("#tool-validation details > summary").all():
            summary.click()
        expect(page.locator("#figure-retrospective-roc svg")).to_be_visible()
        assert axe_problems(page, "validation") == []
