"""Reporting periods: calendar months (`2025-03`) and ISO 8601 weeks (`2025-W07`).

Pure (no Django models): used by the rules, the command line check, the upload parser and the
services alike, so a period is spelt, ordered and dated the same everywhere.
"""

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

MONTH = "month"
WEEK = "week"
KINDS = (MONTH, WEEK)

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_WEEK = re.compile(r"^(\d{4})-?[Ww](\d{1,2})$")


class PeriodError(ValueError):
    """Not a period this product knows; the message says what is expected."""


@dataclass(frozen=True, order=True)
class Period:
    """One reporting period. Ordered by its first day; `label` is the canonical spelling."""

    start: datetime.date
    kind: str

    @property
    def label(self) -> str:
        if self.kind == MONTH:
            return f"{self.start.year:04d}-{self.start.month:02d}"
        year, week, _day = self.start.isocalendar()
        return f"{year:04d}-W{week:02d}"

    @property
    def end(self) -> datetime.date:
        """The period's last day."""
        return self.next().start - datetime.timedelta(days=1)

    def next(self) -> "Period":
        if self.kind == WEEK:
            return Period(self.start + datetime.timedelta(days=7), WEEK)
        year, month = divmod(self.start.month, 12)
        return Period(datetime.date(self.start.year + year, month + 1, 1), MONTH)

    def __str__(self) -> str:
        return self.label


def parse_period(text, kind: str | None = None) -> Period:
    """`YYYY-MM` or `YYYY-Www` (ISO week, Monday first). With `kind` only that kind is accepted."""
    if isinstance(text, datetime.datetime):
        text = text.date()
    if isinstance(text, datetime.date):  # a spreadsheet cell holding a date means its month
        period = Period(text.replace(day=1), MONTH)
    else:
        value = str(text).strip()
        period = _parse_text(value)
    if kind is not None and period.kind != kind:
        raise PeriodError(
            _("expected a month (YYYY-MM)")
            if kind == MONTH
            else _("expected an ISO week (YYYY-Www)")
        )
    return period


def _parse_text(value: str) -> Period:
    match = _MONTH.match(value)
    if match:
        year, month = int(match[1]), int(match[2])
        if not 1 <= month <= 12 or year < 1900:
            raise PeriodError(_("not a month"))
        return Period(datetime.date(year, month, 1), MONTH)
    match = _WEEK.match(value)
    if match:
        year, week = int(match[1]), int(match[2])
        try:
            start = datetime.date.fromisocalendar(year, week, 1)
        except ValueError as exc:
            raise PeriodError(_("not an ISO week")) from exc
        if year < 1900:
            raise PeriodError(_("not an ISO week"))
        return Period(start, WEEK)
    raise PeriodError(_("expected YYYY-MM or YYYY-Www"))


def expected_periods(first: Period, today: datetime.date, grace_days: int = 0) -> list[Period]:
    """Every period from `first` whose last day plus `grace_days` lies before `today`: the
    periods whose data are due by now."""
    periods = []
    period = first
    while period.end + datetime.timedelta(days=grace_days) < today:
        periods.append(period)
        period = period.next()
        if len(periods) > 10_000:  # a first period centuries ago is a mistake, not a plan
            break
    return periods
