"""Template filters for the decision panels and the dossier: Danish amounts and bilingual data."""

from decimal import Decimal, InvalidOperation

from django import template

from decisions.formatting import format_dkk
from decisions.reasoning import in_language

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
