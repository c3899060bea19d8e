"""The views' wiring: who may see (404 otherwise), who may change (403 otherwise), what the panel
shows, and the plots in the page."""

import xml.etree.ElementTree as ET

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.validation.helpers import (
    add_criterion,
    add_site,
    classification_file,
    csv_bytes,
    stage,
    upload,
)
from validation import services
from validation.models import Criterion, EvaluationSite, Override, ResultUpload

STAGE = "retrospective_validation"
SVG = "{http://www.w3.org/2000/svg}"


def url(team, name, *extra):
    return reverse(f"validation:{name}", args=[team.project.pk, STAGE, *extra])


def stage_page(team):
    return reverse("project_stage", args=[team.project.pk, STAGE])


def post_upload(client, team, site, file=None, **extra):
    data = {"site": site.pk, "kind": "classification", "file": file or classification_file(),
            "threshold": "0,3", **extra}  # fmt: skip
    return client.post(url(team, "upload"), data, HTTP_ACCEPT_LANGUAGE="en")


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


POST_ONLY = ["site_add", "criterion_add", "upload", "override"]


@pytest.mark.parametrize("name", POST_ONLY)
def test_get_is_not_allowed(vteam, client, name):
    client.force_login(vteam.clinician)
    assert client.get(url(vteam, name)).status_code == 405


@pytest.mark.parametrize("who", ["outsider", "foreigner"])
@pytest.mark.parametrize("name", POST_ONLY)
def test_people_outside_the_project_get_404(vteam, client, who, name):
    client.force_login(getattr(vteam, who))
    assert client.post(url(vteam, name), {}).status_code == 404


def test_outsiders_cannot_download_or_see_the_panel(vteam, client):
    result = upload(vteam, add_site(vteam))
    client.force_login(vteam.outsider)
    download = reverse("validation:upload_download", args=[vteam.project.pk, result.pk])
    assert client.get(download).status_code == 404
    assert client.get(stage_page(vteam)).status_code == 404


def test_a_stage_without_the_tool_has_no_validation(vteam, client):
    client.force_login(vteam.clinician)
    response = client.post(reverse("validation:site_add", args=[vteam.project.pk, "need"]), {})
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["lawyer", "procurement", "it_architect"])
def test_members_without_a_contributing_role_get_403(vteam, client, who):
    site = add_site(vteam)
    client.force_login(getattr(vteam, who))
    assert post_upload(client, vteam, site).status_code == 403
    site_data = {"name": "X", "kind": "hospital", "wave": 1}
    assert client.post(url(vteam, "site_add"), site_data).status_code == 403
    criterion = {"metric": "auroc", "direction": "ge", "threshold": "0,7", "judged_on": "bound"}
    assert client.post(url(vteam, "criterion_add"), criterion).status_code == 403
    assert not ResultUpload.objects.exists() and not Criterion.objects.exists()


def test_the_clinician_adds_a_site_a_criterion_and_uploads(vteam, client):
    client.force_login(vteam.clinician)
    response = client.post(
        url(vteam, "site_add"), {"name": "OUH", "kind": "hospital", "department": "", "wave": 2}
    )
    assert response.status_code == 302
    assert response["Location"] == stage_page(vteam) + "#tool-validation"
    site = EvaluationSite.objects.get(name="OUH", wave=2)
    criterion = {"metric": "auroc", "direction": "ge", "threshold": "0,7", "judged_on": "bound"}
    assert client.post(url(vteam, "criterion_add"), criterion).status_code == 302
    assert str(Criterion.objects.get().threshold) == "0.7000"
    response = post_upload(client, vteam, site)
    assert response.status_code == 302
    result = ResultUpload.objects.get()
    assert result.uploaded_by == vteam.clinician and str(result.threshold) == "0.300000"
    assert messages_of(response)[-1] == (
        "400 rows were imported for OUH and the results recomputed."
    )


def test_a_bad_upload_shows_the_row_and_imports_nothing(vteam, client):
    site = add_site(vteam)
    client.force_login(vteam.ai_competence)
    rows = [["a", 0.2, 1], ["b", 0.4, 3]]
    bad = SimpleUploadedFile("bad.csv", csv_bytes(["id", "score", "outcome"], rows))
    response = post_upload(client, vteam, site, file=bad)
    assert response.status_code == 302
    assert messages_of(response) == [
        "Nothing was imported. Correct the file and upload it again.",
        "row 3: outcome must be 0 or 1",
    ]
    assert not ResultUpload.objects.exists()


def test_changing_a_locked_criterion_without_a_reason_is_refused(vteam, client):
    criterion = add_criterion(vteam)
    upload(vteam, add_site(vteam))
    client.force_login(vteam.ai_competence)
    data = {"metric": "auroc", "direction": "ge", "threshold": "0,6", "judged_on": "bound"}
    response = client.post(url(vteam, "criterion_change", criterion.pk), data,
                           HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    assert messages_of(response) == [services.REASON_REQUIRED]
    assert Criterion.objects.count() == 1
    data["reason"] = "The protocol's threshold was mistyped."
    client.post(url(vteam, "criterion_change", criterion.pk), data)
    assert Criterion.objects.count() == 2


def test_override_and_sign_off_permissions(vteam, client):
    add_criterion(vteam, threshold="0.99")
    upload(vteam, add_site(vteam))
    justification = {"justification": "Second reader only; the threshold was set too high."}
    for who in ("clinician", "ai_competence", "lawyer"):
        client.force_login(getattr(vteam, who))
        assert client.post(url(vteam, "override"), justification).status_code == 403
    client.force_login(vteam.consultant)
    assert client.post(url(vteam, "override"), justification).status_code == 302
    override = Override.objects.get()
    sign_off = url(vteam, "override_sign_off", override.pk)
    assert client.get(sign_off).status_code == 405
    for who in ("consultant", "consultant2", "clinician"):
        client.force_login(getattr(vteam, who))
        assert client.post(sign_off).status_code == 403
    client.force_login(vteam.ai_competence)
    assert client.post(sign_off).status_code == 302
    assert Override.objects.get().signed_off_by == vteam.ai_competence


def test_members_download_the_original_file(vteam, client):
    file = classification_file()
    content = file.read()
    result = upload(vteam, add_site(vteam), file=file)
    client.force_login(vteam.lawyer)  # any member may read
    response = client.get(reverse("validation:upload_download", args=[vteam.project.pk,
                                                                       result.pk]))  # fmt: skip
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Disposition"].startswith("attachment")


def test_the_panel_shows_criteria_results_and_plots(vteam, client):
    add_criterion(vteam, metric="auroc", threshold="0.7")
    add_criterion(vteam, metric="sensitivity", threshold="0.5")
    upload(vteam, add_site(vteam, name="Site <b>A</b>"))
    client.force_login(vteam.lawyer)
    response = client.get(stage_page(vteam), HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-verdict="met"' in html and 'data-locked="true"' in html
    assert "Site &lt;b&gt;A&lt;/b&gt;" in html and "<b>A</b>" not in html
    for figure in ("retrospective-roc", "retrospective-calibration", "retrospective-forest"):
        start = html.index(f'<figure class="validation-figure mb-4" id="figure-{figure}">')
        block = html[start : html.index("</figure>", start)]
        svg = block[block.index("<svg") : block.index("</svg>") + 6]
        root = ET.fromstring(svg)  # noqa: S314 - well-formed XML, our own
        assert root.find(f"{SVG}title").text and root.find(f"{SVG}desc").text
        assert root.get("role") == "img"
        assert "<table" in block  # the data table for screen readers
    # A member without a contributing role sees no forms.
    assert url(vteam, "upload") not in html


def test_the_page_reads_the_phase_once_for_the_gate_and_the_panel(vteam, client):
    """The gate's reasons and the panel come from one reading of the phase's state."""
    add_criterion(vteam, metric="auroc", threshold="0.7")
    upload(vteam, add_site(vteam))
    client.force_login(vteam.clinician)
    tables = {
        model._meta.db_table: 0 for model in (Criterion, ResultUpload, EvaluationSite, Override)
    }
    with CaptureQueriesContext(connection) as queries:
        html = client.get(stage_page(vteam)).content.decode()
    for query in queries.captured_queries:
        for table in tables:
            tables[table] += f'FROM "{table}" ' in query["sql"] + " "
    assert tables[Criterion._meta.db_table] == 1, tables
    assert tables[ResultUpload._meta.db_table] == 1, tables
    assert tables[Override._meta.db_table] == 1, tables
    assert 'data-verdict="met"' in html and url(vteam, "upload") in html


def test_contributors_see_the_forms(vteam, client):
    add_site(vteam)
    client.force_login(vteam.clinician)
    html = client.get(stage_page(vteam)).content.decode()
    for name in ("upload", "site_add", "criterion_add"):
        assert f'action="{url(vteam, name)}"' in html
    assert f'action="{url(vteam, "override")}"' not in html  # consultants only
    client.force_login(vteam.consultant)
    html = client.get(stage_page(vteam)).content.decode()
    assert f'action="{url(vteam, "override")}"' in html


def test_the_panel_is_read_only_on_an_earlier_stage(vteam, client):
    add_criterion(vteam, threshold="0.5")
    upload(vteam, add_site(vteam))
    from tests.personas import advance

    advance(vteam)
    client.force_login(vteam.clinician)
    html = client.get(stage_page(vteam)).content.decode()
    assert 'id="figure-retrospective-roc"' in html
    assert f'action="{url(vteam, "upload")}"' not in html
    assert stage(vteam).key == "prospective_validation"
