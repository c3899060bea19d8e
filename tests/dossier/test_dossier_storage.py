"""Dossier versions on the local disk and in S3-compatible object storage: stored once, served
with their SHA-256 checked, a damaged object never sent."""

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from dossier import services
from dossier.models import DossierDownload, DossierVersion
from procurement import file_storage

from .conftest import full_journey
from .test_dossier import generated


@pytest.fixture
def case(dteam):
    return full_journey(dteam)


def test_a_version_is_stored_and_served_unchanged(client, case, file_backend):
    version, content = generated(client, case)
    storage = file_storage.dossier_storage()
    assert [f.name for f in file_storage.list_files(storage)] == [services.version_name(version)]
    assert hashlib.sha256(content).hexdigest() == version.sha256
    client.force_login(case.lawyer)
    response = client.get(reverse("dossier:download", args=[case.project.pk, version.pk]))
    assert response.status_code == 200
    assert response.content == content
    assert DossierVersion.objects.count() == DossierDownload.objects.count() == 1


def test_a_damaged_object_is_never_sent(client, case, file_backend):
    version, _content = generated(client, case)
    storage = file_storage.dossier_storage()
    name = services.version_name(version)
    storage.delete(name)
    file_storage.save_exactly(storage, name, ContentFile(b"%PDF-1.7 changed"))
    client.force_login(case.procurement)
    response = client.get(reverse("dossier:download", args=[case.project.pk, version.pk]))
    assert response.status_code == 500
    assert b"%PDF" not in response.content
    assert not DossierDownload.objects.exists()
