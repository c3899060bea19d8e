"""The bell, the list, read marks and preferences: each person sees and changes only their own."""

import pytest

from notifications.models import Kind, Notification, Preference
from procurement.transitions import request_approval
from tests.personas import complete_need

pytestmark = pytest.mark.django_db


@pytest.fixture
def requested(team):
    complete_need(team)
    request_approval(project=team.reload(), by=team.clinician)
    return Notification.objects.get(kind=Kind.APPROVAL_REQUESTED, recipient=team.consultant)


def test_bell_shows_the_unread_count(client, team, requested):
    client.force_login(team.consultant)
    unread = Notification.objects.filter(recipient=team.consultant, read_at=None).count()
    page = client.get("/").content.decode()
    assert 'href="/notifications/"' in page
    assert f"{unread} ulæst" in page


def test_list_shows_only_my_notifications(client, team, requested):
    client.force_login(team.consultant)
    response = client.get("/notifications/")
    assert response.status_code == 200
    rows = [notification for notification, _wording in response.context["rows"]]
    assert requested in rows
    assert all(row.recipient == team.consultant for row in rows)
    assert "beder om godkendelse" in response.content.decode()


def test_open_marks_read_and_goes_to_the_place(client, team, requested):
    client.force_login(team.consultant)
    response = client.post(f"/notifications/{requested.pk}/open/")
    assert response.status_code == 302
    assert response["Location"] == requested.link
    requested.refresh_from_db()
    assert requested.is_read


def test_someone_elses_notification_is_404(client, team, requested):
    client.force_login(team.consultant2)
    assert client.post(f"/notifications/{requested.pk}/open/").status_code == 404
    assert client.post(f"/notifications/{requested.pk}/read/").status_code == 404
    requested.refresh_from_db()
    assert not requested.is_read


def test_state_changes_need_post(client, team, requested):
    client.force_login(team.consultant)
    assert client.get(f"/notifications/{requested.pk}/open/").status_code == 405
    assert client.get(f"/notifications/{requested.pk}/read/").status_code == 405
    assert client.get("/notifications/read-all/").status_code == 405


def test_anonymous_is_sent_to_login(client):
    response = client.get("/notifications/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_mark_one_and_all_read(client, team, requested):
    client.force_login(team.consultant)
    client.post(f"/notifications/{requested.pk}/read/")
    requested.refresh_from_db()
    assert requested.is_read
    assert Notification.objects.filter(recipient=team.consultant, read_at=None).exists()
    client.post("/notifications/read-all/")
    assert not Notification.objects.filter(recipient=team.consultant, read_at=None).exists()
    assert Notification.objects.filter(recipient=team.consultant2, read_at=None).exists()


def test_preferences_are_saved_per_kind_with_the_language(client, team):
    client.force_login(team.lawyer)
    page = client.get("/notifications/preferences/")
    assert page.status_code == 200
    data = {kind: "immediate" for kind in page.context["form"].fields if kind != "language"}
    data.update(signoff_needed="digest", stage_approved="app", language="en")
    response = client.post("/notifications/preferences/", data)
    assert response.status_code == 302
    chosen = dict(Preference.objects.filter(user=team.lawyer).values_list("kind", "channel"))
    assert chosen["signoff_needed"] == "digest"
    assert chosen["stage_approved"] == "app"
    team.lawyer.refresh_from_db()
    assert team.lawyer.language == "en"


def test_bad_preference_changes_nothing(client, team):
    client.force_login(team.lawyer)
    response = client.post("/notifications/preferences/", {"signoff_needed": "pigeon"})
    assert response.status_code == 200
    assert not Preference.objects.filter(user=team.lawyer).exists()
