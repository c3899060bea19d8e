"""Asking is throttled per signed-in person and, for people not signed in, per client address:
over the limit the answer is a 429 with a plain Danish (or English) message, and nothing is
answered or logged."""

import pytest
from django.core.cache import caches
from django.db import DatabaseError
from django.test import Client, RequestFactory

from assistant.models import QuestionLog
from assistant.throttle import WINDOW_SECONDS, allow_question

pytestmark = pytest.mark.django_db
ASK = "/ask/"
HTMX = {"HTTP_HX_REQUEST": "true"}
WAIT_DA = "Du har stillet mange spørgsmål på kort tid. Vent et minut, og prøv igen."


@pytest.fixture
def limits(settings, monkeypatch):
    # one moment inside a minute, so that no test's requests straddle two windows
    monkeypatch.setattr("assistant.throttle._now", lambda: 1_000_040.0)
    settings.ASSISTANT_QUESTIONS_PER_MINUTE = 2
    settings.ASSISTANT_QUESTIONS_PER_MINUTE_PER_ADDRESS = 1
    return settings


def test_a_person_over_the_limit_gets_a_danish_429_and_nothing_is_logged(limits, team, shipped):
    client = Client()
    client.force_login(team.clinician)
    for _ in range(2):
        assert client.post(ASK, {"q": "Skal vi lave en DPIA?"}, **HTMX).status_code == 200
    response = client.post(ASK, {"q": "Skal vi lave en DPIA?"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 429 and WAIT_DA in html and "<html" not in html
    assert response["Retry-After"] == "40"  # the minute's remaining seconds
    assert "legal.dpia_done" not in html  # not answered
    assert QuestionLog.objects.count() == 2  # not logged
    # the page without JavaScript says the same, and keeps the question box
    page = client.post(ASK, {"q": "Skal vi lave en DPIA?"})
    assert page.status_code == 429 and WAIT_DA in page.content.decode()
    assert 'role="search"' in page.content.decode()
    # the limit is the person's: a colleague asks on
    colleague = Client()
    colleague.force_login(team.consultant)
    assert colleague.post(ASK, {"q": "Skal vi lave en DPIA?"}, **HTMX).status_code == 200


def test_the_message_is_in_english_for_english_readers(limits, team, shipped):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(team.clinician)
    for _ in range(3):
        response = client.post(ASK, {"q": "DPIA"}, **HTMX)
    assert response.status_code == 429
    assert "You have asked many questions in a short time." in response.content.decode()


def test_people_not_signed_in_are_counted_per_address(limits, shipped):
    first, second = Client(REMOTE_ADDR="10.0.0.1"), Client(REMOTE_ADDR="10.0.0.2")
    assert first.post(ASK, {"q": "DPIA"}, **HTMX).status_code == 200
    assert first.post(ASK, {"q": "DPIA"}, **HTMX).status_code == 429
    assert second.post(ASK, {"q": "DPIA"}, **HTMX).status_code == 200
    # showing the empty question page is not asking
    assert first.get(ASK).status_code == 200


def test_the_next_minute_starts_afresh(limits, team):
    request = RequestFactory().post(ASK)
    request.user = team.clinician
    start = 1_000_020.0  # inside one window
    assert allow_question(request, now=start) and allow_question(request, now=start + 1)
    assert not allow_question(request, now=start + 2)
    assert allow_question(request, now=start + WINDOW_SECONDS)


def test_a_limit_of_zero_switches_the_throttle_off(limits, team):
    limits.ASSISTANT_QUESTIONS_PER_MINUTE = 0
    request = RequestFactory().post(ASK)
    request.user = team.clinician
    assert all(allow_question(request, now=5_000_000.0) for _ in range(10))


def test_an_unreachable_counter_lets_the_question_through(limits, team, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise DatabaseError("no such table: throttle_cache")

    monkeypatch.setattr(type(caches["throttle"]), "add", broken)
    request = RequestFactory().post(ASK)
    request.user = team.clinician
    assert all(allow_question(request) for _ in range(3))
    assert "throttle" in caplog.text
