"""Checks on ZIP containers (XLSX, DOCX) before anything unpacks them.

A small archive can unpack to gigabytes (a "zip bomb"): openpyxl, for one, reads a workbook's
shared strings completely even in read-only mode. The central directory says how many entries
there are and how large each is once unpacked, so the archive is judged from it, without
unpacking a byte; Python's zipfile never returns more bytes of an entry than the directory
declares, so a lying directory cannot smuggle more past these limits.
"""

import io
import zipfile

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

MAX_ENTRIES = 2_000
MAX_ENTRY_BYTES = 100 * 1024 * 1024
MAX_TOTAL_BYTES = 200 * 1024 * 1024
# Spreadsheets and documents compress about 5-20 times; a bomb compresses thousands of times.
# Small entries are left alone: a 1 MB entry of repeated markup may compress very well.
MAX_RATIO = 100
RATIO_FROM_BYTES = 1024 * 1024

NOT_A_ZIP = gettext_noop("The file is not a valid Office file (it is not a ZIP container).")
TOO_MANY_ENTRIES = gettext_noop(
    "The file holds %(count)d parts; at most %(max)d are accepted. Save it again from Excel or "
    "Word, or send it as CSV or PDF."
)
TOO_LARGE_UNPACKED = gettext_noop(
    "The file unpacks to %(size)s, more than the %(limit)s accepted. Save it again without "
    "unused sheets or images, or split it."
)
SUSPICIOUS_RATIO = gettext_noop(
    "The file unpacks to far more than its size (%(ratio)d times): it is refused as a possible "
    "attack. Save it again from Excel or Word."
)


class ArchiveRefused(Exception):
    """The archive must not be opened. `message` is for the person who uploaded it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def check_zip(data: bytes) -> None:
    """Raise ArchiveRefused unless `data` is a ZIP archive within the limits above."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ArchiveRefused(_(NOT_A_ZIP)) from exc
    if len(entries) > MAX_ENTRIES:
        raise ArchiveRefused(_(TOO_MANY_ENTRIES) % {"count": len(entries), "max": MAX_ENTRIES})
    total = 0
    for entry in entries:
        total += entry.file_size
        if entry.file_size > MAX_ENTRY_BYTES or total > MAX_TOTAL_BYTES:
            limit = MAX_ENTRY_BYTES if entry.file_size > MAX_ENTRY_BYTES else MAX_TOTAL_BYTES
            size = entry.file_size if entry.file_size > MAX_ENTRY_BYTES else total
            raise ArchiveRefused(
                _(TOO_LARGE_UNPACKED)
                % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
            )
        if entry.file_size >= RATIO_FROM_BYTES:
            ratio = entry.file_size // max(entry.compress_size, 1)
            if ratio > MAX_RATIO:
                raise ArchiveRefused(_(SUSPICIOUS_RATIO) % {"ratio": ratio})
