"""The daily digest: once a day after the configured local time, only when there is something."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command

from notifications import mail as notification_mail
from notifications.models import Delivery, Digest, Kind
from procurement.models import Action
from procurement.transitions import perform_transition, request_approval
from tests.personas import complete_need

pytestmark = pytest.mark.django_db
CPH = ZoneInfo("Europe/Copenhagen")


def approve_need(team):
    complete_need(team)
    request_approval(project=team.reload(), by=team.clinician)
    perform_transition(project=team.reload(), action=Action.APPROVED, by=team.consultant)


@pytest.fixture
def digest_at_seven(settings):
    settings.NOTIFICATIONS_DIGEST_TIME = time(7, 0)


def test_nothing_before_the_digest_time(team, digest_at_seven):
    approve_need(team)
    mail.outbox.clear()
    assert notification_mail.send_digests(datetime(2026, 12, 2, 6, 59, tzinfo=CPH)) == 0
    assert mail.outbox == []


def test_one_digest_per_person_and_day_even_when_run_twice(team, digest_at_seven):
    approve_need(team)
    mail.outbox.clear()
    waiting = Delivery.objects.filter(notification__kind=Kind.STAGE_APPROVED)
    people = set(waiting.values_list("notification__recipient__username", flat=True))
    assert "consultant" not in people and "clinician" in people

    morning = datetime(2026, 12, 2, 7, 5, tzinfo=CPH)
    assert notification_mail.send_digests(morning) == len(people)
    assert notification_mail.send_digests(morning) == 0
    assert len(mail.outbox) == len(people)
    assert set(waiting.values_list("status", flat=True)) == {"sent"}
    [clinician_mail] = [m for m in mail.outbox if m.to == ["clinician@example.org"]]
    assert clinician_mail.subject.startswith("Dit daglige overblik")
    assert "“Afklar behov” er godkendt i Testprojekt" in clinician_mail.body
    assert Digest.objects.filter(day="2026-12-02").count() == len(people)


def test_news_after_todays_digest_waits_for_tomorrow(team, digest_at_seven):
    approve_need(team)
    notification_mail.send_digests(datetime(2026, 12, 2, 7, 5, tzinfo=CPH))
    mail.outbox.clear()
    # Another piece of news for the clinician, after the morning's digest.
    perform_transition(
        project=team.reload(),
        action=Action.RETURNED,
        by=team.consultant,
        comment="Tilbage.",
        target="need",
    )
    from notifications.models import Preference

    Delivery.objects.filter(notification__kind=Kind.STAGE_RETURNED).update(channel="digest")
    assert notification_mail.send_digests(datetime(2026, 12, 2, 15, 0, tzinfo=CPH)) == 0
    assert notification_mail.send_digests(datetime(2026, 12, 3, 7, 1, tzinfo=CPH)) == 1
    assert len(mail.outbox) == 1
    assert Preference.objects.count() == 0


def test_no_digest_when_there_is_nothing(team, digest_at_seven):
    Delivery.objects.all().delete()
    mail.outbox.clear()
    assert notification_mail.send_digests(datetime(2026, 12, 2, 8, 0, tzinfo=CPH)) == 0
    assert mail.outbox == []
    assert not Digest.objects.exists()


def test_the_command_runs_twice_and_sends_once(team, settings):
    settings.NOTIFICATIONS_DIGEST_TIME = time(0, 0)
    approve_need(team)
    mail.outbox.clear()
    call_command("send_digests")
    first = len(mail.outbox)
    call_command("send_digests")
    assert first > 0
    assert len(mail.outbox) == first
