"""Plots as server-side SVG, so the page and the PDF dossier show the same, crisp figure.

Each figure has a <title> and a <desc> (its alternative text; WeasyPrint needs <title> for the
PDF's alternative text) and a data table with the same numbers for screen readers and for print.
Every piece of text that reaches the SVG is escaped here: site names and subgroup values come
from uploaded files.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .metrics.intervals import Estimate
from .presentation import format_estimate, format_number

INK = "#212529"
MUTED = "#495057"
GRID = "#dee2e6"
LINE = "#0b4f6c"
ACCENT = "#b02a37"
BAND = "#fff3cd"
FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'


@dataclass
class Figure:
    id: str
    title: str
    description: str
    svg: SafeString
    caption: str
    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "description": self.description,
            "svg": str(self.svg),
            "caption": self.caption,
            "headers": self.headers,
            "rows": self.rows,
        }


def _n(value: float) -> str:
    """A coordinate: short and locale-free."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _svg(figure_id: str, title: str, description: str, width: int, height: int, body: str):
    return mark_safe(  # noqa: S308 - every text below is escaped where it is put in
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" class="validation-plot" '
        f'aria-labelledby="{figure_id}-title {figure_id}-desc">'
        f'<title id="{figure_id}-title">{escape(title)}</title>'
        f'<desc id="{figure_id}-desc">{escape(description)}</desc>'
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>'
        f"{body}</svg>"
    )


def _text(x, y, text, *, size=12, anchor="start", fill=INK, weight="normal", rotate=None):
    transform = f' transform="rotate({rotate} {_n(x)} {_n(y)})"' if rotate is not None else ""
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" font-size="{size}" text-anchor="{anchor}" fill="{fill}" '
        f'font-weight="{weight}" {FONT}{transform}>{escape(text)}</text>'
    )


def _steps(start: float, end: float, step: float) -> list[float]:
    return [start + i * step for i in range(int(round((end - start) / step)) + 1)]


def nice_axis(low: float, high: float, target: int = 4) -> tuple[float, float, float, int]:
    """An axis from `low` to `high` widened to round steps (1, 2, 2.5 or 5 times a power of
    ten): (start, end, step, decimals for the tick labels)."""
    span = max(high - low, 1e-9)
    magnitude = 10 ** math.floor(math.log10(span / target))
    for multiple in (1, 2, 2.5, 5, 10):
        step = multiple * magnitude
        if span / step <= target + 0.001:
            break
    start = math.floor(low / step + 1e-9) * step
    end = math.ceil(high / step - 1e-9) * step
    exponent = Decimal(str(round(step, 10))).normalize().as_tuple().exponent
    return start, end, step, max(0, -exponent)


@dataclass
class _Axes:
    left: float
    top: float
    width: float
    height: float
    x_range: tuple[float, float]
    y_range: tuple[float, float]

    def x(self, value: float) -> float:
        low, high = self.x_range
        return self.left + (value - low) / (high - low) * self.width

    def y(self, value: float) -> float:
        low, high = self.y_range
        return self.top + self.height - (value - low) / (high - low) * self.height

    def frame(self, x_label: str, y_label: str) -> str:
        parts = []
        x_start, _x_end, x_step, digits = nice_axis(*self.x_range, target=5)
        y_start, _y_end, y_step, y_digits = nice_axis(*self.y_range, target=5)
        for value in _steps(x_start, self.x_range[1], x_step):
            x = self.x(value)
            parts.append(
                f'<line x1="{_n(x)}" y1="{_n(self.top)}" x2="{_n(x)}" '
                f'y2="{_n(self.top + self.height)}" stroke="{GRID}"/>'
            )
            parts.append(
                _text(x, self.top + self.height + 16, format_number(value, digits), anchor="middle")
            )
        for value in _steps(y_start, self.y_range[1], y_step):
            y = self.y(value)
            parts.append(
                f'<line x1="{_n(self.left)}" y1="{_n(y)}" x2="{_n(self.left + self.width)}" '
                f'y2="{_n(y)}" stroke="{GRID}"/>'
            )
            parts.append(_text(self.left - 6, y + 4, format_number(value, y_digits), anchor="end"))
        parts.append(
            f'<rect x="{_n(self.left)}" y="{_n(self.top)}" width="{_n(self.width)}" '
            f'height="{_n(self.height)}" fill="none" stroke="{MUTED}"/>'
        )
        parts.append(
            _text(self.left + self.width / 2, self.top + self.height + 36, x_label, anchor="middle")
        )
        parts.append(_text(14, self.top + self.height / 2, y_label, anchor="middle", rotate=-90))
        return "".join(parts)


def roc_figure(figure_id: str, result: dict, subtitle: str = "") -> Figure | None:
    """The ROC curve with the chance line and the operating point."""
    points = result.get("roc") or []
    if not points:
        return None
    metrics = result["metrics"]
    auroc = Estimate.from_dict(metrics["auroc"])
    sensitivity = Estimate.from_dict(metrics.get("sensitivity"))
    specificity = Estimate.from_dict(metrics.get("specificity"))
    axes = _Axes(60, 20, 360, 300, (0, 1), (0, 1))
    body = [axes.frame(_("1 − specificity (false positive rate)"), _("Sensitivity"))]
    body.append(
        f'<line x1="{_n(axes.x(0))}" y1="{_n(axes.y(0))}" x2="{_n(axes.x(1))}" '
        f'y2="{_n(axes.y(1))}" stroke="{MUTED}" stroke-dasharray="4 4"/>'
    )
    path = " ".join(f"{_n(axes.x(x))},{_n(axes.y(y))}" for x, y in points)
    body.append(f'<polyline points="{path}" fill="none" stroke="{LINE}" stroke-width="2.5"/>')
    auroc_text = _("AUROC %(value)s") % {"value": format_estimate(auroc, 3)}
    body.append(_text(440, 40, auroc_text, weight="bold"))
    has_point = sensitivity.estimate is not None and specificity.estimate is not None
    if has_point:
        x, y = axes.x(1 - specificity.estimate), axes.y(sensitivity.estimate)
        body.append(
            f'<circle cx="{_n(x)}" cy="{_n(y)}" r="6" fill="{ACCENT}" stroke="#ffffff" '
            f'stroke-width="1.5"/>'
        )
        body.append(_text(440, 64, _("● operating point"), fill=ACCENT))
        body.append(
            _text(
                440,
                84,
                _("sensitivity %(value)s") % {"value": format_number(sensitivity.estimate, 3)},
            )
        )
        body.append(
            _text(
                440,
                104,
                _("specificity %(value)s") % {"value": format_number(specificity.estimate, 3)},
            )
        )
    title = _("ROC curve") + (f" – {subtitle}" if subtitle else "")
    description = _("ROC curve of %(n)d cases. The area under the curve is %(auroc)s.") % {
        "n": result["n"],
        "auroc": format_estimate(auroc, 3),
    }
    if has_point:
        description += " " + _(
            "At the operating point the sensitivity is %(sens)s and the specificity %(spec)s."
        ) % {
            "sens": format_estimate(sensitivity, 3),
            "spec": format_estimate(specificity, 3),
        }
    rows = [[format_number(x, 3), format_number(y, 3)] for x, y in _thin(points, 21)]
    if has_point:
        rows.append(
            [
                format_number(1 - specificity.estimate, 3) + " (" + _("operating point") + ")",
                format_number(sensitivity.estimate, 3),
            ]
        )
    return Figure(
        figure_id,
        title,
        description,
        _svg(figure_id, title, description, 640, 360, "".join(body)),
        _("Points on the ROC curve"),
        [_("False positive rate"), _("Sensitivity")],
        rows,
    )


def _thin(points: Sequence, count: int) -> list:
    if len(points) <= count:
        return list(points)
    indexes = sorted({round(i * (len(points) - 1) / (count - 1)) for i in range(count)})
    return [points[i] for i in indexes]


def calibration_figure(figure_id: str, result: dict, subtitle: str = "") -> Figure | None:
    """Observed against predicted risk in tenths of the cases, with 95 % intervals."""
    groups = result.get("calibration_groups") or []
    if not groups:
        return None
    top = max(max(g["predicted"] for g in groups), max((g["ci_high"] or 0) for g in groups), 0.1)
    top = min(1.0, nice_axis(0, top, target=5)[1])
    axes = _Axes(60, 20, 360, 300, (0, top), (0, top))
    body = [axes.frame(_("Predicted risk"), _("Observed proportion"))]
    body.append(
        f'<line x1="{_n(axes.x(0))}" y1="{_n(axes.y(0))}" x2="{_n(axes.x(top))}" '
        f'y2="{_n(axes.y(top))}" stroke="{MUTED}" stroke-dasharray="4 4"/>'
    )
    for group in groups:
        x = axes.x(min(group["predicted"], top))
        low = min(group["ci_low"] or 0, top)
        high = min(group["ci_high"] or 0, top)
        body.append(
            f'<line x1="{_n(x)}" y1="{_n(axes.y(low))}" x2="{_n(x)}" y2="{_n(axes.y(high))}" '
            f'stroke="{LINE}" stroke-width="1.5"/>'
        )
        body.append(
            f'<circle cx="{_n(x)}" cy="{_n(axes.y(min(group["observed"], top)))}" r="4.5" '
            f'fill="{LINE}"/>'
        )
    metrics = result["metrics"]
    intercept = Estimate.from_dict(metrics["calibration_intercept"])
    slope = Estimate.from_dict(metrics["calibration_slope"])
    body.append(_text(440, 40, _("Calibration-in-the-large"), weight="bold"))
    body.append(_text(440, 58, format_estimate(intercept, 2)))
    body.append(_text(440, 84, _("Calibration slope"), weight="bold"))
    body.append(_text(440, 102, format_estimate(slope, 2)))
    body.append(_text(440, 130, _("– – perfect calibration"), fill=MUTED))
    title = _("Calibration") + (f" – {subtitle}" if subtitle else "")
    description = _(
        "Observed proportion of outcomes against mean predicted risk in %(groups)d groups of "
        "cases sorted by predicted risk, with 95 %% intervals. Calibration-in-the-large "
        "%(intercept)s (0 is perfect), calibration slope %(slope)s (1 is perfect)."
    ) % {
        "groups": len(groups),
        "intercept": format_estimate(intercept, 2),
        "slope": format_estimate(slope, 2),
    }
    rows = [
        [
            str(group["group"]),
            str(group["n"]),
            format_number(group["predicted"], 3),
            format_estimate(Estimate(group["observed"], group["ci_low"], group["ci_high"]), 3),
        ]
        for group in groups
    ]
    return Figure(
        figure_id,
        title,
        description,
        _svg(figure_id, title, description, 640, 360, "".join(body)),
        _("Calibration by tenths of predicted risk"),
        [_("Group"), _("Cases"), _("Mean predicted risk"), _("Observed proportion (95 % CI)")],
        rows,
    )


@dataclass
class Panel:
    """One column of a forest plot: a metric, its axis and the criteria's thresholds."""

    metric: str
    label: str
    x_range: tuple[float, float]
    digits: int = 2
    thresholds: list[tuple[float, str]] = field(default_factory=list)
    band: tuple[float, float, str] | None = None


def forest_figure(
    figure_id: str,
    title: str,
    rows: list[tuple[str, dict]],
    panels: list[Panel],
) -> Figure | None:
    """Estimates with 95 % intervals per group (pooled, waves, sites, subgroups), one panel per
    metric, against the criteria's thresholds (dashed red lines)."""
    rows = [(label, metrics) for label, metrics in rows if metrics]
    if not rows or not panels:
        return None
    label_width, panel_width, gap, row_height, top = 260, 230, 56, 26, 46
    width = label_width + len(panels) * (panel_width + gap)
    height = top + len(rows) * row_height + 50
    body = []
    for index, (label, _metrics) in enumerate(rows):
        y = top + index * row_height + row_height / 2
        if index % 2 == 0:
            body.append(
                f'<rect x="0" y="{_n(y - row_height / 2)}" width="{width}" '
                f'height="{row_height}" fill="#f8f9fa"/>'
            )
        weight = "bold" if index == 0 else "normal"
        body.append(_text(8, y + 4, _shorten(label, 34), weight=weight, size=13))
    for number, panel in enumerate(panels):
        left = label_width + number * (panel_width + gap)
        low, high, step, decimals = nice_axis(*panel.x_range)
        axes = _Axes(left, top, panel_width, len(rows) * row_height, (low, high), (0, 1))
        body.append(
            _text(left + panel_width / 2, 18, panel.label, anchor="middle", weight="bold", size=13)
        )
        if panel.band:
            band_low, band_high, band_label = panel.band
            x1, x2 = axes.x(max(band_low, low)), axes.x(min(band_high, high))
            body.append(
                f'<rect x="{_n(x1)}" y="{top}" width="{_n(max(x2 - x1, 0))}" '
                f'height="{len(rows) * row_height}" fill="{BAND}"/>'
            )
            body.append(_text((x1 + x2) / 2, 34, band_label, anchor="middle", size=11))
        for index in range(round((high - low) / step) + 1):
            value = low + index * step
            x = axes.x(value)
            body.append(
                f'<line x1="{_n(x)}" y1="{top}" x2="{_n(x)}" y2="{top + len(rows) * row_height}" '
                f'stroke="{GRID}"/>'
            )
            body.append(
                _text(
                    x,
                    top + len(rows) * row_height + 16,
                    format_number(value, decimals),
                    anchor="middle",
                    size=11,
                )
            )
        for value, text in panel.thresholds:
            if low <= value <= high:
                x = axes.x(value)
                body.append(
                    f'<line x1="{_n(x)}" y1="{top - 4}" x2="{_n(x)}" '
                    f'y2="{top + len(rows) * row_height}" stroke="{ACCENT}" stroke-width="1.5" '
                    f'stroke-dasharray="5 3"/>'
                )
                body.append(
                    _text(
                        x,
                        top + len(rows) * row_height + 34,
                        text,
                        anchor="middle",
                        size=11,
                        fill=ACCENT,
                    )
                )
        for index, (_label, metrics) in enumerate(rows):
            estimate = Estimate.from_dict(metrics.get(panel.metric))
            if estimate.estimate is None:
                continue
            y = top + index * row_height + row_height / 2

            def clamp(value, low=low, high=high):
                return min(max(value, low), high)

            if estimate.ci_low is not None and estimate.ci_high is not None:
                body.append(
                    f'<line x1="{_n(axes.x(clamp(estimate.ci_low)))}" y1="{_n(y)}" '
                    f'x2="{_n(axes.x(clamp(estimate.ci_high)))}" y2="{_n(y)}" stroke="{LINE}" '
                    f'stroke-width="2"/>'
                )
            shape = 6 if index == 0 else 4
            body.append(
                f'<rect x="{_n(axes.x(clamp(estimate.estimate)) - shape)}" y="{_n(y - shape)}" '
                f'width="{2 * shape}" height="{2 * shape}" fill="{LINE}"/>'
            )
    description = _(
        "%(title)s: estimates with 95 %% confidence intervals for %(count)d groups (the first "
        "is pooled). The table below gives the numbers."
    ) % {"title": title, "count": len(rows)}
    if any(panel.thresholds for panel in panels):
        description += " " + _("Dashed red lines mark the acceptance criteria.")
    headers = [_("Group")] + [panel.label for panel in panels]
    table_rows = [
        [label]
        + [
            format_estimate(Estimate.from_dict(metrics.get(panel.metric)), panel.digits)
            for panel in panels
        ]
        for label, metrics in rows
    ]
    return Figure(
        figure_id,
        title,
        description,
        _svg(figure_id, title, description, width, height, "".join(body)),
        title,
        headers,
        table_rows,
    )


def _shorten(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"
