"""The business case editor in Chromium: an edit is saved and the NPV recalculated without a page
reload, and the page has no serious or critical accessibility violations (axe-core)."""

import re

import pytest
from playwright.sync_api import Page, expect

from checklists.loading import load_pathways
from checklists.models import Pathway
from decisions.demo import demo_business_case
from decisions.models import BusinessCase
from decisions.services import save_business_case
from tests.browser.axe import axe_problems
from tests.decisions.conftest import (
    FIXTURE,
    PLAIN_LEGAL,
    advance_to,
    answer_all,
    seed_dated_values,
)
from tests.personas import make_team

pytestmark = pytest.mark.browser


@pytest.fixture
def bc_team(transactional_db):
    """A team whose project (on the decisions test pathway) is in the business case stage; the
    product is not a medical device."""
    seed_dated_values()
    load_pathways([FIXTURE])
    team = make_team(Pathway.objects.get(slug="decisions-pathway"))
    answer_all(team, {"requirements.is_medical_device": "no"})
    advance_to(team, "business_case")
    return team


def amount(page: Page, line: int, estimate: str, year: int):
    return page.locator(f"#bc_line{line}_{estimate}_{year}")


def test_business_case_recalculates_without_reload_and_is_accessible(
    page, login, bc_team, live_server
):
    login("clinician")
    page.goto(f"{live_server.url}/projects/{bc_team.project.pk}/")
    page.evaluate("window.__marker = 'no-reload'")
    panel = page.locator("#bc-panel")
    expect(panel.locator("[data-state=incomplete]")).to_be_visible()

    # Two years (the editor is redrawn with two year columns), 10 %.
    page.locator("#bc_horizon_years").select_option("2")
    expect(amount(page, 0, "low", 2)).to_have_count(0)
    expect(amount(page, 0, "low", 1)).to_be_visible()
    page.locator("#bc_discount_rate").fill("10")

    # A one-off cost of 900 / 1.000 / 1.200 kr. in year 0 ...
    page.locator("#bc_line0_label").fill("Opsætning")
    for estimate, value in (("low", "900"), ("expected", "1.000"), ("high", "1.200")):
        amount(page, 0, estimate, 0).fill(value)
    # ... and a benefit of 1.100 / 1.320 / 1.650 kr. in year 1, with its owner.
    page.locator("#bc_line2_label").fill("Sparet tid")
    page.locator("#bc_line2_owner").fill("Afsnit A")
    for estimate, value in (("low", "1.100"), ("expected", "1.320"), ("high", "1.650")):
        amount(page, 2, estimate, 1).fill(value)
    amount(page, 2, "high", 1).press("Tab")  # blur: htmx posts on "change"

    # NPV, expected = -1.000 + 1.320 / 1,1 = 200 kr.
    expected_npv = page.locator("#bc-results tr[data-scenario=expected] .bc-npv")
    expect(expected_npv).to_have_text("200 kr.")
    expect(page.locator("#bc-status")).to_contain_text(re.compile(r"Gemt|Saved"))

    # Change the expected benefit: -1.000 + 1.430 / 1,1 = 300 kr., still without a reload.
    amount(page, 2, "expected", 1).fill("1.430")
    amount(page, 2, "expected", 1).press("Tab")
    expect(expected_npv).to_have_text("300 kr.")
    assert page.evaluate("window.__marker") == "no-reload"
    case = BusinessCase.objects.get(project=bc_team.project)
    assert case.horizon_years == 2 and case.lines[1]["expected"] == ["0", "1430"]

    # The gate panel (updated out of band) no longer lists the business case.
    expect(page.locator("#gate-panel li[data-code=business_case_incomplete]")).to_have_count(0)
    # The chart is there, with a title and a text alternative.
    expect(page.locator("#bc-chart-title")).to_have_count(1)

    # An invalid amount is refused next to its field, and nothing changes.
    amount(page, 0, "low", 0).fill("-5")
    amount(page, 0, "low", 0).press("Tab")
    expect(
        page.locator("#bc-results [data-state=invalid] a[href='#bc_line0_low_0']")
    ).to_be_visible()
    expect(expected_npv).to_have_text("300 kr.")

    assert axe_problems(page, "decisions") == []


def test_classification_follows_the_answers_live(page, login, bc_team, live_server):
    """The legal stage's classification refreshes after every saved answer, without a reload."""
    save_business_case(
        project=bc_team.reload(), by=bc_team.clinician, case=demo_business_case("peace")
    )
    advance_to(bc_team, "legal")
    answer_all(bc_team, {k: v for k, v in PLAIN_LEGAL.items() if k != "legal.personal_data"})
    login("lawyer")
    page.goto(f"{live_server.url}/projects/{bc_team.project.pk}/")
    page.evaluate("window.__marker = 'no-reload'")
    panel = page.locator("#ai-classification-panel")
    expect(panel.locator("[data-state=incomplete] + ul > li")).to_have_count(1)
    expect(panel.locator("li[data-item-key='legal.personal_data']")).to_be_visible()

    personal_data = bc_team.item("legal.personal_data")
    page.locator(f"#item-{personal_data.pk} input[value=no]").check()
    expect(panel.locator("[data-category=minimal]")).to_be_visible()
    expect(panel.locator("[data-field=dpia_required]")).to_contain_text(
        re.compile("Not required|Skal ikke udarbejdes")
    )

    page.locator(f"#item-{personal_data.pk} input[value=yes]").check()
    expect(panel.locator("li[data-item-key='legal.health_data']")).to_be_visible()
    assert page.evaluate("window.__marker") == "no-reload"
