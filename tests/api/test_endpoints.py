"""The other endpoints' happy and unhappy paths: what they return, that they call the web's
services (the same journal entries, the same refusals) and what they did not write."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from procurement.models import Action, Answer, Evidence, HistoryEntry
from tests.api.conftest import token_client
from tests.personas import PDF, complete_need, move_to
from tests.validation.conftest import vpathway, vteam  # noqa: F401 - fixtures
from tests.validation.helpers import add_site, classification_file


def base(team) -> str:
    return f"/api/v1/projects/{team.project.pk}/"


def test_project_detail_has_the_gate_and_what_now(team):
    data = token_client(team.clinician, ["read"]).get(base(team)).json()
    assert data["current_stage"]["key"] == "need"
    assert data["roles"] == ["clinician"]
    assert "required_unanswered" in [r["code"] for r in data["approve_blocked_by"]]
    assert data["next_step"]["code"] == "answer"
    complete_need(team)
    data = token_client(team.clinician, ["read"]).get(base(team)).json()
    assert data["request_approval_blocked_by"] == []
    assert data["next_step"]["code"] == "request_approval"


def test_project_filters(team, pathway):
    client = token_client(team.clinician, ["read"])
    assert len(client.get("/api/v1/projects/?stage=need").json()) == 1
    assert client.get("/api/v1/projects/?stage=legal").json() == []
    org = team.organisation.pk
    assert len(client.get(f"/api/v1/projects/?organisation={org}").json()) == 1
    assert client.get(f"/api/v1/projects/?organisation={org + 1}").json() == []
    assert client.get("/api/v1/projects/?organisation=abc").status_code == 400


def test_stage_items_with_answers_and_what_you_may_do(team):
    move_to(team, "legal")
    client = token_client(team.lawyer, ["read"])
    data = client.get(f"{base(team)}stages/legal/items/").json()
    assert data["frozen"] is False
    items = {item["key"]: item for item in data["items"]}
    assert items["legal.personal_data"]["may_answer"] is True
    assert items["legal.hosting"]["may_answer"] is False
    need = client.get(f"{base(team)}stages/need/items/").json()
    assert need["frozen"] is True
    assert need["items"][0]["answer"]["value"] == "Lange ventetider."
    assert client.get(f"{base(team)}stages/nope/items/").status_code == 404


def test_evidence_upload_through_multipart(team):
    move_to(team, "legal")
    client = token_client(team.clinician, ["write"])
    response = client.put(
        f"{base(team)}items/legal.dpia/answer/",
        {"file": SimpleUploadedFile("dpia.pdf", PDF, "application/pdf")},
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["evidence_name"] == "dpia.pdf"
    assert Evidence.objects.filter(project=team.project).count() == 1
    assert HistoryEntry.objects.filter(action=Action.EVIDENCE_UPLOADED).count() == 1


def test_evidence_that_is_not_what_it_says_is_refused(team):
    move_to(team, "legal")
    client = token_client(team.clinician, ["write"])
    response = client.put(
        f"{base(team)}items/legal.dpia/answer/",
        {"file": SimpleUploadedFile("dpia.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")},
        format="multipart",
    )
    assert response.status_code == 422
    assert not Evidence.objects.exists()
    assert not Answer.objects.filter(item__key="legal.dpia").exists()


def test_unknown_item_is_404(team):
    client = token_client(team.clinician, ["write"])
    assert client.put(f"{base(team)}items/nope/answer/", {"value": "x"}).status_code == 404


def test_seen_state_that_moved_is_refused(team):
    client = token_client(team.clinician, ["write"])
    response = client.put(
        f"{base(team)}items/need.problem/answer/",
        {"value": "x", "seen_state": "legal"},
        format="json",
    )
    assert response.status_code == 422
    assert not Answer.objects.exists()


def test_history_has_the_chain(team):
    complete_need(team)
    data = token_client(team.lawyer, ["read"]).get(f"{base(team)}history/").json()
    assert data["chain_intact"] is True
    assert data["count"] == len(data["entries"])
    entries = data["entries"]
    assert entries[0]["prev_hash"] == ""
    assert all(b["prev_hash"] == a["hash"] for a, b in zip(entries, entries[1:], strict=False))
    assert data["head"] == entries[-1]["hash"]


def test_requirements_docx(team):
    response = token_client(team.procurement, ["read"]).get(f"{base(team)}requirements.docx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.content[:2] == b"PK"
    assert "kravspecifikation-testprojekt.docx" in response["Content-Disposition"]


def test_dossier_request_list_and_download(team, django_capture_on_commit_callbacks):
    client = token_client(team.clinician, ["read", "write"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{base(team)}dossiers/")
    assert response.status_code == 202
    versions = client.get(f"{base(team)}dossiers/").json()
    assert len(versions) == 1
    pdf = client.get(f"{base(team)}dossiers/{versions[0]['id']}/download/")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert token_client(team.outsider, ["read"]).get(f"{base(team)}dossiers/").status_code == 404


def test_dossier_of_another_project_is_404(team, pathway):
    client = token_client(team.clinician, ["read"])
    assert client.get(f"{base(team)}dossiers/999/download/").status_code == 404


def test_validation_upload(vteam):  # noqa: F811 - fixture
    site = add_site(vteam)
    client = token_client(vteam.ai_competence, ["read", "write"])
    url = f"/api/v1/projects/{vteam.project.pk}/validation/retrospective_validation/uploads/"
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            url,
            {
                "site": site.pk,
                "kind": "classification",
                "threshold": "0.3",
                "file": classification_file(),
            },
            format="multipart",
        )
    assert response.status_code == 201, response.json()
    assert response.json()["row_count"] == 400
    listed = client.get(url).json()
    assert [u["id"] for u in listed] == [response.json()["id"]]
    lawyer = token_client(vteam.lawyer, ["write"])
    response = lawyer.post(
        url,
        {"site": site.pk, "kind": "classification", "file": classification_file()},
        format="multipart",
    )
    assert response.status_code == 403
    assert len(client.get(url).json()) == 1


def test_validation_upload_with_a_bad_file_imports_nothing(vteam):  # noqa: F811 - fixture
    site = add_site(vteam)
    client = token_client(vteam.ai_competence, ["read", "write"])
    url = f"/api/v1/projects/{vteam.project.pk}/validation/retrospective_validation/uploads/"
    bad = SimpleUploadedFile("r.csv", b"case_id;label\n1;x\n", "text/csv")
    response = client.post(
        url, {"site": site.pk, "kind": "classification", "file": bad}, format="multipart"
    )
    assert response.status_code == 422
    assert client.get(url).json() == []
    assert (
        client.get(f"/api/v1/projects/{vteam.project.pk}/validation/need/uploads/").status_code
        == 404
    )


def test_ask(team):
    client = token_client(team.clinician, ["read"])  # asking reads
    response = client.post("/api/v1/ask/", {"q": "Skal vi lave en DPIA?"}, format="json")
    assert response.status_code == 200
    assert response.json()["question"] == "Skal vi lave en DPIA?"
    inside = client.post(
        "/api/v1/ask/", {"q": "Hvad mangler vi?", "project": team.project.pk}, format="json"
    )
    assert inside.status_code == 200
    outsider = token_client(team.outsider, ["read"])
    refused = outsider.post(
        "/api/v1/ask/", {"q": "Hvad mangler vi?", "project": team.project.pk}, format="json"
    )
    assert refused.status_code == 404
    assert client.post("/api/v1/ask/", {"q": ""}, format="json").status_code == 400
    write_only = token_client(team.clinician, ["write"])
    assert write_only.post("/api/v1/ask/", {"q": "DPIA"}, format="json").status_code == 403
