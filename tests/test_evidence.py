"""Evidence files: checked by content, stored outside the web root under generated names, with
SHA-256, and served only to members as attachments."""

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import TestCase
from django.urls import reverse

from procurement.models import Answer, Evidence
from tests.personas import PDF, move_to


def ooxml(folder: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr(f"{folder}/document.xml", "<x/>")
    return buffer.getvalue()


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
ACCEPTED = [
    ("dpia.pdf", PDF),
    ("notat.docx", ooxml("word")),
    ("budget.xlsx", ooxml("xl")),
    ("skema.png", PNG),
    ("foto.JPG", JPEG),
    ("data.csv", "id;score;udfald\n1;0,83;1\n".encode("cp1252")),
    ("noter.txt", "Æble, øl og ål".encode()),
]
REFUSED = [
    ("program.exe", b"MZ\x90\x00" + b"\x00" * 64, "ikke accepteret"),
    ("dpia.pdf", b"MZ\x90\x00" + b"\x00" * 64, "passer ikke"),
    ("side.html", b"<html><script>alert(1)</script></html>", "ikke accepteret"),
    ("notat.docx", PDF, "passer ikke"),
    ("data.csv", b"\x00\x01\x02binary", "passer ikke"),
    ("tom.pdf", b"", "tom"),
    ("skjult.txt", PNG, "passer ikke"),
]


def upload(client, team, name, content):
    """Post the file and commit (the test's transaction never does; the file gets its real
    name only on commit)."""
    item = team.item("legal.dpia")
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            reverse("answer_save", args=[team.project.pk, item.pk]),
            {f"item{item.pk}-value": SimpleUploadedFile(name, content)},
            HTTP_HX_REQUEST="true",
        )


@pytest.fixture
def legal(team, client):
    move_to(team, "legal")
    client.force_login(team.lawyer)
    return team


@pytest.mark.parametrize(("name", "content"), ACCEPTED)
def test_accepted_types(client, legal, settings, name, content):
    response = upload(client, legal, name, content)
    assert response.status_code == 200, response.content.decode()[:500]
    evidence = Evidence.objects.get()
    assert evidence.original_name == name
    assert evidence.size == len(content)
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    stored = settings.EVIDENCE_ROOT / str(legal.project.pk) / evidence.stored_name
    assert stored.read_bytes() == content
    assert evidence.stored_name != name and evidence.stored_name.isalnum()
    assert Answer.objects.get(item__key="legal.dpia").evidence == evidence


@pytest.mark.parametrize(("name", "content", "message"), REFUSED)
def test_refused_types_write_nothing(client, legal, settings, name, content, message):
    response = upload(client, legal, name, content)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Evidence.objects.exists()
    assert not Answer.objects.filter(item__key="legal.dpia").exists()
    folder = settings.EVIDENCE_ROOT / str(legal.project.pk)
    assert not folder.exists() or not any(folder.iterdir())


def test_size_limit(client, legal, settings):
    settings.EVIDENCE_MAX_BYTES = 100
    response = upload(client, legal, "stor.pdf", PDF + b"%" * 200)
    assert response.status_code == 422
    assert "for stor" in response.content.decode()
    assert not Evidence.objects.exists()


def test_file_is_removed_when_the_save_fails(client, legal, settings):
    client.force_login(legal.procurement)  # may read, may not answer
    response = upload(client, legal, "dpia.pdf", PDF)
    assert response.status_code == 403
    assert not Evidence.objects.exists()
    folder = settings.EVIDENCE_ROOT / str(legal.project.pk)
    assert not folder.exists() or not any(folder.iterdir())


def test_members_download_as_attachment(client, legal):
    upload(client, legal, "dpia 'rapport'.pdf", PDF)
    evidence = Evidence.objects.get()
    url = reverse("evidence_download", args=[legal.project.pk, evidence.pk])
    client.force_login(legal.procurement)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize("person", ["outsider", "foreigner"])
def test_outsiders_cannot_download(client, legal, person):
    upload(client, legal, "dpia.pdf", PDF)
    evidence = Evidence.objects.get()
    client.force_login(getattr(legal, person))
    url = reverse("evidence_download", args=[legal.project.pk, evidence.pk])
    assert client.get(url).status_code == 404


def test_evidence_of_another_project_is_not_reachable_through_mine(client, legal, pathway):
    from procurement import services

    upload(client, legal, "dpia.pdf", PDF)
    evidence = Evidence.objects.get()
    mine = services.create_project(
        by=legal.outsider, pathway=pathway, title="Mit", clinical_need="x", department="y"
    )
    client.force_login(legal.outsider)
    url = reverse("evidence_download", args=[mine.pk, evidence.pk])
    assert client.get(url).status_code == 404


def test_original_name_never_reaches_the_file_system(client, legal, settings):
    upload(client, legal, "../../../etc/evil.pdf", PDF)
    evidence = Evidence.objects.get()
    assert evidence.original_name == "evil.pdf"
    files = list(settings.EVIDENCE_ROOT.rglob("*"))
    assert all("evil" not in path.name for path in files)


def test_names_in_nfd_and_nfc_are_stored_as_one_name(client, legal):
    import unicodedata

    composed = "Mødereferat – sikkerhed é.pdf"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert upload(client, legal, decomposed, PDF).status_code == 200
    assert upload(client, legal, composed, PDF + b"%").status_code == 200
    names = set(Evidence.objects.values_list("original_name", flat=True))
    assert names == {composed}
    assert Answer.objects.get(item__key="legal.dpia").value == composed


def test_original_names_are_nfc_and_only_the_last_path_part():
    from procurement.evidence_files import original_name

    assert original_name("e\u0301t\u00e9.csv") == "\u00e9t\u00e9.csv"
    assert original_name("C:/x/../a\u030a.xlsx") == "\u00e5.xlsx"


def test_an_office_file_that_unpacks_to_far_more_is_refused(client, legal, settings):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("xl/workbook.xml", "<x/>")
        archive.writestr("xl/sharedStrings.xml", b"<si><t>A</t></si>" * 1_000_000)
    response = upload(client, legal, "budget.xlsx", buffer.getvalue())
    assert response.status_code == 422
    assert not Evidence.objects.exists()


def test_a_file_gets_its_real_name_only_after_its_row_is_committed(legal, settings, monkeypatch):
    """A process killed between writing and committing leaves a `.part` file, never a file
    under a real name without a row, and never a truncated one."""
    from procurement import evidence_files, services

    seen = {}

    def record_then_die(*args, **kwargs):
        seen["files"] = sorted(
            p.name for p in (settings.EVIDENCE_ROOT / str(legal.project.pk)).iterdir()
        )
        raise KeyboardInterrupt  # the process dies here, before the commit

    monkeypatch.setattr(services.journal, "record", record_then_die)
    with pytest.raises(KeyboardInterrupt):
        services.save_answer(
            project=legal.reload(),
            item=legal.item("legal.dpia"),
            by=legal.lawyer,
            value="",
            upload=SimpleUploadedFile("dpia.pdf", PDF),
        )
    assert len(seen["files"]) == 1 and seen["files"][0].endswith(evidence_files.PARTIAL_SUFFIX)
    folder = settings.EVIDENCE_ROOT / str(legal.project.pk)
    assert list(folder.iterdir()) == []  # and cleaned up on the way out


def save_dpia(team):
    from procurement import services

    return services.save_answer(
        project=team.reload(),
        item=team.item("legal.dpia"),
        by=team.lawyer,
        value="",
        upload=SimpleUploadedFile("dpia.pdf", PDF),
    )


def test_the_real_name_waits_for_the_outermost_commit(legal, settings):
    """Saved inside a caller's transaction (a request, a command), the file is still a `.part`
    when the answer's own block ends; its row points to a file that exists once committed."""
    folder = settings.EVIDENCE_ROOT / str(legal.project.pk)
    with TestCase.captureOnCommitCallbacks(execute=True), transaction.atomic():
        save_dpia(legal)
        evidence = Evidence.objects.get()
        assert [p.name for p in folder.iterdir()] == [evidence.stored_name + ".part"]
    final = folder / evidence.stored_name
    assert [p.name for p in folder.iterdir()] == [evidence.stored_name]
    assert hashlib.sha256(final.read_bytes()).hexdigest() == evidence.sha256


def test_a_rollback_after_the_save_leaves_no_file(legal, settings):
    """The caller's transaction fails after the answer was saved: no row, no file under its
    real name, no `.part` either."""
    folder = settings.EVIDENCE_ROOT / str(legal.project.pk)
    with (
        TestCase.captureOnCommitCallbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        save_dpia(legal)
        assert len(list(folder.iterdir())) == 1
        raise RuntimeError("the caller fails after the save")
    assert callbacks == []  # Django dropped the rename with the transaction
    assert not Evidence.objects.exists()
    assert list(folder.iterdir()) == []


def test_a_failed_rename_after_the_commit_keeps_the_committed_file(legal, settings, monkeypatch):
    """The row is committed; the file stays as `.part` (logged), never removed by a clean-up."""
    from procurement import evidence_files

    def broken(*args):
        raise OSError("the disk went away")

    monkeypatch.setattr(evidence_files, "publish_stored", broken)
    folder = settings.EVIDENCE_ROOT / str(legal.project.pk)
    with TestCase.captureOnCommitCallbacks(execute=True):
        save_dpia(legal)
    evidence = Evidence.objects.get()
    assert [p.name for p in folder.iterdir()] == [evidence.stored_name + ".part"]


def test_clean_orphans_lists_by_default_and_removes_with_delete(client, legal, settings):
    import os

    from django.core.management import call_command

    assert upload(client, legal, "dpia.pdf", PDF).status_code == 200
    kept = settings.EVIDENCE_ROOT / str(legal.project.pk) / Evidence.objects.get().stored_name
    orphan = kept.with_name("a" * 32)
    partial = kept.with_name("b" * 32 + ".part")
    leftover = Path(settings.FILE_UPLOAD_TEMP_DIR) / "tmpabc.upload.pdf"
    for path in (orphan, partial, leftover):
        path.write_bytes(b"x")
        os.utime(path, (1, 1))
    os.utime(kept, (1, 1))
    out = io.StringIO()
    call_command("clean_orphans", stdout=out)
    listed = out.getvalue()
    assert str(orphan) in listed and str(partial) in listed and str(leftover) in listed
    assert str(kept) not in listed
    assert orphan.exists() and partial.exists()
    call_command("clean_orphans", "--delete", stdout=io.StringIO())
    assert not orphan.exists() and not partial.exists() and not leftover.exists()
    assert kept.exists()


@pytest.mark.django_db
def test_clean_orphans_finds_dossier_files_without_a_version(settings, tmp_path):
    import os

    from django.core.management import call_command

    settings.DOSSIER_ROOT = tmp_path / "dossiers"
    folder = settings.DOSSIER_ROOT / "7"
    folder.mkdir(parents=True)
    orphan = folder / ("c" * 32 + ".pdf")
    partial = folder / (".d" + "d" * 31 + ".pdf.part")
    for path in (orphan, partial):
        path.write_bytes(b"%PDF")
        os.utime(path, (1, 1))
    out = io.StringIO()
    call_command("clean_orphans", stdout=out)
    assert str(orphan) in out.getvalue() and str(partial) in out.getvalue()
    call_command("clean_orphans", "--delete", stdout=io.StringIO())
    assert list(folder.iterdir()) == []


def test_large_uploads_spool_to_the_apps_own_folder_and_are_removed(
    client, legal, settings, tmp_path, monkeypatch
):
    """Above FILE_UPLOAD_MAX_MEMORY_SIZE Django spools the file to disk: in
    FILE_UPLOAD_TEMP_DIR (where clean_orphans looks), not in /tmp, and gone after the request."""
    from procurement import services

    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 100
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads")
    (tmp_path / "uploads").mkdir()
    spooled = []
    save_answer = services.save_answer

    def spy(**kwargs):
        spooled.append(Path(kwargs["upload"].temporary_file_path()))
        assert spooled[0].exists()
        return save_answer(**kwargs)

    monkeypatch.setattr(services, "save_answer", spy)
    assert upload(client, legal, "dpia.pdf", PDF + b"%" * 1000).status_code == 200
    [path] = spooled
    assert path.parent == tmp_path / "uploads"
    assert not path.exists()
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= settings.MAX_REQUEST_BYTES


def test_a_request_body_above_the_cap_is_refused_unread(client, legal, settings):
    settings.MAX_REQUEST_BYTES = 1000
    response = upload(client, legal, "dpia.pdf", PDF + b"%" * 2000)
    assert response.status_code == 413
    assert not Evidence.objects.exists()
