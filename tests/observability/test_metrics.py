"""/metrics: closed (404) unless a token or an allow-list is set, 403 for anyone else, and the
figures an operator needs: requests per view, dossier jobs and their durations, monitoring
alarms, failed logins."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dossier.models import DossierRequest
from procurement import journal
from procurement.models import Action

TOKEN = "s3cret-token-for-the-scraper"  # noqa: S105


def scrape(client, **headers):
    return client.get("/metrics", **headers)


def value(text: str, line_start: str) -> float:
    for line in text.splitlines():
        if line.startswith(line_start + " "):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{line_start} not in the metrics")


@pytest.mark.django_db
def test_closed_without_a_token_or_an_allow_list(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_IPS = []
    assert scrape(client).status_code == 404
    assert scrape(client, HTTP_AUTHORIZATION="Bearer ").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "authorization",
    ["", "Bearer wrong", f"Basic {TOKEN}", f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}"],
)
def test_a_wrong_token_is_403(client, settings, authorization):
    settings.METRICS_TOKEN = TOKEN
    response = scrape(client, HTTP_AUTHORIZATION=authorization)
    assert response.status_code == 403
    assert b"guide_" not in response.content


@pytest.mark.django_db
def test_the_token_opens_it(client, settings):
    settings.METRICS_TOKEN = TOKEN
    response = scrape(client, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "guide_dossier_jobs" in response.content.decode()


@pytest.mark.django_db
def test_the_allow_list_opens_it_for_listed_addresses_only(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_IPS = ["10.0.0.5"]
    assert scrape(client, REMOTE_ADDR="10.0.0.5").status_code == 200
    assert scrape(client, REMOTE_ADDR="10.0.0.6").status_code == 403
    # A client cannot claim an address: without trusted proxies the header is ignored.
    claimed = scrape(client, REMOTE_ADDR="10.0.0.6", HTTP_X_FORWARDED_FOR="10.0.0.5")
    assert claimed.status_code == 403


@pytest.mark.django_db
def test_metrics_are_only_read_with_get(client, settings):
    settings.METRICS_TOKEN = TOKEN
    assert client.post("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 405


def test_requests_per_view_dossier_jobs_alarms_and_failed_logins(client, settings, team):
    settings.METRICS_TOKEN = TOKEN
    auth = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}
    before = scrape(client, **auth).content.decode()
    view_line = (
        'django_http_requests_latency_seconds_by_view_method_count{method="GET",view="healthz"}'
    )
    requests_before = value(before, view_line) if view_line in before else 0
    logins_before = value(before, "guide_failed_logins_total")

    client.get("/healthz")
    client.get("/healthz")
    client.post(reverse("login"), {"username": team.clinician.username, "password": "wrong"})
    now = timezone.now()
    DossierRequest.objects.create(
        project=team.project, number=1, language="da", status="done",
        started_at=now - timedelta(seconds=3), finished_at=now,
    )  # fmt: skip
    DossierRequest.objects.create(
        project=team.project, number=2, language="da", status="failed",
        started_at=now - timedelta(seconds=45), finished_at=now,
    )  # fmt: skip
    DossierRequest.objects.create(project=team.project, number=3, language="da", status="queued")
    journal.record(project=team.project, action=Action.MONITORING_ALARM, by=None, subject="AUC")

    text = scrape(client, **auth).content.decode()
    assert value(text, view_line) == requests_before + 2
    assert value(text, "guide_failed_logins_total") == logins_before + 1
    assert value(text, 'guide_dossier_jobs{status="queued"}') == 1
    assert value(text, 'guide_dossier_jobs{status="running"}') == 0
    assert value(text, 'guide_dossier_job_seconds_count{outcome="done"}') == 1
    assert value(text, 'guide_dossier_job_seconds_bucket{le="2.0",outcome="done"}') == 0
    assert value(text, 'guide_dossier_job_seconds_bucket{le="5.0",outcome="done"}') == 1
    assert value(text, 'guide_dossier_job_seconds_sum{outcome="failed"}') == pytest.approx(45)
    assert value(text, 'guide_dossier_job_seconds_bucket{le="30.0",outcome="failed"}') == 0
    assert value(text, 'guide_dossier_job_seconds_bucket{le="60.0",outcome="failed"}') == 1
    assert value(text, "guide_monitoring_alarms_total") == 1
    # Nothing personal: no username in the metrics.
    assert team.clinician.username not in text
