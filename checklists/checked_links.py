"""The maintained list of the links the guideline cites, each with what it is and how and when it
was last checked (checklists/checked_links.yaml). Shown on the guide's sources page."""

from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import yaml
from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import pick_language

LINKS_FILE = Path(__file__).resolve().parent / "checked_links.yaml"


class LinkStatus(models.TextChoices):
    FOUND = "found", _("Read: a stored copy of this address is the page meant")
    FOUND_ELSEWHERE = "found_elsewhere", _("Read under another address (see the note)")
    CITED = "cited", _("Not read; cited by sources that were read")
    NOT_FOUND = "not_found", _("Not read; no copy of this address was found")


class CheckedLinksError(ValueError):
    pass


@dataclass(frozen=True)
class CheckedLink:
    url: str
    what_da: str
    what_en: str
    checked: date
    status: str
    note_da: str = ""
    note_en: str = ""

    @property
    def what(self) -> str:
        return pick_language(self.what_da, self.what_en)

    @property
    def note(self) -> str:
        return pick_language(self.note_da, self.note_en)

    @property
    def status_label(self) -> str:
        return LinkStatus(self.status).label


def _pair(entry: dict, field: str, where: str, *, required: bool) -> tuple[str, str]:
    value = entry.get(field)
    if value is None and not required:
        return "", ""
    if not isinstance(value, dict) or not value.get("da") or not value.get("en"):
        raise CheckedLinksError(f"{where}: '{field}' needs 'da' and 'en'.")
    return str(value["da"]), str(value["en"])


def parse_checked_links(text: str) -> tuple[CheckedLink, ...]:
    """Every entry complete: an https URL (once), what it is in both languages, the date checked
    and a known status. Raises CheckedLinksError naming the entry."""
    data = yaml.safe_load(text) or {}
    links, seen = [], set()
    for number, entry in enumerate(data.get("links") or [], start=1):
        where = f"link {number}"
        url = entry.get("url") if isinstance(entry, dict) else None
        if not isinstance(url, str) or not url.startswith("https://"):
            raise CheckedLinksError(f"{where}: the url must start with https://.")
        if url in seen:
            raise CheckedLinksError(f"{where}: {url} is listed twice.")
        seen.add(url)
        if not isinstance(entry.get("checked"), date):
            raise CheckedLinksError(f"{where}: 'checked' must be a date (YYYY-MM-DD).")
        if entry.get("status") not in LinkStatus.values:
            raise CheckedLinksError(f"{where}: status must be one of {LinkStatus.values}.")
        what_da, what_en = _pair(entry, "what", where, required=True)
        note_da, note_en = _pair(entry, "note", where, required=False)
        links.append(
            CheckedLink(url, what_da, what_en, entry["checked"], entry["status"], note_da, note_en)
        )
    return tuple(links)


@cache
def checked_links() -> tuple[CheckedLink, ...]:
    return parse_checked_links(LINKS_FILE.read_text(encoding="utf-8"))
