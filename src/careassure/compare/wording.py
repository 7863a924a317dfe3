"""National figures as a reader sees them: numbers, directions and the comparison table.

Published figures come in their own units (a score of 0.413, a percentage of 61.8, a rate of
1,695.3 per 100,000), so they are shown as published, rounded only where the publisher's file
carries more decimals than anyone quotes: one decimal from 10 upwards, three significant
figures below. The same table serves the comparison page, the CLI and the reports.
"""

from __future__ import annotations

from collections.abc import Sequence

from careassure.compare.comparison import GroupStats, MeasureComparison
from careassure.compare.model import Better

NO_VALUE = "—"
DIRECTIONS = {"higher": "Higher is better", "lower": "Lower is better"}
COLUMNS = (
    "Measure", "Period", "Council", "England median", "Region median", "Neighbours median",
    "Neighbours range", "Rank", "Better",
)


def number(value: float | None) -> str:
    """A published figure as quoted: "61.8", "2,324.9", "0.413", "—" when not published."""
    if value is None:
        return NO_VALUE
    if abs(value) >= 10:
        return f"{value:,.1f}"
    return f"{value:.3g}"


def direction(better: Better | None) -> str:
    """"Higher is better", "Lower is better" or the publisher's "no better direction"."""
    return DIRECTIONS.get(better or "", "Neither is better (ranked highest first)")


def value_range(stats: GroupStats | None) -> str:
    """"60.0 to 71.9 (15 councils)"."""
    if stats is None or stats.low is None:
        return NO_VALUE
    return f"{number(stats.low)} to {number(stats.high)} ({stats.counted} councils)"


def table_rows(comparisons: Sequence[MeasureComparison]) -> list[tuple[str, ...]]:
    """One row per measure, its latest period, in the order of :data:`COLUMNS`."""
    rows: list[tuple[str, ...]] = []
    for comparison in comparisons:
        latest = comparison.latest
        neighbours = latest.neighbours
        rows.append((
            comparison.title,
            latest.period,
            number(latest.value),
            number(latest.england.median),
            number(latest.region.median),
            number(neighbours.median if neighbours else None),
            value_range(neighbours),
            latest.rank.text() if latest.rank else NO_VALUE,
            direction(comparison.better),
        ))
    return rows
