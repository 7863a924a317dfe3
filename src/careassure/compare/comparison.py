"""The council beside England, its region, its type and its neighbours: medians, ranges, ranks.

Everything is recomputed from the stored figures of each period, so a reader can check it against
the published file: England's median is the median of every council's published value that
period (councils without a value left out, as the publishers do; the file's own MEDIAN column is
kept beside it and a test checks the two agree); a group's range is its lowest and highest value.
England's and a region's own published figures (a rate over all their people, which is not the
median of their councils), when a file gives them, are kept beside: England's by the name
"England", a region's by the name the councils' rows give as their region.

The rank counts from the best: 1 + the number of councils with a better value (ties share a
rank), "97th of 152". Where neither higher nor lower is better, councils are ranked from the
highest value and the page says so.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from careassure.compare.model import Better, NationalFigure, period_sort_key

ENGLAND = "England"
NEIGHBOURS = "Nearest neighbours"


@dataclass(frozen=True)
class GroupStats:
    """A comparator group's figures for one period."""

    name: str
    members: int  # councils in the group that period (with or without a value)
    counted: int  # of them, with a published value
    median: float | None
    low: float | None
    high: float | None


@dataclass(frozen=True)
class Rank:
    position: int
    of: int

    def text(self) -> str:
        """"97th of 152"."""
        return f"{ordinal(self.position)} of {self.of}"


@dataclass(frozen=True)
class PeriodComparison:
    """One period of one measure: the council's value beside its comparator groups."""

    period: str
    value: float | None
    published_median: float | None
    england: GroupStats
    region: GroupStats
    council_type: GroupStats
    neighbours: GroupStats | None
    own_groups: tuple[GroupStats, ...]
    rank: Rank | None
    england_published: float | None = None  # England's own published figure, when given
    region_published: float | None = None  # the region's, when given

    @property
    def groups(self) -> tuple[GroupStats, ...]:
        """Every group, England first, for tables."""
        extra = (self.neighbours,) if self.neighbours else ()
        return (self.england, self.region, self.council_type, *extra, *self.own_groups)


@dataclass(frozen=True)
class MeasureComparison:
    """A national measure for one council over the published periods (oldest first)."""

    code: str
    title: str
    better: Better | None
    council_name: str
    periods: tuple[PeriodComparison, ...]

    @property
    def latest(self) -> PeriodComparison:
        return self.periods[-1]


def ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, 97th, 101st."""
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def group_stats(name: str, figures: Sequence[NationalFigure]) -> GroupStats:
    values = [f.value for f in figures if f.value is not None]
    return GroupStats(
        name=name,
        members=len(figures),
        counted=len(values),
        median=statistics.median(values) if values else None,
        low=min(values) if values else None,
        high=max(values) if values else None,
    )


def rank_of(value: float | None, better: Better | None, others: Iterable[float | None]) -> (
    Rank | None
):
    """The rank of ``value`` among ``others`` (which include it), best first."""
    if value is None:
        return None
    values = [v for v in others if v is not None]
    if better == "lower":
        ahead = sum(1 for v in values if v < value)
    else:
        ahead = sum(1 for v in values if v > value)
    return Rank(ahead + 1, len(values))


def compare_council(
    figures: Iterable[NationalFigure],
    council_code: str,
    neighbours: Sequence[str] = (),
    own_groups: Mapping[str, Sequence[str]] | None = None,
) -> list[MeasureComparison]:
    """Every measure the council has a published figure for, with its comparators per period,
    in the order of the measure codes."""
    by_set: dict[tuple[str, str], list[NationalFigure]] = {}
    totals: dict[tuple[str, str], dict[str, float | None]] = {}
    for figure in figures:
        key = (figure.measure_code, figure.period)
        if figure.is_total:  # England's or a region's own figure, by name
            totals.setdefault(key, {})[figure.council_name] = figure.value
        else:
            by_set.setdefault(key, []).append(figure)
    periods_of: dict[str, list[PeriodComparison]] = {}
    last: dict[str, NationalFigure] = {}
    ordered = sorted(by_set.items(), key=lambda item: (item[0][0], period_sort_key(item[0][1])))
    for (code, _when), rows in ordered:
        own = next((f for f in rows if f.council_code == council_code), None)
        if own is None:
            continue
        published = totals.get((code, _when), {})
        periods_of.setdefault(code, []).append(replace(
            _period(own, rows, neighbours, own_groups or {}),
            england_published=published.get(ENGLAND),
            region_published=published.get(own.region),
        ))
        last[code] = own
    return [
        MeasureComparison(code, last[code].measure_title, last[code].better,
                          last[code].council_name, tuple(periods))
        for code, periods in periods_of.items()
    ]


def _period(
    own: NationalFigure,
    rows: Sequence[NationalFigure],
    neighbours: Sequence[str],
    own_groups: Mapping[str, Sequence[str]],
) -> PeriodComparison:
    def members(codes: Iterable[str]) -> list[NationalFigure]:
        wanted = set(codes) - {own.council_code}
        return [f for f in rows if f.council_code in wanted]

    return PeriodComparison(
        period=own.period,
        value=own.value,
        published_median=own.published_median,
        england=group_stats(ENGLAND, rows),
        region=group_stats(own.region, [f for f in rows if f.region == own.region]),
        council_type=group_stats(
            own.council_type, [f for f in rows if f.council_type == own.council_type]
        ),
        neighbours=group_stats(NEIGHBOURS, members(neighbours)) if neighbours else None,
        own_groups=tuple(group_stats(name, members(codes)) for name, codes in own_groups.items()),
        rank=rank_of(own.value, own.better, (f.value for f in rows)),
    )
