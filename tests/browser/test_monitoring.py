"""Monitoring in Chromium: an alarm raised by drifting data is assessed by the AI competence unit
and decided by an innovation consultant (two people, two browsers); the monitoring page and the
incident page pass axe-core (no serious or critical WCAG 2.1 A/AA violations)."""

import pytest
from playwright.sync_api import expect

from checklists.loading import load_pathways
from checklists.models import Pathway
from monitoring import services
from monitoring.models import Incident
from tests.browser.axe import axe_problems
from tests.monitoring.conftest import FIXTURE, counts, make_plan
from tests.personas import advance, answer, make_team

pytestmark = pytest.mark.browser


@pytest.fixture
def drifting(transactional_db):
    load_pathways([FIXTURE])
    team = make_team(Pathway.objects.get(slug="monitoring-test", version=1))
    answer(team, "need.problem", "Lange ventetider.")
    advance(team)
    make_plan(team)
    for month in range(1, 6):
        values = counts() if month < 4 else counts(tp=140, fn=60)
        services.ingest_period(
            project=team.reload(), by=team.clinician, period=f"2025-{month:02d}", values=values
        )
    return team


def test_an_alarm_is_assessed_and_decided_by_two_people(login, new_page, drifting, live_server):
    project = drifting.project
    page = login("ai_competence")
    page.goto(f"{live_server.url}/projects/{project.pk}/monitoring/")
    expect(page.locator("[data-metric='sensitivity'] [data-status='alarm']")).to_be_visible()
    expect(page.locator("#figure-monitoring-sensitivity svg")).to_be_visible()
    problems = axe_problems(page, "monitoring page")
    assert problems == [], "\n".join(problems)

    page.locator("[data-incident] a").first.click()
    expect(page.locator("#id_assessment")).to_be_visible()
    page.locator("#id_assessment").fill("Ny scanner siden april; reelt fald i sensitivitet.")
    page.locator("form[action$='/assess/'] button[type=submit]").click()
    expect(page.locator("[data-assessment]")).to_contain_text("Ny scanner")
    # the assessor is not offered the decision
    expect(page.locator("form[action$='/decide/']")).to_have_count(0)
    incident_url = page.url

    consultant = login("consultant", on=new_page())
    consultant.goto(incident_url)
    problems = axe_problems(consultant, "incident page")
    assert problems == [], "\n".join(problems)
    consultant.locator("input[name=decision][value=recalibrate]").check()
    consultant.locator("#id_reason").fill("Leverandøren genkalibrerer på de nye billeder.")
    consultant.locator("form[action$='/decide/'] button[type=submit]").click()
    expect(consultant.locator("[data-decision='recalibrate']")).to_be_visible()

    incident = Incident.objects.get(project=project)
    assert incident.assessed_by == drifting.ai_competence
    assert incident.decided_by == drifting.consultant
