"""`manage.py monitoring_check`: the output format of the issue, and bad input (exit 2, row and
column named)."""

import io
import json

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

PLAN = {
    "kind": "classification",
    "period": "month",
    "baseline": {"sensitivity": 0.85, "specificity": 0.80, "oe_ratio": 1.0},
    "minimum": {"sensitivity": 0.75, "specificity": 0.70},
}
ROWS = [
    ("2025-01", 400, 170, 40, 160, 30, 200),
    ("2025-02", 400, 172, 38, 162, 28, 201.5),
    ("2025-03", 400, 150, 40, 160, 50, 199),
    ("2025-04", 400, 140, 40, 160, 60, 200),
]


def _write(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


def _csv(rows=ROWS, sep=",", header="period,n,tp,fp,tn,fn,expected_positives", decimal="."):
    lines = [header.replace(",", sep)]
    for row in rows:
        lines.append(sep.join(str(v).replace(".", decimal) for v in row))
    return "\n".join(lines) + "\n"


def _run(tmp_path, csv_text, plan=PLAN, name="periods.csv"):
    plan_path = _write(tmp_path, "plan.json", json.dumps(plan))
    input_path = _write(tmp_path, name, csv_text)
    out = io.StringIO()
    # manage.py runs commands in English; the test runner's active language is Danish.
    with translation.override("en"):
        call_command(
            "monitoring_check", plan=plan_path, input=input_path, format="json", stdout=out
        )
    return json.loads(out.getvalue())


def _error(tmp_path, csv_text, plan=PLAN, name="periods.csv") -> str:
    with pytest.raises(CommandError) as caught:
        _run(tmp_path, csv_text, plan, name)
    assert caught.value.returncode == 2
    return str(caught.value)


def test_json_output_has_the_issue_format(tmp_path):
    result = _run(tmp_path, _csv())
    assert set(result) == {"metrics"}
    assert set(result["metrics"]) == {"sensitivity", "specificity", "ppv", "npv", "oe_ratio"}
    sensitivity = result["metrics"]["sensitivity"]
    assert sensitivity["first_alarm"] == "2025-03"
    first = sensitivity["periods"][0]
    assert set(first) == {"period", "value", "lower", "upper", "status", "rules"}
    assert first["period"] == "2025-01" and first["value"] == 0.85 and first["status"] == "ok"
    assert first["lower"] < 0.85 < first["upper"]
    third = sensitivity["periods"][2]
    assert third["status"] == "alarm" and "shewhart" in third["rules"]
    assert result["metrics"]["specificity"]["first_alarm"] is None
    assert result["metrics"]["oe_ratio"]["periods"][1]["value"] == pytest.approx(200 / 201.5)


def test_semicolons_and_decimal_commas_give_the_same_result(tmp_path):
    comma = _run(tmp_path, _csv())
    semicolon = _run(tmp_path, _csv(sep=";", decimal=","))
    assert comma == semicolon


def test_without_expected_positives_there_is_no_oe_ratio(tmp_path):
    rows = [row[:6] for row in ROWS]
    result = _run(tmp_path, _csv(rows, header="period,n,tp,fp,tn,fn"))
    assert "oe_ratio" not in result["metrics"]


def test_iso_weeks_and_rows_out_of_order(tmp_path):
    rows = [("2025-W03", *ROWS[0][1:]), ("2025-W01", *ROWS[1][1:]), ("2025-W02", *ROWS[2][1:])]
    result = _run(tmp_path, _csv(rows), plan={**PLAN, "period": "week"})
    periods = [p["period"] for p in result["metrics"]["sensitivity"]["periods"]]
    assert periods == ["2025-W01", "2025-W02", "2025-W03"]


def test_xlsx_input(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["period", "n", "tp", "fp", "tn", "fn", "expected_positives"])
    for row in ROWS:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert _run(tmp_path, buffer.getvalue(), name="periods.xlsx") == _run(tmp_path, _csv())


def test_text_output(tmp_path):
    plan_path = _write(tmp_path, "plan.json", json.dumps(PLAN))
    input_path = _write(tmp_path, "periods.csv", _csv())
    out = io.StringIO()
    call_command("monitoring_check", plan=plan_path, input=input_path, stdout=out)
    assert "sensitivity: first alarm 2025-03" in out.getvalue()


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([("2025-13", 400, 170, 40, 160, 30, 200)], "row 2, column period"),
        ([("2025-01", 400, "x", 40, 160, 30, 200)], "row 2, column tp: must be a whole number"),
        ([("2025-01", 400, -1, 40, 160, 30, 200)], "row 2, column tp"),
        ([("2025-01", 400, 1.5, 40, 160, 30, 200)], "row 2, column tp"),
        ([("2025-01", 400, "nan", 40, 160, 30, 200)], "row 2, column tp"),
        ([("2025-01", 400, "1e400", 40, 160, 30, 200)], "row 2, column tp"),
        ([("2025-01", 401, 170, 40, 160, 30, 200)], "row 2, column n: is 401 but"),
        ([("2025-01", 400, 170, 40, 160, 30, 500)], "row 2, column expected_positives"),
        ([ROWS[0], ROWS[1], ROWS[0]], "row 4, column period: the same period as row 2"),
        ([ROWS[0], ("2025-W05", *ROWS[1][1:])], "row 3, column period: expected a month"),
        ([ROWS[0], ("2025-01", 400, 170)], "row 3: 3 cells, but the first row names 7"),
    ],
)
def test_bad_rows_name_row_and_column(tmp_path, rows, expected):
    assert expected in _error(tmp_path, _csv(rows))


def test_unknown_and_missing_columns(tmp_path):
    message = _error(tmp_path, "period,n,tp,fp,tn,patient_id\n2025-01,1,1,0,0,x\n")
    assert "patient_id is not part of the format" in message
    assert "the column fn is missing" in message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02binary", "not a text"),
        (b'period,n,tp,fp,tn,fn\n"2025-01,1,1,0,0,0\n2025-02,1,1,0,0,0\n', "quotation mark"),
        (b"period,n,tp,fp,tn,fn\n", "no rows"),
    ],
)
def test_hostile_files(tmp_path, content, expected):
    assert expected in _error(tmp_path, content)


def test_a_file_that_is_not_a_workbook(tmp_path):
    assert "not a valid Excel workbook" in _error(tmp_path, b"PK\x03\x04nonsense", name="x.xlsx")


def test_a_very_large_file_is_refused(tmp_path, monkeypatch):
    from monitoring.management.commands import monitoring_check

    monkeypatch.setattr(monitoring_check, "MAX_INPUT_BYTES", 100)
    assert "too large" in _error(tmp_path, _csv())


@pytest.mark.parametrize(
    ("plan", "expected"),
    [
        ([1, 2], "JSON object"),
        ({**PLAN, "kind": "scribe"}, '"kind"'),
        ({**PLAN, "period": "day"}, '"period"'),
        ({**PLAN, "baseline": {"auroc": 0.9}}, "baseline.auroc"),
        ({**PLAN, "baseline": {"sensitivity": 1.5}}, "between 0 and 1"),
        ({**PLAN, "minimum": {"sensitivity": "0.7"}}, "must be a number"),
        ({**PLAN, "target_arl": 5000}, "target_arl"),
        ({**PLAN, "extra": 1}, "unknown key"),
    ],
)
def test_bad_plans(tmp_path, plan, expected):
    assert expected in _error(tmp_path, _csv(), plan=plan)


def test_a_plan_that_is_not_json(tmp_path):
    plan_path = _write(tmp_path, "plan.json", "{not json")
    input_path = _write(tmp_path, "periods.csv", _csv())
    with pytest.raises(CommandError) as caught:
        call_command("monitoring_check", plan=plan_path, input=input_path)
    assert caught.value.returncode == 2 and "not valid JSON" in str(caught.value)


def test_a_missing_input_file(tmp_path):
    plan_path = _write(tmp_path, "plan.json", json.dumps(PLAN))
    with pytest.raises(CommandError) as caught:
        call_command("monitoring_check", plan=plan_path, input=tmp_path / "none.csv")
    assert caught.value.returncode == 2
