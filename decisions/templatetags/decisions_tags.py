"""Template filters for the decision panels and the dossier: Danish amounts and bilingual data."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django import template
from django.utils.translation import gettext

from decisions.dated_data import source_title_in_language
from decisions.formatting import format_dkk
from decisions.reasoning import cite, in_language
from decisions.tool import DPIA_CRITERION_LABELS, ROUTE_LABELS

register = template.Library()


@register.filter
def dkk(value) -> str:
    """1644638 -> "1.644.638 kr." (Danish format in every language, as the brief asks)."""
    try:
        return format_dkk(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return ""


@register.filter
def pick(data: dict, field: str) -> str:
    """data["<field>_da"] or data["<field>_en"] for the active language."""
    return in_language(data.get(f"{field}_da", ""), data.get(f"{field}_en", ""))


@register.filter(name="cite")
def cite_filter(article: str) -> str:
    """A stored citation ("AI Act Art. 26(1)") in the active language."""
    return cite(article or "")


@register.filter
def ai_act_route(key: str) -> str:
    """A stored route key ("annex_i") as its label in the active language."""
    return gettext(ROUTE_LABELS[key]) if key in ROUTE_LABELS else key


@register.filter
def dpia_criterion(key: str) -> str:
    """A stored DPIA criterion key ("health_data") as its label in the active language."""
    return gettext(DPIA_CRITERION_LABELS[key]) if key in DPIA_CRITERION_LABELS else key


@register.filter
def iso_date(value: str | None) -> date | None:
    """A stored ISO date ("2027-12-02") as a date, for the `date` filter."""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@register.filter
def source_title(data: dict) -> str:
    """A stored fact's or route's source title in the active language."""
    return source_title_in_language(data)
