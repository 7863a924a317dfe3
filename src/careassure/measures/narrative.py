"""Narrative facts: the sentence fragments a progress update quotes about one measure.

The seeds' progress narratives read "Count of individuals awaiting allocation: 416 (down from
peak of 716 on 29/12/2024)" and "Median wait duration: 18 days (down from 45 days on 29/12/2024)".
:func:`facts` finds, in a measure's series, the current value, the baseline, the worst point
since the baseline and the change, and :class:`Facts` writes them the same way every time, so
the plan tracker, the report writer and the demo quote identical figures, straight from the
engine.

Rules (docs/measures.md, "Narrative facts"):

* **current** is the latest point; **baseline** the latest point on or before the ``baseline``
  date (the first point when none is that early, or when no date is given).
* **peak** is the worst point from the baseline on (highest value where lower is better, lowest
  where higher is better; the earliest of equal ones), None when the current value is itself
  the worst (or ties it) and for measures where neither way is better.
* The sentence compares the current value with the peak when there is one and it was a real
  peak: reached by rising (the point before it in the series was better). It then reads "down
  from a peak of 716 on 29/12/2024", adding the baseline when the peak came after it. Otherwise it
  compares with the baseline: "down from 45 days on 29/12/2024" ("up", "unchanged").
* ``publish=True`` hides counts of 1-4 and figures built on them (``*``) by the rule of
  :mod:`careassure.measures.publish`, and then gives no change or status that would let the
  hidden figure be worked out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from careassure.measures.catalogue import Direction, Target, declared_measures
from careassure.measures.format import format_number, format_target, uk_date, unit_of
from careassure.measures.publish import SUPPRESSED, PublishedValue, suppress
from careassure.measures.reported import on_declarations_changed
from careassure.measures.result import MeasureValue
from careassure.measures.targets import Targets, load_targets

Movement = Literal["down", "up", "unchanged"]

_DIRECTIONS: dict[str, Direction | None] = {m.id: m.direction for m in declared_measures()}


def _refresh_directions() -> None:
    """A reported measure declared on the admin page has a direction too (never removed: an id
    keeps its direction)."""
    _DIRECTIONS.update({m.id: m.direction for m in declared_measures()})


on_declarations_changed(_refresh_directions)
FRAGMENT_KEYS = ("value", "baseline", "peak", "direction", "target")


@dataclass(frozen=True)
class Facts:
    """What a narrative may say about one measure's series (see the module docstring).

    ``current``, ``baseline`` and ``peak`` are the engine's own values (whole-area rows). With
    ``published`` set (``facts(..., publish=True)``) the text and JSON this object gives hide
    small numbers; read figures for publication through :meth:`sentence`, :meth:`fragments` and
    :meth:`to_json`, never from the MeasureValues directly.
    """

    measure: str
    current: MeasureValue | None
    baseline: MeasureValue | None
    peak: MeasureValue | None
    change: float | None
    direction: Movement | None
    target: Target | None
    published: bool = False
    peak_reached_by_rising: bool = False

    # --- figures as they may be shown --------------------------------------------------------

    def _shown(self, point: MeasureValue | None) -> MeasureValue | PublishedValue | None:
        if point is None or not self.published:
            return point
        return suppress([point])[0]

    def _figure(self, point: MeasureValue | None) -> str:
        shown = self._shown(point)
        return format_number(shown.value if shown else None, unit_of(self.measure))

    def _hidden(self, point: MeasureValue | None) -> bool:
        shown = self._shown(point)
        return isinstance(shown, PublishedValue) and shown.suppressed

    def _movement(self) -> Movement | None:
        """The direction unless publishing it would narrow down a hidden figure."""
        if self._hidden(self.current) or self._hidden(self.baseline):
            return None
        return self.direction

    def _met(self) -> bool | None:
        if self.target is None or self.current is None or self.current.value is None:
            return None
        if self._hidden(self.current):
            return None
        return self.target.met(self.current.value)

    def _uses_peak(self) -> bool:
        return self.peak is not None and self.peak_reached_by_rising

    def _peak_shown(self) -> bool:
        """Whether the peak may be quoted: "down from a peak of *" (or a peak beside a hidden
        current figure) would tell which way a hidden figure lies, so then no peak is named."""
        return self.peak is not None and not (self._hidden(self.peak) or self._hidden(self.current))

    # --- the fragments -----------------------------------------------------------------------

    def fragments(self) -> dict[str, str]:
        """Ready-to-quote fragments, each "" when it does not apply:

        ``value`` "416"; ``baseline`` "716 on 29/12/2024"; ``peak`` "a peak of 716 on 29/12/2024"
        ("a low of 61.0% on ..." where higher is better);
        ``direction`` "down from 716 on 29/12/2024" (against the baseline); ``target``
        "target at most 14 days: not met".
        """
        found = dict.fromkeys(FRAGMENT_KEYS, "")
        found["value"] = self._figure(self.current)
        if self.baseline is not None:
            when = uk_date(self.baseline.as_of)
            found["baseline"] = f"{self._figure(self.baseline)} on {when}"
            movement = self._movement()
            if movement is not None and self.baseline.as_of != _as_of(self.current):
                found["direction"] = f"{movement} from {found['baseline']}"
        if self.peak is not None and self._peak_shown():
            word = "a peak" if _DIRECTIONS[self.measure] == "lower" else "a low"
            found["peak"] = f"{word} of {self._figure(self.peak)} on {uk_date(self.peak.as_of)}"
        if self.target is not None:
            found["target"] = f"target {format_target(self.target, self.measure)}"
            met = self._met()
            if met is not None:
                found["target"] += ": met" if met else ": not met"
        return found

    def sentence(self) -> str:
        """The value with its comparison and target, e.g. "416 (down from a peak of 716 on
        29/12/2024)" or "18 days (down from 45 days on 29/12/2024); target at most 14 days: not
        met"."""
        parts = self.fragments()
        comparisons = []
        if self.peak is not None and self._uses_peak() and self._peak_shown():
            comparisons.append(f"{self.direction_to_peak()} from {parts['peak']}")
            if self.peak.as_of != _as_of(self.baseline) and parts["direction"]:
                comparisons.append(parts["direction"])
        elif parts["direction"]:
            comparisons.append(parts["direction"])
        text = parts["value"]
        if comparisons:
            text += f" ({'; '.join(comparisons)})"
        if parts["target"]:
            text += f"; {parts['target']}"
        return text

    def direction_to_peak(self) -> Movement | None:
        """Which way the value has moved since the peak ("down" from a waiting-list peak, "up"
        from the lowest share of reviews in time)."""
        if (self.peak is None or self.peak.value is None or self.current is None
                or self.current.value is None):
            return None
        return _movement(self.current.value - self.peak.value)

    def to_json(self) -> dict[str, Any]:
        """Everything, dates ISO, small numbers hidden when published: for freezing into a
        progress update or a report's trace file, so the quoted words can be traced to figures."""

        def point(p: MeasureValue | None) -> dict[str, Any] | None:
            shown = self._shown(p)
            return shown.to_json() if shown is not None else None

        hidden = self._movement() is None and self.direction is not None
        target = None
        if self.target is not None:
            target = {
                "comparator": self.target.comparator,
                "value": self.target.value,
                "source": self.target.source,
                "met": self._met(),
            }
        return {
            "measure": self.measure,
            "unit": unit_of(self.measure),
            "published": self.published,
            "current": point(self.current),
            "baseline": point(self.baseline),
            "peak": point(self.peak) if self._peak_shown() else None,
            "change": SUPPRESSED if hidden else self.change,
            "direction": SUPPRESSED if hidden else self.direction,
            "target": target,
            "fragments": self.fragments(),
            "sentence": self.sentence(),
        }


def _as_of(point: MeasureValue | None) -> date | None:
    return point.as_of if point is not None else None


def _movement(delta: float) -> Movement:
    return "down" if delta < 0 else "up" if delta > 0 else "unchanged"


def _worse(a: float | None, b: float | None, better: Direction) -> bool:
    """Whether ``a`` is worse than ``b`` for a measure where ``better`` is better (a missing
    value is never worse, nor anything worse than it)."""
    if a is None or b is None:
        return False
    return a > b if better == "lower" else a < b


def facts(
    measure_id: str,
    points: Sequence[MeasureValue],
    *,
    baseline: date | None = None,
    publish: bool = False,
    targets: Targets | None = None,
) -> Facts:
    """The narrative facts of one measure from its points (``series`` or ``compute`` output).

    Rows of other measures and breakdown rows are ignored. ``targets`` defaults to the targets
    in force (:func:`load_targets`: ``$CAREASSURE_TARGETS`` or the shipped file), the same the
    engine judges status by.
    """
    if measure_id not in _DIRECTIONS:
        raise ValueError(f"unknown measure {measure_id!r} (the ids are listed in docs/measures.md)")
    target = (targets if targets is not None else load_targets()).for_measure(measure_id)
    series = sorted(
        (p for p in points if p.measure == measure_id and p.breakdown is None),
        key=lambda p: p.as_of,
    )
    if not series:
        return Facts(measure_id, None, None, None, None, None, target, publish)
    current = series[-1]
    start = series[0]
    if baseline is not None:
        start = next((p for p in reversed(series) if p.as_of <= baseline), series[0])
    change = direction = None
    if current.value is not None and start.value is not None and start is not current:
        change = _difference(current.value, start.value)
        direction = _movement(change)

    peak = None
    rising = False
    better = _DIRECTIONS[measure_id]
    since = [p for p in series if p.as_of >= start.as_of and p.value is not None]
    if better is not None and since and current.value is not None:
        worst = since[0]
        for p in since[1:]:
            if _worse(p.value, worst.value, better):
                worst = p
        if _worse(worst.value, current.value, better):
            peak = worst
            earlier = [p for p in series if p.as_of < worst.as_of and p.value is not None]
            rising = bool(earlier) and _worse(worst.value, earlier[-1].value, better)
    return Facts(measure_id, current, start, peak, change, direction, target, publish, rising)


def _difference(a: float | int, b: float | int) -> float | int:
    """a - b without binary noise: the engine's values have at most two decimal places."""
    if isinstance(a, int) and isinstance(b, int):
        return a - b
    return round(a - b, 2)
