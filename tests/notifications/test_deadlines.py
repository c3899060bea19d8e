"""Target dates, assignments and due dates; reminders 7 and 1 days before and the day after."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from notifications import deadlines
from notifications.models import ItemAssignment, Kind, Notification, StageTarget
from procurement.models import Action, HistoryEntry
from tests.personas import answer

pytestmark = pytest.mark.django_db


def assign(team, key, person, due, by=None):
    deadlines.assign_item(
        project=team.reload(),
        item=team.item(key),
        by=by or team.clinician,
        assignee=person,
        due_date=due,
    )


def test_owner_assigns_and_it_is_journalled(team):
    due = date(2026, 12, 20)
    assign(team, "need.problem", team.consultant, due)
    assignment = ItemAssignment.objects.get()
    assert (assignment.assignee, assignment.due_date) == (team.consultant, due)
    entry = HistoryEntry.objects.filter(action=Action.DEADLINE_SET).last()
    assert entry.subject == "need.problem"
    assert entry.after == {"assignee": "consultant", "due_date": "2026-12-20"}
    assert entry.before == {"assignee": None, "due_date": None}


def test_unchanged_assignment_records_nothing(team):
    assign(team, "need.problem", team.consultant, date(2026, 12, 20))
    count = HistoryEntry.objects.count()
    assign(team, "need.problem", team.consultant, date(2026, 12, 20))
    assert HistoryEntry.objects.count() == count


def test_only_owner_and_consultants_plan(team):
    with pytest.raises(PermissionDenied):
        assign(team, "need.problem", team.lawyer, date(2026, 12, 20), by=team.lawyer)
    with pytest.raises(PermissionDenied):
        deadlines.set_stage_target(
            project=team.reload(),
            stage=team.project.current_stage,
            by=team.outsider,
            target_date=date(2026, 12, 1),
        )
    assign(team, "need.problem", team.lawyer, date(2026, 12, 20), by=team.consultant)
    assert not StageTarget.objects.exists()


def test_only_a_team_member_can_be_assigned(team):
    with pytest.raises(ValidationError):
        assign(team, "need.problem", team.outsider, date(2026, 12, 20))
    assert not ItemAssignment.objects.exists()


def test_stage_target_set_and_cleared(team):
    stage = team.project.current_stage
    deadlines.set_stage_target(
        project=team.reload(), stage=stage, by=team.consultant, target_date=date(2027, 1, 15)
    )
    assert StageTarget.objects.get().target_date == date(2027, 1, 15)
    deadlines.set_stage_target(
        project=team.reload(), stage=stage, by=team.consultant, target_date=None
    )
    assert not StageTarget.objects.exists()
    assert HistoryEntry.objects.filter(action=Action.DEADLINE_SET).count() == 2


@pytest.mark.parametrize(
    ("days_before", "kind"),
    [(7, Kind.DEADLINE_SOON), (1, Kind.DEADLINE_SOON), (-1, Kind.DEADLINE_PASSED)],
)
def test_reminders_run_twice_tell_once(team, days_before, kind, django_capture_on_commit_callbacks):
    today = date(2026, 12, 10)
    assign(team, "need.problem", team.lawyer, today + timedelta(days=days_before))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert deadlines.send_reminders(today) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert deadlines.send_reminders(today) == 0
    [notification] = Notification.objects.filter(kind=kind)
    assert notification.recipient == team.lawyer
    assert notification.link.endswith(f"#item-{team.item('need.problem').pk}")
    if kind == Kind.DEADLINE_PASSED:  # immediate by default
        [message] = mail.outbox
        assert message.to == ["lawyer@example.org"]
        assert "Fristen er overskredet" in message.subject
        assert "Beskriv problemet" in message.subject


def test_no_reminder_outside_the_windows_or_when_done(team):
    today = date(2026, 12, 10)
    assign(team, "need.problem", team.lawyer, today + timedelta(days=10))
    assert deadlines.send_reminders(today) == 0
    assert deadlines.send_reminders(today + timedelta(days=10)) == 0  # the day itself
    answer(team, "need.problem", "Svar.")
    assert deadlines.send_reminders(today + timedelta(days=11)) == 0


def test_three_reminders_over_time(team):
    due = date(2026, 12, 20)
    assign(team, "need.problem", team.lawyer, due)
    for day in range(1, 31):
        deadlines.send_reminders(date(2026, 12, day))
    kinds = list(
        Notification.objects.filter(recipient=team.lawyer, kind__startswith="deadline")
        .order_by("pk")
        .values_list("kind", flat=True)
    )
    assert kinds == [Kind.DEADLINE_SOON, Kind.DEADLINE_SOON, Kind.DEADLINE_PASSED]


def test_a_stage_target_reminds_the_owner(team):
    deadlines.set_stage_target(
        project=team.reload(),
        stage=team.project.current_stage,
        by=team.consultant,
        target_date=date(2026, 12, 9),
    )
    assert deadlines.send_reminders(date(2026, 12, 10)) == 1
    assert Notification.objects.get(kind=Kind.DEADLINE_PASSED).recipient == team.clinician


def test_deactivated_assignee_gets_no_reminder(team):
    assign(team, "need.problem", team.lawyer, date(2026, 12, 9))
    team.lawyer.is_active = False
    team.lawyer.save()
    assert deadlines.send_reminders(date(2026, 12, 10)) == 0


def test_the_command(team):
    assign(team, "need.problem", team.lawyer, deadlines.today() - timedelta(days=1))
    call_command("send_reminders")
    call_command("send_reminders")
    assert Notification.objects.filter(kind=Kind.DEADLINE_PASSED).count() == 1


def test_dashboard_shows_my_assignment_and_overdue(client, team):
    assign(team, "need.problem", team.lawyer, deadlines.today() - timedelta(days=2))
    client.force_login(team.lawyer)
    response = client.get("/")
    [row] = response.context["todo"]
    assert [d.item.key for d in row.deadlines] == ["need.problem"]
    assert row.overdue
    page = response.content.decode()
    assert "Tildelt dig" in page and "Overskredet" in page
    client.force_login(team.procurement)
    response = client.get("/")
    assert response.context["todo"] == []
    assert response.context["rows"][0].overdue


def test_project_page_names_what_is_overdue(client, team):
    assign(team, "need.problem", team.lawyer, deadlines.today() - timedelta(days=2))
    client.force_login(team.consultant)
    page = client.get(f"/projects/{team.project.pk}/").content.decode()
    assert 'id="overdue-notice"' in page
    assert "Beskriv problemet" in page


def test_deadlines_page_and_its_forms(client, team):
    client.force_login(team.consultant)
    url = f"/projects/{team.project.pk}/deadlines/"
    assert client.get(url).status_code == 200
    item = team.item("need.problem")
    response = client.post(
        f"{url}items/{item.pk}/",
        {f"item{item.pk}-assignee": team.lawyer.pk, f"item{item.pk}-due_date": "2027-01-05"},
    )
    assert response.status_code == 302
    assert ItemAssignment.objects.get().assignee == team.lawyer
    stage = team.project.current_stage
    client.post(f"{url}stages/{stage.pk}/", {f"stage{stage.pk}-target_date": "2027-01-31"})
    assert StageTarget.objects.get().target_date == date(2027, 1, 31)


def test_deadlines_page_permissions(client, team):
    url = f"/projects/{team.project.pk}/deadlines/"
    item = team.item("need.problem")
    client.force_login(team.outsider)
    assert client.get(url).status_code == 404
    client.force_login(team.lawyer)
    assert client.get(url).status_code == 200
    assert client.post(f"{url}items/{item.pk}/", {}).status_code == 403
    assert client.get(f"{url}items/{item.pk}/").status_code == 405
    assert not ItemAssignment.objects.exists()
