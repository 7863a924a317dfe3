"""Live measure values for the self-assessment and readiness views.

The framework reads measures, never the other way round, and works without them: when the
measure engine is not installed or no store has been loaded, each linked measure is listed by id
with no value, and the note says why, so the self-assessment is still usable on day one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

MET, NOT_MET = "met", "not_met"


@dataclass(frozen=True)
class LiveMeasure:
    """One measure's whole-area reading. ``status`` is met / not_met against its target, None
    without a value or a target. A measure reported only by group (such as representation per
    ethnic group) is not_met when any group misses, met when all with a target meet it."""

    id: str
    value: float | int | None = None
    target: float | None = None
    status: str | None = None
    note: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "value": self.value,
            "target": self.target,
            "status": self.status,
            "note": self.note,
        }


@dataclass(frozen=True)
class LiveValues:
    """Readings by measure id, and a note on where they came from (or why there are none)."""

    readings: dict[str, LiveMeasure]
    note: str
    as_of: date

    def get(self, measure_id: str) -> LiveMeasure:
        return self.readings.get(measure_id, LiveMeasure(measure_id))

    def for_ids(self, ids: Iterable[str]) -> tuple[LiveMeasure, ...]:
        return tuple(self.get(i) for i in ids)


def _reading(measure_id: str, rows: Sequence[Any]) -> LiveMeasure:
    if not rows:
        return LiveMeasure(measure_id, note="no value (empty population)")
    whole = [row for row in rows if row.breakdown is None]
    if whole:
        row = whole[0]
        return LiveMeasure(measure_id, row.value, row.target, row.status)
    statuses = {row.status for row in rows} - {None}
    status = NOT_MET if NOT_MET in statuses else (MET if statuses else None)
    return LiveMeasure(measure_id, None, None, status, note=f"by group ({len(rows)} groups)")


def no_values(note: str, as_of: date) -> LiveValues:
    """Readings without values, for when measures cannot be computed."""
    return LiveValues({}, note, as_of)


def live_values(measure_ids: Iterable[str], store: Path, as_of: date) -> LiveValues:
    """Compute the given measures from the store at ``store`` as at ``as_of``."""
    try:
        from careassure.measures import CATALOGUE, compute
    except ImportError:
        return no_values(
            "the measure engine is not installed: measures listed without values", as_of
        )
    if not store.exists():
        return no_values(
            f"no store at {store}: load an extract with `careassure ingest` to see values", as_of
        )
    import duckdb

    from careassure.records.store import open_store

    wanted = sorted(set(measure_ids))
    known = [m for m in wanted if m in CATALOGUE]
    readings = {
        m: LiveMeasure(m, note="not in the measure catalogue") for m in wanted if m not in known
    }
    try:
        with open_store(store) as opened:
            rows = compute(opened, as_of, measures=known)
    except FileNotFoundError as exc:  # a folder, or a file that is not a store
        return no_values(f"{exc}: measures listed without values", as_of)
    except duckdb.Error as exc:  # locked by a writer, damaged
        return no_values(f"cannot read the store {store} ({str(exc).splitlines()[0]}): "
                         "measures listed without values", as_of)
    by_measure: dict[str, list[Any]] = {}
    for row in rows:
        by_measure.setdefault(row.measure, []).append(row)
    for measure_id in known:
        readings[measure_id] = _reading(measure_id, by_measure.get(measure_id, []))
    return LiveValues(readings, f"computed from {store} as at {as_of:%d/%m/%Y}", as_of)
