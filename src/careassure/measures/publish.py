"""Small-number suppression: the one place that decides what a published figure may show.

Case-level social care data is special-category personal data: a published "2 people waiting
over 6 months in the Asian group in Rural North" can identify them. Everything published (the
viewer role, reports, ``--publish``) goes through :func:`suppress`. The rule (docs/measures.md,
"Publishing"):

1. **Primary.** Every count that is 1-4 is hidden (shown ``*``): a count measure's value, and
   the numerator or denominator of any rate, median, maximum or mean (the denominator of a
   median is how many people it describes). Zero is shown: "nobody" identifies no one.
2. **Secondary, across every sum a reader can see.** The groups of a breakdown add up to the
   whole area (every breakdown of a measure, date and period shares that whole), and with
   ``nesting`` a coarse group adds up to the fine groups in it (a team type to its teams). For
   each measure, date and period, separately for numerators and denominators, a reader who
   subtracts is played repeatedly (a figure worked out in one sum is used in the next): while
   a sum with a known whole leaves its hidden parts together holding 1-4, or exactly one each,
   or any hidden 1-4 can be worked out, the smallest shown non-zero part of that sum is hidden
   too (ties by group name); with no part left, an empty group of the whole area (so the hidden
   groups are no longer known to hold 1 or more each), else the sum's whole. The choice depends
   only on that column's figures, so two measures over the same population (waiting, and the
   median wait's denominator) hide the same groups and cannot be played off against each other.
3. **Values.** A value is hidden when any figure it is built on is hidden (a rate and its
   shown numerator would give away its denominator), and so is its target status.

Not covered, as in the national statistics this follows: the complement inside one rate (98 of
100 calls answered shows that 2 were not), sums only a reader who solves several equations at
once could use, and a whole-area figure that has to be hidden because every group of a
breakdown holds exactly 1 and none is empty: the overview, which shows the whole area alone, is
not told.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from careassure.measures.result import MeasureValue, Status, value_json

SUPPRESSED = "*"
SMALL = range(1, 5)  # counts 1-4 are never published

Column = Literal["numerator", "denominator"]
_COLUMNS: tuple[Column, ...] = ("numerator", "denominator")
UNKNOWN_GROUP = "unknown"  # the group of a unit with no value (careassure.measures.breakdowns)

# How one breakdown's groups nest in another's: fine column -> (coarse column, fine group ->
# coarse group). A reader who knows which teams make up a team type can subtract across them.
Nesting = Mapping[str, tuple[str, Mapping[str, str]]]


@dataclass(frozen=True)
class PublishedValue:
    """A :class:`MeasureValue` as it may be published: a hidden figure is the string ``"*"``.

    Same fields and JSON shape as MeasureValue, so the CLI's ``--publish`` output is the
    documented JSON with ``"*"`` where a figure is suppressed.
    """

    measure: str
    value: float | int | str | None
    numerator: int | str | None
    denominator: int | str | None
    as_of: date
    period_start: date | None = None
    breakdown: dict[str, str] | None = None
    target: float | None = None
    status: Status | None = None

    @property
    def suppressed(self) -> bool:
        return self.value == SUPPRESSED

    def to_json(self) -> dict[str, Any]:
        return value_json(self)


def _is_small(figure: int | None) -> bool:
    return figure is not None and figure in SMALL


# A sum: (the row holding the whole, the rows of its parts). A reader who knows all but one of
# them knows that one.
Sum = tuple[int, list[int]]


def _sums(values: Sequence[MeasureValue], nesting: Nesting) -> dict[tuple, list[Sum]]:
    """Every published sum, by (measure, date, period): the whole area over the groups of each
    breakdown column, and each coarse group over the fine groups nested in it (a team type over
    its teams). Parts are sorted by group name so that every choice is reproducible."""
    wholes: dict[tuple, int] = {}
    columns: dict[tuple, dict[str, dict[str, int]]] = {}
    for i, v in enumerate(values):
        point = (v.measure, v.as_of, v.period_start)
        if not v.breakdown:
            wholes.setdefault(point, i)
            continue
        column, group = next(iter(v.breakdown.items()))
        columns.setdefault(point, {}).setdefault(column, {})[group] = i
    sums: dict[tuple, list[Sum]] = {}
    for point, by_column in columns.items():
        found = sums.setdefault(point, [])
        if point in wholes:
            found += [(wholes[point], [g[k] for k in sorted(g)]) for g in by_column.values()]
        for fine, (coarse, parent) in nesting.items():
            if fine not in by_column or coarse not in by_column:
                continue
            parts: dict[str, list[str]] = {}
            for group in sorted(by_column[fine]):
                parts.setdefault(parent.get(group, UNKNOWN_GROUP), []).append(group)
            found += [(i, [by_column[fine][g] for g in parts.get(group, [])])
                      for group, i in sorted(by_column[coarse].items())]
    return sums


def _solve(figures: dict[int, int], hidden: set[int], sums: list[Sum]) -> dict[int, Sum]:
    """The hidden figures a reader can work out by difference, each with the sum that gave it
    away, repeating until nothing more can be (one worked-out figure may unlock another sum)."""
    known = {i for i in figures if i not in hidden}
    solved: dict[int, Sum] = {}
    progress = True
    while progress:
        progress = False
        for whole, parts in sums:
            unknown = [i for i in (whole, *parts) if i not in known]
            if len(unknown) == 1:
                known.add(unknown[0])
                solved[unknown[0]] = (whole, parts)
                progress = True
    return solved


def _leak(
    figures: dict[int, int], hidden: set[int], sums: list[Sum], solved: dict[int, Sum]
) -> Sum | None:
    """The first sum that gives something away, or None: a whole known to the reader whose
    hidden parts together hold 1-4 or exactly one each (a reader takes a hidden figure to be at
    least 1, as zero is hidden only to stop that reasoning), or the sum that let the reader work
    out a hidden figure of 1-4."""
    for whole, parts in sums:
        known = [i for i in (whole, *parts) if i not in hidden or i in solved]
        if whole not in known:
            continue
        unknown = [i for i in parts if i not in known]
        remainder = figures[whole] - sum(figures[i] for i in parts if i in known)
        if unknown and (remainder in SMALL or remainder == len(unknown)):
            return whole, parts
    small = [i for i in solved if figures[i] in SMALL]
    return solved[min(small, key=lambda i: figures[i])] if small else None


def _secondary(
    figures: dict[int, int], hidden: set[int], sums: list[Sum], areas: set[int]
) -> None:
    """Hide more figures of one (measure, date, period) and column until no sum gives anything
    away: each time the smallest shown non-zero part of the leaking sum, or its whole when no
    part is left (for a whole-area row, an empty group first); when the whole is hidden but
    worked out from another sum, in that sum. ``areas`` are the whole-area rows."""
    sums = [(whole, [i for i in parts if i in figures]) for whole, parts in sums
            if whole in figures]
    while True:
        solved = _solve(figures, hidden, sums)
        leak = _leak(figures, hidden, sums, solved)
        chosen = None
        while leak is not None and chosen is None:
            whole, parts = leak
            candidates = [i for i in parts if i not in hidden and figures[i] > 0]
            zeros = [i for i in parts if i not in hidden and figures[i] == 0]
            if candidates:
                chosen = min(candidates, key=lambda i: figures[i])
            elif whole in areas and zeros:
                # The whole area is also published on its own (the overview, a narrative's
                # current value): hiding it here would protect nothing. A hidden empty group
                # means the hidden groups are no longer known to hold at least 1 each.
                chosen = zeros[0]
            elif whole not in hidden and figures[whole] > 0:
                chosen = whole
            else:
                # the whole is hidden yet known: it was worked out from another sum
                leak = solved.get(whole) if solved.get(whole) != leak else None
        if chosen is None:
            # Nothing leaks, or only sums whose parts do not add up to their whole (a reader's
            # subtraction there gives wrong answers): nothing more to hide.
            return
        hidden.add(chosen)


def suppress(
    values: Sequence[MeasureValue], nesting: Nesting | None = None
) -> list[PublishedValue]:
    """The values as they may be published, in the same order (rules in the module docstring).

    Pass everything a reader will see of a date at once (the whole-area rows with the groups of
    every breakdown shown beside them, as ``compute`` and ``series`` return them), and
    ``nesting`` when one breakdown's groups add up to another's (:func:`team_nesting`):
    secondary suppression can only protect groups it can see.
    """
    hidden: dict[Column, set[int]] = {c: set() for c in _COLUMNS}
    for i, v in enumerate(values):
        for column in _COLUMNS:
            if _is_small(getattr(v, column)):
                hidden[column].add(i)
    areas = {i for i, v in enumerate(values) if not v.breakdown}
    for point_sums in _sums(values, nesting or {}).values():
        rows = {i for whole, parts in point_sums for i in (whole, *parts)}
        for column in _COLUMNS:
            figures = {i: f for i in rows if isinstance(f := getattr(values[i], column), int)}
            _secondary(figures, hidden[column], point_sums, areas)

    published = []
    for i, v in enumerate(values):
        numerator = SUPPRESSED if i in hidden["numerator"] else v.numerator
        denominator = SUPPRESSED if i in hidden["denominator"] else v.denominator
        # A count's value is its numerator; anything else is built on both figures.
        hide_value = i in hidden["numerator"] or i in hidden["denominator"]
        published.append(
            PublishedValue(
                measure=v.measure,
                value=SUPPRESSED if hide_value else v.value,
                numerator=numerator,
                denominator=denominator,
                as_of=v.as_of,
                period_start=v.period_start,
                breakdown=v.breakdown,
                target=v.target,
                status=None if hide_value else v.status,
            )
        )
    return published


def team_nesting(teams: Mapping[str, str | None]) -> Nesting:
    """The nesting of teams in team types, from the ``teams`` table's team -> team_type: a team
    type's figure is the sum of its teams' (a team with no type, or not in the table, is in the
    ``unknown`` type, as the breakdowns place it)."""
    parent = {team: kind or UNKNOWN_GROUP for team, kind in teams.items()}
    parent.setdefault(UNKNOWN_GROUP, UNKNOWN_GROUP)
    return {"team": ("team_type", parent)}
