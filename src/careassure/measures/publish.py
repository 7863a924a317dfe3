"""Small-number suppression: the one place that decides what a published figure may show.

Case-level social care data is special-category personal data: a published "2 people waiting
over 6 months in the Asian group in Rural North" can identify them. Everything published (the
viewer role, reports, ``--publish``) goes through :func:`suppress`. The rule (docs/measures.md,
"Publishing"):

1. **Primary.** Every count that is 1-4 is hidden (shown ``*``): a count measure's value, and
   the numerator or denominator of any rate, median, maximum or mean (the denominator of a
   median is how many people it describes). Zero is shown: "nobody" identifies no one.
2. **Secondary, within a breakdown set.** The groups of a breakdown add up to the whole area, so
   a hidden group could be recovered as the total minus the shown groups. For each measure, date
   and breakdown column, and separately for numerators and denominators: while the hidden groups
   together hold 1-4 (the total minus the shown groups), or so few that each must hold exactly 1,
   the shown group with the smallest non-zero figure is hidden too (ties by group name); with no
   group left to hide, the whole-area figure is hidden. The choice depends only on that column's
   figures, so two measures over the same population (waiting, and the median wait's
   denominator) hide the same groups and cannot be played off against each other.
3. **Values.** A value is hidden when any figure it is built on is hidden (a rate and its
   shown numerator would give away its denominator), and so is its target status.

Not covered, as in the national statistics this follows: the complement inside one rate (98 of
100 calls answered shows that 2 were not), and differences between separately published runs
with different breakdowns or dates. A report should publish one breakdown per table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from careassure.measures.result import MeasureValue, Status, value_json

SUPPRESSED = "*"
SMALL = range(1, 5)  # counts 1-4 are never published

Column = Literal["numerator", "denominator"]
_COLUMNS: tuple[Column, ...] = ("numerator", "denominator")


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


def _breakdown_column(value: MeasureValue) -> str | None:
    return next(iter(value.breakdown)) if value.breakdown else None


def _breakdown_sets(values: Sequence[MeasureValue]) -> list[tuple[int | None, list[int]]]:
    """(index of the whole-area row or None, indexes of the group rows) for every measure, date,
    period and breakdown column; groups sorted by name so every choice is reproducible."""
    totals: dict[tuple, int] = {}
    groups: dict[tuple, list[int]] = {}
    for i, v in enumerate(values):
        point = (v.measure, v.as_of, v.period_start)
        column = _breakdown_column(v)
        if column is None:
            totals[point] = i
        else:
            groups.setdefault((*point, column), []).append(i)
    return [
        (totals.get(key[:3]), sorted(members, key=lambda i: (values[i].breakdown or {})[key[3]]))
        for key, members in groups.items()
    ]


def _secondary(
    values: Sequence[MeasureValue], hidden: set[tuple[int, Column]],
    total: int | None, members: list[int], column: Column,
) -> None:
    """Hide more of one breakdown set's ``column`` until subtraction gives nothing away."""
    if total is None or getattr(values[total], column) is None:
        return
    whole: int = getattr(values[total], column)
    while (total, column) not in hidden:
        shown = [i for i in members if (i, column) not in hidden]
        k = len(members) - len(shown)
        remainder = whole - sum(getattr(values[i], column) or 0 for i in shown)
        # k hidden groups, each holding at least 1 (only non-zero figures are ever hidden):
        # safe when together they hold 5 or more and not exactly 1 each.
        if k == 0 or (remainder >= 5 and remainder > k):
            return
        candidates = [i for i in shown if (getattr(values[i], column) or 0) > 0]
        if candidates:
            smallest = min(candidates, key=lambda i: getattr(values[i], column))
            hidden.add((smallest, column))
        else:
            hidden.add((total, column))


def suppress(values: Sequence[MeasureValue]) -> list[PublishedValue]:
    """The values as they may be published, in the same order (rules in the module docstring).

    Pass a whole breakdown set at once (the whole-area row with its groups, as ``compute`` and
    ``series`` return them): secondary suppression can only protect groups it can see.
    """
    hidden: set[tuple[int, Column]] = set()
    for i, v in enumerate(values):
        for column in _COLUMNS:
            if _is_small(getattr(v, column)):
                hidden.add((i, column))
    for total, members in _breakdown_sets(values):
        for column in _COLUMNS:
            _secondary(values, hidden, total, members, column)

    published = []
    for i, v in enumerate(values):
        numerator = SUPPRESSED if (i, "numerator") in hidden else v.numerator
        denominator = SUPPRESSED if (i, "denominator") in hidden else v.denominator
        # A count's value is its numerator; anything else is built on both figures.
        hide_value = (i, "numerator") in hidden or (i, "denominator") in hidden
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
