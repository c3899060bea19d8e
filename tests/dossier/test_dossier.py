"""The PDF dossier: what it contains, PDF/A and tags, dossier.json against its schema, stored
versions that never change, permissions, the background job (progress, failure, retry, time
limit) and the management command."""

import hashlib
import signal
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, override

from dossier import rendering, services
from dossier import requirements as requirement_service
from dossier.models import DossierDownload, DossierRequest, DossierVersion, Requirement
from procurement import services as project_services
from procurement.file_storage import dossier_storage
from procurement.models import Action
from tests.personas import answer

from .conftest import full_journey
from .helpers import (
    dossier_json,
    page_texts,
    pdf_text,
    pdfa_report,
    schema,
    squeezed,
)

FOOTER_CONTEXT = "page number footer: Page 3 of 12"


@pytest.fixture
def case(dteam):
    """A project in its legal stage after a full journey (see `conftest.full_journey`)."""
    return full_journey(dteam)


def generate(client, user, project, **extra):
    client.force_login(user)
    return client.post(reverse("dossier:generate", args=[project.pk]), **extra)


def generated(client, team, user=None) -> tuple[DossierVersion, bytes]:
    response = generate(client, user or team.procurement, team.project)
    assert response.status_code == 302
    version = DossierVersion.objects.filter(project=team.project).order_by("-number").first()
    assert version is not None, DossierRequest.objects.filter(project=team.project).values()
    return version, services.read_version(version)


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


# --- content ---------------------------------------------------------------------------------


def test_table_rows_are_not_split_across_pages(client, case):
    project = case.reload()
    # The requirements stage is approved (its list is frozen), so the long list is set up
    # directly: this test is about how the dossier lays it out.
    start = Requirement.objects.filter(project=project).count()
    Requirement.objects.bulk_create(
        Requirement(
            project=project,
            position=start + number + 1,
            text=f"Krav nummer {number} " + "med en lang forklaring " * 6,
            kind="minimum",
            verification=f"Verifikation {number} " + "ved test og dokumentation " * 5,
            created_by=case.procurement,
            updated_by=case.procurement,
        )
        for number in range(60)
    )
    _version, content = generated(client, case)
    pages = [squeezed(page) for page in page_texts(content)]
    table_pages = set()
    for number in range(60):
        start = squeezed(f"Krav nummer {number} med")
        end = squeezed(f"Verifikation {number} ved")
        holding = [i for i, page in enumerate(pages) if start in page]
        assert len(holding) == 1 and end in pages[holding[0]], number
        table_pages.add(holding[0])
    assert len(table_pages) > 2  # the table did cross pages


def test_weasyprint_output_needs_the_pattern_fix():
    """Why the finisher exists: without it the strict validator cannot approve the file."""
    from weasyprint import HTML

    document = HTML(string="<html lang='da'><p>x</p></html>").render()
    raw = document.write_pdf(pdf_variant="pdf/a-3b")
    assert not pdfa_report(raw).passed
    fixed = document.write_pdf(
        pdf_variant="pdf/a-3b", finisher=rendering.drop_empty_pattern_and_shading
    )
    assert pdfa_report(fixed).passed


def test_in_english_when_asked_in_english(client, case):
    client.force_login(case.procurement)
    client.post(reverse("set_language"), {"language": "en"})
    response = client.post(reverse("dossier:generate", args=[case.project.pk]))
    assert response.status_code == 302
    version = DossierVersion.objects.get(project=case.project)
    content = services.read_version(version)
    assert "Stages, answers and sign-offs" in pdf_text(content)
    assert dossier_json(content)["stages"][0]["name"] == "Clarify the need"
    assert version.language == "en"


# --- stored versions -------------------------------------------------------------------------


def test_each_generation_is_a_new_numbered_version_listed_on_the_project(client, case):
    first, first_content = generated(client, case)
    second, second_content = generated(client, case)
    assert (first.number, second.number) == (1, 2)
    assert first.sha256 == hashlib.sha256(first_content).hexdigest()
    assert first.size == len(first_content)
    assert dossier_json(second_content)["previous_versions"][0]["sha256"] == first.sha256
    assert first.sha256 in squeezed(pdf_text(second_content))  # in the full history
    page = client.get(reverse("dossier:page", args=[case.project.pk])).content.decode()
    assert first.sha256 in page and second.sha256 in page
    assert reverse("dossier:download", args=[case.project.pk, first.pk]) in page
    # Each generation is in the project's history, with its checksum.
    from procurement.models import HistoryEntry

    entries = HistoryEntry.objects.filter(project=case.project, action=Action.DOSSIER_GENERATED)
    assert [e.comment for e in entries.order_by("pk")] == [
        f"v1 · SHA-256 {first.sha256}",
        f"v2 · SHA-256 {second.sha256}",
    ]


def test_versions_never_change(client, case, dossier_root):
    version, content = generated(client, case)
    version.stage_key = "need"
    with pytest.raises(PermissionError):
        version.save()
    with pytest.raises(PermissionError):
        version.delete()
    path = Path(dossier_storage().path(services.version_name(version)))
    assert path.stat().st_mode & 0o222 == 0  # read-only on disk
    assert stored_files(dossier_root) == [path]


def test_download_serves_the_stored_file_without_rendering_and_logs_it(client, case, monkeypatch):
    version, content = generated(client, case)

    def no_rendering(*args, **kwargs):
        raise AssertionError("a download must not render")

    monkeypatch.setattr(services, "render", no_rendering)
    client.force_login(case.lawyer)
    response = client.get(reverse("dossier:download", args=[case.project.pk, version.pk]))
    assert response.status_code == 200
    assert response.content == content
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert f"-v{version.number}.pdf" in response["Content-Disposition"]
    log = list(DossierDownload.objects.values_list("version", "user"))
    assert log == [(version.pk, case.lawyer.pk)]
    with pytest.raises(PermissionError):
        DossierDownload.objects.get().delete()


def test_a_damaged_file_is_never_sent(client, case):
    version, _content = generated(client, case)
    path = Path(dossier_storage().path(services.version_name(version)))
    path.chmod(0o644)
    path.write_bytes(b"%PDF-1.7 changed")
    client.force_login(case.procurement)
    response = client.get(reverse("dossier:download", args=[case.project.pk, version.pk]))
    assert response.status_code == 500
    assert b"%PDF" not in response.content
    assert not DossierDownload.objects.exists()


# --- permissions -----------------------------------------------------------------------------


def test_outsiders_get_404_and_nothing_happens(client, case):
    version, _content = generated(client, case)
    project_id = case.project.pk
    for person in (case.outsider, case.foreigner):
        client.force_login(person)
        assert client.get(reverse("dossier:page", args=[project_id])).status_code == 404
        assert client.get(reverse("dossier:status", args=[project_id])).status_code == 404
        assert client.post(reverse("dossier:generate", args=[project_id])).status_code == 404
        url = reverse("dossier:download", args=[project_id, version.pk])
        assert client.get(url).status_code == 404
    assert DossierRequest.objects.count() == 1
    assert not DossierDownload.objects.exists()


def test_members_generate_and_download_and_wiring(client, case):
    version, _content = generated(client, case, user=case.it_architect)
    assert version.created_by == case.it_architect
    client.force_login(case.ai_competence)
    url = reverse("dossier:download", args=[case.project.pk, version.pk])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 405
    assert client.get(reverse("dossier:generate", args=[case.project.pk])).status_code == 405
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_a_version_is_only_found_under_its_own_project(client, case, dossier_pathway):
    version, _content = generated(client, case)
    client.force_login(case.clinician)
    own = project_services.create_project(
        by=case.clinician,
        pathway=dossier_pathway,
        title="Andet projekt",
        clinical_need="x",
        department="y",
    )
    response = client.get(reverse("dossier:download", args=[own.pk, version.pk]))
    assert response.status_code == 404


# --- the job ---------------------------------------------------------------------------------


def test_progress_is_polled_until_the_version_is_ready(client, case):
    request = services.request_dossier(
        project=case.project, by=case.procurement, language="da", enqueue=False
    )
    again = services.request_dossier(
        project=case.project, by=case.clinician, language="da", enqueue=False
    )
    assert again.pk == request.pk  # a double click makes one dossier
    client.force_login(case.procurement)
    status_url = reverse("dossier:status", args=[case.project.pk])
    body = client.get(status_url).content.decode()
    assert 'hx-trigger="every 2s"' in body and f'hx-get="{status_url}"' in body
    assert 'data-state="working"' in body
    assert "/download/" not in body
    services.run_dossier_request(request.pk)
    body = client.get(status_url).content.decode()
    assert "hx-trigger" not in body
    version = DossierVersion.objects.get()
    assert reverse("dossier:download", args=[case.project.pk, version.pk]) in body


def test_a_failed_job_says_so_stores_nothing_and_can_be_retried(
    client, case, monkeypatch, dossier_root
):
    def broken(html, attachment):
        raise rendering.RenderError("the layout engine broke")

    monkeypatch.setattr(services, "render", broken)
    response = generate(client, case.procurement, case.project, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-state="failed"' in body and "hx-trigger" not in body
    request = DossierRequest.objects.get()
    assert (request.status, request.error_code) == ("failed", services.RENDER_FAILED)
    assert "layout engine broke" in request.error_detail
    assert "layout engine broke" not in body  # details are for the log, not the page
    assert not DossierVersion.objects.exists()
    assert stored_files(dossier_root) == []
    page = client.get(reverse("dossier:page", args=[case.project.pk])).content.decode()
    assert "kunne ikke dannes" in page  # "could not be generated", in Danish
    assert 'id="generate-dossier"' in page

    monkeypatch.undo()
    generate(client, case.procurement, case.project)
    request.refresh_from_db()
    assert (request.status, request.attempts, request.number) == ("done", 2, 1)
    assert DossierVersion.objects.get().number == 1


def test_rendering_is_stopped_at_the_time_limit(client, case, settings, dossier_root):
    settings.DOSSIER_RENDER_TIMEOUT = 0.05
    generate(client, case.procurement, case.project)
    request = DossierRequest.objects.get()
    assert (request.status, request.error_code) == ("failed", services.TIMEOUT)
    assert not DossierVersion.objects.exists()
    assert stored_files(dossier_root) == []
    body = client.get(reverse("dossier:status", args=[case.project.pk])).content.decode()
    assert "0.05" in body or "0,05" in body


def test_a_job_whose_worker_died_can_be_retried(client, case):
    request = services.request_dossier(
        project=case.project, by=case.procurement, language="da", enqueue=False
    )
    DossierRequest.objects.filter(pk=request.pk).update(
        status="running", started_at=timezone.now() - timedelta(hours=2)
    )
    client.force_login(case.procurement)
    body = client.get(reverse("dossier:status", args=[case.project.pk])).content.decode()
    assert 'data-state="failed"' in body
    generate(client, case.procurement, case.project)
    request.refresh_from_db()
    assert request.status == "done"
    assert DossierVersion.objects.get().request == request


@pytest.mark.django_db(transaction=True)
def test_the_database_backend_and_its_worker(client, case, settings):
    """The production setup: the request is queued in the database and `db_worker` runs it."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django_tasks_db.models import DBTaskResult

    generate(client, case.procurement, case.project)
    request = DossierRequest.objects.get()
    assert request.status == "queued" and request.task_id
    assert DBTaskResult.objects.filter(pk=request.task_id).exists()
    assert not DossierVersion.objects.exists()
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    finally:
        for sig, handler in saved.items():  # the worker installs its own handlers
            signal.signal(sig, handler)
    request.refresh_from_db()
    assert request.status == "done"
    assert DBTaskResult.objects.get(pk=request.task_id).status == "SUCCESSFUL"
    assert DossierVersion.objects.get().number == 1


# --- the command -----------------------------------------------------------------------------


def test_generate_dossier_command(case, tmp_path):
    output = tmp_path / "out.pdf"
    call_command("generate_dossier", case.project.pk, "--output", str(output), "--by", "lawyer")
    version = DossierVersion.objects.get()
    assert output.read_bytes() == services.read_version(version)
    assert version.created_by == case.lawyer
    call_command("generate_dossier", case.project.pk, "-o", str(output))
    second = DossierVersion.objects.get(number=2)
    assert second.created_by is None
    with override(second.language):
        assert gettext("command line") in pdf_text(output.read_bytes())
    with pytest.raises(CommandError, match="No project"):
        call_command("generate_dossier", 999999, "--output", str(output))
    with pytest.raises(CommandError, match="No user"):
        call_command("generate_dossier", case.project.pk, "-o", str(output), "--by", "nobody")


def test_weights_are_json_strings_not_floats(client, dteam):
    requirement_service.add_requirement(
        project=dteam.reload(), by=dteam.clinician, text="P", kind="award", weight=Decimal("33.33")
    )
    _version, content = generated(client, dteam)
    data = dossier_json(content)
    assert data["tools"]["requirements"]["requirements_list"]["requirements"][0]["weight"] == (
        "33.33"
    )
    assert data["project"]["state"] == "need"
    assert data["stages"][1]["status"] == "future"


def test_characters_no_font_has_keep_the_file_pdfa(client, dteam, settings):
    """A glyph no installed font has would be drawn as .notdef, which PDF/A forbids."""
    settings.DOSSIER_VERIFY_PDFA = True  # the job itself checks the file before storing it
    odd = "Leverandør 漢字 \u0378 slut"
    answer(dteam, "need.problem", odd)
    _version, content = generated(client, dteam)
    assert pdfa_report(content).passed
    assert "Leverandør" in pdf_text(content)
    items = {i["key"]: i for s in dossier_json(content)["stages"] for i in s["items"]}
    assert items["need.problem"]["answer"]["value"] == odd  # the data keeps what was typed


def test_an_invalid_pdf_is_refused_when_verification_is_on(client, dteam, settings, monkeypatch):
    settings.DOSSIER_VERIFY_PDFA = True
    monkeypatch.setattr(rendering, "drop_empty_pattern_and_shading", lambda document, pdf: None)
    generate(client, dteam.procurement, dteam.project)
    request = DossierRequest.objects.get()
    assert (request.status, request.error_code) == ("failed", services.PDFA_FAILED)
    assert not DossierVersion.objects.exists()


def test_latest_dossiers_panel_for_the_dashboard(client, case, rf):
    from django.template import Context, Template

    version, _content = generated(client, case)
    generated(client, case)  # version 2 is the latest
    request = rf.get("/")
    request.user = case.procurement
    html = Template("{% load dossier_tags %}{% latest_dossiers %}").render(
        Context({"request": request})
    )
    latest = DossierVersion.objects.get(number=2)
    assert reverse("dossier:download", args=[case.project.pk, latest.pk]) in html
    assert reverse("dossier:download", args=[case.project.pk, version.pk]) not in html
    request.user = case.outsider
    html = Template("{% load dossier_tags %}{% latest_dossiers %}").render(
        Context({"request": request})
    )
    assert "Testprojekt" not in html


def test_the_tool_is_registered_and_the_stage_lists_it(dteam):
    from checklists.extensions import TOOLS

    assert TOOLS["requirements_list"].dossier_template_name
    assert dteam.project.stage("requirements").tools == ["requirements_list"]


def test_the_schema_is_a_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(schema())


def test_each_dossier_carries_the_journal_head_and_a_later_one_extends_it(client, case):
    from procurement.journal import chain_head, verify_chain
    from procurement.models import HistoryEntry

    head = chain_head(case.project)
    _version, first = generated(client, case)
    data = dossier_json(first)
    assert data["dossier"]["journal"] == {"entries": head.count, "head": head.hash}
    squeezed_text = squeezed(pdf_text(first))
    assert squeezed(head.hash[:32]) in squeezed_text  # printed on the cover
    answer(case, "legal.personal_data", "yes", by=case.lawyer)
    _version, second = generated(client, case)
    later = dossier_json(second)
    assert later["dossier"]["journal"]["entries"] > head.count
    # The earlier dossier's journal is a true prefix of the later one's.
    earlier_entries = [(e["seq"], e["hash"]) for e in data["history"]]
    assert [(e["seq"], e["hash"]) for e in later["history"]][: len(earlier_entries)] == (
        earlier_entries
    )
    assert earlier_entries[-1] == (head.count, head.hash)
    assert HistoryEntry.objects.filter(project=case.project, seq=head.count).get().hash == head.hash
    assert verify_chain(case.project.pk) is None


def test_the_stage_at_the_time_is_named_in_the_readers_language(client, case):
    """A version generated in Danish lists its stage in English for an English reader."""
    version, _content = generated(client, case)
    assert version.language == "da"
    stage = case.project.stage(version.stage_key)
    assert version.stage_name == stage.name_da != stage.name_en
    client.cookies.load({"django_language": "en"})
    body = client.get(
        reverse("dossier:page", args=[case.project.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    row = body.split(f'data-version="{version.number}"')[1].split("</tbody>")[0]
    assert f"<td>{stage.name_en}</td>" in row and stage.name_da not in row


def test_the_pdf_file_name_names_the_project(client, case):
    case.project.title = "Afprøvning på Ærø"
    case.project.save(update_fields=["title"])
    version, _content = generated(client, case)
    response = client.get(reverse("dossier:download", args=[case.project.pk, version.pk]))
    disposition = response["Content-Disposition"]
    assert f'filename="dossier-afproevning-paa-aeroe-v{version.number}.pdf"' in disposition
    assert "filename*=UTF-8''dossier-afpr%C3%B8vning-p%C3%A5-%C3%A6r%C3%B8-v" in disposition
