"""What a notification says, in the active language: written when it is shown or mailed, from
the facts stored with it, so the same notification reads in Danish or English."""

from dataclasses import dataclass
from datetime import date

from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from checklists.roles import Role

from .models import Kind, Notification


@dataclass(frozen=True)
class Wording:
    title: str
    detail: str = ""


def _pick(value) -> str:
    """One language of a {"da": ..., "en": ...} pair (or a plain string)."""
    if isinstance(value, dict):
        language = (get_language() or "da")[:2]
        return value.get(language) or value.get("da") or ""
    return str(value or "")


def _role(key: str) -> str:
    return str(Role(key).label) if key in Role.values else key


def _date(value: str) -> str:
    try:
        return date_format(date.fromisoformat(value), "DATE_FORMAT")
    except (TypeError, ValueError):
        return value or ""


def describe(notification: Notification) -> Wording:
    data = notification.data or {}
    facts = {
        "project": data.get("project", ""),
        "actor": data.get("actor", "") or _("Someone"),
        "stage": _pick(data.get("stage")),
        "target": _pick(data.get("target")),
        "item": _pick(data.get("item")),
        "role": _role(data.get("role", "")),
        "metric": data.get("metric", ""),
        "period": data.get("period", ""),
        "rule": data.get("rule", ""),
        "due": _date(data.get("due", "")),
        "what": _pick(data.get("what")),
    }
    reason = data.get("reason", "")
    kind = notification.kind
    if kind == Kind.APPROVAL_REQUESTED:
        return Wording(
            _("%(actor)s asks for approval of “%(stage)s” in %(project)s") % facts, reason
        )
    if kind == Kind.STAGE_RETURNED:
        return Wording(
            _("%(project)s was returned to “%(target)s” by %(actor)s") % facts,
            _("Reason: %(reason)s") % {"reason": reason} if reason else "",
        )
    if kind == Kind.PROJECT_STOPPED:
        return Wording(
            _("%(project)s was stopped by %(actor)s") % facts,
            _("Reason: %(reason)s") % {"reason": reason} if reason else "",
        )
    if kind == Kind.SIGNOFF_NEEDED:
        return Wording(
            _("Sign-off needed (%(role)s): “%(item)s” in %(project)s") % facts,
            _("%(actor)s saved an answer that needs your sign-off.") % facts,
        )
    if kind == Kind.MEMBER_ADDED:
        return Wording(
            _("You were added to %(project)s as %(role)s") % facts,
            _("Added by %(actor)s.") % facts,
        )
    if kind == Kind.MONITORING_ALARM:
        return Wording(
            _("Monitoring alarm in %(project)s: %(metric)s") % facts,
            _("Period %(period)s, rule: %(rule)s. Someone must assess it.") % facts,
        )
    if kind == Kind.DEADLINE_PASSED:
        return Wording(
            _("Deadline passed (%(due)s): %(what)s in %(project)s") % facts,
        )
    if kind == Kind.DEADLINE_SOON:
        return Wording(_("Due %(due)s: %(what)s in %(project)s") % facts)
    if kind == Kind.STAGE_APPROVED:
        return Wording(
            _("“%(stage)s” was approved in %(project)s; next: “%(target)s”") % facts,
        )
    if kind == Kind.ITEM_ASSIGNED:
        if data.get("change") == "due_date":
            title = _("New due date for “%(item)s” in %(project)s: %(due)s") % facts
        elif facts["due"]:
            title = _("You were given “%(item)s” in %(project)s, due %(due)s") % facts
        else:
            title = _("You were given “%(item)s” in %(project)s") % facts
        return Wording(title, _("Set by %(actor)s.") % facts)
    return Wording(str(notification.get_kind_display()))
