"""The questionnaire: generated from the requirements list, filled in by a vendor, imported all
or nothing with the spreadsheet's row numbers in the errors."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from market import questionnaire, services
from market.models import OfferAnswer
from procurement.models import Action, HistoryEntry
from tests.market.conftest import add_requirements

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(mteam):
    requirements = add_requirements(mteam)
    vendor = services.add_vendor(project=mteam.project, by=mteam.procurement, name="Alfa")
    return mteam, requirements, vendor


def filled(project, change=None) -> bytes:
    workbook = load_workbook(io.BytesIO(questionnaire.questionnaire_xlsx(project)))
    sheet = workbook.active
    for row in sheet.iter_rows(min_row=2):
        row[6].value = "ja"
        row[7].value = f"Svar på {row[1].value}"
    if change:
        change(sheet)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(data: bytes, name="svar.xlsx"):
    return SimpleUploadedFile(name, data)


def nothing_written(team) -> bool:
    return (
        not OfferAnswer.objects.exists()
        and not HistoryEntry.objects.filter(
            project=team.project, action=Action.MARKET_OFFER
        ).exists()
    )


def test_the_generated_workbook_has_a_locked_key_column_and_open_answer_columns(setup):
    team, requirements, vendor = setup
    sheet = load_workbook(io.BytesIO(questionnaire.questionnaire_xlsx(team.project))).active
    assert sheet.protection.sheet
    assert [c.value for c in sheet[1]][0] == "Key"
    keys = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert keys == [questionnaire.key_of(r) for r in requirements.values()]
    second = sheet[2]
    assert second[0].protection.locked and not second[6].protection.locked
    assert not second[7].protection.locked


def test_the_word_questionnaire_lists_every_requirement(setup):
    from datetime import UTC, datetime

    from docx import Document

    team, requirements, vendor = setup
    data = questionnaire.questionnaire_docx(team.project, at=datetime(2026, 12, 2, tzinfo=UTC))
    text = "\n".join(
        cell.text for t in Document(io.BytesIO(data)).tables for r in t.rows for cell in r.cells
    )
    for requirement in requirements.values():
        assert requirement.text in text


def test_a_filled_workbook_links_every_answer_to_its_requirement(setup):
    team, requirements, vendor = setup

    def reorder_and_refuse_one(sheet):
        sheet["G3"] = "nej"  # the second minimum requirement is not met
        sheet.move_range("A2:H2", rows=10)  # rows moved about: the key links them

    rows = questionnaire.import_answers(
        vendor=vendor,
        by=team.procurement,
        upload=upload(filled(team.project, reorder_and_refuse_one)),
    )
    assert len(rows) == 5
    answers = {a.requirement_id: a for a in OfferAnswer.objects.filter(vendor=vendor)}
    assert answers[requirements["min_gdpr"].pk].complies is False
    assert answers[requirements["min_ce"].pk].complies is True
    assert answers[requirements["price"].pk].text == "Svar på 3"
    entry = HistoryEntry.objects.get(action=Action.MARKET_OFFER)
    assert entry.after["not_met"] == [2] and entry.after["answers"] == 5


def _set(cell, value):
    def change(sheet):
        sheet[cell] = value

    return change


def _duplicate(sheet):
    sheet["A3"] = sheet["A2"].value


BAD = {
    "unknown_key": (_set("A2", "K-999999"), "Row 2: K-999999 is not a requirement"),
    "duplicate": (_duplicate, "Row 3: requirement 1 appears twice."),
    "yes_no_missing": (_set("G2", None), "Row 2: say whether minimum requirement 1 is met"),
    "yes_no_bad": (_set("G4", "måske"), "Row 4: “måske” is not yes or no."),
    "too_long": (_set("H5", "x" * 5001), "Row 5: the answer is longer than 5000 characters."),
    "missing_row": (lambda sheet: sheet.delete_rows(6), "Requirements missing from the file: #5."),
    "header": (_set("A1", "Nr"), "The first row is not the questionnaire's header"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_row_imports_nothing_and_names_the_row(setup, case):
    team, requirements, vendor = setup
    change, message = BAD[case]
    with pytest.raises(ValidationError) as caught:
        questionnaire.import_answers(
            vendor=vendor, by=team.procurement, upload=upload(filled(team.project, change))
        )
    assert any(message in m for m in caught.value.messages), caught.value.messages
    assert nothing_written(team)


def test_a_failed_re_import_keeps_the_earlier_answers(setup):
    team, requirements, vendor = setup
    questionnaire.import_answers(
        vendor=vendor, by=team.procurement, upload=upload(filled(team.project))
    )
    with pytest.raises(ValidationError):
        questionnaire.import_answers(
            vendor=vendor,
            by=team.procurement,
            upload=upload(filled(team.project, _set("G2", "måske"))),
        )
    assert OfferAnswer.objects.filter(vendor=vendor).count() == 5


@pytest.mark.parametrize(
    "data, name",
    [
        (b"Key;No.\nK-1;1\n", "svar.csv"),
        (b"not a zip at all", "svar.xlsx"),
        (b"", "svar.xlsx"),
    ],
)
def test_files_that_are_not_workbooks_are_refused(setup, data, name):
    team, requirements, vendor = setup
    with pytest.raises(ValidationError):
        questionnaire.import_answers(vendor=vendor, by=team.procurement, upload=upload(data, name))
    assert nothing_written(team)


def test_a_zip_bomb_is_refused_before_it_is_read(setup):
    team, requirements, vendor = setup
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (150 * 1024 * 1024))
    with pytest.raises(ValidationError):
        questionnaire.import_answers(
            vendor=vendor, by=team.procurement, upload=upload(out.getvalue())
        )
    assert nothing_written(team)


def test_too_large_is_refused(setup, settings):
    team, requirements, vendor = setup
    settings.EVIDENCE_MAX_BYTES = 1000
    with pytest.raises(ValidationError) as caught:
        questionnaire.import_answers(
            vendor=vendor, by=team.procurement, upload=upload(filled(team.project))
        )
    assert "too large" in caught.value.messages[0]
    assert nothing_written(team)


def test_only_editors_import(setup):
    from django.core.exceptions import PermissionDenied

    team, requirements, vendor = setup
    with pytest.raises(PermissionDenied):
        questionnaire.import_answers(
            vendor=vendor, by=team.lawyer, upload=upload(filled(team.project))
        )
    assert nothing_written(team)
