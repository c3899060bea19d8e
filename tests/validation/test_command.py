"""`manage.py evaluate`, end to end: a file in, the issue's JSON out."""

import io
import json

import numpy as np
import openpyxl
import pytest
from django.core.management import CommandError, call_command

from tests.validation.helpers import classification_rows, csv_bytes
from validation.metrics.classification import evaluate_classification
from validation.metrics.scribe import PDQI9_ITEMS

ESTIMATE_KEYS = {"estimate", "ci_low", "ci_high"}


def run(*args) -> dict:
    out = io.StringIO()
    call_command("evaluate", *args, stdout=out)
    return json.loads(out.getvalue())


def test_classification(tmp_path):
    header, rows = classification_rows(n=500)
    path = tmp_path / "resultater.csv"
    path.write_bytes(csv_bytes(header, rows, encoding="cp1252"))
    output = run("--kind", "classification", "--input", str(path), "--threshold", "0.3")
    assert list(output) == [
        "n",
        "prevalence",
        "auroc",
        "sensitivity",
        "specificity",
        "ppv",
        "npv",
        "brier",
        "calibration_intercept",
        "calibration_slope",
    ]
    for key in ("auroc", "sensitivity", "specificity", "ppv", "npv"):
        assert set(output[key]) == ESTIMATE_KEYS
    for key in ("prevalence", "brier", "calibration_intercept", "calibration_slope"):
        assert isinstance(output[key], float)
    scores = np.array([row[1] for row in rows])
    outcomes = np.array([row[2] for row in rows])
    expected = evaluate_classification(scores, outcomes, (scores >= 0.3).astype(int))
    assert output["n"] == 500
    assert output["auroc"] == pytest.approx(expected["metrics"]["auroc"])
    assert output["sensitivity"] == pytest.approx(expected["metrics"]["sensitivity"])
    assert output["calibration_slope"] == pytest.approx(
        expected["metrics"]["calibration_slope"]["estimate"]
    )


def test_classification_without_an_operating_point_has_no_sensitivity(tmp_path):
    header, rows = classification_rows(n=100, subgroups=False)
    path = tmp_path / "r.csv"
    path.write_bytes(csv_bytes(header, rows, sep=",", decimal="."))
    output = run("--kind", "classification", "--input", str(path))
    assert output["sensitivity"] == {"estimate": None, "ci_low": None, "ci_high": None}
    assert output["auroc"]["estimate"] > 0.5


def test_classification_from_xlsx_with_subgroups(tmp_path):
    header, rows = classification_rows(n=200)
    workbook = openpyxl.Workbook()
    workbook.active.append(header)
    for row in rows:
        workbook.active.append(row)
    path = tmp_path / "r.xlsx"
    workbook.save(path)
    output = run("--kind", "classification", "--input", str(path), "--subgroups")
    assert output["n"] == 200
    assert [(g["column"], g["level"], g["n"]) for g in output["subgroups"]] == [
        ("køn", "K", 100),
        ("køn", "M", 100),
    ]


def test_pdqi9(tmp_path):
    rng = np.random.default_rng(1)
    rows = [
        [f"n{note}", rater, *rng.integers(3, 6, 9).tolist()]
        for note in range(30)
        for rater in ("A", "B", "C")
    ]
    path = tmp_path / "pdqi9.csv"
    path.write_bytes(csv_bytes(["note_id", "rater", *PDQI9_ITEMS], rows))
    output = run("--kind", "pdqi9", "--input", str(path))
    assert list(output) == ["n_notes", "n_raters", "total_mean", "item_means", "icc_2_1"]
    assert (output["n_notes"], output["n_raters"]) == (30, 3)
    assert set(output["total_mean"]) == ESTIMATE_KEYS
    assert 9 <= output["total_mean"]["estimate"] <= 45
    assert list(output["item_means"]) == list(PDQI9_ITEMS)
    assert isinstance(output["icc_2_1"], float)


def test_time(tmp_path):
    rows = [[f"b{i}", "før", 10 + i % 3, ""] for i in range(20)]
    rows += [[f"s{i}", "efter", 8 + i % 3, int(i % 4 != 0)] for i in range(20)]
    path = tmp_path / "tid.csv"
    path.write_bytes(csv_bytes(["encounter_id", "periode", "minutter", "brugt"], rows))
    output = run("--kind", "time", "--input", str(path))
    assert output["time_saved_minutes"]["estimate"] == pytest.approx(2.0)
    assert output["uptake"]["estimate"] == pytest.approx(0.75)
    assert set(output["time_saved_percent"]) == ESTIMATE_KEYS


def test_bad_input_names_the_row(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(b"id;score;outcome\n1;0,5;1\n2;0,5;x\n")
    with pytest.raises(CommandError, match="row 3: outcome must be 0 or 1"):
        run("--kind", "classification", "--input", str(path))
    with pytest.raises(CommandError, match="Cannot read"):
        run("--kind", "classification", "--input", str(tmp_path / "missing.csv"))
    with pytest.raises(CommandError, match="between 0 and 1"):
        run("--kind", "classification", "--input", str(path), "--threshold", "2")
