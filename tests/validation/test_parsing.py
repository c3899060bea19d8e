"""Reading uploads: CSV dialects (Danish and English exports), XLSX, and every kind of bad input,
each refused with row-level messages and nothing half-read."""

import io
import zipfile

import openpyxl
import pytest

from validation.metrics.scribe import PDQI9_ITEMS
from validation.parsing import MAX_REPORTED_ERRORS, ParseError, parse_upload, read_number


def errors_of(data: bytes, name="results.csv", kind="classification", **kwargs) -> list[str]:
    with pytest.raises(ParseError) as caught:
        parse_upload(data, name, kind, **kwargs)
    return caught.value.messages


def test_danish_export_semicolons_decimal_commas_windows_1252():
    text = (
        "Løbenummer;Sandsynlighed;Udfald;Køn;Aldersgruppe\n1;0,73;1;Kvinde;75+\n2;0,12;0;Mand;<65\n"
    )
    table = parse_upload(text.encode("cp1252"), "eksport.csv", "classification")
    assert table.n_rows == 2
    assert table.columns["id"] == ["1", "2"]
    assert table.columns["score"] == [0.73, 0.12]
    assert table.columns["outcome"] == [1, 0]
    assert table.subgroups == {"køn": ["Kvinde", "Mand"], "aldersgruppe": ["75+", "<65"]}


def test_english_export_commas_decimal_points_utf8_with_bom():
    text = "\ufeffid,score,outcome,decision,device\nA,0.9,1,1,Philips\nB,0.2,0,0,GE\n"
    table = parse_upload(text.encode("utf-8"), "export.csv", "classification")
    assert table.columns["score"] == [0.9, 0.2]
    assert table.columns["decision"] == [1, 0]
    assert table.subgroups == {"device": ["Philips", "GE"]}


def test_comma_separated_with_quoted_decimal_commas_and_tabs():
    quoted = b'id,score,outcome\n1,"0,55",1\n2,"0,45",0\n'
    assert parse_upload(quoted, "a.csv", "classification").columns["score"] == [0.55, 0.45]
    tabs = b"id\tscore\toutcome\n1\t0,55\t1\n"
    assert parse_upload(tabs, "a.csv", "classification").columns["score"] == [0.55]


def test_blank_lines_are_skipped_and_rows_keep_their_spreadsheet_numbers():
    data = b"id;score;outcome\n1;0,5;1\n\n;;\n2;0,5;7\n"
    assert errors_of(data) == ["row 5: outcome must be 0 or 1"]


def test_row_17_outcome_must_be_0_or_1():
    rows = [f"{i};0,5;{i % 2}" for i in range(1, 16)] + ["16;0,4;2"]
    data = ("id;score;outcome\n" + "\n".join(rows) + "\n").encode()
    assert errors_of(data) == ["row 17: outcome must be 0 or 1"]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("1;1,5;1", "row 2: score must be a number between 0 and 1"),
        ("1;abc;1", "row 2: score must be a number between 0 and 1"),
        ("1;;1", "row 2: score is missing"),
        (";0,5;1", "row 2: id is missing"),
        ("1;0,5;ja", "row 2: outcome must be 0 or 1"),
        ("1;nan;1", "row 2: score must be a number between 0 and 1"),
    ],
)
def test_bad_cells(row, message):
    assert errors_of(f"id;score;outcome\n{row}\n".encode()) == [message]


def test_every_problem_in_a_row_is_reported():
    assert errors_of(b"id;score;outcome\n1;2;3\n") == [
        "row 2: score must be a number between 0 and 1",
        "row 2: outcome must be 0 or 1",
    ]


def test_duplicate_ids_are_refused():
    data = b"id;score;outcome\n7;0,5;1\n8;0,5;1\n7;0,4;0\n"
    assert errors_of(data) == ["row 4: the same id as row 2"]


def test_missing_columns_are_named():
    assert errors_of(b"id;probability_of_x\n1;0,4\n") == [
        "Missing column: score. The first row must name the columns.",
        "Missing column: outcome. The first row must name the columns.",
    ]


def test_many_errors_are_summarised():
    rows = "\n".join(f"{i};0,5;9" for i in range(30))
    messages = errors_of(f"id;score;outcome\n{rows}\n".encode())
    assert len(messages) == MAX_REPORTED_ERRORS + 1
    assert messages[-1] == "… and 10 more problems."


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "a.csv", "The file is empty."),
        (b"   \n\n", "a.csv", "The file is empty."),
        (b"id;score;outcome\n", "a.csv", "The file has a header but no rows."),
        (b"id;score;outcome\n1;0,5;1\n", "a.xls", "Upload a CSV or an Excel (.xlsx) file."),
        (b"\x00\x01\x02binary", "a.csv", "The file is not a text (CSV) file."),
        (
            b"id;score;outcome\n1;0,5;1\n",
            "a.xlsx",
            "The file is not a valid Excel workbook (.xlsx).",
        ),
    ],
)
def test_unusable_files(data, name, message):
    assert errors_of(data, name) == [message]


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    assert errors_of(buffer.getvalue(), "a.xlsx") == [
        "The file is not a valid Excel workbook (.xlsx)."
    ]


def test_size_limit():
    data = b"id;score;outcome\n" + b"1;0,5;1\n" * 100
    messages = errors_of(data, max_bytes=100)
    assert messages[0].startswith("The file is too large")


def test_text_that_is_neither_utf8_nor_windows_1252():
    # 0x81 is undefined in Windows-1252 and invalid as UTF-8.
    assert errors_of(b"id;score;outcome\n1;0,5;1\x81\n") == [
        "The file is neither UTF-8 nor Windows-1252 text."
    ]


def test_a_decision_column_must_be_complete():
    data = b"id;score;outcome;decision\n1;0,5;1;1\n2;0,4;0;\n"
    assert errors_of(data) == [
        "The decision column is empty in some rows (the first is case 2): fill it in "
        "everywhere or leave the column out."
    ]
    empty = parse_upload(b"id;score;outcome;decision\n1;0,5;1;\n", "a.csv", "classification")
    assert "decision" not in empty.columns


def test_a_subgroup_with_too_many_levels_is_refused():
    rows = "\n".join(f"{i};0,5;1;{i}" for i in range(60))
    messages = errors_of(f"id;score;outcome;patient_number\n{rows}\n".encode())
    assert "patient_number" in messages[0]


def xlsx(rows) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_with_numbers_and_text():
    data = xlsx(
        [
            ["ID", "Score", "Outcome", "Site"],
            [1, 0.8, 1, "OUH"],
            [2, "0,3", 0, "SLB"],
            [None, None, None, None],
            [3, 0.1, 1.0, "OUH"],
        ]
    )
    table = parse_upload(data, "resultater.xlsx", "classification")
    assert table.columns == {"id": ["1", "2", "3"], "score": [0.8, 0.3, 0.1], "outcome": [1, 0, 1]}
    assert table.subgroups == {"site": ["OUH", "SLB", "OUH"]}


def test_xlsx_errors_have_row_numbers():
    data = xlsx([["id", "score", "outcome"], [1, 0.8, 1], [2, 0.3, 5]])
    assert errors_of(data, "r.xlsx") == ["row 3: outcome must be 0 or 1"]


def test_pdqi9_ratings():
    header = ["note_id", "rater", *[item.replace("_", " ") for item in PDQI9_ITEMS], "site"]
    good = ["n1", "A", *[4] * 9, "OUH"]
    table = parse_upload(xlsx([header, good]), "p.xlsx", "pdqi9")
    assert table.columns["accurate"] == [4]
    assert table.columns["up_to_date"] == [4]
    assert table.subgroups == {"site": ["OUH"]}
    bad = ["n2", "A", 6, *[4] * 8, "OUH"]
    duplicate = ["n1", "A", *[3] * 9, "OUH"]
    assert errors_of(xlsx([header, good, bad, duplicate]), "p.xlsx", "pdqi9") == [
        "row 3: up_to_date must be a whole number from 1 to 5",
        "row 4: the same note_id + rater as row 2",
    ]


def test_errors_and_time_formats():
    errors = b"note_id;hallucinations_minor;hallucinations_major;omissions_minor;omissions_major\n"
    table = parse_upload(errors + b"n1;1;0;2;0\n", "e.csv", "errors")
    assert table.columns["omissions_minor"] == [2]
    assert errors_of(errors + b"n1;-1;0;0;0\n", kind="errors") == [
        "row 2: hallucinations_minor must be a whole number of at least 0"
    ]
    time = b"encounter_id;periode;minutter;brugt\nk1;f\xf8r;12,5;\nk2;efter;2.000,5;1\n"
    assert errors_of(time, kind="time") == [
        "row 3: minutes must be a number of minutes from 0 to 1440"
    ]
    table = parse_upload(
        b"encounter_id;period;minutes\nk1;before;12,5\nk2;after;9\n", "t.csv", "time"
    )
    assert table.columns["period"] == ["baseline", "scribe"]
    assert table.columns["scribe_used"] == [0, 1]  # default: used in the scribe period
    assert errors_of(b"encounter_id;period;minutes\nk1;later;3\n", kind="time") == [
        "row 2: period must be baseline (before, without) or scribe (after, with)"
    ]


@pytest.mark.parametrize(
    ("text", "value"),
    [("0,73", 0.73), ("0.73", 0.73), ("1.234,5", 1234.5), ("1,234.5", 1234.5), (" 12 ", 12.0)],
)
def test_numbers_written_the_danish_or_the_english_way(text, value):
    assert read_number(text) == value


def test_a_cell_starting_with_a_quote_does_not_swallow_the_rows_after_it():
    """100 rows in, 80 imported, no error: the report. Now the row is named and nothing is read."""
    rows = [f"{i};0,5;{i % 2}" for i in range(1, 101)]
    rows[19] = '"20;0,5;0'  # row 21 in the spreadsheet
    data = ("id;score;outcome\n" + "\n".join(rows) + "\n").encode()
    messages = errors_of(data)
    assert len(messages) == 1 and messages[0].startswith("row 21: a quotation mark")


def test_a_quote_closed_rows_later_is_refused_too():
    rows = [f"{i};0,5;{i % 2}" for i in range(1, 31)]
    rows[4] = '"5;0,5;1'
    rows[9] = '10";0,5;1'
    data = ("id;score;outcome\n" + "\n".join(rows) + "\n").encode()
    assert errors_of(data)[0].startswith("row 6: a quotation mark")


def test_a_quote_in_the_middle_of_a_quoted_cell_is_refused():
    data = b'id;score;outcome\n1;0,5;1\n"2"x;0,5;1\n'
    assert errors_of(data)[0].startswith("row 3: a quotation mark")


def test_a_row_with_the_wrong_number_of_cells_is_a_row_error():
    data = b"id;score;outcome\n1;0,5;1\n2;0,5;1;9\n3;0,5\n4;0,5;0\n"
    assert errors_of(data) == [
        "row 3: 4 cells, but the first row names 3 columns",
        "row 4: 2 cells, but the first row names 3 columns",
    ]


def test_quoted_cells_on_one_line_still_work():
    data = b'id;score;outcome\n"1";"0,5";"1"\n"2;b";0,5;0\n'
    assert parse_upload(data, "a.csv", "classification").columns["id"] == ["1", "2;b"]


# --- workbooks that would exhaust the server ------------------------------------------------


def bomb(unpacked_mb: int, *, name="xl/sharedStrings.xml", entries=()) -> bytes:
    """A workbook-shaped archive whose shared strings unpack to `unpacked_mb` megabytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for entry in entries:
            archive.writestr(entry, "x")
        with archive.open(name, "w", force_zip64=True) as part:
            chunk = b"<si><t>A</t></si>" * 65536
            for _ in range(unpacked_mb * 1024 * 1024 // len(chunk)):
                part.write(chunk)
    return buffer.getvalue()


def test_a_shared_strings_bomb_is_refused_before_it_is_read():
    import time

    data = bomb(120)
    assert len(data) < 1024 * 1024
    started = time.monotonic()
    messages = errors_of(data, "resultater.xlsx")
    assert time.monotonic() - started < 5
    assert len(messages) == 1 and messages[0].startswith("The file unpacks to")


def test_a_highly_compressed_part_is_refused():
    messages = errors_of(bomb(20), "resultater.xlsx")
    assert "times" in messages[0] and "possible attack" in messages[0]


def test_an_archive_with_too_many_parts_is_refused():
    data = bomb(0, entries=[f"xl/extra{i}.xml" for i in range(2_100)])
    assert "parts" in errors_of(data, "resultater.xlsx")[0]


def test_a_sheet_with_too_many_columns_is_refused():
    header = ["id", "score", "outcome"] + [f"c{i}" for i in range(70)]
    assert errors_of(xlsx([header, [1, 0.5, 1]]), "a.xlsx") == [
        "The sheet has more than 60 columns."
    ]


def test_workbooks_are_read_in_a_child_with_a_time_limit(monkeypatch):
    from validation import workbook_process

    monkeypatch.setattr(workbook_process, "TIMEOUT_SECONDS", 0.000001)
    data = xlsx([["id", "score", "outcome"], [1, 0.5, 1]])
    assert errors_of(data, "a.xlsx")[0].startswith("Reading the workbook took longer than")


def test_workbooks_are_read_in_a_child_with_a_memory_limit(monkeypatch):
    """A reader that needs more memory than allowed is stopped in its child process, and the
    person gets a message; the web process is untouched."""
    from validation import workbook_process

    def greedy_reader(data):
        return [bytearray(400 * 1024 * 1024)]

    with pytest.raises(workbook_process.WorkbookRefused) as caught:
        workbook_process.read_rows_in_child(greedy_reader, b"", memory=16 * 1024 * 1024)
    assert caught.value.message == (
        "The workbook needs more memory to read than is allowed. Save it as CSV and upload that "
        "instead."
    )
    # The real reader goes through the same door.
    calls = []
    monkeypatch.setattr(
        workbook_process, "read_rows_in_child", lambda *a, **k: calls.append(a) or []
    )
    monkeypatch.setattr(
        "validation.parsing.read_rows_in_child", workbook_process.read_rows_in_child
    )
    errors_of(xlsx([["id", "score", "outcome"], [1, 0.5, 1]]), "a.xlsx")
    assert len(calls) == 1
