"""Control charts as server-side SVG, drawn with validation's plot code (the same axes, text
escaping, <title>/<desc> and data table for screen readers), so the page and the PDF dossier
show the same figure."""

import math

from django.utils.translation import gettext as _

from validation.plots import (
    ACCENT,
    GRID,
    INK,
    LINE,
    MUTED,
    Figure,
    _Axes,
    _n,
    _svg,
    _text,
    nice_axis,
)
from validation.presentation import format_number

from . import rules
from .labels import status_label

WATCH_COLOUR = "#8a5a00"  # dark amber: 4.5:1 on white
LIMIT_COLOUR = "#6c3483"


def _limit(status: rules.PeriodStatus, baseline: float, design: rules.Design, direction: str):
    """The Shewhart limit(s) of the period on the value's scale: baseline ∓ z·SE."""
    if status.se is None:
        return []
    offset = design.shewhart_z * status.se
    if direction == rules.HIGHER_IS_BETTER:
        return [baseline - offset]
    if direction == rules.LOWER_IS_BETTER:
        return [baseline + offset]
    return [baseline - offset, baseline + offset]


def control_chart(figure_id: str, metric, direction: str) -> Figure | None:
    """One metric's periods: value and 95 % CI, the baseline, the minimum, the Shewhart limits and
    the periods that raised a watch or an alarm. `metric` is a selectors.MetricState."""
    statuses = [s for s in metric.statuses if s.value is not None]
    if not statuses:
        return None
    digits = metric.digits
    limits = [_limit(s, metric.baseline, metric.design, direction) for s in statuses]
    values = [metric.baseline]
    values += [v for s in statuses for v in (s.value, s.lower, s.upper) if v is not None]
    values += [v for pair in limits for v in pair]
    if metric.minimum is not None:
        values.append(metric.minimum)
    low, high = min(values), max(values)
    pad = (high - low) * 0.05 or abs(high) * 0.05 or 0.05
    y_start, y_end, y_step, y_digits = nice_axis(low - pad, high + pad, target=5)
    count = len(statuses)
    axes = _Axes(70, 20, 620, 260, (-0.5, count - 0.5), (y_start, y_end))
    axes.y_ticks = (y_step, y_digits)
    body = [_frame(axes, statuses, metric.label)]
    # baseline and minimum
    body.append(_hline(axes, metric.baseline, LINE, "", 2))
    if metric.minimum is not None:
        body.append(_hline(axes, metric.minimum, ACCENT, "6 4", 2))
    # Shewhart limits as a step line
    for side in range(max((len(pair) for pair in limits), default=0)):
        points = []
        for index, pair in enumerate(limits):
            if len(pair) > side:
                points.append(f"{_n(axes.x(index - 0.4))},{_n(axes.y(pair[side]))}")
                points.append(f"{_n(axes.x(index + 0.4))},{_n(axes.y(pair[side]))}")
        if points:
            body.append(
                f'<polyline points="{" ".join(points)}" fill="none" stroke="{LIMIT_COLOUR}" '
                f'stroke-dasharray="2 3" stroke-width="1.5"/>'
            )
    # values with their intervals
    line = " ".join(f"{_n(axes.x(i))},{_n(axes.y(s.value))}" for i, s in enumerate(statuses))
    body.append(f'<polyline points="{line}" fill="none" stroke="{MUTED}" stroke-width="1"/>')
    for index, status in enumerate(statuses):
        x = axes.x(index)
        if status.lower is not None and status.upper is not None:
            body.append(
                f'<line x1="{_n(x)}" y1="{_n(axes.y(status.lower))}" x2="{_n(x)}" '
                f'y2="{_n(axes.y(status.upper))}" stroke="{INK}" stroke-width="1"/>'
            )
        y = axes.y(status.value)
        if status.status == rules.ALARM:
            body.append(
                f'<rect x="{_n(x - 6)}" y="{_n(y - 6)}" width="12" height="12" fill="{ACCENT}" '
                f'transform="rotate(45 {_n(x)} {_n(y)})"/>'
            )
        elif status.status == rules.WATCH:
            body.append(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="5.5" fill="{WATCH_COLOUR}"/>')
        else:
            body.append(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="4" fill="{LINE}"/>')
    body.append(_legend(metric.minimum is not None))
    alarms = [s.period for s in statuses if s.status == rules.ALARM]
    title = _("Control chart: %(metric)s") % {"metric": metric.label}
    description = _(
        "%(metric)s in %(count)d periods from %(first)s to %(last)s against the baseline "
        "%(baseline)s."
    ) % {
        "metric": metric.label,
        "count": count,
        "first": statuses[0].period,
        "last": statuses[-1].period,
        "baseline": format_number(metric.baseline, digits),
    }
    if metric.minimum is not None:
        description += " " + _("The minimum acceptable value is %(minimum)s.") % {
            "minimum": format_number(metric.minimum, digits)
        }
    description += " " + (
        _("Alarms in: %(periods)s.") % {"periods": ", ".join(alarms)} if alarms else _("No alarms.")
    )
    rows = [
        [
            s.period,
            format_number(s.value, digits),
            f"{format_number(s.lower, digits)}–{format_number(s.upper, digits)}",
            " / ".join(format_number(v, digits) for v in pair) or "–",
            format_number(s.cusum, 2),
            status_label(s.status),
        ]
        for s, pair in zip(statuses, limits, strict=True)
    ]
    return Figure(
        figure_id,
        title,
        description,
        _svg(figure_id, title, description, 900, 340, "".join(body)),
        _("Values per period (CUSUM limit h = %(h)s)") % {"h": format_number(metric.design.h, 2)},
        [
            _("Period"),
            _("Value"),
            # xgettext:no-python-format
            _("95 % CI"),
            _("Shewhart limit"),
            _("CUSUM"),
            _("Status"),
        ],
        rows,
    )


def _frame(axes: _Axes, statuses, label: str) -> str:
    parts = []
    step = max(1, math.ceil(len(statuses) / 8))
    for index, status in enumerate(statuses):
        if index % step:
            continue
        x = axes.x(index)
        parts.append(
            f'<line x1="{_n(x)}" y1="{_n(axes.top)}" x2="{_n(x)}" '
            f'y2="{_n(axes.top + axes.height)}" stroke="{GRID}"/>'
        )
        parts.append(_text(x, axes.top + axes.height + 16, status.period, size=10, anchor="middle"))
    low, high = axes.y_range
    y_step, y_digits = axes.y_ticks
    for index in range(int(round((high - low) / y_step)) + 1):
        value = low + index * y_step
        y = axes.y(value)
        parts.append(
            f'<line x1="{_n(axes.left)}" y1="{_n(y)}" x2="{_n(axes.left + axes.width)}" '
            f'y2="{_n(y)}" stroke="{GRID}"/>'
        )
        parts.append(
            _text(axes.left - 6, y + 4, format_number(value, y_digits), anchor="end", size=10)
        )
    parts.append(
        f'<rect x="{_n(axes.left)}" y="{_n(axes.top)}" width="{_n(axes.width)}" '
        f'height="{_n(axes.height)}" fill="none" stroke="{MUTED}"/>'
    )
    parts.append(_text(14, axes.top + axes.height / 2, label, anchor="middle", rotate=-90, size=11))
    return "".join(parts)


def _hline(axes: _Axes, value: float, colour: str, dash: str, width: float) -> str:
    y = axes.y(value)
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<line x1="{_n(axes.left)}" y1="{_n(y)}" x2="{_n(axes.left + axes.width)}" '
        f'y2="{_n(y)}" stroke="{colour}" stroke-width="{width}"{dashed}/>'
    )


def _legend(with_minimum: bool) -> str:
    x, y = 710, 40
    items = [
        (
            f'<line x1="{x}" y1="{y}" x2="{x + 24}" y2="{y}" stroke="{LINE}" stroke-width="2"/>',
            _("baseline"),
        ),
    ]
    if with_minimum:
        items.append(
            (
                f'<line x1="{x}" y1="{{y}}" x2="{x + 24}" y2="{{y}}" stroke="{ACCENT}" '
                f'stroke-width="2" stroke-dasharray="6 4"/>',
                _("minimum"),
            )
        )
    items.append(
        (
            f'<line x1="{x}" y1="{{y}}" x2="{x + 24}" y2="{{y}}" stroke="{LIMIT_COLOUR}" '
            f'stroke-width="1.5" stroke-dasharray="2 3"/>',
            _("3 SE limit"),
        )
    )
    items.append((f'<circle cx="{x + 12}" cy="{{y}}" r="5.5" fill="{WATCH_COLOUR}"/>', _("watch")))
    items.append(
        (
            f'<rect x="{x + 6}" y="{{ym}}" width="12" height="12" fill="{ACCENT}" '
            f'transform="rotate(45 {x + 12} {{y}})"/>',
            _("alarm"),
        )
    )
    parts = []
    for index, (mark, label) in enumerate(items):
        row_y = y + index * 22
        parts.append(mark.replace("{y}", str(row_y)).replace("{ym}", str(row_y - 6)))
        parts.append(_text(x + 32, row_y + 4, label, size=11))
    return "".join(parts)
