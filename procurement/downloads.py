"""The Content-Disposition header of every download: the file's real name (Danish letters kept)
in RFC 6266 / RFC 5987 `filename*` (UTF-8), with an ASCII `filename` for clients that read only
that one (æ → ae, ø → oe, å → aa, other letters without their accents)."""

import re
import unicodedata
from urllib.parse import quote

from django.http import HttpResponseBase
from django.utils.text import slugify

# Danish letters have no Unicode decomposition, so NFKD alone would drop them.
DANISH_ASCII = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})
UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/:;*?<>|]+')


def ascii_file_name(name: str) -> str:
    """`name` in printable ASCII without quotes, slashes or control characters."""
    text = unicodedata.normalize("NFKD", name.translate(DANISH_ASCII))
    text = text.encode("ascii", "ignore").decode("ascii")
    text = UNSAFE.sub("_", text).strip(" ._")
    return text or "download"


def content_disposition(name: str, *, attachment: bool = True) -> str:
    """`attachment; filename="forvaerring.docx"; filename*=UTF-8''forv%C3%A6rring.docx`."""
    name = UNSAFE.sub("_", name).strip(" ") or "download"
    fallback = ascii_file_name(name)
    header = f'{"attachment" if attachment else "inline"}; filename="{fallback}"'
    if fallback != name:
        header += f"; filename*=UTF-8''{quote(name, safe='')}"
    return header


def set_download_name(
    response: HttpResponseBase, name: str, *, attachment: bool = True
) -> HttpResponseBase:
    response["Content-Disposition"] = content_disposition(name, attachment=attachment)
    return response


def file_name_part(text: str, *, limit: int = 60) -> str:
    """A title as part of a file name: lower case, hyphens, Danish letters kept."""
    return slugify(text, allow_unicode=True)[:limit].strip("-")
