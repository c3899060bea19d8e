"""Inline saving never loses what a person typed or clicked, and everything that depends on the
gate refreshes together (issue: the journal and the page that never contradicts itself)."""

import re

import pytest
from playwright.sync_api import expect

from procurement.models import Answer, HistoryEntry
from tests.browser.axe import axe_problems
from tests.personas import move_to

pytestmark = pytest.mark.browser

SAVED = re.compile(r"Gemt kl\. \d\d[:.]\d\d|Saved at \d\d[:.]\d\d")


def project_url(live_server, project) -> str:
    return f"{live_server.url}/projects/{project.pk}/"


def test_typing_a_justification_then_clicking_yes_keeps_both(login, team, live_server):
    move_to(team, "legal")
    item = team.item("legal.personal_data")
    page = login("lawyer")
    page.goto(project_url(live_server, team.project))
    card = page.locator(f"#item-{item.pk}")
    no = card.locator(f"input[name='item{item.pk}-value'][value='no']")
    yes = card.locator(f"input[name='item{item.pk}-value'][value='yes']")
    justification = card.locator(f"[name='item{item.pk}-justification']")

    no.check()
    expect(card.locator(".save-status")).to_have_text(SAVED)
    justification.fill("Vi behandler journaldata om patienterne.")
    # A normal click: the button is held for 150 ms, while the blur-save of the justification
    # is on its way. Nothing may be replaced under the pointer.
    yes.click(delay=150)
    expect(yes).to_be_checked()
    page.wait_for_function("() => !document.querySelector('.htmx-request')", timeout=5_000)
    expect(card.locator(".save-status")).to_have_text(SAVED)

    page.reload()
    card = page.locator(f"#item-{item.pk}")
    expect(card.locator(f"input[name='item{item.pk}-value'][value='yes']")).to_be_checked()
    expect(card.locator(f"[name='item{item.pk}-justification']")).to_have_value(
        "Vi behandler journaldata om patienterne."
    )
    answer = Answer.objects.get(project=team.project, item=item)
    assert (answer.value, answer.justification) == (
        "yes",
        "Vi behandler journaldata om patienterne.",
    )
    # Every save is in the journal, the last one with the final value.
    last = HistoryEntry.objects.filter(project=team.project, subject=item.key).last()
    assert last.after == {"value": "yes", "justification": answer.justification}


def test_the_request_button_is_enabled_as_soon_as_the_last_required_item_is_saved(
    login, team, live_server
):
    page = login("clinician")
    page.goto(project_url(live_server, team.project))
    page.evaluate("window.__marker = 'no-reload'")
    request = page.locator("form[action$='/request-approval/'] button[type=submit]")
    expect(request).to_be_disabled()
    expect(page.locator(".journey-current .journey-gate")).to_have_attribute("data-ready", "no")

    item = team.item("need.problem")
    field = page.locator(f"[name='item{item.pk}-value']")
    field.fill("Lange ventetider på beskrivelser.")
    field.press("Tab")

    expect(request).to_be_enabled()
    expect(page.locator("#gate-panel li[data-code=required_unanswered]")).to_have_count(0)
    expect(page.locator(".journey-current .journey-gate")).to_have_attribute("data-ready", "yes")
    expect(page.locator(f"#item-{item.pk}-badges")).to_contain_text(re.compile("besvaret|answered"))
    # The field keeps what was typed and the focus moved on as the person expects.
    expect(field).to_have_value("Lange ventetider på beskrivelser.")
    assert page.evaluate("window.__marker") == "no-reload"
    assert axe_problems(page, "stage page after an inline save") == []

    request.click()
    page.wait_for_load_state()
    assert team.reload().approval_requested_by == team.clinician


def test_a_failed_save_says_so_in_danish(login, team, live_server):
    """The texts app.js shows come translated from the base template: a refused save and a lost
    connection each read in Danish, and neither looks like a save."""
    item = team.item("need.problem")
    page = login("clinician")
    page.goto(project_url(live_server, team.project))
    card = page.locator(f"#item-{item.pk}")
    field = page.locator(f"[name='item{item.pk}-value']")

    page.route("**/answer/**", lambda route: route.fulfill(status=500, body="Server Error"))
    field.fill("Lange ventetider på beskrivelser.")
    field.press("Tab")
    expect(card.locator(".save-status")).to_have_text(
        "Ikke gemt: serveren tog ikke imod ændringen. Prøv igen."
    )

    page.unroute("**/answer/**")
    page.route("**/answer/**", lambda route: route.abort())
    field.fill("Lange ventetider på svar.")
    field.press("Tab")
    expect(card.locator(".save-status")).to_have_text(
        "Ikke gemt: ingen forbindelse. Din tekst er her stadig; prøv igen."
    )
    expect(field).to_have_value("Lange ventetider på svar.")
    assert not Answer.objects.filter(project=team.project, item=item).exists()
