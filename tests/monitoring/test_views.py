"""The monitoring views' wiring: 405 for GET on a POST view, 404 for an outsider, 403 for a
member without the role, the happy paths (the service ran), CSRF-protected forms, the pages and
the Word notice."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse

from monitoring.models import Incident, MonitoringPlan, PeriodData
from tests.monitoring.conftest import counts
from tests.monitoring.test_services import _drift


def _url(name, team, *args):
    return reverse(f"monitoring:{name}", args=[team.project.pk, *args])


@pytest.fixture
def incident(planned):
    _drift(planned, months=range(1, 5), by=planned.clinician)
    return Incident.objects.get()


POST_VIEWS = ["plan_propose", "period_add", "upload"]


@pytest.mark.parametrize("name", POST_VIEWS)
def test_get_on_a_post_view_is_405(client, planned, name):
    client.force_login(planned.ai_competence)
    assert client.get(_url(name, planned)).status_code == 405


@pytest.mark.parametrize("name", ["page", *POST_VIEWS])
def test_outsiders_get_404(client, planned, name):
    for person in (planned.outsider, planned.foreigner):
        client.force_login(person)
        method = client.get if name == "page" else client.post
        assert method(_url(name, planned)).status_code == 404


def test_anonymous_is_sent_to_log_in(client, planned):
    response = client.get(_url("page", planned))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("name", POST_VIEWS)
def test_readers_get_403_and_nothing_is_written(client, planned, name):
    client.force_login(planned.lawyer)
    response = client.post(_url(name, planned), {"period": "2025-01", **counts()})
    assert response.status_code == 403
    assert not PeriodData.objects.exists()
    assert MonitoringPlan.objects.count() == 1


def test_the_page_shows_plan_status_and_forms(client, planned):
    _drift(planned, months=range(1, 5))
    client.force_login(planned.ai_competence)
    response = client.get(_url("page", planned))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-metric="sensitivity"' in html and 'data-status="alarm"' in html
    assert "<svg" in html and "csrfmiddlewaretoken" in html
    assert 'id="monitoring-sensitivity-title"' in html
    # the data table for screen readers
    assert '<th scope="row">2025-04</th>' in html


def test_propose_and_approve_through_the_views(client, mteam):
    client.force_login(mteam.ai_competence)
    data = {
        "source": "classification",
        "period": "month",
        "first_period": "2025-01",
        "grace_days": "15",
        "target_arl": "100",
        "agreed_actions": "Gennemgå sager.",
        "use_sensitivity": "on",
        "baseline_sensitivity": "0,85",
        "minimum_sensitivity": "0,75",
    }
    response = client.post(_url("plan_propose", mteam), data)
    assert response.status_code == 302
    plan = MonitoringPlan.objects.get()
    assert plan.metrics.get().baseline == Decimal("0.85")
    # the proposer sees no approve button; a consultant approves
    client.force_login(mteam.consultant)
    assert client.post(_url("plan_approve", mteam, plan.pk)).status_code == 302
    assert MonitoringPlan.objects.get().is_approved
    client.force_login(mteam.ai_competence)
    assert client.post(_url("plan_approve", mteam, plan.pk)).status_code == 403


def test_period_form_saves_and_refuses_bad_figures(client, planned):
    client.force_login(planned.ai_competence)
    bad = {"period": "2025-01", **counts(), "n": "5"}
    response = client.post(_url("period_add", planned), bad, follow=True)
    assert not PeriodData.objects.exists()
    assert "er 5, men" in response.content.decode()  # the page speaks Danish
    response = client.post(_url("period_add", planned), {"period": "2025-01", **counts()})
    assert response.status_code == 302 and PeriodData.objects.count() == 1


def test_bad_upload_writes_nothing_and_names_the_row(client, planned):
    client.force_login(planned.ai_competence)
    data = b"period;n;tp;fp;tn;fn\n2025-01;400;170;40;160;30\n2025-02;400;170;40;160;xx\n"
    upload = io.BytesIO(data)
    upload.name = "perioder.csv"
    response = client.post(_url("upload", planned), {"file": upload}, follow=True)
    assert "række 3, kolonne fn" in response.content.decode()
    assert not PeriodData.objects.exists()


def test_incident_page_and_the_four_eyes_decision(client, planned, incident):
    url = _url("incident", planned, incident.pk)
    client.force_login(planned.consultant)
    html = client.get(url).content.decode()
    assert "Endnu ikke vurderet" in html and _url("decide", planned, incident.pk) not in html
    # a consultant may not assess
    assert (
        client.post(_url("assess", planned, incident.pk), {"assessment": "x" * 20}).status_code
        == 403
    )
    client.force_login(planned.ai_competence)
    client.post(_url("assess", planned, incident.pk), {"assessment": "Ny scanner i marts."})
    assert Incident.objects.get().assessed_by == planned.ai_competence
    assert (
        client.post(
            _url("decide", planned, incident.pk), {"decision": "continue", "reason": "Ok"}
        ).status_code
        == 403
    )
    client.force_login(planned.consultant)
    assert _url("decide", planned, incident.pk) in client.get(url).content.decode()
    client.post(
        _url("decide", planned, incident.pk), {"decision": "restrict", "reason": "Kun dagtid."}
    )
    assert Incident.objects.get().decision == "restrict"


def test_the_notice_is_a_word_file_filled_from_the_incident(client, planned, incident):
    from docx import Document

    client.force_login(planned.lawyer)  # every member may read it
    response = client.get(_url("notice", planned, incident.pk))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "2025-04" in text and "art. 26, stk. 5" in text
    client.force_login(planned.outsider)
    assert client.get(_url("notice", planned, incident.pk)).status_code == 404


def test_dashboard_shows_the_open_incident_and_what_now(client, planned, incident):
    client.force_login(planned.ai_competence)
    html = client.get(reverse("dashboard")).content.decode()
    assert "1 åben hændelse" in html
    assert 'data-next-step="urgent"' in html and "Vurdér monitoreringsalarmen" in html
    client.force_login(planned.consultant)
    html = client.get(reverse("dashboard")).content.decode()
    assert "1 åben hændelse" in html and "Vurdér monitoreringsalarmen" not in html


def test_project_page_what_now_names_the_incident(client, planned, incident):
    client.force_login(planned.ai_competence)
    html = client.get(reverse("project_detail", args=[planned.project.pk])).content.decode()
    assert 'data-next-step="urgent"' in html
    assert 'id="tool-monitoring"' in html
