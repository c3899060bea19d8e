"""Evidence files on the local disk and in S3-compatible object storage (moto's server on
127.0.0.1): the same upload, download, SHA-256, publish-on-commit and orphan behaviour."""

import hashlib
import io

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from config.storage_url import s3_options
from procurement import evidence_files, file_storage
from procurement.models import Evidence
from tests.personas import PDF, move_to
from tests.test_evidence import upload


@pytest.fixture
def legal(team, client):
    move_to(team, "legal")
    client.force_login(team.lawyer)
    return team


def names(storage) -> list[str]:
    return [listed.name for listed in file_storage.list_files(storage)]


def test_the_storage_is_the_one_asked_for(file_backend):
    storage = file_storage.evidence_storage()
    assert file_storage.is_local(storage) == (file_backend == "local")


def test_upload_on_one_and_download_with_the_same_hash(client, legal, file_backend):
    content = PDF + b"%" + bytes(range(256)) * 40
    response = upload(client, legal, "Rapport æøå.pdf", content)
    assert response.status_code == 200, response.content.decode()[:300]
    evidence = Evidence.objects.get()
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    storage = file_storage.evidence_storage()
    # Published under its real name; no `.part` left.
    assert names(storage) == [f"{legal.project.pk}/{evidence.stored_name}"]
    client.force_login(legal.procurement)
    response = client.get(reverse("evidence_download", args=[legal.project.pk, evidence.pk]))
    assert response.status_code == 200
    served = b"".join(response.streaming_content)
    assert hashlib.sha256(served).hexdigest() == evidence.sha256
    assert response["Content-Disposition"].startswith("attachment;")


def test_outsiders_get_404_from_object_storage_too(client, legal, file_backend):
    upload(client, legal, "dpia.pdf", PDF)
    evidence = Evidence.objects.get()
    client.force_login(legal.outsider)
    response = client.get(reverse("evidence_download", args=[legal.project.pk, evidence.pk]))
    assert response.status_code == 404


def test_a_missing_object_is_404_not_500(client, legal, file_backend):
    upload(client, legal, "dpia.pdf", PDF)
    evidence = Evidence.objects.get()
    evidence_files.remove_stored(legal.project.pk, evidence.stored_name)
    response = client.get(reverse("evidence_download", args=[legal.project.pk, evidence.pk]))
    assert response.status_code == 404


def test_a_refused_save_leaves_no_object(client, legal, file_backend):
    client.force_login(legal.procurement)  # may read, may not answer
    response = upload(client, legal, "dpia.pdf", PDF)
    assert response.status_code == 403
    assert not Evidence.objects.exists()
    assert names(file_storage.evidence_storage()) == []


def test_publish_waits_for_the_outermost_commit_and_a_rollback_removes_the_part(
    legal, file_backend
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    storage = file_storage.evidence_storage()
    with pytest.raises(RuntimeError), transaction.atomic():
        stored = evidence_files.store_upload(
            SimpleUploadedFile("a.pdf", PDF), project_id=legal.project.pk, content_type="x"
        )
        with transaction.atomic():
            evidence_files.publish_on_commit(legal.project.pk, stored)
        # Still only the `.part`: the outer block has not committed.
        assert names(storage) == [f"{legal.project.pk}/{stored.stored_name}.part"]
        raise RuntimeError("rolled back")
    assert names(storage) == []


def test_clean_orphans_lists_and_removes_objects_no_row_names(client, legal, file_backend):
    upload(client, legal, "dpia.pdf", PDF)
    kept = f"{legal.project.pk}/{Evidence.objects.get().stored_name}"
    evidence = file_storage.evidence_storage()
    dossiers = file_storage.dossier_storage()
    orphan = f"{legal.project.pk}/{'a' * 32}"
    partial = f"{legal.project.pk}/{'b' * 32}.part"
    dossier = f"{legal.project.pk}/{'c' * 32}.pdf"
    for name in (orphan, partial):
        file_storage.save_exactly(evidence, name, ContentFile(b"x"))
    file_storage.save_exactly(dossiers, dossier, ContentFile(b"%PDF"))
    out = io.StringIO()
    call_command("clean_orphans", "--min-age-minutes", "0", stdout=out)
    listed = out.getvalue()
    for storage, name in ((evidence, orphan), (evidence, partial), (dossiers, dossier)):
        assert file_storage.describe(storage, name) in listed
    assert file_storage.describe(evidence, kept) not in listed
    # Younger than the default hour: left alone.
    call_command("clean_orphans", "--delete", stdout=io.StringIO())
    assert len(names(evidence)) == 3
    call_command("clean_orphans", "--delete", "--min-age-minutes", "0", stdout=io.StringIO())
    assert names(evidence) == [kept]
    assert names(dossiers) == []


def test_the_readiness_probe_leaves_nothing_behind(file_backend):
    storage = file_storage.evidence_storage()
    assert file_storage.storage_problem(storage) is None
    assert storage.listdir("") == ([], [])


def test_a_storage_that_does_not_answer_is_a_problem(settings, file_backend):
    if file_backend == "s3":
        options = settings.STORAGES["evidence"]["OPTIONS"] | {"bucket_name": "no-such-bucket"}
        settings.STORAGES = {**settings.STORAGES, "evidence": {
            **settings.STORAGES["evidence"], "OPTIONS": options}}  # fmt: skip
    else:
        settings.EVIDENCE_ROOT = "/proc/no-such-folder"
    assert file_storage.storage_problem(file_storage.evidence_storage()) == "unavailable"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("s3://media", {"bucket_name": "media"}),
        (
            "s3://media?endpoint_url=http://127.0.0.1:9000&region=eu-north-1&addressing_style=path",
            {
                "bucket_name": "media",
                "endpoint_url": "http://127.0.0.1:9000",
                "region_name": "eu-north-1",
                "addressing_style": "path",
            },
        ),
    ],
)
def test_storage_url(url, expected):
    options = s3_options(url)
    assert options.items() >= expected.items()
    # Private objects, short-lived signatures, never overwriting.
    assert options["default_acl"] is None
    assert options["querystring_auth"] is True and options["querystring_expire"] <= 300
    assert options["file_overwrite"] is False


@pytest.mark.parametrize(
    "url",
    [
        "https://media",
        "s3://",
        "s3://media/folder",
        "s3://key:secret@media",
        "s3://media?acl=public-read",
        "s3://media?region=",
        "s3://media?region=a&region=b",
        "s3://media?addressing_style=sideways",
    ],
)
def test_storage_url_refused(url):
    with pytest.raises(ImproperlyConfigured):
        s3_options(url)
