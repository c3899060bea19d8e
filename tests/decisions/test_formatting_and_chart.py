"""Danish amounts, and the server-side SVG chart: accessible and valid in every language."""

import re
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from decisions.business_case import calculate, parse_business_case
from decisions.chart import cumulative_chart, nice_step, tick_label
from decisions.formatting import format_amount, format_dkk, format_percent

from .test_business_case import HAND


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1644638, "1.644.638 kr."),
        (Decimal("-1450000"), "-1.450.000 kr."),
        (Decimal("999.5"), "1.000 kr."),
        (0, "0 kr."),
        (Decimal("-0.4"), "0 kr."),
        (12, "12 kr."),
    ],
)
def test_format_dkk(value, text):
    assert format_dkk(value) == text


def test_format_amount_and_percent():
    assert format_amount(Decimal("1234567.891"), 2) == "1.234.567,89"
    assert format_percent(Decimal("0.035")) == "3,5 %"
    assert format_percent(Decimal("0.1")) == "10 %"


@pytest.mark.parametrize(
    ("span", "step"), [(4000, 1000), (10_000_000, 2_500_000), (7, 2), (900, 250)]
)
def test_nice_steps(span, step):
    assert nice_step(span) == step


def test_tick_labels_in_millions_or_kroner():
    assert tick_label(-2_500_000, 2_500_000) == "-2,5 mio."
    assert tick_label(5_000_000, 1_000_000) == "5 mio."
    assert tick_label(1500, 500) == "1.500"


def test_chart_geometry_spans_every_value_and_zero():
    chart = cumulative_chart(calculate(parse_business_case(HAND)))
    assert [s["scenario"] for s in chart["series"]] == ["low", "expected", "high"]
    assert [t["year"] for t in chart["x_ticks"]] == [0, 1, 2]
    ys = [m["y"] for s in chart["series"] for m in s["markers"]]
    assert min(ys) >= chart["top"] and max(ys) <= chart["bottom"]
    assert chart["top"] <= chart["zero_y"] <= chart["bottom"]
    # the high scenario ends above zero (700), the low one below (-850)
    high_end = chart["series"][2]["markers"][-1]["y"]
    low_end = chart["series"][0]["markers"][-1]["y"]
    assert high_end < chart["zero_y"] < low_end
    # each scenario is told apart without colour: its own dash pattern and marker
    assert len({(s["dash"], s["marker"]) for s in chart["series"]}) == 3


@pytest.mark.parametrize("language", ["da", "en"])
def test_svg_has_title_description_and_plain_coordinates(language):
    chart = cumulative_chart(calculate(parse_business_case(HAND)))
    with translation.override(language):
        svg = render_to_string(
            "decisions/partials/_business_case_chart.html",
            {"chart": chart, "chart_text": "Forventet: 488 kr.", "chart_id": "c1"},
        )
    assert 'role="img"' in svg and 'aria-labelledby="c1-title c1-desc"' in svg
    assert '<title id="c1-title">' in svg and '<desc id="c1-desc">Forventet: 488 kr.' in svg
    # coordinates must never be localised ("12,5" would break the SVG in Danish)
    for attribute in re.findall(r' (?:x|y|x1|x2|y1|y2|cx|cy)="([^"]*)"', svg):
        assert re.fullmatch(r"-?\d+(\.\d+)?", attribute), attribute
    points = re.findall(r'points="([^"]*)"', svg)
    assert len(points) == 3 and all("," in p and ";" not in p for p in points)
