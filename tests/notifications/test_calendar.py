"""The calendar feed: a secret address per person with their deadlines, as valid ICS."""

from datetime import date

import pytest

from notifications import calendar, deadlines

pytestmark = pytest.mark.django_db


def unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


@pytest.fixture
def planned(team):
    deadlines.assign_item(
        project=team.reload(),
        item=team.item("need.problem"),
        by=team.clinician,
        assignee=team.lawyer,
        due_date=date(2027, 1, 5),
    )
    deadlines.set_stage_target(
        project=team.reload(),
        stage=team.project.current_stage,
        by=team.clinician,
        target_date=date(2027, 1, 31),
    )
    return team


def test_feed_has_my_items_and_the_stage_targets(client, planned):
    feed = calendar.feed_for(planned.lawyer)
    response = client.get(f"/calendar/{feed.token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    text = response.content.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    lines = unfold(text)
    assert "DTSTART;VALUE=DATE:20270105" in lines
    assert "DTEND;VALUE=DATE:20270106" in lines
    assert "DTSTART;VALUE=DATE:20270131" in lines
    assert any(line.startswith("SUMMARY:Frist: Beskriv problemet") for line in lines)
    assert lines.count("BEGIN:VEVENT") == 2
    item = planned.item("need.problem")
    assert (
        f"URL:http://127.0.0.1:8000/projects/{planned.project.pk}/stages/need/#item-{item.pk}"
        in (lines)
    )


def test_someone_elses_item_is_not_in_my_feed(client, planned):
    feed = calendar.feed_for(planned.it_architect)
    lines = unfold(client.get(f"/calendar/{feed.token}.ics").content.decode())
    assert lines.count("BEGIN:VEVENT") == 1  # the stage target only


def test_outsider_sees_nothing_of_the_project(client, planned):
    feed = calendar.feed_for(planned.outsider)
    lines = unfold(client.get(f"/calendar/{feed.token}.ics").content.decode())
    assert "BEGIN:VEVENT" not in lines


def test_a_new_address_stops_the_old_one(client, planned):
    old = calendar.feed_for(planned.lawyer).token
    client.force_login(planned.lawyer)
    assert client.post("/notifications/calendar/new-address/").status_code == 302
    new = calendar.feed_for(planned.lawyer).token
    assert new != old
    client.logout()
    assert client.get(f"/calendar/{old}.ics").status_code == 404
    assert client.get(f"/calendar/{new}.ics").status_code == 200


def test_a_deactivated_persons_feed_stops(client, planned):
    token = calendar.feed_for(planned.lawyer).token
    planned.lawyer.is_active = False
    planned.lawyer.save()
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_text_is_escaped_and_folded():
    assert calendar.escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    folded = calendar.fold("SUMMARY:" + "æ" * 80)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == "SUMMARY:" + "æ" * 80
