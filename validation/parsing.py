"""Reading uploaded results: CSV (Danish or English spreadsheet exports) and XLSX.

CSV files may use `;`, `,` or tabs as separators, decimal commas, and UTF-8 (with or without a
byte order mark) or Windows-1252. Column names are matched without regard to case, spaces or
hyphens, in English or Danish. Every problem is reported with its row number as the spreadsheet
shows it (the header is row 1), and a file with any problem yields nothing: the caller gets either
a complete `ParsedTable` or a `ParseError`, never half a file.

Columns the format does not know become subgroup columns (site, sex, age group, device...).
"""

import csv
import functools
import io
import math
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from procurement.archives import ArchiveRefused, check_zip

from .kinds import UploadKind
from .metrics.scribe import ERROR_COLUMNS, PDQI9_ITEMS
from .workbook_process import WorkbookRefused, read_rows_in_child

MAX_REPORTED_ERRORS = 20
MAX_ROWS = 500_000
MAX_SUBGROUP_COLUMNS = 10
MAX_COLUMNS = 60
MAX_SUBGROUP_LEVELS = 50
EXTENSIONS = ("csv", "xlsx")

UNCLOSED_QUOTE = gettext_noop(
    'row %(row)d: a quotation mark (") starts a cell that does not end on the same row. Remove '
    "the quotation mark or close it; nothing was imported."
)
TOO_MANY_ROWS = gettext_noop("The file has more than %(max)d rows.")
TOO_MANY_COLUMNS = gettext_noop("The sheet has more than %(max)d columns.")
WRONG_WIDTH = gettext_noop("%(count)d cells, but the first row names %(expected)d columns")


class ParseError(Exception):
    """The file cannot be used. `messages` are for the person who uploaded it."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass
class ParsedTable:
    kind: str
    n_rows: int
    columns: dict[str, list] = field(default_factory=dict)
    subgroups: dict[str, list[str]] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "n_rows": self.n_rows,
            "columns": self.columns,
            "subgroups": self.subgroups,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "ParsedTable":
        return cls(data["kind"], data["n_rows"], data["columns"], data["subgroups"])


class CellError(ValueError):
    """A cell's value is wrong; the message says what it must be."""


# --- cell readers: a cell is a str (CSV) or str/int/float/bool/None (XLSX) -----------------


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_number(value) -> float:
    """A number written the Danish or the English way: "0,73", "0.73", "1.234,5", "1,234.5"."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip().replace("\u00a0", "").replace(" ", "")
        if "," in text and "." in text:
            # The later separator is the decimal one; the other groups thousands.
            if text.rfind(",") > text.rfind("."):
                text = text.replace(".", "").replace(",", ".")
            else:
                text = text.replace(",", "")
        else:
            text = text.replace(",", ".")
        number = float(text)
    if not math.isfinite(number):
        raise ValueError(value)
    return number


def _text(name: str) -> Callable:
    def read(value) -> str:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value).strip()
        if len(text) > 200:
            raise CellError(_("%(column)s is longer than 200 characters") % {"column": name})
        return text

    return read


def _probability(name: str) -> Callable:
    def read(value) -> float:
        try:
            number = read_number(value)
        except ValueError:
            number = -1.0
        if not 0 <= number <= 1:
            raise CellError(_("%(column)s must be a number between 0 and 1") % {"column": name})
        return number

    return read


def _binary(name: str) -> Callable:
    def read(value) -> int:
        try:
            number = read_number(value)
        except ValueError:
            number = -1.0
        if number not in (0.0, 1.0):
            raise CellError(_("%(column)s must be 0 or 1") % {"column": name})
        return int(number)

    return read


def _integer(name: str, low: int, high: int | None) -> Callable:
    def read(value) -> int:
        try:
            number = read_number(value)
        except ValueError:
            number = math.nan
        if not (number.is_integer() and number >= low and (high is None or number <= high)):
            if high is None:
                raise CellError(
                    _("%(column)s must be a whole number of at least %(low)d")
                    % {"column": name, "low": low}
                )
            raise CellError(
                _("%(column)s must be a whole number from %(low)d to %(high)d")
                % {"column": name, "low": low, "high": high}
            )
        return int(number)

    return read


def _minutes(name: str) -> Callable:
    def read(value) -> float:
        try:
            number = read_number(value)
        except ValueError:
            number = -1.0
        if not 0 <= number <= 24 * 60:
            raise CellError(
                _("%(column)s must be a number of minutes from 0 to 1440") % {"column": name}
            )
        return number

    return read


BASELINE_WORDS = {"baseline", "before", "without", "control", "0", "uden", "før", "foer", "kontrol"}
SCRIBE_WORDS = {"scribe", "after", "with", "intervention", "1", "med", "efter"}


def _period(name: str) -> Callable:
    def read(value) -> str:
        text = _text(name)(value).lower()
        if text in BASELINE_WORDS:
            return "baseline"
        if text in SCRIBE_WORDS:
            return "scribe"
        raise CellError(
            _("%(column)s must be baseline (before, without) or scribe (after, with)")
            % {"column": name}
        )

    return read


# --- formats ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    aliases: tuple[str, ...]
    reader: Callable
    required: bool = True
    default: object = None


def _columns(kind: str) -> list[Column]:
    if kind == UploadKind.CLASSIFICATION:
        return [
            Column("id", ("id", "case_id", "case", "patient_id", "løbenummer", "nr"), _text("id")),
            Column(
                "score",
                ("score", "probability", "prob", "risk", "sandsynlighed", "risiko"),
                _probability("score"),
            ),
            Column("outcome", ("outcome", "label", "truth", "y", "udfald"), _binary("outcome")),
            Column(
                "decision",
                ("decision", "prediction", "predicted", "alarm", "beslutning"),
                _binary("decision"),
                required=False,
            ),
        ]
    if kind == UploadKind.PDQI9:
        return [
            Column("note_id", ("note_id", "note", "notat", "notat_id"), _text("note_id")),
            Column("rater", ("rater", "reviewer", "bedømmer", "bedoemmer"), _text("rater")),
            *(
                Column(
                    item,
                    (
                        item,
                        item.replace("organized", "organised").replace(
                            "synthesized", "synthesised"
                        ),
                        item.replace("_", ""),
                    ),
                    _integer(item, 1, 5),
                )
                for item in PDQI9_ITEMS
            ),
        ]
    if kind == UploadKind.ERRORS:
        return [
            Column("note_id", ("note_id", "note", "notat", "notat_id"), _text("note_id")),
            *(Column(name, (name,), _integer(name, 0, None)) for name in ERROR_COLUMNS),
        ]
    if kind == UploadKind.TIME:
        return [
            Column(
                "encounter_id",
                ("encounter_id", "encounter", "id", "kontakt", "kontakt_id"),
                _text("encounter_id"),
            ),
            Column("period", ("period", "group", "arm", "periode", "gruppe"), _period("period")),
            Column(
                "minutes", ("minutes", "documentation_minutes", "minutter"), _minutes("minutes")
            ),
            Column(
                "scribe_used",
                ("scribe_used", "used", "brugt", "anvendt"),
                _binary("scribe_used"),
                required=False,
            ),
        ]
    raise ValueError(f"unknown kind {kind!r}")


KEY_COLUMN = {
    UploadKind.CLASSIFICATION: ("id",),
    UploadKind.PDQI9: ("note_id", "rater"),
    UploadKind.ERRORS: ("note_id",),
    UploadKind.TIME: ("encounter_id",),
}

FORMAT_HELP = {
    UploadKind.CLASSIFICATION: gettext_lazy(
        "One row per case: id, score (the model's probability, 0–1), outcome (0 or 1), "
        "optionally decision (0 or 1, the model's decision at the vendor's operating point; or "
        "give the threshold below), and any subgroup columns (sex, age group, device…)."
    ),
    UploadKind.PDQI9: gettext_lazy(
        "One row per note and rater: note_id, rater, and the nine PDQI-9 items up_to_date, "
        "accurate, thorough, useful, organized, comprehensible, succinct, synthesized, "
        "internally_consistent, each 1–5."
    ),
    UploadKind.ERRORS: gettext_lazy(
        "One row per note: note_id, hallucinations_minor, hallucinations_major, "
        "omissions_minor, omissions_major (counts; major = could harm the patient)."
    ),
    UploadKind.TIME: gettext_lazy(
        "One row per encounter: encounter_id, period (baseline/before/without or "
        "scribe/after/with), minutes of documentation time, and scribe_used (0 or 1) in the "
        "scribe period."
    ),
}


def normalise_header(name) -> str:
    text = "" if name is None else str(name)
    text = text.replace("\ufeff", "").strip().lower()
    for character in (" ", "-", "."):
        text = text.replace(character, "_")
    while "__" in text:
        text = text.replace("__", "_")
    return text.strip("_")


# --- reading rows -------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise ParseError([_("The file is not a text (CSV) file.")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise ParseError([_("The file is neither UTF-8 nor Windows-1252 text.")]) from exc


def _delimiter(text: str) -> str:
    """The separator of the header line: the most frequent of ; tab and , (the header holds no
    decimal commas)."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {sep: header.count(sep) for sep in (";", "\t", ",")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ";"


def csv_rows(data: bytes) -> Iterator[list]:
    """The file's rows. A quotation mark that opens a cell and is not closed on the same line
    would swallow the rows after it (Python's csv module reads on to the next quotation mark, or
    to the end of the file): such a row is refused by its line number, so the file imports
    nothing. Results files have no cells that span lines."""
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    line = 0  # the line the last row ended on
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ParseError([_(UNCLOSED_QUOTE) % {"row": line + 1}]) from exc
        if reader.line_num > line + 1 and any("\n" in cell or "\r" in cell for cell in row):
            raise ParseError([_(UNCLOSED_QUOTE) % {"row": line + 1}])
        line = reader.line_num
        yield row


def read_workbook_rows(data: bytes, max_rows: int = MAX_ROWS) -> list[list]:
    """The first sheet's rows, at most `max_rows` + 1 (the header) non-blank ones and
    MAX_COLUMNS columns. Runs in the child process of `read_rows_in_child`."""
    import openpyxl  # only needed for Excel files

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise ParseError([_("The file is not a valid Excel workbook (.xlsx).")]) from exc
    rows: list[list] = []
    filled = 0
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1):
            cells = ["" if cell is None else cell for cell in row]
            if len(cells) > MAX_COLUMNS and not _blank(cells[MAX_COLUMNS]):
                raise ParseError([_(TOO_MANY_COLUMNS) % {"max": MAX_COLUMNS}])
            if all(_blank(cell) for cell in cells):
                rows.append([])  # keeps the spreadsheet's row numbers
                continue
            filled += 1
            if filled > max_rows + 1:  # the header and max_rows rows
                raise ParseError([_(TOO_MANY_ROWS) % {"max": max_rows}])
            rows.append(cells[:MAX_COLUMNS])
    finally:
        workbook.close()
    return rows


def xlsx_rows(data: bytes, max_rows: int = MAX_ROWS) -> Iterator[list]:
    """The workbook checked as an archive first (entries, sizes, ratio), then read in a child
    process with a memory and a time limit."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ParseError([_("The file is not a valid Excel workbook (.xlsx).")])
    try:
        check_zip(data)
        rows = read_rows_in_child(functools.partial(read_workbook_rows, max_rows=max_rows), data)
    except (ArchiveRefused, WorkbookRefused) as exc:
        raise ParseError([exc.message]) from exc
    yield from rows


def refuse_too_large_or_empty(data: bytes, max_bytes: int | None) -> None:
    """The first checks of every upload, before anything is parsed."""
    if max_bytes is not None and len(data) > max_bytes:
        raise ParseError(
            [
                _("The file is too large (%(size)s). The limit is %(limit)s.")
                % {"size": filesizeformat(len(data)), "limit": filesizeformat(max_bytes)}
            ]
        )
    if not data.strip():
        raise ParseError([_("The file is empty.")])


def parse_upload(
    data: bytes,
    filename: str,
    kind: str,
    *,
    max_bytes: int | None = None,
    max_rows: int = MAX_ROWS,
) -> ParsedTable:
    """The rows of an uploaded CSV or XLSX file, checked cell by cell. Raises ParseError with
    every problem found (up to MAX_REPORTED_ERRORS) and nothing else."""
    refuse_too_large_or_empty(data, max_bytes)
    extension = Path(filename).suffix.lower().lstrip(".")
    if extension not in EXTENSIONS:
        raise ParseError([_("Upload a CSV or an Excel (.xlsx) file.")])
    if extension == "xlsx":
        return _read_table(xlsx_rows(data, max_rows), kind, max_rows)
    # A CSV row with more or fewer cells than the header has lost or gained a separator (or a
    # quote joined cells): its values would land in the wrong columns.
    return _read_table(csv_rows(data), kind, max_rows, exact_width=True)


def parse_file(path: Path, kind: str) -> ParsedTable:
    return parse_upload(Path(path).read_bytes(), str(path), kind)


def _read_table(
    rows: Iterator[list], kind: str, max_rows: int, *, exact_width: bool = False
) -> ParsedTable:
    columns = _columns(kind)
    header = None
    for header_row in rows:
        if any(not _blank(cell) for cell in header_row):
            header = [normalise_header(cell) for cell in header_row]
            break
    if header is None:
        raise ParseError([_("The file is empty.")])
    positions, subgroup_positions = _match_header(header, columns)
    table = ParsedTable(kind=kind, n_rows=0)
    table.columns = {column.name: [] for column in columns if column.name in positions}
    table.subgroups = {name: [] for name in subgroup_positions}
    errors: list[str] = []
    error_count = 0
    seen_keys: dict[tuple, int] = {}
    key_names = KEY_COLUMN[kind]
    row_number = 1  # the header is row 1 in the spreadsheet
    for raw in rows:
        row_number += 1
        if all(_blank(cell) for cell in raw):
            continue
        if table.n_rows >= max_rows:
            raise ParseError([_(TOO_MANY_ROWS) % {"max": max_rows}])
        if exact_width and len(raw) != len(header):
            problems = [_(WRONG_WIDTH) % {"count": len(raw), "expected": len(header)}]
            values = {}
        else:
            values, problems = _read_row(raw, columns, positions)
        if not problems:
            key = tuple(values[name] for name in key_names)
            if key in seen_keys:
                problems.append(
                    _("the same %(key)s as row %(row)d")
                    % {"key": " + ".join(key_names), "row": seen_keys[key]}
                )
            else:
                seen_keys[key] = row_number
        if problems:
            error_count += len(problems)
            for problem in problems:
                if len(errors) < MAX_REPORTED_ERRORS:
                    errors.append(
                        _("row %(row)d: %(problem)s") % {"row": row_number, "problem": problem}
                    )
            continue
        table.n_rows += 1
        for name, value in values.items():
            table.columns[name].append(value)
        for name, position in subgroup_positions.items():
            cell = raw[position] if position < len(raw) else ""
            table.subgroups[name].append(_subgroup_value(cell))
    if error_count > len(errors):
        errors.append(_("… and %(count)d more problems.") % {"count": error_count - len(errors)})
    if errors:
        raise ParseError(errors)
    if table.n_rows == 0:
        raise ParseError([_("The file has a header but no rows.")])
    _check_subgroups(table)
    _fill_defaults(table)
    return table


def _match_header(header: list[str], columns: list[Column]) -> tuple[dict, dict]:
    positions: dict[str, int] = {}
    known: set[int] = set()
    for column in columns:
        aliases = {normalise_header(alias) for alias in column.aliases}
        matches = [index for index, name in enumerate(header) if name in aliases]
        if matches:
            positions[column.name] = matches[0]
            known.update(matches)
    missing = [
        column.name for column in columns if column.required and column.name not in positions
    ]
    if missing:
        raise ParseError(
            [
                _("Missing column: %(column)s. The first row must name the columns.")
                % {"column": name}
                for name in missing
            ]
        )
    subgroups = {}
    for index, name in enumerate(header):
        if index not in known and name:
            if name in subgroups:
                raise ParseError([_("Two columns are named %(name)s.") % {"name": name}])
            subgroups[name] = index
    if len(subgroups) > MAX_SUBGROUP_COLUMNS:
        raise ParseError(
            [_("At most %(max)d subgroup columns are allowed.") % {"max": MAX_SUBGROUP_COLUMNS}]
        )
    return positions, subgroups


def _read_row(raw: list, columns: list[Column], positions: dict[str, int]):
    values: dict = {}
    problems: list[str] = []
    for column in columns:
        if column.name not in positions:
            continue
        position = positions[column.name]
        cell = raw[position] if position < len(raw) else ""
        if _blank(cell):
            if column.required:
                problems.append(_("%(column)s is missing") % {"column": column.name})
            else:
                values[column.name] = None
            continue
        try:
            values[column.name] = column.reader(cell)
        except CellError as exc:
            problems.append(str(exc))
    return values, problems


def _subgroup_value(cell) -> str:
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    text = "" if _blank(cell) else str(cell).strip()[:100]
    return text or "–"


def _check_subgroups(table: ParsedTable) -> None:
    for name, values in table.subgroups.items():
        if len(set(values)) > MAX_SUBGROUP_LEVELS:
            raise ParseError(
                [
                    _(
                        "The column %(name)s has more than %(max)d different values: it cannot "
                        "be a subgroup. Remove it or group its values."
                    )
                    % {"name": name, "max": MAX_SUBGROUP_LEVELS}
                ]
            )


def _fill_defaults(table: ParsedTable) -> None:
    """Optional columns: a decision column with gaps is refused (the operating point must be
    complete); scribe_used defaults to 1 in the scribe period and 0 at baseline."""
    decisions = table.columns.get("decision")
    if decisions is not None:
        if all(value is None for value in decisions):
            del table.columns["decision"]
        elif any(value is None for value in decisions):
            missing = decisions.index(None)
            raise ParseError(
                [
                    _(
                        "The decision column is empty in some rows (the first is case "
                        "%(case)s): fill it in everywhere or leave the column out."
                    )
                    % {"case": table.columns["id"][missing]}
                ]
            )
    if table.kind == UploadKind.TIME:
        used = table.columns.get("scribe_used") or [None] * table.n_rows
        table.columns["scribe_used"] = [
            (1 if period == "scribe" else 0) if value is None else value
            for value, period in zip(used, table.columns["period"], strict=True)
        ]
