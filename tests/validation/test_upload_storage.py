"""Validation uploads (the original CSV/XLSX) on the local disk and in object storage."""

import hashlib

from django.urls import reverse

from procurement import file_storage
from tests.validation.helpers import add_site, classification_file, upload


def test_the_original_file_is_stored_and_served_from_either_storage(vteam, client, file_backend):
    file = classification_file()
    content = file.read()
    result = upload(vteam, add_site(vteam), file=file)
    listed = [f.name for f in file_storage.list_files(file_storage.evidence_storage())]
    assert listed == [f"{vteam.project.pk}/{result.stored_name}"]
    client.force_login(vteam.lawyer)
    response = client.get(reverse("validation:upload_download", args=[vteam.project.pk, result.pk]))
    assert response.status_code == 200
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == result.sha256
    assert result.sha256 == hashlib.sha256(content).hexdigest()
