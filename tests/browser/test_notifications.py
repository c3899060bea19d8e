"""Notifications in the browser: the bell leads to the list, a notification to its item, and the
bell, the list, the preferences and the deadlines page pass axe."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from notifications import deadlines
from tests.browser.axe import axe_problems
from tests.personas import answer, move_to

pytestmark = pytest.mark.browser


def test_a_notification_leads_to_its_item(login, team, live_server):
    move_to(team, "legal")
    answer(team, "legal.hosting", "eu_cloud", by=team.clinician)  # the IT architect must sign
    item = team.item("legal.hosting")

    page = login("it_architect")
    bell = page.locator("header .notification-bell")
    expect(bell).to_contain_text(re.compile(r"\d+ ulæst"))
    problems = axe_problems(page, "dashboard with bell")
    bell.click()
    page.wait_for_url(f"{live_server.url}/notifications/")
    problems += axe_problems(page, "notification list")

    entry = page.locator(".notification-list li", has_text="Hvor hostes løsningen?")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("Din godkendelse mangler")
    entry.locator("button.notification-open").click()
    page.wait_for_url(re.compile(rf"/projects/{team.project.pk}/stages/legal/#item-{item.pk}$"))
    expect(page.locator(f"#item-{item.pk}")).to_be_visible()
    expect(page.locator(f"#item-{item.pk}")).to_contain_text("Hvor hostes løsningen?")

    page.goto(f"{live_server.url}/notifications/")
    expect(
        page.locator(".notification-list li", has_text="Hvor hostes løsningen?")
    ).not_to_contain_text("Ny")
    page.locator("form[action$='/read-all/'] button").click()
    expect(page.locator("header .notification-bell .badge")).to_have_count(0)

    page.goto(f"{live_server.url}/notifications/preferences/")
    problems += axe_problems(page, "notification preferences")
    page.locator("input[name=signoff_needed][value=digest]").check()
    page.locator("#preferences-form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    assert problems == []


def test_deadlines_page_and_overdue_marks_pass_axe(login, team, live_server):
    deadlines.assign_item(
        project=team.reload(),
        item=team.item("need.problem"),
        by=team.clinician,
        assignee=team.consultant,
        due_date=deadlines.today() - timedelta(days=1),
    )
    page = login("consultant")
    expect(page.locator("main")).to_contain_text("Tildelt dig")
    problems = axe_problems(page, "dashboard with deadlines")
    page.goto(f"{live_server.url}/projects/{team.project.pk}/deadlines/")
    expect(page.locator("#overdue-notice")).to_be_visible()
    problems += axe_problems(page, "deadlines")
    assert problems == []
