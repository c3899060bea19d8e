"""A person's deadlines as an iCalendar feed (RFC 5545) for Outlook and other calendars.

Written by hand: all-day events (a date, no time zone), text escaped and lines folded at 75
octets as the standard says, CRLF line ends. The feed is read through a secret token instead of a
login (calendar programs cannot log in); a new token makes the old address stop working.
"""

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from procurement.models import Membership, Project

from .deadlines import open_deadlines
from .models import CalendarFeed, new_feed_token


def feed_for(user) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


def regenerate(user) -> CalendarFeed:
    with transaction.atomic():
        feed = feed_for(user)
        feed.token = new_feed_token()
        feed.save(update_fields=["token", "created_at"])
    return feed


def escape(text: str) -> str:
    return (
        str(text)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        piece = char.encode("utf-8")
        if len(current) + len(piece) > (75 if not parts else 74):
            parts.append(current.decode("utf-8"))
            current = b""
        current += piece
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def _date(value: date) -> str:
    return value.strftime("%Y%m%d")


def calendar_for(user) -> str:
    """The person's open deadlines: items assigned to them, and the stage target dates of
    their projects."""
    project_ids = Membership.objects.filter(user=user).values_list("project_id", flat=True)
    projects = list(
        Project.objects.filter(pk__in=project_ids)
        .select_related("pathway")
        .prefetch_related("pathway__stages")
    )
    language = user.language or settings.LANGUAGE_CODE
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    site = settings.SITE_URL.rstrip("/")
    host = site.split("//")[-1].split("/")[0] or "localhost"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Clinical AI procurement guide//Deadlines//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    with translation.override(language):
        lines.append(f"X-WR-CALNAME:{escape(_('Deadlines'))}")
        for deadlines in open_deadlines(projects).values():
            for deadline in deadlines:
                if deadline.item is not None and (
                    deadline.assignee is None or deadline.assignee.pk != user.pk
                ):
                    continue
                what = deadline.what.get(language[:2]) or deadline.what["da"]
                label = _("Due") if deadline.item is not None else _("Stage target")
                lines += [
                    "BEGIN:VEVENT",
                    f"UID:{deadline.key}-{_date(deadline.due)}@{host}",
                    f"DTSTAMP:{stamp}",
                    f"DTSTART;VALUE=DATE:{_date(deadline.due)}",
                    f"DTEND;VALUE=DATE:{_date(deadline.due + timedelta(days=1))}",
                    f"SUMMARY:{escape(f'{label}: {what} ({deadline.project.title})')}",
                    f"URL:{site}{deadline.link}",
                    f"DESCRIPTION:{escape(site + deadline.link)}",
                    "TRANSP:TRANSPARENT",
                    "END:VEVENT",
                ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(fold(line) for line in lines) + "\r\n"
