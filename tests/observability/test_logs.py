"""JSON log lines with the request id, user id, project id and duration; the request id taken
from a well-formed X-Request-ID or made, and returned; nothing personal in the lines."""

import json
import logging
import sys

import pytest
from django.urls import reverse

from observability.logs import JsonFormatter, RequestContextFilter


@pytest.fixture
def lines(caplog):
    """The request log's records, formatted as in production."""
    caplog.set_level(logging.INFO, logger="guide.request")
    formatter = JsonFormatter()
    context = RequestContextFilter()

    def formatted():
        out = []
        for record in caplog.records:
            if record.name == "guide.request":
                out.append(json.loads(formatter.format(record)))
        return out

    caplog.handler.addFilter(context)
    return formatted


def test_a_project_page_logs_ids_and_duration_but_no_names(client, team, lines):
    client.force_login(team.clinician)
    response = client.get(reverse("project_detail", args=[team.project.pk]))
    assert response.status_code == 200
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    (line,) = [line for line in lines() if line.get("view") == "project_detail"]
    assert line["request_id"] == request_id
    assert line["user_id"] == team.clinician.pk
    assert line["project_id"] == team.project.pk
    assert line["status"] == 200 and line["method"] == "GET"
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["level"] == "INFO" and line["time"].endswith("+00:00")
    text = json.dumps(line)
    for personal in (team.clinician.username, team.clinician.email, team.clinician.first_name):
        assert not personal or personal not in text


@pytest.mark.parametrize(
    ("offered", "kept"),
    [
        ("lb-5f2c9a11-7d3e-4c1b-9e7a-1b2c3d4e5f60", True),
        ("abc:def.123_4-5", True),
        ("short", False),
        ("has space in it", False),
        ("x" * 129, False),
        ("<script>alert(1)</script>", False),
        ("name=Jens Hansen", False),
    ],
)
def test_the_request_id_is_kept_only_when_well_formed(client, db, offered, kept):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=offered)
    assert (response["X-Request-ID"] == offered) is kept
    if not kept:
        assert len(response["X-Request-ID"]) == 32


def test_two_requests_get_two_ids(client, db):
    assert client.get("/healthz")["X-Request-ID"] != client.get("/healthz")["X-Request-ID"]


def test_the_formatter_writes_one_json_object_with_the_exception(db):
    formatter = JsonFormatter()
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord(
            "x", logging.ERROR, __file__, 1, "failed %s", ("job",), sys.exc_info()
        )
    RequestContextFilter().filter(record)
    line = formatter.format(record)
    assert "\n" not in line.replace("\\n", "")
    data = json.loads(line)
    assert data["message"] == "failed job" and "ValueError: boom" in data["exception"]
    assert "request_id" not in data  # outside a request


def test_json_is_the_production_default(monkeypatch):
    """DEBUG off without LOG_FORMAT: JSON lines; LOG_FORMAT=text switches them off."""
    import importlib

    import config.settings as module

    monkeypatch.setenv("DJANGO_DEBUG", "0")
    monkeypatch.setenv("DJANGO_SECRET_KEY", "x" * 50)
    monkeypatch.delenv("LOG_FORMAT", raising=False)
    try:
        reloaded = importlib.reload(module)
        assert reloaded.LOGGING["handlers"]["console"]["formatter"] == "json"
        monkeypatch.setenv("LOG_FORMAT", "text")
        reloaded = importlib.reload(module)
        assert "formatter" not in reloaded.LOGGING["handlers"]["console"]
    finally:
        monkeypatch.undo()
        importlib.reload(module)
