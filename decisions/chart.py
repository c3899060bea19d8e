"""The business case chart (cumulative net per scenario over the years) as plain geometry, drawn
as SVG by a template on the server: the same picture on the page and in the PDF dossier, no
JavaScript. The geometry is JSON-able, so the dossier's JSON can carry it too."""

import math
from decimal import Decimal
from typing import Any

from .business_case import SCENARIOS, BusinessCaseResult
from .formatting import format_amount

WIDTH = 640
HEIGHT = 300
LEFT, RIGHT, TOP, BOTTOM = 92, 16, 16, 44
TICKS = 4
# Colours with at least 3:1 contrast on white (WCAG 1.4.11); each line also has its own dash
# pattern and marker, so the scenarios differ without colour (WCAG 1.4.1).
STYLE = {
    "low": {"colour": "#b02a37", "dash": "7 5", "marker": "square"},
    "expected": {"colour": "#0b4f6c", "dash": "", "marker": "circle"},
    "high": {"colour": "#146c43", "dash": "2 4", "marker": "triangle"},
}


def nice_step(span: float) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving about TICKS intervals."""
    raw = span / TICKS
    magnitude = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 2.5, 5, 10):
        if multiple * magnitude >= raw:
            return multiple * magnitude
    return 10 * magnitude  # pragma: no cover - the loop always returns


def tick_label(value: float, step: float) -> str:
    if step >= 1_000_000:
        decimals = 0 if step % 1_000_000 == 0 else 1
        return f"{format_amount(Decimal(str(value)) / 1_000_000, decimals)} mio."
    return format_amount(Decimal(str(value)))


def cumulative_chart(result: BusinessCaseResult) -> dict[str, Any]:
    values = [float(v) for s in result.scenarios.values() for v in s.cumulative] + [0.0]
    low, high = min(values), max(values)
    if high - low < 1:
        high = low + 1000
    step = nice_step(high - low)
    low = math.floor(low / step) * step
    high = math.ceil(high / step) * step
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    years = result.horizon_years

    def x(year: int) -> float:
        if years == 1:
            return LEFT + plot_width / 2
        return round(LEFT + year * plot_width / (years - 1), 1)

    def y(value: float) -> float:
        return round(TOP + (high - value) / (high - low) * plot_height, 1)

    series = []
    for name in SCENARIOS:
        cumulative = result.scenarios[name].cumulative
        points = [(x(t), y(float(v))) for t, v in enumerate(cumulative)]
        series.append(
            {
                "scenario": name,
                **STYLE[name],
                "points": " ".join(f"{px},{py}" for px, py in points),
                # Marker shapes are drawn from their corner (square) or top (triangle).
                "markers": [
                    {
                        "x": px,
                        "y": py,
                        "corner_x": round(px - 4, 1),
                        "corner_y": round(py - 4, 1),
                        "top_y": round(py - 5, 1),
                        "year": t,
                        "label": format_amount(cumulative[t]),
                    }
                    for t, (px, py) in enumerate(points)
                ],
            }
        )
    count = round((high - low) / step)
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "label_x": LEFT - 6,
        "right": WIDTH - RIGHT,
        "top": TOP,
        "bottom": HEIGHT - BOTTOM,
        "zero_y": y(0),
        "x_ticks": [{"x": x(t), "year": t} for t in range(years)],
        "y_ticks": [
            {"y": y(low + i * step), "label": tick_label(low + i * step, step)}
            for i in range(count + 1)
        ],
        "series": series,
    }
