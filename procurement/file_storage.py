"""The one place that knows where files live: a named Django storage per kind of file.

- `evidence`: evidence files and validation uploads, named `<project id>/<stored name>`;
- `dossiers`: dossier PDFs, named `<project id>/<stored name>.pdf`.

Without STORAGE_URL both are folders on the local disk (EVIDENCE_ROOT, DOSSIER_ROOT: the same
folders as before object storage existed, so an install keeps its files). With STORAGE_URL they
are prefixes (`evidence/`, `dossiers/`) of one private bucket of an S3-compatible store (see
config/storage_url.py). Nothing else in the app builds a file path: services and views call the
functions here or the storage API (`open`, `save`, `delete`, `listdir`).

Files are never served by the store: the permission-checked views stream them (objects are
private and signed URLs are not handed out).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages

EVIDENCE = "evidence"
DOSSIERS = "dossiers"
KINDS = (EVIDENCE, DOSSIERS)
PROBE_NAME = "readyz-probe"


class LocalFileStorage(FileSystemStorage):
    """A folder on the local disk named by a setting (EVIDENCE_ROOT, DOSSIER_ROOT), read when
    the storage is used, so a test or a command may point the setting elsewhere. A saved file is
    synced to disk before `save` returns (a row may point to it right after)."""

    def __init__(self, root_setting: str, **kwargs):
        self.root_setting = root_setting
        super().__init__(**kwargs)

    @property
    def base_location(self):
        return str(getattr(settings, self.root_setting))

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def _save(self, name, content):
        name = super()._save(name, content)
        with open(self.path(name), "rb") as handle:
            os.fsync(handle.fileno())
        return name

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        return path, args, {**kwargs, "root_setting": self.root_setting}


def evidence_storage() -> Storage:
    return storages[EVIDENCE]


def dossier_storage() -> Storage:
    return storages[DOSSIERS]


def storages_by_kind() -> dict[str, Storage]:
    return {kind: storages[kind] for kind in KINDS}


def is_local(storage: Storage) -> bool:
    """True when the storage's files are on this machine's disk (they have a path)."""
    try:
        storage.path("x")
    except NotImplementedError:
        return False
    return True


def describe(storage: Storage, name: str) -> str:
    """How an operator finds the file: its path on disk, or `bucket:key` in object storage."""
    if is_local(storage):
        return storage.path(name)
    bucket = getattr(storage, "bucket_name", "?")
    location = getattr(storage, "location", "")
    return f"{bucket}:{location.rstrip('/') + '/' if location else ''}{name}"


def save_exactly(storage: Storage, name: str, content) -> None:
    """Save under `name` and nothing else. The app generates unique names (UUIDs); a store that
    already holds the name would otherwise save under another one and the row would point to
    the wrong object."""
    saved = storage.save(name, content)
    if saved != name:
        storage.delete(saved)
        raise FileExistsError(f"{name} already exists in the storage")


def rename(storage: Storage, source: str, target: str) -> None:
    """Give a stored file another name: atomic `os.replace` on a disk; copy inside the store,
    then delete, in object storage (S3 has no rename; the copy is complete or absent)."""
    if is_local(storage):
        os.replace(storage.path(source), storage.path(target))
        return
    bucket = getattr(storage, "bucket", None)
    if bucket is not None:
        # Server-side copy: the bytes do not travel through this process.
        bucket.copy(
            {"Bucket": bucket.name, "Key": storage._normalize_name(source)},
            storage._normalize_name(target),
            ExtraArgs=storage.get_object_parameters(target) or None,
        )
    else:
        with storage.open(source, "rb") as handle:
            save_exactly(storage, target, handle)
    storage.delete(source)


@dataclass(frozen=True)
class ListedFile:
    name: str  # the storage name: `<folder>/<file>`
    modified: datetime


def list_files(storage: Storage) -> list[ListedFile]:
    """Every file one folder deep (`<project id>/<file>`), with its modification time; works on
    a disk and on object storage (prefixes), in name order."""
    found = []
    try:
        folders, _files = storage.listdir("")
    except FileNotFoundError:
        return []
    for folder in sorted(folders):
        _dirs, files = storage.listdir(folder)
        for file in sorted(files):
            name = f"{folder}/{file}"
            found.append(ListedFile(name, storage.get_modified_time(name)))
    return found


def storage_problem(storage: Storage) -> str | None:
    """None when a tiny probe file can be written, read back and deleted; else a short code.
    Uses a name outside the `<project id>/` folders, so clean_orphans never lists it."""
    from django.core.files.base import ContentFile

    token = os.urandom(8).hex()
    name = f"{PROBE_NAME}-{token}"
    try:
        save_exactly(storage, name, ContentFile(token.encode()))
        try:
            with storage.open(name, "rb") as handle:
                if handle.read() != token.encode():
                    return "mismatch"
        finally:
            storage.delete(name)
    except Exception:
        return "unavailable"
    return None
