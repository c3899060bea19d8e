"""The question box in a browser, by keyboard alone: ask on a guide page, get the answer in place
(htmx), follow a citation to its place in the guide; inside a project, the project's own answer
and a link to the item. Every state passes axe."""

import re

import pytest
from playwright.sync_api import expect

from checklists.loading import discover_files, load_pathways
from tests.browser.axe import axe_problems

pytestmark = pytest.mark.browser


@pytest.fixture
def shipped(transactional_db):
    load_pathways(discover_files())


def ask(page, question: str) -> None:
    box = page.get_by_role("searchbox", name="Spørg guiden").first
    box.focus()
    page.keyboard.type(question)
    page.keyboard.press("Enter")


def test_ask_on_a_guide_page_and_follow_a_citation(page, live_server, shipped):
    page.goto(f"{live_server.url}/guide/")
    ask(page, "Skal vi lave en DPIA?")
    answer = page.locator("#assistant-answer")
    expect(answer.get_by_role("heading", name=re.compile("Guiden svarer"))).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/guide/")  # answered in place, no reload
    problems = axe_problems(page, "answer")
    first = answer.locator(".assistant-citations a").first
    expect(first).to_contain_text("DPIA")
    first.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(
        re.compile(r"/guide/indkoeb-ce-maerket-ai/v\d+/#item-legal\.dpia_done$")
    )
    expect(page.locator("[id='item-legal.dpia_done']")).to_be_visible()
    ask(page, "Hvad er vejret i morgen?")
    expect(page.locator("#assistant-answer")).to_contain_text("Det dækker guiden ikke.")
    problems += axe_problems(page, "declined")
    page.locator("#assistant-rating").get_by_role("button", name=re.compile("Ikke nyttigt")).click()
    expect(page.locator("#assistant-rating")).to_contain_text("Tak")
    assert problems == []


@pytest.fixture
def shipped_pathway(shipped):
    """The project on the shipped guideline: the assistant's reading is judged on real content
    (the test pathway's handful of items makes every word of it an everyday one)."""
    from checklists.models import Pathway

    return Pathway.objects.filter(slug="indkoeb-ce-maerket-ai").order_by("-version").first()


@pytest.fixture
def team(transactional_db, shipped_pathway):
    from tests.personas import make_team

    return make_team(shipped_pathway)


def test_ask_inside_a_project(page, live_server, team, login):
    login("clinician")
    page.goto(f"{live_server.url}/projects/{team.project.pk}/")
    expect(page.locator(".next-step")).to_contain_text("Besvar")
    ask(page, "Hvordan beskriver vi problemet?")
    answer = page.locator("#assistant-answer")
    link = answer.get_by_role("link", name="Gå til punktet i jeres projekt").first
    expect(link).to_be_visible()
    problems = axe_problems(page, "project answer")
    ask(page, "Hvad mangler vi?")
    expect(answer).to_contain_text("Her står jeres projekt")
    problems += axe_problems(page, "project status")
    item = team.item("need.problem_statement")
    page.goto(f"{live_server.url}/projects/{team.project.pk}/")
    ask(page, "Hvordan beskriver vi problemet?")
    answer.get_by_role("link", name="Gå til punktet i jeres projekt").first.click()
    expect(page).to_have_url(re.compile(f"/stages/need/#item-{item.pk}$"))
    assert problems == []
