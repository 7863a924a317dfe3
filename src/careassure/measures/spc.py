"""Statistical process control for a measure's trend: an XmR chart with the rules NHS England's
"Making Data Count" uses to tell a real change from noise (docs/measures.md, "Control charts").

* mean of the points, and the mean moving range (the average absolute difference between each
  point and the one before);
* process limits at mean +/- 2.66 x mean moving range (2.66 = 3 / 1.128, three standard
  deviations estimated from the moving range);
* special cause flagged by four rules: a point outside the limits; a shift, 7 or more points in
  a row above (or below) the mean; a trend, 6 or more points in a row each higher (or lower)
  than the one before; two of three points in a row close to a limit (beyond two thirds of
  the way from the mean to it, on the same side).

Points with no value (none, or suppressed) are left out of the calculation, so a chart never
draws limits from a hidden number.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

LIMIT_FACTOR = 2.66
SHIFT_RUN = 7
TREND_RUN = 6
MIN_POINTS = 12  # fewer: the limits would mean little (MDC asks for 15-20; 12 is a year)


@dataclass(frozen=True)
class ControlChart:
    """Mean, limits and the special-cause flags, per point of the series given (None where the
    point had no value). ``flags[i]`` names the rules point ``i`` breaks."""

    mean: float
    moving_range: float
    upper: float
    lower: float
    flags: list[tuple[str, ...]]


def control_chart(values: Sequence[float | None]) -> ControlChart | None:
    """The XmR chart of ``values``, or None with fewer than ``MIN_POINTS`` values."""
    known = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(known) < MIN_POINTS:
        return None
    points = [v for _, v in known]
    mean = sum(points) / len(points)
    ranges = [abs(b - a) for a, b in zip(points, points[1:], strict=False)]
    moving_range = sum(ranges) / len(ranges)
    upper, lower = mean + LIMIT_FACTOR * moving_range, mean - LIMIT_FACTOR * moving_range
    found: list[set[str]] = [set() for _ in points]
    for n, v in enumerate(points):
        if v > upper or v < lower:
            found[n].add("outside the limits")
    _runs(points, found, lambda v: v > mean, lambda v: v < mean, SHIFT_RUN, "shift")
    rises = [False, *(b > a for a, b in zip(points, points[1:], strict=False))]
    falls = [False, *(b < a for a, b in zip(points, points[1:], strict=False))]
    _steps(rises, found, "trend")
    _steps(falls, found, "trend")
    near_top = mean + (upper - mean) * 2 / 3
    near_bottom = mean - (mean - lower) * 2 / 3
    for side in (lambda v: v > near_top, lambda v: v < near_bottom):
        for n in range(len(points) - 2):
            window = range(n, n + 3)
            close = [k for k in window if side(points[k])]
            if len(close) >= 2:
                for k in close:
                    found[k].add("two of three near a limit")
    flags: list[tuple[str, ...]] = [() for _ in values]
    for (i, _), rules in zip(known, found, strict=True):
        flags[i] = tuple(sorted(rules))
    return ControlChart(mean, moving_range, upper, lower, flags)


def _runs(
    points: list[float],
    found: list[set[str]],
    above: Callable[[float], bool],
    below: Callable[[float], bool],
    length: int,
    name: str,
) -> None:
    """Flag every point of a run of ``length`` or more on one side of the mean (a point on the
    mean breaks a run, as MDC counts)."""
    for side in (above, below):
        start = 0
        for n in range(len(points) + 1):
            if n < len(points) and side(points[n]):
                continue
            if n - start >= length:
                for k in range(start, n):
                    found[k].add(name)
            start = n + 1


def _steps(moves: list[bool], found: list[set[str]], name: str) -> None:
    """Flag the points of ``TREND_RUN`` or more in a row each moving the same way: ``moves[n]``
    says point n moved that way from point n - 1, so a trend of 6 points is 5 moves."""
    start = 0
    for n in range(len(moves) + 1):
        if n < len(moves) and moves[n]:
            continue
        # points start-1 .. n-1 form the run (start-1 is the point the first move left)
        first = max(start - 1, 0)
        if n - first >= TREND_RUN and n > start:
            for k in range(first, n):
                found[k].add(name)
        start = n + 1
