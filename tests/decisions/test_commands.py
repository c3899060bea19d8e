"""The three commands end to end: JSON on stdout and exit 0; a clear message and exit 2 on
invalid input."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from .test_business_case import HAND
from .test_classification import answers, device


@pytest.fixture(autouse=True)
def english():
    """These tests read the English source messages; the interface's default is Danish."""
    with translation.override("en"):
        yield


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]


def run(*args) -> dict:
    out = StringIO()
    call_command(*args, stdout=out)
    return json.loads(out.getvalue())


def refused(*args) -> CommandError:
    with pytest.raises(CommandError) as caught:
        call_command(*args, stdout=StringIO(), stderr=StringIO())
    assert caught.value.returncode == 2
    return caught.value


def write(tmp_path: Path, data, name="input.json") -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


# --- classify ------------------------------------------------------------------------------------


def test_classify_prints_the_classification(tmp_path):
    path = write(
        tmp_path, device("diagnosis_or_therapy_decisions", annex_iii_area="emergency_triage")
    )
    result = run("classify", "--input", path, "--date", "2026-11-26")
    assert result["mdr_class"] == "IIa"
    assert result["ai_act_routes"] == ["art6_1_annex_i", "art6_2_annex_iii"]
    assert result["fria_required"] is True
    # dates from the seeded data: the dates as amended by Regulation (EU) 2026/1744, no proposal
    assert result["high_risk_applies_from"]["art6_1_annex_i"] == "2028-08-02"
    assert result["high_risk_applies_from"]["art6_2_annex_iii"] == "2027-12-02"
    assert result["high_risk_applies_from_proposed"]["art6_2_annex_iii"] is None
    assert result["explanation"][0]["article"] == "MDR Art. 2(1)"


def test_classify_takes_the_new_inputs_optionally(tmp_path):
    """An in-house class IIa device on 1 December 2026: no notified body, not high-risk; a
    prediction model with health data needs a DPIA. The older input without the new fields is
    still valid (they default to false)."""
    inputs = device(
        "diagnosis_or_therapy_decisions",
        in_house_device=True,
        personal_data=True,
        health_data=True,
        evaluation_or_scoring=True,
    )
    result = run("classify", "--input", write(tmp_path, inputs), "--date", "2026-12-01")
    assert result["notified_body_required"] is False and result["high_risk"] is False
    assert result["dpia_required"] is True
    assert result["inputs"]["matching_datasets"] is False
    old = run("classify", "--input", write(tmp_path, device("monitor_physiological"), "old.json"))
    assert old["high_risk"] is True and old["inputs"]["in_house_device"] is False


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (answers(annex_iii_area="hospital"), "annex_iii_area: unknown value 'hospital'"),
        ({k: v for k, v in answers().items() if k != "large_scale"}, "large_scale: missing"),
        ("{not json", "is not valid JSON"),
        ([1, 2], "input: must be a JSON object"),
    ],
)
def test_classify_refuses_invalid_input(tmp_path, content, message):
    error = refused("classify", "--input", write(tmp_path, content))
    assert message in str(error)


def test_classify_refuses_a_missing_file_and_a_bad_date(tmp_path):
    assert "cannot read" in str(refused("classify", "--input", str(tmp_path / "nope.json")))
    path = write(tmp_path, answers())
    assert "not a date" in str(refused("classify", "--input", path, "--date", "26-11-2026"))


# --- procurement_route ---------------------------------------------------------------------------


def test_procurement_route_at_the_threshold():
    result = run("procurement_route", "--value", "1644638", "--date", "2025-05-01")
    assert result["eu_procedure_required"] is True
    assert result["threshold_dkk"] == 1644638
    assert (result["valid_from"], result["valid_to"]) == ("2024-01-01", "2025-12-31")
    assert result["source"].startswith("https://www.kfst.dk/")
    assert result["note_da"] and result["note_en"]


def test_procurement_route_below_and_outside_the_data():
    assert (
        run("procurement_route", "--value", "1644637", "--date", "2025-05-01")[
            "eu_procedure_required"
        ]
        is False
    )
    later = run("procurement_route", "--value", "1644638", "--date", "2026-05-01")
    assert (later["eu_procedure_required"], later["threshold_dkk"]) == (True, 1611360)
    assert (later["valid_from"], later["valid_to"]) == ("2026-01-01", "2027-12-31")
    unknown = run("procurement_route", "--value", "1644638", "--date", "2028-05-01")
    assert unknown["eu_procedure_required"] is None and unknown["threshold_dkk"] is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--value", "-1", "--date", "2025-01-01"], "value: must not be negative"),
        (["--value", "mange", "--date", "2025-01-01"], "value: must be an amount in DKK"),
        (["--value", "1", "--date", "2025-13-01"], "--date"),
    ],
)
def test_procurement_route_refuses_invalid_input(args, message):
    assert message in str(refused("procurement_route", *args))


# --- business_case -------------------------------------------------------------------------------


def test_business_case_prints_the_scenarios(tmp_path):
    result = run("business_case", "--input", write(tmp_path, HAND))
    assert set(result["scenarios"]) == {"low", "expected", "high"}
    assert result["scenarios"]["high"]["npv"] == 488.43
    assert result["scenarios"]["high"]["payback_year"] == 2
    assert result["scenarios"]["expected"]["cumulative"] == [-1100, -600, -100]


def test_business_case_takes_the_discount_rate_from_the_data(tmp_path):
    case = {key: value for key, value in HAND.items() if key != "discount_rate"}
    result = run("business_case", "--input", write(tmp_path, case), "--date", "2026-11-26")
    assert result["discount_rate"] == 0.035
    assert result["discount_rate_source"]["as_of"] == "2021-01-07"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: c["lines"][0].update(kind="gift"), "lines[0].kind: unknown value 'gift'"),
        (lambda c: c.pop("lines"), "lines: missing"),
        (lambda c: c["lines"][2].update(low=[0, -1, 0]), "lines[2].low[1]: must not be negative"),
    ],
)
def test_business_case_refuses_invalid_input(tmp_path, change, message):
    case = json.loads(json.dumps(HAND))
    change(case)
    assert message in str(refused("business_case", "--input", write(tmp_path, case)))


# --- through manage.py: the real exit status and stderr ------------------------------------------


def test_exit_status_2_and_message_on_stderr(tmp_path):
    # Invalid input is refused before the database is touched, so a subprocess is safe here.
    path = write(tmp_path, answers(software_function="triage"))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.test_settings"}
    process = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", "classify", "--input", path],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert process.returncode == 2
    assert process.stdout == ""
    # The command speaks the interface's default language (Danish): check the field and value.
    assert "software_function" in process.stderr and "'triage'" in process.stderr
