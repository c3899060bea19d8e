"""List (and with --delete remove) stored files that no row points to."""

import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.storage import Storage
from django.core.management.base import BaseCommand

from dossier.models import DossierVersion
from market.models import DialogueFile
from procurement import file_storage
from procurement.evidence_files import PARTIAL_SUFFIX
from procurement.models import Evidence
from validation.models import ResultUpload


@dataclass(frozen=True)
class Orphan:
    storage: Storage | None  # None: a temporary upload file on this machine's disk
    name: str  # the storage name, or the path of a temporary upload file
    where: str  # what the listing shows: a path on disk or `bucket:key`

    def delete(self) -> None:
        if self.storage is None:
            Path(self.name).unlink(missing_ok=True)
        else:
            self.storage.delete(self.name)


def orphaned_files(*, min_age_seconds: float) -> list[Orphan]:
    """Files in the evidence storage no Evidence or ResultUpload row names (`.part` files left
    by a killed upload included), dossier PDFs in the dossier storage no version names (and
    their `.part` files), and Django's temporary upload files in FILE_UPLOAD_TEMP_DIR; only
    those older than `min_age_seconds`, so uploads and renders in progress are left alone.
    Works on a folder and on object storage alike (the storage API's listdir)."""
    known = set(Evidence.objects.values_list("project_id", "stored_name"))
    known |= set(ResultUpload.objects.values_list("project_id", "stored_name"))
    known |= set(DialogueFile.objects.values_list("entry__project_id", "stored_name"))
    known_names = {f"{project_id}/{name}" for project_id, name in known}
    versions = set(DossierVersion.objects.values_list("project_id", "stored_name"))
    version_names = {f"{project_id}/{name}" for project_id, name in versions}
    cutoff = time.time() - min_age_seconds
    found = []
    for storage, names in (
        (file_storage.evidence_storage(), known_names),
        (file_storage.dossier_storage(), version_names),
    ):
        for listed in file_storage.list_files(storage):
            if listed.modified.timestamp() > cutoff:
                continue
            if listed.name.endswith(PARTIAL_SUFFIX) or listed.name not in names:
                found.append(
                    Orphan(storage, listed.name, file_storage.describe(storage, listed.name))
                )
    temp_dir = getattr(settings, "FILE_UPLOAD_TEMP_DIR", None)
    if temp_dir and Path(temp_dir).is_dir():
        for path in sorted(Path(temp_dir).iterdir()):
            old = path.stat().st_mtime <= cutoff if path.is_file() else False
            if old and ".upload" in path.name:
                found.append(Orphan(None, str(path), str(path)))
    return found


class Command(BaseCommand):
    help = (
        "List stored files that no row points to (left by interrupted uploads); "
        "--delete removes them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--delete", action="store_true", help="remove them (default: list)")
        parser.add_argument(
            "--min-age-minutes",
            type=float,
            default=60,
            help="leave younger files alone: they may belong to an upload in progress (60)",
        )

    def handle(self, *args, delete: bool, min_age_minutes: float, **options):
        files = orphaned_files(min_age_seconds=min_age_minutes * 60)
        for orphan in files:
            if delete:
                orphan.delete()
            self.stdout.write(f"{'removed' if delete else 'orphan'} {orphan.where}")
        verb = "removed" if delete else "found (dry run; --delete removes them)"
        self.stdout.write(f"{len(files)} orphaned file(s) {verb}.")
