"""Overdue work in the "what now" sentence, and the assignee told of an item given to them."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import transaction
from django.utils import translation

from notifications import deadlines
from notifications import mail as notification_mail
from notifications.models import Channel, Delivery, Kind, Notification, Preference
from procurement import gates, journal, services
from procurement.dashboard import dashboard_context
from procurement.gates import load_stage_status, next_step
from procurement.guards import lock_project
from procurement.models import Action
from tests.personas import answer

pytestmark = pytest.mark.django_db


def assign(team, key, person, due, by=None, project=None):
    deadlines.assign_item(
        project=project or team.reload(),
        item=team.item(key),
        by=by or team.clinician,
        assignee=person,
        due_date=due,
    )


def what_now(team, user, project=None):
    project = project or team.reload()
    return next_step(project, user, load_stage_status(project, with_deadlines=True))


def days(n):
    return deadlines.today() + timedelta(days=n)


# --- overdue work in "what now" ----------------------------------------------------------------


def test_the_gate_imports_no_deadline_app():
    """The gate knows deadlines only through the sources registered with it."""
    source = open(gates.__file__, encoding="utf-8").read()
    assert "notifications" not in source
    assert deadlines.open_deadlines in gates.DEADLINE_SOURCES


def test_my_overdue_item_is_named_in_what_now(team):
    assign(team, "need.problem", team.lawyer, days(-2))
    step = what_now(team, team.lawyer)
    assert step.overdue
    assert "Forsinket for dig: “Beskriv problemet" in step.message
    assert f"(frist {days(-2).day}/{days(-2).month})" in step.message
    with translation.override("en"):
        english = what_now(team, team.lawyer)
    assert "Overdue for you: “Describe the problem" in english.message


def test_work_not_yet_due_or_done_is_not_overdue(team):
    assign(team, "need.problem", team.lawyer, days(0))  # due today: not late yet
    plain = what_now(team, team.lawyer)
    assert not plain.overdue and "Forsinket" not in plain.message
    assign(team, "need.problem", team.lawyer, days(-1))
    assert what_now(team, team.lawyer).overdue
    answer(team, "need.problem", "Et svar.", by=team.clinician)
    step = what_now(team, team.lawyer)
    assert not step.overdue and "Forsinket" not in step.message


def test_the_planners_hear_of_the_team_and_the_stage_target(team):
    assign(team, "need.problem", team.lawyer, days(-3))
    deadlines.set_stage_target(
        project=team.reload(),
        stage=team.project.current_stage,
        by=team.consultant,
        target_date=days(-1),
    )
    for planner in (team.clinician, team.consultant):
        step = what_now(team, planner)
        assert step.overdue
        assert "Måldatoen for Afklar behov" in step.message
        assert "1 punkt i teamet er forsinket." in step.message
        assert "Forsinket for dig" not in step.message
    with translation.override("en"):
        english = what_now(team, team.consultant)
    assert "The target date for Clarify the need" in english.message
    assert "1 item of the team is overdue." in english.message
    # Someone who plans nothing and has nothing late hears of neither.
    step = what_now(team, team.it_architect)
    assert not step.overdue and "Måldato" not in step.message


def test_another_projects_deadlines_never_leak(team, pathway):
    other = services.create_project(
        by=team.clinician,
        pathway=pathway,
        title="Andet projekt",
        clinical_need="Et andet behov.",
        department="Testafdeling",
    )
    services.add_member(project=other, by=team.clinician, user=team.lawyer, role="lawyer")
    assign(team, "need.problem", team.lawyer, days(-2), project=other)
    assert what_now(team, team.lawyer, project=other).overdue
    assert not what_now(team, team.lawyer).overdue
    assert not what_now(team, team.clinician).overdue
    # Loaded together (the dashboard), each project keeps its own.
    rows = {row.project.pk: row for row in dashboard_context(team.lawyer)["rows"]}
    assert rows[other.pk].next_step.overdue
    assert not rows[team.project.pk].next_step.overdue
    assert "Forsinket" not in rows[team.project.pk].next_step.message
    # An outsider sees neither project, so neither sentence.
    assert dashboard_context(team.outsider)["rows"] == []


def test_the_project_page_and_the_dashboard_show_it(client, team):
    assign(team, "need.problem", team.lawyer, days(-2))
    client.force_login(team.lawyer)
    page = client.get(f"/projects/{team.project.pk}/").content.decode()
    start = page.index('class="next-step')
    sentence = page[start : page.index("</p>", start)]
    assert 'data-overdue="true"' in sentence and "Forsinket for dig" in sentence
    dashboard = client.get("/").content.decode()
    assert 'data-overdue="true"' in dashboard


def test_the_overdue_box_reads_a_status_loaded_with_its_deadlines(team, django_assert_num_queries):
    """The project page loads the deadlines once (for "what now"); the box at the top of the
    page reads them from that status and asks the database nothing more."""
    from notifications.templatetags.deadline_tags import project_overdue

    assign(team, "need.problem", team.lawyer, days(-2))
    project = team.reload()
    loaded = load_stage_status(project, with_deadlines=True)
    with django_assert_num_queries(0):
        from_status = project_overdue(project, loaded)["overdue"]
    queried = project_overdue(project, load_stage_status(project))["overdue"]
    assert [d.due for d in from_status] == [d.due for d in queried] == [days(-2)]


def test_a_stopped_project_has_nothing_overdue(team):
    from procurement.transitions import perform_transition

    assign(team, "need.problem", team.lawyer, days(-2))
    perform_transition(project=team.reload(), action=Action.STOPPED, by=team.consultant,
                       comment="Sat i bero.")  # fmt: skip
    assert not what_now(team, team.lawyer).overdue


# --- the assignee is told ------------------------------------------------------------------------


def told(kind=Kind.ITEM_ASSIGNED):
    return sorted(
        Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True)
    )


def test_the_assignee_is_told_not_the_person_who_assigned(team):
    assign(team, "need.problem", team.lawyer, days(10), by=team.consultant)
    assert told() == ["lawyer"]
    notification = Notification.objects.get(kind=Kind.ITEM_ASSIGNED)
    assert notification.link.endswith(f"#item-{team.item('need.problem').pk}")
    assert notification.data["due"] == days(10).isoformat()
    assert notification.data["change"] == "assigned"


def test_assigning_oneself_tells_nobody(team):
    assign(team, "need.problem", team.consultant, days(10), by=team.consultant)
    assert told() == []


def test_a_new_due_date_tells_the_assignee_again_an_unchanged_one_does_not(team):
    assign(team, "need.problem", team.lawyer, None)
    assign(team, "need.problem", team.lawyer, days(5))
    assign(team, "need.problem", team.lawyer, days(5))
    changes = list(
        Notification.objects.filter(kind=Kind.ITEM_ASSIGNED)
        .order_by("pk")
        .values_list("data__change", flat=True)
    )
    assert changes == ["assigned", "due_date"]
    # Clearing the assignment, or a stage target date, tells nobody.
    assign(team, "need.problem", None, None)
    deadlines.set_stage_target(
        project=team.reload(), stage=team.project.current_stage, by=team.clinician,
        target_date=days(20),
    )  # fmt: skip
    assert Notification.objects.filter(kind=Kind.ITEM_ASSIGNED).count() == 2


def test_a_deactivated_member_or_an_outsider_is_never_told(team):
    team.lawyer.is_active = False
    team.lawyer.save()
    with pytest.raises(deadlines.ValidationError):
        assign(team, "need.problem", team.lawyer, days(3))
    with pytest.raises(deadlines.ValidationError):
        assign(team, "need.problem", team.outsider, days(3))
    assert told() == []
    # Even an entry that names them (written before the account was closed, replayed by a
    # retried job) reaches neither the deactivated member nor an outsider.
    for person in (team.lawyer, team.outsider):
        with transaction.atomic():
            journal.record(
                project=lock_project(team.project),
                action=Action.DEADLINE_SET,
                by=team.clinician,
                stage_key="need",
                subject="need.problem",
                before={"assignee": None, "due_date": None},
                after={"assignee": person.get_username(), "due_date": days(3).isoformat()},
            )
    assert told() == []
    assert not Notification.objects.filter(
        recipient__in=[team.lawyer, team.outsider], kind=Kind.ITEM_ASSIGNED
    ).exists()


def test_it_goes_in_the_digest_by_default_in_the_assignees_language(team, settings):
    settings.NOTIFICATIONS_DIGEST_TIME = time(7, 0)
    team.lawyer.language = "en"
    team.lawyer.save()
    mail.outbox.clear()
    assign(team, "need.problem", team.lawyer, days(3))
    assert mail.outbox == []
    [delivery] = Delivery.objects.filter(notification__kind=Kind.ITEM_ASSIGNED)
    assert delivery.channel == Channel.DIGEST
    morning = datetime.combine(deadlines.today() + timedelta(days=1), time(7, 5))
    notification_mail.send_digests(morning.replace(tzinfo=ZoneInfo("Europe/Copenhagen")))
    [digest] = [m for m in mail.outbox if m.to == ["lawyer@example.org"]]
    assert "You were given “Describe the problem" in digest.body
    assert "in Testprojekt, due" in digest.body


def test_mailed_at_once_when_chosen_in_danish(team, django_capture_on_commit_callbacks):
    Preference.objects.create(user=team.lawyer, kind=Kind.ITEM_ASSIGNED, channel=Channel.IMMEDIATE)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assign(team, "need.problem", team.lawyer, days(3), by=team.consultant)
    [message] = mail.outbox
    assert message.to == ["lawyer@example.org"]
    assert "Du har fået “Beskriv problemet" in message.subject
    assert "Sat af Consultant." in message.body
    assert message.extra_headers["Content-Language"] == "da"
