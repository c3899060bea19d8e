"""Figures the law or a ministry can change (application dates, thresholds, the discount rate),
kept as dated data with their sources, never in code.

The helpers take a `DatedData` as an argument, so they stay pure and testable with data of the
test's own; `selectors.load_dated_data` reads what administrators maintain in the database.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


class DatedKey(models.TextChoices):
    """The figures the helpers know how to use. A key ending in `_from` holds a date; the others
    a number."""

    AI_ACT_ART4_ART5_FROM = (
        "ai_act.art4_art5_apply_from",
        _("AI Act: Chapters I–II (AI literacy, prohibited practices) apply from"),
    )
    AI_ACT_ART50_FROM = (
        "ai_act.art50_applies_from",
        _("AI Act: transparency obligations (Art. 50) apply from"),
    )
    AI_ACT_ANNEX_III_FROM = (
        "ai_act.high_risk_annex_iii_applies_from",
        _("AI Act: high-risk rules for Annex III systems (Art. 6(2)) apply from"),
    )
    AI_ACT_ANNEX_I_FROM = (
        "ai_act.high_risk_annex_i_applies_from",
        _(
            "AI Act: high-risk rules for Annex I products (Art. 6(1), e.g. medical devices) "
            "apply from"
        ),
    )
    EU_THRESHOLD_SUPPLIES_SERVICES = (
        "procurement.eu_threshold_regional_supplies_services_dkk",
        _("EU procurement threshold, regions and municipalities, supplies and services (DKK)"),
    )
    EU_THRESHOLD_LIGHT_REGIME = (
        "procurement.eu_threshold_regional_light_regime_dkk",
        _("EU procurement threshold, regions and municipalities, light regime (DKK)"),
    )
    DISCOUNT_RATE = (
        "business_case.discount_rate",
        _("Socio-economic discount rate, years 0–35 (fraction, e.g. 0.035)"),
    )

    @classmethod
    def holds_date(cls, key: str) -> bool:
        return key.endswith("_from")


@dataclass(frozen=True)
class DatedFact:
    """One figure, valid from `valid_from` to `valid_to` (inclusive; open where None)."""

    key: str
    value: Decimal | date
    valid_from: date | None = None
    valid_to: date | None = None
    is_proposal: bool = False
    source_title: str = ""
    source_title_en: str = ""
    source_url: str = ""
    as_of: date | None = None
    note: str = ""

    @property
    def source_in_language(self) -> str:
        """The source's title in the active language (Danish is the title administrators
        enter first; English falls back to it)."""
        return source_title_in_language(self.as_dict())

    def applies_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    def as_dict(self) -> dict:
        value = self.value.isoformat() if isinstance(self.value, date) else float(self.value)
        return {
            "key": self.key,
            "value": value,
            "valid_from": _iso(self.valid_from),
            "valid_to": _iso(self.valid_to),
            "is_proposal": self.is_proposal,
            "source_title": self.source_title,
            "source_title_en": self.source_title_en,
            "source_url": self.source_url,
            "as_of": _iso(self.as_of),
            "note": self.note,
        }


def source_title_in_language(fact: dict) -> str:
    """`source_title` (Danish) or `source_title_en` for the active language, from a fact's
    dict; a result stored before the English title existed has only `source_title`."""
    danish = fact.get("source_title", "")
    if (get_language() or "da")[:2] == "en":
        return fact.get("source_title_en") or danish
    return danish


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


@dataclass(frozen=True)
class DatedData:
    facts: tuple[DatedFact, ...] = ()

    def find(self, key: str, on: date, *, proposal: bool = False) -> DatedFact | None:
        """The figure for `key` valid on `on` (adopted law, or the proposal when asked for);
        None when the data has nothing for that day. If periods overlap, the latest start wins."""
        matches = [
            fact
            for fact in self.facts
            if fact.key == key and fact.is_proposal == proposal and fact.applies_on(on)
        ]
        if not matches:
            return None
        return max(matches, key=lambda fact: fact.valid_from or date.min)


def copenhagen_today() -> date:
    """Today as it is in Denmark, whatever the server's clock zone."""
    return datetime.now(COPENHAGEN).date()
