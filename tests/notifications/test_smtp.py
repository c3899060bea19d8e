"""One real SMTP conversation: the app's mail through Django's SMTP backend to a local server."""

import email
import socket
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller

from procurement.transitions import request_approval
from tests.personas import complete_need

pytestmark = pytest.mark.django_db


class Recorder:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port())
    controller.start()
    # pytest-django forces the in-memory backend; this test wants the real one.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.DEFAULT_FROM_EMAIL = "guide@region.example"
    settings.SITE_URL = "https://guide.region.example"
    yield recorder
    controller.stop()


def test_mail_arrives_over_smtp_in_both_languages(
    team, smtp_server, django_capture_on_commit_callbacks
):
    team.consultant2.language = "en"
    team.consultant2.save()
    complete_need(team)
    with django_capture_on_commit_callbacks(execute=True):
        request_approval(project=team.reload(), by=team.clinician)

    received = {}
    for envelope in smtp_server.envelopes:
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        [recipient] = envelope.rcpt_tos
        received[recipient] = message
    assert set(received) == {"consultant@example.org", "consultant2@example.org"}

    danish = received["consultant@example.org"]
    english = received["consultant2@example.org"]
    for message in (danish, english):
        assert message["From"] == "guide@region.example"
        assert message["Auto-Submitted"] == "auto-generated"
        assert message["List-Unsubscribe"] == (
            "<https://guide.region.example/notifications/preferences/>"
        )
        assert message["Message-ID"]
        assert message.is_multipart()
        text = message.get_body(preferencelist=("plain",)).get_content()
        html = message.get_body(preferencelist=("html",)).get_content()
        link = f"https://guide.region.example/projects/{team.project.pk}/stages/need/#gate-panel"
        assert link in text
        assert link in html
        assert "https://guide.region.example/notifications/preferences/" in text

    assert danish["Content-Language"] == "da"
    assert (
        danish["Subject"].strip()
        == "Clinician beder om godkendelse af “Afklar behov” i Testprojekt"
    )
    assert "Kære Consultant" in danish.get_body(preferencelist=("plain",)).get_content()
    assert english["Content-Language"] == "en"
    assert (
        english["Subject"].strip()
        == "Clinician asks for approval of “Clarify the need” in Testprojekt"
    )
    assert "Dear Consultant2" in english.get_body(preferencelist=("plain",)).get_content()
