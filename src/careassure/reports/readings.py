"""Measure values for a report run, computed by the measure engine and cached, so the three
reports (and the several places one report quotes the same figure) ask the engine once per date.

``at(day)`` is exactly ``careassure.measures.compute(store, day)``: snapshots at the end of the
day, flows over the three months ending on it (a quarter, when ``day`` is a quarter end).
``series`` is the engine's series on a given grid up to the report date (the plan's grid, so a
figure quoted beside an outcome has its baseline and peak on the same dates).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from careassure.measures import MeasureValue
    from careassure.measures.reported import ReportedValue


def _matches(value: MeasureValue, breakdown: dict[str, str] | None) -> bool:
    return value.breakdown == (breakdown or None)


class Readings:
    """Cached engine values over one open store (a careassure Store or an Ibis backend)."""

    def __init__(self, store: Any, as_of: date, reported: Sequence[ReportedValue] = ()) -> None:
        self.store = store
        self.as_of = as_of
        self.reported = reported  # the reported measures' values, from the application database
        self._at: dict[tuple[date, str | None], dict[str, list[MeasureValue]]] = {}
        self._series: dict[tuple[str, date, str], list[MeasureValue]] = {}

    def _compute(self, day: date, measures: list[str], by: str | None) -> None:
        from careassure.measures import compute

        cache = self._at.setdefault((day, by), {})
        missing = [m for m in dict.fromkeys(measures) if m not in cache]
        if not missing:
            return
        for measure in missing:
            cache[measure] = []
        for value in compute(self.store, day, measures=missing, by=by, reported=self.reported):
            cache[value.measure].append(value)

    def prefetch(self, day: date, measures: Iterable[str], by: str | None = None) -> None:
        """Compute many measures in one engine call (much cheaper than one call each)."""
        self._compute(day, list(measures), by)

    def at(self, measure: str, day: date | None = None,
           breakdown: dict[str, str] | None = None) -> MeasureValue | None:
        """The measure's value at ``day`` (default the report date), whole area or one group;
        None when the group does not exist at that date."""
        day = day or self.as_of
        by = next(iter(breakdown)) if breakdown else None
        self._compute(day, [measure], by)
        found = [v for v in self._at[(day, by)][measure] if _matches(v, breakdown)]
        return found[0] if found else None

    def series(self, measures: Iterable[str], start: date, every: str
               ) -> dict[str, list[MeasureValue]]:
        """Whole-area values on the engine's ``every`` grid ("week" or "month") from ``start``
        to the report date, one engine call for all the measures not asked for before."""
        from careassure.measures import series

        wanted = list(dict.fromkeys(measures))
        missing = [m for m in wanted if (m, start, every) not in self._series]
        if missing:
            for measure in missing:
                self._series[(measure, start, every)] = []
            for value in series(self.store, start, self.as_of, every,
                                measures=missing, reported=self.reported):
                if value.breakdown is None:
                    self._series[(value.measure, start, every)].append(value)
        return {m: self._series[(m, start, every)] for m in wanted}
