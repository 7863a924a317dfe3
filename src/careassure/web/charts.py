"""Charts as inline SVG, drawn on the server: no JavaScript, no inline styles (the CSP forbids
them), readable in print. Every chart sits beside a table of the same numbers, so the SVG is a
picture (``role="img"`` with a title and a one-line description) and never the only way to read
a figure. Colours are GOV.UK Frontend's, chosen in the stylesheet by class.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from markupsafe import Markup, escape

WIDTH, HEIGHT = 960, 360
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 32, 32


@dataclass(frozen=True)
class Line:
    """A series: one value (or None, a gap) per x position."""

    label: str
    values: Sequence[float | None]
    css: str = "ca-chart__line"


@dataclass(frozen=True)
class Band:
    """A shaded range between two series (e.g. the 10th and 90th percentiles)."""

    label: str
    low: Sequence[float | None]
    high: Sequence[float | None]
    css: str = "ca-chart__band"


@dataclass(frozen=True)
class Rule:
    """A horizontal reference line (a target) with its label."""

    label: str
    value: float
    css: str = "ca-chart__target"
    label_at_start: bool = False  # a baseline is labelled where it starts


@dataclass(frozen=True)
class Mark:
    """One labelled point (the peak of a series, a point a control-chart rule flags)."""

    label: str
    index: int
    value: float
    css: str = "ca-chart__peak"


@dataclass
class Chart:
    title: str
    description: str
    x: Sequence[date]
    lines: list[Line] = field(default_factory=list)
    bands: list[Band] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    y_label: str = ""  # the vertical axis's unit ("days", "%"), drawn and in the description
    marks: list[Mark] = field(default_factory=list)


def _axis(value: float) -> tuple[float, int]:
    """A round step (1, 2, 2.5 or 5 times a power of ten) and how many steps reach ``value``,
    at most five."""
    if value <= 0:
        return 1.0, 1
    power = 10 ** math.floor(math.log10(value / 5))
    for step in (1, 2, 2.5, 5, 10):
        if value <= 5 * step * power:
            return step * power, max(1, math.ceil(value / (step * power)))
    return 10 * power, 5  # pragma: no cover - the loop always returns


def _tick(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:g}"


def _path(points: Sequence[tuple[float, float] | None]) -> str:
    """An SVG path through the points, lifting the pen over gaps."""
    parts, pen_down = [], False
    for point in points:
        if point is None:
            pen_down = False
            continue
        parts.append(f"{'L' if pen_down else 'M'}{point[0]:.1f},{point[1]:.1f}")
        pen_down = True
    return " ".join(parts)


def _date_ticks(x: Sequence[date], most: int = 7) -> list[int]:
    """Evenly spaced date labels, always including the last (latest) date; a regular label
    closer to it than the spacing gives way, since the two would overlap."""
    if len(x) <= most:
        return list(range(len(x)))
    step = math.ceil((len(x) - 1) / (most - 1))
    ticks = list(range(0, len(x), step))
    if ticks[-1] != len(x) - 1:
        if len(x) - 1 - ticks[-1] < step:
            ticks.pop()
        ticks.append(len(x) - 1)
    return ticks


def _described(chart: Chart) -> str:
    """The description with the vertical axis's unit, which a screen reader cannot see drawn."""
    if not chart.y_label:
        return chart.description
    return f"{chart.description.rstrip()} Vertical axis: {chart.y_label}."


def highest(chart: Chart) -> float:
    """The largest number a chart draws (lines, bands, rules), for a shared scale."""
    values = [v for line in chart.lines for v in line.values if v is not None]
    values += [v for band in chart.bands for v in (*band.low, *band.high) if v is not None]
    values += [rule.value for rule in chart.rules]
    return max(values, default=1.0)


def render(
    chart: Chart,
    chart_id: str,
    *,
    size: tuple[int, int] = (WIDTH, HEIGHT),
    scale_to: float | None = None,
    css: str = "",
) -> Markup:
    """The chart as an ``<svg>`` element (scales with its container). ``size`` is the drawing's
    own width and height: a chart shown small (small multiples, a phone) is drawn small, so its
    14 px text stays 14 px rather than shrinking with the picture. ``scale_to`` gives several
    charts one vertical scale; ``css`` adds classes to the drawing (``ca-chart--wide``,
    ``ca-chart--narrow``: a page drawing both shows the one that fits the screen)."""
    width, height = size
    step, steps = _axis(max(highest(chart), scale_to or 0.0) * 1.05)
    top = step * steps
    plot_w, plot_h = width - LEFT - RIGHT, height - TOP - BOTTOM
    n = len(chart.x)

    def px(i: int) -> float:
        return LEFT + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def py(v: float) -> float:
        return TOP + plot_h * (1 - v / top)

    out = [
        f'<svg class="{" ".join(("ca-chart", css)).strip()}" viewBox="0 0 {width} {height}" '
        f'role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false">',
        f'<title id="{chart_id}-title">{escape(chart.title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(_described(chart))}</desc>',
    ]
    for k in range(steps + 1):
        v = step * k
        y = py(v)
        out.append(f'<line class="ca-chart__grid" x1="{LEFT}" x2="{width - RIGHT}" '
                   f'y1="{y:.1f}" y2="{y:.1f}"/>')
        out.append(f'<text class="ca-chart__tick" x="{LEFT - 8}" y="{y + 4:.1f}" '
                   f'text-anchor="end">{escape(_tick(v))}</text>')
    for i in _date_ticks(chart.x, most=max(2, min(7, width // 130))):
        anchor = "start" if i == 0 else "end" if i == n - 1 else "middle"
        out.append(f'<text class="ca-chart__tick" x="{px(i):.1f}" y="{height - BOTTOM + 20}" '
                   f'text-anchor="{anchor}">{chart.x[i]:%b %Y}</text>')
    if chart.y_label:
        out.append(f'<text class="ca-chart__tick" x="4" y="{TOP - 14}">'
                   f'{escape(chart.y_label)}</text>')
    for band in chart.bands:
        upper = [(px(i), py(h)) for i, (lo, h) in enumerate(zip(band.low, band.high, strict=True))
                 if lo is not None and h is not None]
        lower = [(px(i), py(lo)) for i, (lo, h) in enumerate(zip(band.low, band.high, strict=True))
                 if lo is not None and h is not None]
        if upper:
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in [*upper, *reversed(lower)])
            out.append(f'<polygon class="{band.css}" points="{points}"/>')
    labels = []  # drawn last, so that their white halo keeps them readable over the lines
    for rule in chart.rules:
        y = py(rule.value)
        out.append(f'<line class="{rule.css}" x1="{LEFT}" x2="{width - RIGHT}" '
                   f'y1="{y:.1f}" y2="{y:.1f}"/>')
        x, anchor = (LEFT + 4, "start") if rule.label_at_start else (width - RIGHT, "end")
        labels.append(f'<text class="ca-chart__label" x="{x}" y="{y - 6:.1f}" '
                      f'text-anchor="{anchor}">{escape(rule.label)}</text>')
    for line in chart.lines:
        line_points = [(px(i), py(v)) if v is not None else None
                       for i, v in enumerate(line.values)]
        out.append(f'<path class="{line.css}" d="{_path(line_points)}"/>')
        for point in line_points:
            if point is not None and n <= 40:
                out.append(f'<circle class="{line.css}-point" cx="{point[0]:.1f}" '
                           f'cy="{point[1]:.1f}" r="3"/>')
    for mark in chart.marks:
        mark_x, mark_y = px(mark.index), py(mark.value)
        anchor = "end" if mark_x > width / 2 else "start"
        out.append(f'<circle class="{mark.css}" cx="{mark_x:.1f}" cy="{mark_y:.1f}" r="6"/>')
        shift = -10 if anchor == "end" else 10
        if not mark.label:
            continue
        labels.append(f'<text class="ca-chart__label" x="{mark_x + shift:.1f}" '
                      f'y="{max(mark_y - 10, TOP - 4):.1f}" text-anchor="{anchor}">'
                      f'{escape(mark.label)}</text>')
    out += labels
    out.append(f'<line class="ca-chart__axis" x1="{LEFT}" x2="{width - RIGHT}" '
               f'y1="{TOP + plot_h}" y2="{TOP + plot_h}"/>')
    out.append("</svg>")
    return Markup("".join(out))


def sparkline(values: Sequence[float | None], target: float | None = None) -> Markup:
    """A small trend line for a table cell; decorative (the cell's text says the same)."""
    known = [v for v in values if v is not None]
    if len(known) < 2:
        return Markup("")
    width, height, pad = 120, 32, 3
    low = min([*known, *([target] if target is not None else [])])
    high = max([*known, *([target] if target is not None else [])])
    span = (high - low) or 1.0

    def py(v: float) -> float:
        return pad + (height - 2 * pad) * (1 - (v - low) / span)

    n = len(values)
    points = [
        ((width - 2 * pad) * i / (n - 1) + pad, py(v)) if v is not None else None
        for i, v in enumerate(values)
    ]
    out = [f'<svg class="ca-sparkline" viewBox="0 0 {width} {height}" width="{width}" '
           f'height="{height}" aria-hidden="true" focusable="false">']
    if target is not None:
        y = py(target)
        out.append(f'<line class="ca-sparkline__target" x1="0" x2="{width}" y1="{y:.1f}" '
                   f'y2="{y:.1f}"/>')
    out.append(f'<path class="ca-sparkline__line" d="{_path(points)}"/>')
    last = next(p for p in reversed(points) if p is not None)
    out.append(f'<circle class="ca-sparkline__end" cx="{last[0]:.1f}" cy="{last[1]:.1f}" r="2.5"/>')
    out.append("</svg>")
    return Markup("".join(out))
