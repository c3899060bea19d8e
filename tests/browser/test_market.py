"""The evaluation of offers in Chromium: the last evaluator scores an offer on the evaluation
page, which reveals everyone's scores; the procurement consultant then sees the consensus forms.
The market dialogue page and the evaluation page pass axe-core (no serious or critical WCAG 2.1
A/AA violations)."""

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from checklists.loading import load_pathways
from checklists.models import Pathway
from market import services
from market.models import Score
from tests.browser.axe import axe_problems
from tests.market.conftest import (
    CONSENSUS,
    FIXTURE,
    add_requirements,
    add_vendors,
    evaluators,
    make_bidders,
    score_all,
    to_tender,
)
from tests.personas import make_team

pytestmark = pytest.mark.browser


@pytest.fixture
def almost_scored(transactional_db):
    """Three bidders; two evaluators have scored everything, the IT architect all but one."""
    load_pathways([FIXTURE])
    team = make_team(Pathway.objects.get(slug="market-test", version=1))
    requirements = add_requirements(team)
    vendors = add_vendors(team)
    question = services.record_dialogue(
        project=team.reload(),
        by=team.procurement,
        kind="question",
        vendor=vendors[0],
        occurred_on=date(2026, 11, 3),
        title="Hosting",
        text="Må løsningen køre i en EU-sky?",
    )
    services.answer_question(entry=question, by=team.procurement, answer="Ja, inden for EU.")
    to_tender(team)
    vendors = make_bidders(team, vendors)
    people = evaluators(team)
    score_all(team, vendors, requirements, people[:2])
    for vendor in vendors:
        for key, value in CONSENSUS[vendor.name].items():
            if (vendor.name, key) == ("Gamma AI", "support"):
                continue  # left for the browser
            services.save_score(
                vendor=vendor,
                requirement=requirements[key],
                by=team.it_architect,
                value=Decimal(value),
                justification="Vurderet ud fra tilbuddet.",
            )
    return team, requirements, vendors


def test_the_last_evaluator_scores_an_offer(login, new_page, almost_scored, live_server):
    team, requirements, vendors = almost_scored
    project = team.project
    page = login("it_architect")
    page.goto(f"{live_server.url}/projects/{project.pk}/market/")
    expect(page.locator("[data-entry='question']")).to_contain_text("Beta Health A/S")
    problems = axe_problems(page, "market dialogue page")
    assert problems == [], "\n".join(problems)

    page.goto(f"{live_server.url}/projects/{project.pk}/evaluation/")
    expect(page.locator("[data-hidden]")).to_be_visible()
    # the other evaluators' justifications are not on the page
    expect(page.locator("text=procurement om Alfa Medical ApS")).to_have_count(0)
    problems = axe_problems(page, "evaluation page")
    assert problems == [], "\n".join(problems)

    gamma, support = vendors[2], requirements["support"]
    prefix = f"#s-{gamma.pk}-{support.pk}"
    page.locator(f"{prefix}-value").fill("3")
    page.locator(f"{prefix}-justification").fill("Support kun på hverdage.")
    page.locator(f"form[action$='/scores/{gamma.pk}/{support.pk}/'] button[type=submit]").click()
    expect(page.locator("[data-revealed]")).to_be_visible()
    expect(page.locator("text=procurement om Alfa Medical ApS").first).to_be_visible()
    assert Score.objects.filter(vendor=gamma, requirement=support).count() == 3

    consultant = login("procurement", on=new_page())
    consultant.goto(f"{live_server.url}/projects/{project.pk}/evaluation/")
    expect(consultant.locator(f"#c-{gamma.pk}-{support.pk}-value")).to_be_visible()
    problems = axe_problems(consultant, "evaluation page with consensus forms")
    assert problems == [], "\n".join(problems)
