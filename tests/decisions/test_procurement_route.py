"""The procurement route as a pure function: at, below and above the threshold, and dates
outside the data's periods. No database."""

from datetime import date

import pytest
from django.utils import translation

from decisions.dated_data import DatedData
from decisions.procurement_route import procurement_route
from decisions.reasoning import InvalidInput


@pytest.fixture(autouse=True)
def english():
    """These tests read the English source messages; the interface's default is Danish."""
    with translation.override("en"):
        yield


IN_PERIOD = date(2025, 3, 1)


@pytest.mark.parametrize(
    ("value", "required"),
    [
        (1_644_638, True),  # at the threshold: "equal to or greater than"
        ("1644638.00", True),
        (1_644_638.01, True),
        (9_800_000, True),
        (1_644_637.99, False),
        (1_644_637, False),
        (0, False),
    ],
)
def test_threshold_at_below_and_above(dated, value, required):
    route = procurement_route(value_dkk=value, on=IN_PERIOD, data=dated)
    assert route["eu_procedure_required"] is required
    assert route["threshold_dkk"] == 1_644_638
    assert route["valid_from"] == "2024-01-01"
    assert route["valid_to"] == "2025-12-31"
    assert route["source"] == "https://www.kfst.dk/"
    if required:
        assert "EU procurement rules" in route["note_en"] and "EU-udbud" in route["note_da"]
    else:
        assert "no EU procedure is required" in route["note_en"]
        assert "kræves ikke et EU-udbud" in route["note_da"]


@pytest.mark.parametrize("day", [date(2024, 1, 1), date(2025, 12, 31)])
def test_period_bounds_are_inclusive(dated, day):
    assert procurement_route(value_dkk=2_000_000, on=day, data=dated)["threshold_dkk"] == 1_644_638


@pytest.mark.parametrize("day", [date(2023, 12, 31), date(2026, 1, 1), date(2026, 11, 26)])
def test_outside_the_data_says_so_plainly(dated, day):
    route = procurement_route(value_dkk=2_000_000, on=day, data=dated)
    assert route["eu_procedure_required"] is None
    assert route["threshold_dkk"] is None
    assert route["valid_from"] is None and route["valid_to"] is None
    assert route["source"] is None
    assert "has no EU threshold" in route["note_en"]
    assert "ingen EU-tærskelværdi" in route["note_da"]


def test_no_data_at_all():
    route = procurement_route(value_dkk=1, on=IN_PERIOD, data=DatedData())
    assert route["eu_procedure_required"] is None


def test_amounts_in_the_notes_are_in_danish_format(dated):
    route = procurement_route(value_dkk=9_800_000, on=IN_PERIOD, data=dated)
    assert "9.800.000 kr." in route["note_da"] and "1.644.638 kr." in route["note_da"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (-1, "value: must not be negative"),
        ("abc", "value: must be an amount in DKK"),
        ("NaN", "value: must be an amount in DKK"),
        (True, "value: must be an amount in DKK"),
    ],
)
def test_invalid_value(dated, value, message):
    with pytest.raises(InvalidInput, match=message):
        procurement_route(value_dkk=value, on=IN_PERIOD, data=dated)
