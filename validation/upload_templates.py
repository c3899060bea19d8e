"""A template per kind of upload (CSV and XLSX): the columns the parser reads, in its order, and
one example row that it accepts, so a site can fill in its results without reading the format
help. The example row is made from the same column list the parser uses (`parsing._columns`),
so the two cannot drift apart; a test parses every template back."""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from .kinds import UploadKind
from .metrics.scribe import ERROR_COLUMNS, PDQI9_ITEMS
from .parsing import _columns

# One example value per column name: what a real row looks like.
EXAMPLE_VALUES: dict[str, object] = {
    "id": "1001",
    "score": 0.82,
    "outcome": 1,
    "decision": 1,
    "note_id": "N-001",
    "rater": "R1",
    **dict.fromkeys(PDQI9_ITEMS, 4),
    **dict(zip(ERROR_COLUMNS, (1, 0, 1, 0), strict=True)),
    "encounter_id": "K-001",
    "period": "scribe",
    "minutes": 6.5,
    "scribe_used": 1,
}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def template_columns(kind: str) -> list[str]:
    """The parser's columns for `kind`, required ones first, in the parser's order."""
    columns = _columns(UploadKind(kind))
    return [c.name for c in columns if c.required] + [c.name for c in columns if not c.required]


def example_row(kind: str) -> list[object]:
    return [EXAMPLE_VALUES[name] for name in template_columns(kind)]


def csv_template(kind: str) -> bytes:
    """Semicolons and decimal commas, UTF-8 with a byte order mark: what Danish Excel opens and
    saves without asking."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(template_columns(kind))
    writer.writerow(
        [str(v).replace(".", ",") if isinstance(v, float) else v for v in example_row(kind)]
    )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_template(kind: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Resultater"
    sheet.append(template_columns(kind))
    sheet.append(example_row(kind))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = max(12, len(column[0].value) + 2)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
