"""The questionnaire a vendor fills in (a request for information or the offer's answers),
generated from the requirements list as XLSX and DOCX, and the import of a filled XLSX.

The workbook has one row per requirement. Column A holds the requirement's key (`K-<id>`), so an
imported row is linked to its requirement whatever the vendor did to the order of the rows; the
sheet is protected with only the two answer columns unlocked (a protection without a password:
it keeps honest people from editing the wrong cell, it is not security, and the import checks
every key anyway).

The import is all or nothing: the file is size-checked, checked as an archive (zip bombs) and
read in a child process with memory and time limits (validation.parsing.xlsx_rows), every row is
checked, and only a file without errors replaces the vendor's answers, in one transaction with
its journal entry. Errors name the spreadsheet's row numbers.
"""

import hashlib
import io
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dossier.models import Requirement
from dossier.requirements import format_percent
from dossier.word import new_document
from procurement.models import Action, Project
from validation.parsing import ParseError, refuse_too_large_or_empty, xlsx_rows

from . import services
from .models import OfferAnswer, Vendor
from .permissions import can_edit_market

KEY_PREFIX = "K-"
MAX_ROWS = 2000
MAX_TEXT = 5000
MAX_REPORTED = 20
YES = {"ja", "yes", "j", "y", "x", "opfyldt", "met"}
NO = {"nej", "no", "n", "ikke opfyldt", "not met"}

# Column headers (the first one is how the import recognises the sheet, in either language).
HEADERS = (
    gettext_noop("Key"),
    gettext_noop("No."),
    gettext_noop("Kind"),
    gettext_noop("Requirement"),
    gettext_noop("Weight (%)"),
    gettext_noop("How it is verified"),
    gettext_noop("Met (yes/no)"),
    gettext_noop("Vendor's answer"),
)
COMPLIES_COLUMN, ANSWER_COLUMN = 6, 7

NOT_XLSX = gettext_noop("Upload the questionnaire as an Excel file (.xlsx).")
NOT_OUR_SHEET = gettext_noop(
    "The first row is not the questionnaire's header (column A must say “Key”). Use the "
    "questionnaire downloaded from this project."
)
UNKNOWN_KEY = gettext_noop("Row %(row)d: %(key)s is not a requirement of this project.")
DUPLICATE_KEY = gettext_noop("Row %(row)d: requirement %(number)s appears twice.")
COMPLIES_MISSING = gettext_noop(
    "Row %(row)d: say whether minimum requirement %(number)s is met (yes or no)."
)
COMPLIES_BAD = gettext_noop("Row %(row)d: “%(value)s” is not yes or no.")
TEXT_TOO_LONG = gettext_noop("Row %(row)d: the answer is longer than %(max)d characters.")
MISSING_ROWS = gettext_noop("Requirements missing from the file: %(numbers)s.")
NO_ROWS = gettext_noop("The file has no answers.")
VENDOR_EXCLUDED = gettext_noop("The vendor is excluded: its answers are not imported.")
MORE_ERRORS = gettext_noop("… and %(count)d more problems.")


def key_of(requirement: Requirement) -> str:
    return f"{KEY_PREFIX}{requirement.pk}"


def _kind_label(requirement: Requirement) -> str:
    return str(requirement.get_kind_display())


def questionnaire_xlsx(project: Project) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    requirements = list(Requirement.objects.filter(project=project))
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Questionnaire")[:31]
    sheet.append([_(h) for h in HEADERS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    yes_no = DataValidation(
        type="list", formula1=f'"{_("yes")},{_("no")}"', allow_blank=True, showDropDown=False
    )
    sheet.add_data_validation(yes_no)
    for requirement in requirements:
        sheet.append(
            [
                key_of(requirement),
                requirement.position,
                _kind_label(requirement),
                requirement.text,
                float(requirement.weight) if requirement.weight is not None else None,
                requirement.verification,
                None,
                None,
            ]
        )
        row = sheet.max_row
        for column in (COMPLIES_COLUMN, ANSWER_COLUMN):
            cell = sheet.cell(row=row, column=column + 1)
            cell.protection = Protection(locked=False)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        yes_no.add(sheet.cell(row=row, column=COMPLIES_COLUMN + 1))
        sheet.cell(row=row, column=4).alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDEFGH", (10, 6, 20, 60, 10, 40, 14, 60), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def questionnaire_docx(project: Project, *, at: datetime) -> bytes:
    requirements = list(Requirement.objects.filter(project=project))
    document = new_document(
        title=_("Questionnaire: %(title)s") % {"title": project.title},
        author=project.organisation.name,
    )
    document.add_heading(_("Questionnaire for vendors"), level=0)
    document.add_paragraph(project.title).runs[0].bold = True
    document.add_paragraph(
        _("%(organisation)s · %(date)s")
        % {
            "organisation": project.organisation.name,
            "date": date_format(localtime(at), "DATE_FORMAT"),
        }
    )
    document.add_paragraph(
        _(
            "Answer every requirement. For each minimum requirement, say whether your product "
            "meets it and how it is documented; for each award criterion, describe your offer. "
            "Every vendor receives the same questionnaire and the same answers to questions."
        )
    )
    for heading, rows in (
        (_("Minimum requirements"), [r for r in requirements if not r.is_award]),
        (_("Award criteria"), [r for r in requirements if r.is_award]),
    ):
        document.add_heading(heading, level=1)
        if not rows:
            document.add_paragraph(_("None."))
            continue
        table = document.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        labels = [_("No."), _("Requirement"), _("Weight"), _("Vendor's answer")]
        for cell, text in zip(table.rows[0].cells, labels, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(text).bold = True
        for requirement in rows:
            cells = table.add_row().cells
            cells[0].text = str(requirement.position)
            cells[1].text = requirement.text
            if requirement.verification:
                cells[1].add_paragraph(
                    _("Verified by: %(how)s") % {"how": requirement.verification}
                )
            cells[2].text = (
                f"{format_percent(requirement.weight)} %" if requirement.weight is not None else "—"
            )
            cells[3].text = ""
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _header_labels() -> set[str]:
    labels = set()
    for language in ("da", "en"):
        with translation.override(language):
            labels.add(_(HEADERS[0]).strip().casefold())
    return labels


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _complies(value: str) -> bool | None:
    folded = value.casefold()
    if folded in YES:
        return True
    if folded in NO:
        return False
    raise ValueError(value)


def read_answers(data: bytes, filename: str, requirements: list[Requirement]) -> list[dict]:
    """The rows of a filled questionnaire, checked; raises ValidationError with every problem
    (up to MAX_REPORTED), before anything is written."""
    try:
        refuse_too_large_or_empty(data, settings.EVIDENCE_MAX_BYTES)
        if Path(filename).suffix.lower() != ".xlsx":
            raise ParseError([_(NOT_XLSX)])
        rows = list(xlsx_rows(data, MAX_ROWS))
    except ParseError as exc:
        raise ValidationError(exc.messages) from exc
    if not rows or not rows[0] or _text(rows[0][0]).casefold() not in _header_labels():
        raise ValidationError(_(NOT_OUR_SHEET), code="header")
    by_key = {key_of(r): r for r in requirements}
    errors: list[str] = []
    seen: dict[int, int] = {}
    answers = []
    for number, row in enumerate(rows[1:], start=2):
        if not row or all(_text(cell) == "" for cell in row):
            continue
        cells = [_text(cell) for cell in row] + [""] * len(HEADERS)
        key = cells[0]
        requirement = by_key.get(key)
        if requirement is None:
            errors.append(_(UNKNOWN_KEY) % {"row": number, "key": key[:40] or "—"})
            continue
        if requirement.pk in seen:
            errors.append(_(DUPLICATE_KEY) % {"row": number, "number": requirement.position})
            continue
        seen[requirement.pk] = number
        complies_text, text = cells[COMPLIES_COLUMN], cells[ANSWER_COLUMN]
        complies = None
        if complies_text:
            try:
                complies = _complies(complies_text)
            except ValueError:
                errors.append(_(COMPLIES_BAD) % {"row": number, "value": complies_text[:40]})
                continue
        elif not requirement.is_award:
            errors.append(_(COMPLIES_MISSING) % {"row": number, "number": requirement.position})
            continue
        if len(text) > MAX_TEXT:
            errors.append(_(TEXT_TOO_LONG) % {"row": number, "max": MAX_TEXT})
            continue
        answers.append({"requirement": requirement, "complies": complies, "text": text})
    missing = [r.position for r in requirements if r.pk not in seen]
    if missing and not errors:
        errors.append(_(MISSING_ROWS) % {"numbers": ", ".join(f"#{n}" for n in missing)})
    if not answers and not errors:
        errors.append(_(NO_ROWS))
    if errors:
        shown = errors[:MAX_REPORTED]
        if len(errors) > MAX_REPORTED:
            shown.append(_(MORE_ERRORS) % {"count": len(errors) - MAX_REPORTED})
        raise ValidationError(shown, code="rows")
    return answers


def import_answers(*, vendor: Vendor, by, upload) -> list[OfferAnswer]:
    """Replace the vendor's answers with the filled questionnaire's (all or nothing)."""
    upload.seek(0)
    data = upload.read(settings.EVIDENCE_MAX_BYTES + 1)
    requirements = list(Requirement.objects.filter(project=vendor.project))
    rows = read_answers(data, upload.name, requirements)
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        locked = services.lock_market(
            vendor.project,
            by,
            can_edit_market,
            (services.DIALOGUE_TOOL, services.EVALUATION_TOOL),
        )
        current = Vendor.objects.select_for_update().get(pk=vendor.pk, project=locked)
        if current.status == Vendor.Status.EXCLUDED:
            raise ValidationError(_(VENDOR_EXCLUDED), code="excluded")
        # The list may have changed between reading the file and taking the lock.
        if set(Requirement.objects.filter(project=locked).values_list("pk", flat=True)) != {
            r.pk for r in requirements
        }:
            raise ValidationError(
                _("The requirements list changed while the file was read: upload it again.")
            )
        now = timezone.now()
        OfferAnswer.objects.filter(vendor=current).delete()
        created = OfferAnswer.objects.bulk_create(
            [
                OfferAnswer(
                    vendor=current,
                    requirement=row["requirement"],
                    complies=row["complies"],
                    text=row["text"],
                    source_name=Path(upload.name).name[:255],
                    source_sha256=digest,
                    imported_by=by,
                    imported_at=now,
                )
                for row in rows
            ]
        )
        services.record_market(
            locked,
            Action.MARKET_OFFER,
            by,
            services.DIALOGUE_TOOL,
            subject=current.name,
            after={
                "file": Path(upload.name).name,
                "sha256": digest,
                "answers": len(created),
                "not_met": [
                    row["requirement"].position for row in rows if row["complies"] is False
                ],
            },
        )
        return created
