"""Journeys through the real UI in Chromium: creating a project and answering inline (htmx),
approving a stage, reading as a non-editing member, switching language, and an axe-core
accessibility check of every main page.

Text is matched in Danish or English where the translation catalogue decides it; pathway text
(stage and item names) comes from the database in both languages and is matched exactly.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from procurement.models import Action, Answer, HistoryEntry, Project
from procurement.transitions import request_approval
from tests.browser.axe import axe_problems
from tests.personas import complete_need

pytestmark = pytest.mark.browser

SAVED = re.compile(r"Gemt kl\. \d\d[:.]\d\d|Saved at \d\d[:.]\d\d")
NOT_SAVED = re.compile(r"Ikke gemt|Not saved")
NUMBER_ERROR = re.compile(r"Skriv et tal|Enter a number")


def project_url(live_server, project, suffix="") -> str:
    return f"{live_server.url}/projects/{project.pk}/{suffix}"


def item_card(page: Page, item):
    return page.locator(f"#item-{item.pk}")


def value_field(page: Page, item):
    return page.locator(f"[name='item{item.pk}-value']")


def approve_button(page: Page):
    return page.locator("form[action$='/transition/approve/'] button[type=submit]")


# --- 1. Clinician: create a project, answer inline ------------------------------------------


def test_clinician_creates_project_and_answers_inline(login, team, pathway, live_server):
    page = login("clinician")
    page.goto(f"{live_server.url}/projects/new/")
    page.locator("#id_title").fill("AI til røntgen")
    page.locator("#id_clinical_need").fill("For mange billeder venter på beskrivelse.")
    page.locator("#id_department").fill("Radiologisk afdeling")
    page.locator(f"input[name=pathway][value='{pathway.pk}']").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/projects/\d+/$"))

    project = Project.objects.get(title="AI til røntgen")
    assert page.url == project_url(live_server, project)
    assert project.owner == team.clinician
    assert project.state == "need"
    assert project.pathway == pathway
    expect(page.locator("main h2").first).to_have_text(re.compile(r"1: Afklar behov"))
    expect(page.locator("main .alert-success")).to_be_visible()

    problem = team.item("need.problem")
    number = team.item("need.patients_per_year")
    gate = page.locator("#gate-panel")
    unanswered = gate.locator("li[data-code=required_unanswered]")
    expect(unanswered).to_have_count(1)
    expect(unanswered).to_contain_text("Beskriv problemet")

    # A marker on window survives only if the page is not reloaded or navigated.
    page.evaluate("window.__journeyMarker = 'no-reload'")
    field = value_field(page, problem)
    field.fill("Lange ventetider på beskrivelser.")
    field.press("Tab")  # blur: htmx posts on "change"

    expect(item_card(page, problem).locator(".save-status")).to_have_text(SAVED)
    assert page.evaluate("window.__journeyMarker") == "no-reload"
    assert page.url == project_url(live_server, project)
    expect(unanswered).to_have_count(0)
    expect(gate).to_have_class(re.compile(r"\bborder-success\b"))
    answer = Answer.objects.get(project=project, item=problem)
    assert answer.value == "Lange ventetider på beskrivelser."
    assert answer.answered_by == team.clinician

    # Validation error: shown inline on the item, nothing saved, still no reload.
    field = value_field(page, number)
    field.fill("mange")
    field.press("Tab")
    card = item_card(page, number)
    expect(card.locator(".invalid-feedback, .text-danger").first).to_be_visible()
    expect(card).to_contain_text(NUMBER_ERROR)
    expect(card.locator(".save-status")).to_have_text(NOT_SAVED)
    expect(value_field(page, number)).to_have_value("mange")
    assert page.evaluate("window.__journeyMarker") == "no-reload"
    assert not Answer.objects.filter(project=project, item=number).exists()

    # A reload shows what was saved, and only that.
    page.reload()
    assert page.evaluate("window.__journeyMarker ?? null") is None
    expect(value_field(page, problem)).to_have_value("Lange ventetider på beskrivelser.")
    expect(value_field(page, number)).to_have_value("")
    expect(page.locator("#gate-panel li[data-code=required_unanswered]")).to_have_count(0)
    # The Save button works too (a number in Danish format, as the error message suggests).
    value_field(page, number).fill("1.250,5")
    item_card(page, number).locator("button[type=submit]").click()
    expect(item_card(page, number).locator(".save-status")).to_have_text(SAVED)
    assert Answer.objects.get(project=project, item=number).value == "1250.5"


# --- 2. Consultant approves ------------------------------------------------------------------


def test_consultant_approves_stage_from_dashboard(login, team, live_server):
    complete_need(team)
    request_approval(project=team.reload(), by=team.clinician)

    page = login("consultant")
    awaiting = page.locator("section[aria-labelledby=awaits-heading]")
    link = awaiting.get_by_role("link", name="Testprojekt")
    expect(link).to_be_visible()
    link.click()
    page.wait_for_url(project_url(live_server, team.project))

    button = approve_button(page)
    expect(button).to_be_enabled()
    expect(page.locator("#approve-reasons")).to_have_count(0)
    page.locator("form[action$='/transition/approve/'] textarea[name=comment]").fill(
        "Behovet er klart."
    )
    button.click()
    page.wait_for_load_state()

    expect(page.locator("main .alert-success")).to_be_visible()
    expect(page.locator("main h2").first).to_have_text(re.compile(r"2: Juridisk vurdering"))
    expect(page.locator("li.journey-current")).to_contain_text("Juridisk vurdering")
    project = team.reload()
    assert project.state == "legal"
    assert project.approval_requested_by_id is None
    entry = HistoryEntry.objects.get(project=project, action=Action.APPROVED)
    assert (entry.by, entry.from_state, entry.to_state) == (team.consultant, "need", "legal")
    assert entry.comment == "Behovet er klart."

    page.locator(".nav-tabs").get_by_role("link", name=re.compile("Historik|History")).click()
    page.wait_for_url(project_url(live_server, project, "history/"))
    row = page.locator("main table tbody tr").filter(has_text=re.compile(r"Godkendt|Approved"))
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Consultant")
    expect(row).to_contain_text("Afklar behov")
    expect(row).to_contain_text("Juridisk vurdering")
    expect(row).to_contain_text("Behovet er klart.")


def test_consultant_cannot_approve_while_gate_is_closed(login, team, live_server):
    page = login("consultant")
    page.goto(project_url(live_server, team.project))

    expect(approve_button(page)).to_be_disabled()
    expect(approve_button(page)).to_have_attribute("aria-describedby", "approve-reasons")
    reasons = page.locator("#approve-reasons li")
    codes = reasons.evaluate_all("items => items.map(li => li.dataset.code)")
    # What "What is missing?" lists is one line here, pointing there; the rest is said here.
    assert "checklist_incomplete" in codes and "required_unanswered" not in codes
    assert "not_requested" in codes
    expect(page.locator("#gate-panel li[data-code=required_unanswered]")).to_contain_text(
        "Beskriv problemet"
    )
    assert team.reload().state == "need"
    assert not HistoryEntry.objects.filter(project=team.project, action=Action.APPROVED).exists()


def test_the_gate_panel_lists_each_item_once_and_leads_to_it(login, team, live_server):
    """Issue 19: the approval button and the panel agree, the decision panel points to the
    panel instead of repeating it, and each missing item is one link to its place."""
    page = login("consultant")
    page.goto(project_url(live_server, team.project))
    expect(approve_button(page)).to_be_disabled()
    pointer = page.locator("#approve-reasons li[data-code=checklist_incomplete] a")
    expect(pointer).to_have_count(1)
    expect(page.locator("#decision-panel")).not_to_contain_text("Beskriv problemet")
    pointer.click()
    expect(page).to_have_url(re.compile(r"#gate-panel$"))
    problem = team.item("need.problem")
    links = page.locator(f'#gate-panel a[href$="#item-{problem.pk}"]')
    expect(links).to_have_count(1)
    links.click()
    expect(page).to_have_url(re.compile(rf"#item-{problem.pk}$"))
    expect(item_card(page, problem)).to_be_in_viewport()


# --- 3. Read-only member, outsider ---------------------------------------------------------


def test_procurement_reads_without_forms_and_outsider_gets_404(login, new_page, team, live_server):
    complete_need(team)
    page = login("procurement")
    page.goto(project_url(live_server, team.project))

    checklist = page.locator("#checklist")
    expect(checklist.locator(".checklist-item")).to_have_count(2)
    expect(checklist.locator("input, textarea, select, form")).to_have_count(0)
    expect(checklist).to_contain_text("Lange ventetider.")
    expect(page.locator("#actions-heading")).to_have_count(0)
    expect(page.locator("#gate-panel")).to_be_visible()

    tabs = page.locator(".nav-tabs")
    tabs.get_by_role("link", name=re.compile("Historik|History")).click()
    page.wait_for_url(project_url(live_server, team.project, "history/"))
    expect(page.locator("main table tbody tr").first).to_contain_text("Clinician")

    tabs.get_by_role("link", name="Team").click()
    page.wait_for_url(project_url(live_server, team.project, "team/"))
    members = page.locator("main table tbody tr")
    expect(members).to_have_count(7)
    expect(members.filter(has_text="Lawyer")).to_have_count(1)
    expect(page.locator("form[action$='/team/add/']")).to_have_count(0)
    expect(page.locator("form[action*='/remove/']")).to_have_count(0)

    page.locator("nav .journey").get_by_role("link", name=re.compile("Juridisk vurdering")).click()
    page.wait_for_url(project_url(live_server, team.project, "stages/legal/"))
    expect(page.locator("main h2").first).to_have_text(re.compile(r"2: Juridisk vurdering"))
    expect(page.locator("li.journey-viewing")).to_contain_text("Juridisk vurdering")
    expect(page.locator("#checklist")).to_contain_text("Hvor hostes løsningen?")
    expect(page.locator("#checklist").locator("input, textarea, select, form")).to_have_count(0)
    assert team.reload().state == "need"

    # Someone from the same organisation who is not on the team: the project does not exist.
    outsider = login("outsider", on=new_page())
    expect(outsider.locator("main")).not_to_contain_text("Testprojekt")
    for suffix in ("", "team/", "history/", "stages/legal/"):
        response = outsider.goto(project_url(live_server, team.project, suffix))
        assert response.status == 404, suffix
        assert "Testprojekt" not in outsider.content()
        assert "Lange ventetider" not in outsider.content()


# --- 4. Language -------------------------------------------------------------------------------


def test_danish_by_default_and_english_on_request(login, new_page, team, live_server):
    page = login("clinician")
    page.goto(project_url(live_server, team.project))
    expect(page.locator("html")).to_have_attribute("lang", "da")
    expect(page.locator("main h2").first).to_have_text(re.compile(r"Afklar behov"))
    expect(page.locator("#gate-heading")).to_have_text("Hvad mangler?")
    expect(page.locator(".nav-tabs")).to_contain_text("Tjekliste")

    page.locator("header button[name=language][value=en]").click()
    page.wait_for_url(project_url(live_server, team.project))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("main h2").first).to_have_text(re.compile(r"Clarify the need"))
    expect(page.locator("#gate-heading")).to_have_text("What is missing?")
    expect(page.locator(".nav-tabs")).to_contain_text("Checklist")
    expect(page.locator("#gate-panel")).to_contain_text("Describe the problem")
    expect(page.locator("header button[name=language][value=da]")).to_have_text("Dansk")

    # The choice sticks on the next page, and switching back works.
    page.goto(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#awaits-heading")).to_have_text("Awaiting you")
    page.locator("header button[name=language][value=da]").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "da")
    expect(page.locator("#awaits-heading")).to_have_text("Venter på dig")

    # A browser asking for a language the app does not offer gets Danish.
    other = new_page(locale="de-DE")
    other.goto(f"{live_server.url}/accounts/login/")
    expect(other.locator("html")).to_have_attribute("lang", "da")
    expect(other.locator("main h1")).to_have_text("Log ind")


# --- 5. Accessibility ------------------------------------------------------------------------


def test_main_pages_have_no_serious_accessibility_violations(
    page, login, new_page, team, live_server
):
    page.goto(f"{live_server.url}/accounts/login/")
    problems = axe_problems(page, "login")

    page = login("clinician")
    problems += axe_problems(page, "dashboard")

    # One item answered, one not; then an inline save and an inline validation error.
    complete_need(team)
    page.goto(project_url(live_server, team.project))
    problems += axe_problems(page, "project (clinician)")
    number = team.item("need.patients_per_year")
    value_field(page, number).fill("mange")
    value_field(page, number).press("Tab")
    expect(item_card(page, number)).to_contain_text(NUMBER_ERROR)
    problems += axe_problems(page, "project (validation error)")
    value_field(page, number).fill("40")
    value_field(page, number).press("Tab")
    expect(item_card(page, number).locator(".save-status")).to_have_text(SAVED)
    problems += axe_problems(page, "project (saved inline)")

    page.goto(project_url(live_server, team.project, "team/"))
    problems += axe_problems(page, "team (owner)")

    request_approval(project=team.reload(), by=team.clinician)
    consultant = login("consultant", on=new_page())
    problems += axe_problems(consultant, "dashboard (consultant, approval waiting)")
    consultant.goto(project_url(live_server, team.project))
    expect(approve_button(consultant)).to_be_enabled()
    problems += axe_problems(consultant, "project (consultant, decisions)")
    approve_button(consultant).click()
    consultant.wait_for_load_state()
    expect(consultant.locator("main .alert-success")).to_be_visible()
    problems += axe_problems(consultant, "project (consultant, after approval)")
    consultant.goto(project_url(live_server, team.project, "history/"))
    problems += axe_problems(consultant, "history")
    consultant.goto(project_url(live_server, team.project, "stages/need/"))
    problems += axe_problems(consultant, "earlier stage (read-only)")

    assert not problems, "axe-core found serious/critical violations:\n" + "\n".join(problems)


def test_the_policy_is_enforced_and_an_inline_script_is_refused(page, live_server, csp_violations):
    """The Content-Security-Policy header is sent and an inline script is refused, and the
    browser tests see the violation (their fixture fails any test that causes one)."""
    response = page.goto(f"{live_server.url}/accounts/login/")
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    outcome = page.evaluate(
        """() => new Promise((resolve) => {
            document.addEventListener(
                'securitypolicyviolation', (e) => resolve(e.violatedDirective));
            const script = document.createElement('script');
            script.textContent = 'window.inlineRan = true';
            document.body.appendChild(script);
            setTimeout(() => resolve(window.inlineRan ? 'ran' : 'none'), 2000);
        })"""
    )
    assert outcome.startswith("script-src")
    page.wait_for_timeout(200)
    assert any("script-src" in violation for violation in csp_violations)
    csp_violations.clear()  # expected here; any other test fails on one
