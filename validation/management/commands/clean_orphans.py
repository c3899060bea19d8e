"""List (and with --delete remove) stored files that no row points to."""

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from dossier.models import DossierVersion
from procurement.evidence_files import PARTIAL_SUFFIX
from procurement.models import Evidence
from validation.models import ResultUpload


def orphaned_files(*, min_age_seconds: float) -> list[Path]:
    """Files under EVIDENCE_ROOT no Evidence or ResultUpload row names (`.part` files left by a
    killed upload included), dossier PDFs under DOSSIER_ROOT no version names (and their
    `.part` files), and Django's temporary upload files in FILE_UPLOAD_TEMP_DIR; only those
    older than `min_age_seconds`, so uploads and renders in progress are left alone."""
    known = set(Evidence.objects.values_list("project_id", "stored_name"))
    known |= set(ResultUpload.objects.values_list("project_id", "stored_name"))
    known_paths = {(str(project_id), name) for project_id, name in known}
    cutoff = time.time() - min_age_seconds
    found = []
    root = Path(settings.EVIDENCE_ROOT)
    for path in sorted(root.glob("*/*")) if root.is_dir() else []:
        if not path.is_file() or path.stat().st_mtime > cutoff:
            continue
        name = path.name.removesuffix(PARTIAL_SUFFIX)
        if path.name.endswith(PARTIAL_SUFFIX) or (path.parent.name, name) not in known_paths:
            found.append(path)
    versions = set(DossierVersion.objects.values_list("project_id", "stored_name"))
    version_paths = {(str(project_id), name) for project_id, name in versions}
    dossier_root = Path(settings.DOSSIER_ROOT)
    for path in sorted(dossier_root.glob("*/*")) if dossier_root.is_dir() else []:
        if not path.is_file() or path.stat().st_mtime > cutoff:
            continue
        if path.name.endswith(PARTIAL_SUFFIX) or (path.parent.name, path.name) not in version_paths:
            found.append(path)
    temp_dir = getattr(settings, "FILE_UPLOAD_TEMP_DIR", None)
    if temp_dir and Path(temp_dir).is_dir():
        for path in sorted(Path(temp_dir).iterdir()):
            old = path.stat().st_mtime <= cutoff if path.is_file() else False
            if old and ".upload" in path.name:
                found.append(path)
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
        for path in files:
            if delete:
                path.unlink(missing_ok=True)
            self.stdout.write(f"{'removed' if delete else 'orphan'} {path}")
        verb = "removed" if delete else "found (dry run; --delete removes them)"
        self.stdout.write(f"{len(files)} orphaned file(s) {verb}.")
