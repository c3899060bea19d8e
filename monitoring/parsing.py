"""Reading a file of monitoring periods: one row per period with its aggregate counts or means.

The file dialects are validation's (`validation.parsing`): CSV with `;`, `,` or tab, decimal
commas, UTF-8 or Windows-1252, or XLSX checked as an archive (zip-bomb limits of
`procurement.archives`) and read in a child process. Each problem is named by row (the header is
row 1) and column, and a file with any problem yields nothing.

Only aggregates: a column the format does not know is refused rather than kept, so a file of
patient-level rows cannot slip in under another name.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from validation.parsing import (
    MAX_REPORTED_ERRORS,
    ParseError,
    csv_rows,
    normalise_header,
    read_number,
    refuse_too_large_or_empty,
    xlsx_rows,
)

from .periods import Period, PeriodError, parse_period

MAX_PERIODS = 5_000
MAX_COUNT = 100_000_000
MAX_BYTES = 2 * 1024 * 1024

CLASSIFICATION = "classification"
SCRIBE = "scribe"

ROW_PROBLEM = gettext_noop("row %(row)d, column %(column)s: %(problem)s")
WHOLE_ROW_PROBLEM = gettext_noop("row %(row)d: %(problem)s")
UNKNOWN_COLUMN = gettext_noop("column %(column)s is not part of the format (%(known)s)")
MISSING_COLUMN = gettext_noop("the column %(column)s is missing")
DUPLICATE_PERIOD = gettext_noop("the same period as row %(row)d")
MIXED_PERIODS = gettext_noop("all periods must be months, or all ISO weeks")


class CellError(ValueError):
    pass


@dataclass(frozen=True)
class Column:
    name: str
    read: Callable
    required: bool = True
    aliases: tuple[str, ...] = ()


def _count(value) -> int:
    try:
        number = read_number(value)
    except (ValueError, TypeError):
        raise CellError(_("must be a whole number")) from None
    if not number.is_integer():
        raise CellError(_("must be a whole number"))
    if not 0 <= number <= MAX_COUNT:
        raise CellError(_("must be between 0 and %(max)d") % {"max": MAX_COUNT})
    return int(number)


def _amount(value) -> float:
    try:
        number = read_number(value)
    except (ValueError, TypeError):
        raise CellError(_("must be a number")) from None
    if not 0 <= number <= MAX_COUNT:
        raise CellError(_("must be between 0 and %(max)d") % {"max": MAX_COUNT})
    return number


def _probability(value) -> float:
    try:
        number = read_number(value)
    except (ValueError, TypeError):
        raise CellError(_("must be a number")) from None
    if not 0 <= number <= 1:
        raise CellError(_("must be between 0 and 1"))
    return number


def _signed(value) -> float:
    try:
        number = read_number(value)
    except (ValueError, TypeError):
        raise CellError(_("must be a number")) from None
    if abs(number) > MAX_COUNT:
        raise CellError(_("is too large"))
    return number


PERIOD_ALIASES = ("periode", "month", "maaned", "måned", "week", "uge")

FORMATS: dict[str, list[Column]] = {
    CLASSIFICATION: [
        Column("n", _count, aliases=("antal", "cases", "tilfaelde")),
        Column("tp", _count, aliases=("sand_positive", "true_positives")),
        Column("fp", _count, aliases=("falsk_positive", "false_positives")),
        Column("tn", _count, aliases=("sand_negative", "true_negatives")),
        Column("fn", _count, aliases=("falsk_negative", "false_negatives")),
        Column(
            "expected_positives",
            _amount,
            required=False,
            aliases=("forventede_positive", "expected"),
        ),
        Column("alerts", _count, required=False, aliases=("alarmer", "advarsler")),
        Column("auroc", _probability, required=False),
    ],
    SCRIBE: [
        Column("notes", _count, aliases=("notater", "journalnotater")),
        Column("pdqi9_n", _count, required=False, aliases=("pdqi9_antal",)),
        Column("pdqi9_mean", _amount, required=False, aliases=("pdqi9_gennemsnit",)),
        Column("pdqi9_sd", _amount, required=False, aliases=("pdqi9_spredning",)),
        Column("omissions", _count, required=False, aliases=("udeladelser",)),
        Column("hallucinations", _count, required=False, aliases=("hallucinationer",)),
        Column("time_n", _count, required=False, aliases=("tid_antal",)),
        Column("time_saved_mean", _signed, required=False, aliases=("minutter_sparet",)),
        Column("time_saved_sd", _amount, required=False, aliases=("minutter_sparet_sd",)),
        Column("encounters", _count, required=False, aliases=("konsultationer",)),
        Column("encounters_with_scribe", _count, required=False, aliases=("med_scribe",)),
    ],
}

FORMAT_HELP = {
    CLASSIFICATION: gettext_noop(
        "One row per period: period (YYYY-MM or YYYY-Www), n, tp, fp, tn, fn and, if the "
        "product sends scores, expected_positives (the sum of its predicted probabilities); "
        "alerts if you follow the alert rate; auroc if the product computes it from its "
        "scores. Counts only, never one row per patient."
    ),
    SCRIBE: gettext_noop(
        "One row per period: period, notes, and what you follow of pdqi9_n, pdqi9_mean, "
        "pdqi9_sd (the monthly sample), omissions, hallucinations, time_n, time_saved_mean, "
        "time_saved_sd, encounters, encounters_with_scribe."
    ),
}


@dataclass(frozen=True)
class PeriodRow:
    row: int  # the row number as the spreadsheet shows it
    period: Period
    values: dict


def parse_periods(
    data: bytes,
    filename: str,
    source: str,
    *,
    period_kind: str | None = None,
    max_bytes: int = MAX_BYTES,
) -> list[PeriodRow]:
    """The periods of an uploaded file in file order, checked cell by cell, or a ParseError
    naming every problem (up to MAX_REPORTED_ERRORS) by row and column."""
    refuse_too_large_or_empty(data, max_bytes)
    extension = Path(filename).suffix.lower().lstrip(".")
    if extension == "xlsx":
        rows = xlsx_rows(data, MAX_PERIODS)
    elif extension in ("csv", "txt"):
        rows = csv_rows(data)
    else:
        raise ParseError([_("Upload a CSV or an Excel (.xlsx) file.")])
    return _read(rows, FORMATS[source], period_kind, exact_width=extension != "xlsx")


def _header(raw: list, columns: list[Column]) -> dict[str, int]:
    names = {column.name: column for column in columns}
    lookup = {"period": "period", **{alias: "period" for alias in PERIOD_ALIASES}}
    for column in columns:
        lookup[column.name] = column.name
        lookup.update({alias: column.name for alias in column.aliases})
    positions: dict[str, int] = {}
    problems = []
    for index, cell in enumerate(raw):
        header = normalise_header(cell)
        if not header:
            continue
        name = lookup.get(header)
        if name is None:
            problems.append(
                _(UNKNOWN_COLUMN)
                % {"column": str(cell)[:40], "known": ", ".join(["period", *names])}
            )
        elif name in positions:
            problems.append(_("the column %(column)s appears twice") % {"column": name})
        else:
            positions[name] = index
    for name in ["period", *(c.name for c in columns if c.required)]:
        if name not in positions:
            problems.append(_(MISSING_COLUMN) % {"column": name})
    if problems:
        raise ParseError([_("row 1: %(problem)s") % {"problem": p} for p in problems])
    return positions


def _blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _read(
    rows: Iterator[list], columns: list[Column], period_kind: str | None, *, exact_width: bool
) -> list[PeriodRow]:
    header = None
    for raw in rows:
        if any(not _blank(cell) for cell in raw):
            header = raw
            break
    if header is None:
        raise ParseError([_("The file is empty.")])
    positions = _header(header, columns)
    readers = {column.name: column.read for column in columns}
    errors: list[str] = []
    count = 0
    seen: dict[Period, int] = {}
    kinds: set[str] = set()
    result: list[PeriodRow] = []
    row_number = 1
    for raw in rows:
        row_number += 1
        if all(_blank(cell) for cell in raw):
            continue
        if len(result) + count >= MAX_PERIODS:
            raise ParseError([_("The file has more than %(max)d rows.") % {"max": MAX_PERIODS}])
        problems: list[tuple[str, str]] = []
        if exact_width and len(raw) != len(header):
            problems.append(
                (
                    None,
                    _("%(count)d cells, but the first row names %(expected)d columns")
                    % {"count": len(raw), "expected": len(header)},
                )
            )
        else:
            period, values = _read_row(raw, positions, readers, period_kind, problems)
            if not problems:
                _check_row(values, problems)
            if not problems:
                kinds.add(period.kind)
                if period in seen:
                    problems.append(("period", _(DUPLICATE_PERIOD) % {"row": seen[period]}))
                else:
                    seen[period] = row_number
        if problems:
            count += 1
            for column, problem in problems:
                if len(errors) >= MAX_REPORTED_ERRORS:
                    break
                facts = {"row": row_number, "column": column, "problem": problem}
                errors.append(_(ROW_PROBLEM if column else WHOLE_ROW_PROBLEM) % facts)
            continue
        result.append(PeriodRow(row_number, period, values))
    if count > 0 and len(errors) >= MAX_REPORTED_ERRORS:
        errors.append(_("… and possibly more problems."))
    if not errors and len(kinds) > 1:
        errors.append(_(MIXED_PERIODS))
    if errors:
        raise ParseError(errors)
    if not result:
        raise ParseError([_("The file has a header but no rows.")])
    return result


def _read_row(raw, positions, readers, period_kind, problems):
    period = None
    values = {}
    for name, position in positions.items():
        cell = raw[position] if position < len(raw) else ""
        if name == "period":
            try:
                period = parse_period(cell, period_kind)
            except PeriodError as exc:
                problems.append(("period", str(exc)))
            continue
        if _blank(cell):
            values[name] = None
            continue
        try:
            values[name] = readers[name](cell)
        except CellError as exc:
            problems.append((name, str(exc)))
    return period, values


def _check_row(values: dict, problems: list) -> None:
    """Counts that contradict each other."""
    if "tp" in values:
        for name in ("n", "tp", "fp", "tn", "fn"):
            if values.get(name) is None:
                problems.append((name, _("is required")))
        if problems:
            return
        total = values["tp"] + values["fp"] + values["tn"] + values["fn"]
        if values["n"] != total:
            problems.append(
                (
                    "n",
                    _("is %(n)d but tp + fp + tn + fn is %(total)d")
                    % {"n": values["n"], "total": total},
                )
            )
        expected = values.get("expected_positives")
        if expected is not None and expected > values["n"]:
            problems.append(("expected_positives", _("cannot exceed n")))
        alerts = values.get("alerts")
        if alerts is not None and alerts > values["n"]:
            problems.append(("alerts", _("cannot exceed n")))
    if "notes" in values:
        if values.get("notes") is None:
            problems.append(("notes", _("is required")))
            return
        for part in ("pdqi9_n", "time_n"):
            sample = values.get(part)
            if sample is not None and sample > values["notes"] and part == "pdqi9_n":
                problems.append((part, _("cannot exceed notes")))
        with_scribe, encounters = values.get("encounters_with_scribe"), values.get("encounters")
        if with_scribe is not None and (encounters is None or with_scribe > encounters):
            problems.append(("encounters_with_scribe", _("cannot exceed encounters")))


def check_values(source: str, raw: dict) -> dict:
    """One period's figures from a form or the push API, checked as an upload row is: a dict of
    the known columns (blank ones left out), or a ValidationError naming each problem."""
    columns = {column.name: column for column in FORMATS[source]}
    problems: list[tuple[str, str]] = []
    values: dict = {}
    for name in raw:
        if name not in columns:
            problems.append((name, _("is not part of the format")))
    for name, column in columns.items():
        cell = raw.get(name)
        if _blank(cell):
            if column.required:
                problems.append((name, _("is required")))
            continue
        try:
            values[name] = column.read(cell)
        except CellError as exc:
            problems.append((name, str(exc)))
    if not problems:
        _check_row({**{name: None for name in columns}, **values}, problems)
    if problems:
        raise ValidationError(
            [_("%(column)s: %(problem)s") % {"column": c, "problem": p} for c, p in problems]
        )
    return values
