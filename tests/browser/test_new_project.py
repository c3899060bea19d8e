"""A new user starts a project in Chromium: one way in from the dashboard, the form on the full
procurement pathway with one sentence per pathway, and the clinical need not asked again."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Organisation, User
from checklists.loading import load_pathways
from checklists.models import Pathway
from procurement.models import Answer, Project
from procurement.services import NEED_STATEMENT_KEY
from tests.browser.axe import axe_problems
from tests.browser.conftest import PASSWORD

pytestmark = pytest.mark.browser

NEED = "Patienter venter tre uger på en beskrivelse af deres røntgenbilleder."


@pytest.fixture
def shipped(transactional_db):
    load_pathways()
    org = Organisation.objects.create(name="Region Test")
    User.objects.create_user(
        username="nyklinker", password=PASSWORD, first_name="Ny", organisation=org
    )
    return Pathway.latest("indkoeb-ce-maerket-ai"), Pathway.latest("fast-track-validering")


def test_a_new_user_starts_a_project_on_the_full_pathway(login, shipped, live_server):
    full, fast = shipped
    page = login("nyklinker")
    new = page.get_by_role("link", name="Nyt projekt")
    expect(new).to_have_count(1)
    expect(page.get_by_text("Start et nyt projekt")).to_have_count(0)
    problems = axe_problems(page, "dashboard (no projects)")
    new.click()
    page.wait_for_url(re.compile(r"/projects/new/$"))

    choices = page.locator("#pathway-choice input[name=pathway]")
    expect(choices).to_have_count(2)
    expect(page.locator(f"#pathway-choice input[value='{full.pk}']")).to_be_checked()
    expect(page.locator(f"#pathway-choice input[value='{fast.pk}']")).not_to_be_checked()
    choice = page.locator("#pathway-choice")
    expect(choice).to_contain_text(full.name_da)
    expect(choice).to_contain_text(f"{full.stages.count()} faser.")
    expect(choice).to_contain_text(f"{fast.stages.count()} faser.")
    expect(choice).not_to_contain_text(re.compile(r"\(v\d|\bv\d\b"))
    # Each radio button is described by its sentence, for screen readers too.
    summary = page.locator(f"#pathway-choice input[value='{full.pk}']").get_attribute(
        "aria-describedby"
    )
    expect(page.locator(f"#{summary}")).to_contain_text("Standardforløbet")
    problems += axe_problems(page, "new project form")

    # A missing title: the form says so and keeps what was typed.
    page.locator("#id_clinical_need").fill(NEED)
    page.locator("#id_department").fill("Radiologisk afdeling")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#id_title")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.locator("#id_clinical_need")).to_have_value(NEED)
    expect(page.locator(f"#pathway-choice input[value='{full.pk}']")).to_be_checked()
    problems += axe_problems(page, "new project form (error)")
    assert not Project.objects.exists()

    page.locator("#id_title").fill("Røntgenbeskrivelser med AI")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/projects/\d+/$"))
    project = Project.objects.get()
    assert project.pathway == full
    item = page.locator(f"[data-item-key='{NEED_STATEMENT_KEY}']")
    expect(item.locator("textarea")).to_have_value(NEED)
    need_text = project.stages[0].items.get(key=NEED_STATEMENT_KEY).text_da
    expect(page.locator("#gate-panel")).to_be_visible()
    expect(page.locator("#gate-panel")).not_to_contain_text(need_text)
    assert Answer.objects.get(project=project).value == NEED
    problems += axe_problems(page, "first stage with the need answered")
    assert problems == []
