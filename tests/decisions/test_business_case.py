"""The business case as a pure function: NPV and payback against figures worked out by hand,
the scenarios, and invalid input. No database."""

from decimal import Decimal

import pytest
from django.utils import translation

from decisions.business_case import calculate, parse_business_case
from decisions.reasoning import InvalidInput


@pytest.fixture(autouse=True)
def english():
    """These tests read the English source messages; the interface's default is Danish."""
    with translation.override("en"):
        yield


def line(kind, low, expected, high, label="Linje", owner="Afdelingen"):
    return {
        "kind": kind,
        "label": label,
        "owner": owner,
        "low": low,
        "expected": expected,
        "high": high,
    }


HAND = {
    "horizon_years": 3,
    "discount_rate": 0.10,
    "lines": [
        line("one_off_cost", [900, 0, 0], [1000, 0, 0], [1200, 0, 0], "Opsætning"),
        line("running_cost", [100, 100, 100], [100, 100, 100], [150, 150, 150], "Licens"),
        line("benefit", [0, 400, 400], [0, 600, 600], [100, 900, 900], "Sparet tid", "Afsnit A"),
    ],
}


def test_npv_and_payback_by_hand():
    result = calculate(parse_business_case(HAND)).as_dict()["scenarios"]
    # Expected: costs 1100, 100, 100; benefits 0, 600, 600 -> net -1100, 500, 500;
    # cumulative -1100, -600, -100: no payback within 3 years.
    # NPV = -1100 + 500/1.1 + 500/1.21 = -1100 + 454.5455 + 413.2231 = -232.2314
    assert result["expected"]["net"] == [-1100, 500, 500]
    assert result["expected"]["cumulative"] == [-1100, -600, -100]
    assert result["expected"]["npv"] == -232.23
    assert result["expected"]["payback_year"] is None
    # Low: benefits at low (0, 400, 400), costs at high (1350, 150, 150) -> net -1350, 250, 250;
    # NPV = -1350 + 250/1.1 + 250/1.21 = -1350 + 227.2727 + 206.6116 = -916.1157
    assert result["low"]["costs"] == [1350, 150, 150]
    assert result["low"]["net"] == [-1350, 250, 250]
    assert result["low"]["cumulative"] == [-1350, -1100, -850]
    assert result["low"]["npv"] == -916.12
    assert result["low"]["payback_year"] is None
    # High: benefits at high (100, 900, 900), costs at low (1000, 100, 100) -> net -900, 800, 800;
    # cumulative -900, -100, 700: pays back in year 2.
    # NPV = -900 + 800/1.1 + 800/1.21 = -900 + 727.2727 + 661.1570 = 488.4298
    assert result["high"]["net"] == [-900, 800, 800]
    assert result["high"]["cumulative"] == [-900, -100, 700]
    assert result["high"]["npv"] == 488.43
    assert result["high"]["payback_year"] == 2


def test_year_zero_is_not_discounted_and_can_pay_back():
    # One year: benefit 100 - cost 50 = 50 in year 0 -> NPV 50 (divided by 1.1^0 = 1), payback 0.
    case = {
        "horizon_years": 1,
        "discount_rate": 0.10,
        "lines": [line("benefit", [100], [100], [100]), line("running_cost", [50], [50], [50])],
    }
    result = calculate(parse_business_case(case)).scenarios["expected"]
    assert result.npv == Decimal("50.00")
    assert result.payback_year == 0


def test_default_discount_rate_from_the_data():
    # -1000 in year 0, +1035 in year 1 at 3.5 %: NPV = -1000 + 1035/1.035 = 0; cumulative -1000,
    # 35 -> payback in year 1 (the first year whose cumulative net is >= 0).
    case = {
        "horizon_years": 2,
        "lines": [
            line("one_off_cost", [1000, 0], [1000, 0], [1000, 0]),
            line("benefit", [0, 1035], [0, 1035], [0, 1035]),
        ],
    }
    parsed = parse_business_case(case, default_discount_rate=Decimal("0.035"))
    assert parsed.discount_rate == Decimal("0.035")
    result = calculate(parsed).scenarios["expected"]
    assert result.npv == Decimal("0.00")
    assert result.payback_year == 1


def test_payback_when_cumulative_is_exactly_zero():
    case = {
        "horizon_years": 2,
        "discount_rate": 0,
        "lines": [
            line("one_off_cost", [500, 0], [500, 0], [500, 0]),
            line("benefit", [0, 500], [0, 500], [0, 500]),
        ],
    }
    result = calculate(parse_business_case(case)).scenarios["expected"]
    assert result.cumulative == (Decimal(-500), Decimal(0))
    assert result.payback_year == 1
    assert result.npv == Decimal("0.00")


def test_horizon_defaults_to_five_years():
    case = {"discount_rate": 0, "lines": [line("benefit", [1] * 5, [1] * 5, [1] * 5)]}
    assert parse_business_case(case).horizon_years == 5


def test_gaps_need_a_cost_and_a_benefit():
    only_costs = {
        "horizon_years": 1,
        "discount_rate": 0,
        "lines": [line("running_cost", [1], [1], [1])],
    }
    assert parse_business_case(only_costs).gaps() == ["Add at least one benefit with its owner."]
    assert parse_business_case(HAND).gaps() == []


def test_output_round_trips_as_input():
    parsed = parse_business_case(HAND)
    assert parse_business_case(parsed.as_dict()) == parsed


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (lambda c: c["lines"][0].update(kind="investment"), "lines[0].kind", "unknown value"),
        (lambda c: c["lines"][1].pop("kind"), "lines[1].kind", "missing"),
        (lambda c: c.pop("lines"), "lines", "missing"),
        (lambda c: c["lines"][2].pop("high"), "lines[2].high", "missing"),
        (
            lambda c: c["lines"][0]["low"].__setitem__(0, -5),
            "lines[0].low[0]",
            "must not be negative",
        ),
        (
            lambda c: c["lines"][0]["low"].__setitem__(1, "x"),
            "lines[0].low[1]",
            "must be an amount",
        ),
        (lambda c: c["lines"][1].update(low=[1, 2]), "lines[1].low", "must have 3 amounts"),
        (lambda c: c["lines"][2].update(owner=""), "lines[2].owner", "a benefit needs an owner"),
        (lambda c: c["lines"][0].update(label=" "), "lines[0].label", "give the line a name"),
        (lambda c: c["lines"][0].update(extra=1), "lines[0].extra", "unknown field"),
        (
            lambda c: c["lines"][1].update(low=[200, 100, 100]),
            "lines[1].low[0]",
            "the low estimate",
        ),
        (
            lambda c: c["lines"][1].update(high=[100, 90, 150]),
            "lines[1].high[1]",
            "the high estimate",
        ),
        (lambda c: c.update(horizon_years=0), "horizon_years", "must be between 1 and 35"),
        (lambda c: c.update(horizon_years=2.5), "horizon_years", "must be a whole number"),
        (lambda c: c.update(discount_rate=-0.01), "discount_rate", "must not be negative"),
        (lambda c: c.update(discount_rate=3.5), "discount_rate", "must be a fraction below 1"),
        (lambda c: c.update(discount_rate="abc"), "discount_rate", "must be a number"),
        (lambda c: c.pop("discount_rate"), "discount_rate", "missing, and the data has no"),
        (lambda c: c.update(colour="blue"), "colour", "unknown field"),
    ],
)
def test_invalid_input_names_the_field(change, field, message):
    case = {**HAND, "lines": [dict(item) for item in HAND["lines"]]}
    for item in case["lines"]:
        for name in ("low", "expected", "high"):
            item[name] = list(item[name])
    change(case)
    with pytest.raises(InvalidInput) as caught:
        parse_business_case(case)
    assert any(f == field and m.startswith(message) for f, m in caught.value.errors), (
        caught.value.errors
    )
    assert f"{field}: {message}" in str(caught.value)
