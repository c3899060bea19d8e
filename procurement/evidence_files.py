"""Storing evidence files: in the evidence storage (procurement/file_storage.py, outside the web
root), under server-generated names, checked by content.

Only the types on the allow-list are accepted, and the file's content must match its extension,
so a renamed executable or HTML page is refused. Files are served only through
`views.evidence_download`, which checks membership and sends them as attachments.
"""

import hashlib
import logging
import unicodedata
import uuid
import weakref
from dataclasses import dataclass
from pathlib import Path

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from . import file_storage
from .archives import ArchiveRefused, check_zip
from .downloads import set_download_name

logger = logging.getLogger(__name__)

# extension -> content type we send back
ALLOWED = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "csv": "text/csv",
    "txt": "text/plain",
}
TEXT_EXTENSIONS = {"csv", "txt"}
SNIFF_BYTES = 8192
PARTIAL_SUFFIX = ".part"


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    original_name: str
    content_type: str
    size: int
    sha256: str


def _extension(name: str) -> str:
    return Path(name).suffix.lower().lstrip(".")


def _looks_like_text(head: bytes) -> bool:
    """UTF-8 or Windows-1252 text without NUL bytes (Danish spreadsheet exports use either)."""
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
        return True
    except UnicodeDecodeError as exc:
        if len(head) == SNIFF_BYTES and exc.start >= SNIFF_BYTES - 3:
            return True  # a multi-byte character cut at the end of the sniffed block
    try:
        head.decode("cp1252")
        return True
    except UnicodeDecodeError:
        return False


def check_upload(upload: UploadedFile) -> str:
    """Validate size and type by content; return the content type to store. Raises
    ValidationError with a message for the user."""
    max_bytes = settings.EVIDENCE_MAX_BYTES
    if upload.size > max_bytes:
        raise ValidationError(
            _("The file is too large (%(size)s). The limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)}
        )
    if upload.size == 0:
        raise ValidationError(_("The file is empty."))
    extension = _extension(upload.name)
    if extension not in ALLOWED:
        raise ValidationError(
            _(
                "Files of this type are not accepted. Allowed: PDF, Word (DOCX), Excel (XLSX), "
                "PNG, JPEG, CSV and text."
            )
        )
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    if extension in TEXT_EXTENSIONS:
        matches = _looks_like_text(head) and filetype.guess(head) is None
    elif extension in {"pdf", "png", "jpg", "jpeg"}:
        kind = filetype.guess(head)
        matches = kind is not None and kind.mime == ALLOWED[extension]
    else:
        data = _read_all(upload)
        kind = filetype.guess(data)
        matches = kind is not None and kind.mime == ALLOWED[extension]
        if matches:
            # Whoever opens it later (Word, Excel, a dossier tool) must not meet a zip bomb.
            try:
                check_zip(data)
            except ArchiveRefused as exc:
                raise ValidationError(exc.message) from exc
    if not matches:
        raise ValidationError(
            _("The file's content does not match its name (.%(ext)s). Upload the original file.")
            % {"ext": extension}
        )
    return ALLOWED[extension]


def _read_all(upload: UploadedFile) -> bytes:
    # DOCX and XLSX are zip files: their type is only known from the member names, which can
    # sit anywhere in the archive. Bounded by EVIDENCE_MAX_BYTES, checked before this.
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def original_name(name: str) -> str:
    """The name a file is listed under: its last path part, in Unicode NFC. macOS sends
    "ø" or "é" decomposed (NFD), Windows composed (NFC): the same name must be the same text, or
    a search, a duplicate check or a dossier list would treat them as two files."""
    return unicodedata.normalize("NFC", Path(name).name)[:255] or "file"


def store_upload(upload: UploadedFile, *, project_id: int, content_type: str) -> StoredFile:
    """Save the file under a temporary name beside its final one (`<name>.part`, in the
    evidence storage: a folder or a bucket) and return its metadata, SHA-256 included. The
    caller, in the transaction that creates the row pointing to it, calls `publish_on_commit`
    (and `remove_stored` when its own work fails): a process killed mid-upload leaves at most a
    `.part` file no row points to (`manage.py clean_orphans`), never a truncated file under a
    real name. On object storage an upload is one PUT, complete or absent."""
    original = original_name(upload.name)
    stored_name = uuid.uuid4().hex
    digest = hashlib.sha256()
    size = 0
    for chunk in upload.chunks():
        digest.update(chunk)
        size += len(chunk)
    upload.seek(0)
    temporary = partial_name(project_id, stored_name)
    try:
        file_storage.save_exactly(file_storage.evidence_storage(), temporary, upload)
    except BaseException:
        _delete_quietly(temporary)
        raise
    return StoredFile(stored_name, original, content_type, size, digest.hexdigest())


def stored_file_name(project_id: int, stored_name: str) -> str:
    """The name of a committed file in the evidence storage."""
    if not stored_name.isalnum():
        raise ValueError("invalid stored name")
    return f"{int(project_id)}/{stored_name}"


def partial_name(project_id: int, stored_name: str) -> str:
    """Where a file is written before its row is committed."""
    return stored_file_name(project_id, stored_name) + PARTIAL_SUFFIX


def publish_stored(project_id: int, stored: StoredFile) -> None:
    """Give a stored file its real name (atomic on a disk; copy then delete in object storage,
    so the real name is complete or absent)."""
    file_storage.rename(
        file_storage.evidence_storage(),
        partial_name(project_id, stored.stored_name),
        stored_file_name(project_id, stored.stored_name),
    )


def publish_on_commit(project_id: int, stored: StoredFile) -> None:
    """Give the file its real name when the outermost transaction commits, not when the
    caller's block ends (that may be a savepoint of a request or a command that still rolls
    back), and remove its `.part` file when the transaction rolls back instead.

    Django has no on-rollback hook, but it drops the on-commit callbacks of a transaction or
    savepoint that rolls back; the finalizer runs when the dropped callback is freed (at once in
    CPython, or at exit at the latest). After a commit it leaves the file alone, even when the
    rename failed (then logged by Django, and the committed row's file kept as `.part` for an
    operator). A process killed before either leaves the `.part` to `clean_orphans`."""
    state = {"called": False}  # shared with the finalizer, which must not hold the callback

    def publish_evidence_file() -> None:
        state["called"] = True
        publish_stored(project_id, stored)

    weakref.finalize(
        publish_evidence_file,
        _remove_if_rolled_back,
        partial_name(project_id, stored.stored_name),
        state,
    )
    # robust: a failed rename after the commit must not reach the caller's clean-up, which would
    # remove the file of a row that is committed.
    transaction.on_commit(publish_evidence_file, robust=True)


def _remove_if_rolled_back(name: str, state: dict) -> None:
    if not state["called"]:
        _delete_quietly(name)


def _delete_quietly(name: str) -> None:
    try:
        file_storage.evidence_storage().delete(name)
    except Exception:
        logger.exception("Could not delete %s; clean_orphans will find it", name)


def open_stored(project_id: int, stored_name: str):
    """The committed file, opened for reading (the caller closes it); FileNotFoundError when
    the storage does not have it."""
    return file_storage.evidence_storage().open(stored_file_name(project_id, stored_name), "rb")


def remove_stored(project_id: int, stored_name: str) -> None:
    storage = file_storage.evidence_storage()
    storage.delete(stored_file_name(project_id, stored_name))
    storage.delete(partial_name(project_id, stored_name))


def stored_file_response(
    project_id: int, stored_name: str, *, original_name: str, content_type: str
) -> FileResponse:
    """A stored upload (evidence, validation results, a dialogue file) as a download under its
    original name, streamed from the storage, sandboxed so a browser never runs it. Call it
    after the permission check; a file missing from the storage is a 404."""
    try:
        handle = open_stored(project_id, stored_name)
    except FileNotFoundError:
        raise Http404("The file is missing from storage") from None
    response = FileResponse(
        handle,  # streamed from the storage; FileResponse closes it
        as_attachment=True,
        filename=original_name,
        content_type=content_type,
    )
    set_download_name(response, original_name)
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
