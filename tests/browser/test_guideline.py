"""The guideline as a document, read in a browser without logging in: the page and its printable
version pass axe, and a stage page's link leads to the stage in the guideline."""

import re

import pytest
from playwright.sync_api import expect

from checklists.loading import discover_files, load_pathways
from checklists.models import Pathway
from tests.browser.axe import axe_problems

pytestmark = pytest.mark.browser

DEFAULT = "indkoeb-ce-maerket-ai"


@pytest.fixture
def shipped(transactional_db):
    load_pathways(discover_files())
    return Pathway.latest(DEFAULT)


def test_guideline_pages_are_readable_and_accessible(page, live_server, shipped):
    page.goto(f"{live_server.url}/guide/")
    problems = axe_problems(page, "guide index")
    page.get_by_role("link", name=shipped.name_da).click()
    expect(page.locator("h1")).to_have_text(shipped.name_da)
    stages = list(shipped.stages.order_by("order"))
    expect(page.locator("section.guide-stage")).to_have_count(len(stages))
    problems += axe_problems(page, "guide")
    page.get_by_role("link", name=stages[6].name_da).first.click()
    expect(page).to_have_url(re.compile(f"#stage-{stages[6].key}$"))
    page.goto(f"{live_server.url}/guide/{DEFAULT}/?print=1")
    problems += axe_problems(page, "guide (print)")
    assert problems == []


def test_sources_page_is_accessible_and_linked_from_the_guide(page, live_server, shipped):
    page.goto(f"{live_server.url}/guide/")
    page.locator("a[href='/guide/sources/']").click()
    expect(page.locator("h1")).to_have_text("Vejledningernes kilder")
    expect(page.locator("tbody tr").first).to_be_visible()
    assert axe_problems(page, "guide sources") == []
