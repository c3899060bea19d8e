"""Each event reaches exactly the right people, once, by their chosen channel and language."""

import pytest
from django.core import mail

from notifications.models import Channel, Delivery, Kind, Notification, Preference
from procurement import journal, services
from procurement.models import Action
from procurement.transitions import perform_transition, request_approval
from tests.personas import answer, complete_need, move_to

pytestmark = pytest.mark.django_db


def told(kind):
    return sorted(
        Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True)
    )


def mailed_to(kind=None):
    return sorted(address for message in mail.outbox for address in message.to)


def test_approval_requested_tells_the_consultants_except_the_requester(
    team, django_capture_on_commit_callbacks
):
    complete_need(team)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        request_approval(project=team.reload(), by=team.consultant)
    assert told(Kind.APPROVAL_REQUESTED) == ["consultant2"]
    assert mailed_to() == ["consultant2@example.org"]
    notification = Notification.objects.get(kind=Kind.APPROVAL_REQUESTED)
    assert notification.link == f"/projects/{team.project.pk}/stages/need/#gate-panel"


def test_approval_requested_by_the_owner_tells_both_consultants(
    team, django_capture_on_commit_callbacks
):
    complete_need(team)
    with django_capture_on_commit_callbacks(execute=True):
        request_approval(project=team.reload(), by=team.clinician)
    assert told(Kind.APPROVAL_REQUESTED) == ["consultant", "consultant2"]
    assert mailed_to() == ["consultant2@example.org", "consultant@example.org"]


def test_returned_tells_the_owner_with_the_reason(team, django_capture_on_commit_callbacks):
    move_to(team, "legal")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        perform_transition(
            project=team.reload(),
            action=Action.RETURNED,
            by=team.consultant,
            comment="Behovet er ikke beskrevet godt nok.",
            target="need",
        )
    assert told(Kind.STAGE_RETURNED) == ["clinician"]
    [message] = mail.outbox
    assert message.to == ["clinician@example.org"]
    assert "Behovet er ikke beskrevet godt nok." in message.body
    assert "Afklar behov" in message.subject


def test_stopped_tells_the_owner_with_the_reason(team, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        perform_transition(
            project=team.reload(), action=Action.STOPPED, by=team.consultant, comment="Ingen penge."
        )
    assert told(Kind.PROJECT_STOPPED) == ["clinician"]
    [message] = mail.outbox
    assert "Ingen penge." in message.body


def test_signoff_needed_tells_the_role_holders_when_someone_else_answers(
    team, django_capture_on_commit_callbacks
):
    move_to(team, "legal")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answer(team, "legal.hosting", "eu_cloud", by=team.clinician)
    assert told(Kind.SIGNOFF_NEEDED) == ["it_architect"]
    [message] = mail.outbox
    assert message.to == ["it_architect@example.org"]
    item = team.item("legal.hosting")
    link = Notification.objects.get(kind=Kind.SIGNOFF_NEEDED).link
    assert link == f"/projects/{team.project.pk}/stages/legal/#item-{item.pk}"


def test_no_signoff_request_when_the_role_holder_answers(team, django_capture_on_commit_callbacks):
    move_to(team, "legal")
    with django_capture_on_commit_callbacks(execute=True):
        answer(team, "legal.hosting", "eu_cloud", by=team.it_architect)
    assert told(Kind.SIGNOFF_NEEDED) == []


def test_a_second_save_does_not_ask_again_while_the_request_is_unread(team):
    move_to(team, "legal")
    answer(team, "legal.hosting", "eu_cloud", by=team.clinician)
    answer(team, "legal.hosting", "on_premises", by=team.clinician)
    assert told(Kind.SIGNOFF_NEEDED) == ["it_architect"]


def test_evidence_upload_asks_the_lawyer(team):
    from tests.personas import pdf_upload

    move_to(team, "legal")
    answer(team, "legal.personal_data", "yes", by=team.lawyer)
    answer(team, "legal.dpia", by=team.clinician, upload=pdf_upload())
    assert told(Kind.SIGNOFF_NEEDED) == ["lawyer"]


def test_member_added_tells_the_added_person_with_the_role(
    team, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.add_member(
            project=team.project, by=team.clinician, user=team.outsider, role="lawyer"
        )
    assert told(Kind.MEMBER_ADDED) == sorted(
        ["consultant", "consultant2", "lawyer", "it_architect", "procurement", "ai_competence"]
        + ["outsider"]
    )
    outsider_mail = [m for m in mail.outbox if m.to == ["outsider@example.org"]]
    assert len(outsider_mail) == 1
    assert "jurist" in outsider_mail[0].subject


def test_outsider_foreigner_and_admin_are_never_told(team):
    complete_need(team)
    request_approval(project=team.reload(), by=team.clinician)
    perform_transition(project=team.reload(), action=Action.APPROVED, by=team.consultant)
    answer(team, "legal.hosting", "eu_cloud", by=team.clinician)
    perform_transition(
        project=team.reload(), action=Action.STOPPED, by=team.consultant, comment="Stop."
    )
    for user in (team.outsider, team.foreigner, team.admin):
        assert not Notification.objects.filter(recipient=user).exists()


def test_a_deactivated_member_gets_nothing(team, django_capture_on_commit_callbacks):
    team.consultant2.is_active = False
    team.consultant2.save()
    complete_need(team)
    with django_capture_on_commit_callbacks(execute=True):
        request_approval(project=team.reload(), by=team.clinician)
    assert told(Kind.APPROVAL_REQUESTED) == ["consultant"]
    assert mailed_to() == ["consultant@example.org"]


def test_the_person_acting_is_not_told(team):
    move_to(team, "legal")
    perform_transition(
        project=team.reload(),
        action=Action.RETURNED,
        by=team.consultant,
        comment="Igen.",
        target="need",
    )
    returned = Notification.objects.filter(kind=Kind.STAGE_RETURNED)
    assert list(returned.values_list("recipient", flat=True)) == [team.clinician.pk]
    assert not returned.filter(recipient=team.consultant).exists()


def test_a_change_that_rolls_back_tells_nobody(team, django_capture_on_commit_callbacks):
    from django.db import transaction

    complete_need(team)
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            request_approval(project=team.reload(), by=team.clinician)
            raise RuntimeError("boom")
    assert told(Kind.APPROVAL_REQUESTED) == []
    assert mail.outbox == []


def test_each_chosen_channel(team, django_capture_on_commit_callbacks):
    Preference.objects.create(user=team.consultant, kind=Kind.APPROVAL_REQUESTED, channel="app")
    Preference.objects.create(
        user=team.consultant2, kind=Kind.APPROVAL_REQUESTED, channel=Channel.DIGEST
    )
    complete_need(team)
    with django_capture_on_commit_callbacks(execute=True):
        request_approval(project=team.reload(), by=team.clinician)
    assert told(Kind.APPROVAL_REQUESTED) == ["consultant", "consultant2"]
    assert mail.outbox == []
    [delivery] = Delivery.objects.all()
    assert delivery.notification.recipient == team.consultant2
    assert delivery.channel == Channel.DIGEST
    assert delivery.status == Delivery.Status.PENDING


def test_mail_in_the_recipients_language(team, django_capture_on_commit_callbacks):
    team.consultant2.language = "en"
    team.consultant2.save()
    complete_need(team)
    with django_capture_on_commit_callbacks(execute=True):
        request_approval(project=team.reload(), by=team.clinician)
    by_address = {m.to[0]: m for m in mail.outbox}
    english = by_address["consultant2@example.org"]
    danish = by_address["consultant@example.org"]
    assert "asks for approval" in english.subject
    assert "Clarify the need" in english.subject
    assert english.extra_headers["Content-Language"] == "en"
    assert "beder om godkendelse" in danish.subject
    assert "Afklar behov" in danish.subject
    assert danish.extra_headers["Content-Language"] == "da"
    html = danish.alternatives[0][0]
    assert 'lang="da"' in html
    assert "http://testserver/notifications/preferences/" in danish.body or (
        "/notifications/preferences/" in danish.body
    )


def test_the_same_event_delivered_twice_sends_one_mail(team, django_capture_on_commit_callbacks):
    """A second worker (or a retried job) given the same delivery finds it claimed."""
    from notifications.mail import send_delivery

    complete_need(team)
    with django_capture_on_commit_callbacks(execute=True):
        request_approval(project=team.reload(), by=team.clinician)
    assert len(mail.outbox) == 2
    for delivery in Delivery.objects.all():
        assert send_delivery(delivery.pk) is False
        assert send_delivery(delivery.pk, retry=True) is False
    assert len(mail.outbox) == 2
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}


def test_the_listener_run_twice_for_one_entry_writes_once(team):
    from notifications.routing import on_journal_entry
    from procurement.models import HistoryEntry

    complete_need(team)
    request_approval(project=team.reload(), by=team.clinician)
    entry = HistoryEntry.objects.get(action=Action.APPROVAL_REQUESTED)
    on_journal_entry(entry)
    assert Notification.objects.filter(kind=Kind.APPROVAL_REQUESTED).count() == 2
    assert Delivery.objects.count() == 2


def test_a_failed_send_is_retried_by_the_cron_command(
    team, django_capture_on_commit_callbacks, monkeypatch
):
    from django.core.management import call_command

    from notifications import mail as notification_mail

    def fail(self, fail_silently=False):
        raise OSError("SMTP down")

    complete_need(team)
    with monkeypatch.context() as patched:
        patched.setattr("django.core.mail.EmailMultiAlternatives.send", fail)
        with django_capture_on_commit_callbacks(execute=True):
            request_approval(project=team.reload(), by=team.clinician)
    assert mail.outbox == []
    assert set(Delivery.objects.values_list("status", flat=True)) == {"failed"}
    call_command("send_digests")
    call_command("send_digests")
    assert len(mail.outbox) == 2
    assert notification_mail.MAX_ATTEMPTS >= 2


def test_monitoring_alarm_reaches_the_plans_recipients(team, django_capture_on_commit_callbacks):
    """A synthetic alarm, as the monitoring check will journal it."""
    from django.db import transaction

    move_to(team, "monitoring")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        journal.record(
            project=team.reload(),
            action="monitoring_alarm",
            by=None,
            subject="sensitivity",
            after={
                "metric": "sensitivity",
                "period": "2026-11",
                "rule": "CUSUM",
                "link": f"/projects/{team.project.pk}/incidents/1/",
                "recipients": [team.ai_competence.pk, team.outsider.pk],
            },
        )
    assert told(Kind.MONITORING_ALARM) == ["ai_competence"]
    [message] = mail.outbox
    assert "sensitivity" in message.subject
    assert f"/projects/{team.project.pk}/incidents/1/" in message.body


def test_monitoring_alarm_without_named_recipients_goes_to_the_default_roles(team):
    from django.db import transaction

    with transaction.atomic():
        journal.record(
            project=team.reload(),
            action="monitoring_alarm",
            by=None,
            after={"metric": "ppv", "period": "2026-11", "rule": "Shewhart", "link": "//evil"},
        )
    assert told(Kind.MONITORING_ALARM) == [
        "ai_competence",
        "clinician",
        "consultant",
        "consultant2",
    ]
    link = Notification.objects.filter(kind=Kind.MONITORING_ALARM).first().link
    assert link == f"/projects/{team.project.pk}/stages/need/"


def test_stage_approved_goes_to_the_digest_by_default(team):
    complete_need(team)
    request_approval(project=team.reload(), by=team.clinician)
    perform_transition(project=team.reload(), action=Action.APPROVED, by=team.consultant)
    assert "consultant" not in told(Kind.STAGE_APPROVED)
    assert "clinician" in told(Kind.STAGE_APPROVED)
    assert set(
        Delivery.objects.filter(notification__kind=Kind.STAGE_APPROVED).values_list(
            "channel", flat=True
        )
    ) == {Channel.DIGEST}


def test_signing_settles_the_request_and_a_new_answer_asks_again(team):
    move_to(team, "legal")
    answer(team, "legal.hosting", "eu_cloud", by=team.clinician)
    services.sign_off(project=team.reload(), item=team.item("legal.hosting"), by=team.it_architect)
    request = Notification.objects.get(kind=Kind.SIGNOFF_NEEDED)
    assert request.is_read
    answer(team, "legal.hosting", "on_premises", by=team.clinician)
    assert Notification.objects.filter(kind=Kind.SIGNOFF_NEEDED, read_at=None).count() == 1
