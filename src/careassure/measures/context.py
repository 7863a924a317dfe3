"""What every measure family needs for one evaluation: tables, date grid, calendar, breakdown.

A family turns the store into *unit rows* (one per person or episode per evaluation date, e.g.
"episode E is waiting at D with a wait of 12 days") and aggregates them with :func:`aggregate`,
which returns the whole-area figures and, when a breakdown is asked for, the per-group figures
from one query.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import ibis
import ibis.expr.types as ir

from careassure.measures.calendar import CALENDAR_COLUMNS, GRID_COLUMNS, GridDate
from careassure.measures.values import Cell

# A family's output: (measure id, as_of, group or None) -> the figures.
Cells = dict[tuple[str, date, str | None], Cell]

# Row key of an aggregate: (as_of, *family keys, group) where group None = whole area.
Key = tuple[Any, ...]


@dataclass(frozen=True)
class Context:
    """One evaluation: the record tables, the date grid (as a table and as Python dates), the
    calendar table, and the breakdown with its groups (``by`` None: whole area only)."""

    tables: dict[str, ir.Table]
    dates: Sequence[GridDate]
    grid: ir.Table
    calendar_table: ir.Table
    by: str | None
    groups: Sequence[str]

    @property
    def first_date(self) -> date:
        return min(g.as_of for g in self.dates)

    @property
    def last_date(self) -> date:
        return max(g.as_of for g in self.dates)

    def applies(self, breakdowns: frozenset[str]) -> bool:
        """Whether this evaluation's breakdown applies to a measure with these breakdowns."""
        return self.by is not None and self.by in breakdowns

    def keys(self, applies: bool) -> list[tuple[date, str | None]]:
        """Every (as_of, group) a measure reports: whole area first, then each group."""
        groups: list[str | None] = [None, *self.groups] if applies else [None]
        return [(g.as_of, grp) for g in self.dates for grp in groups]


def count_if(condition: ir.BooleanValue) -> ir.IntegerScalar:
    """How many unit rows meet ``condition`` (portable: Spark cannot sum booleans)."""
    return condition.ifelse(1, 0).sum()


def look_up(table: ir.Table, column: str, calendar: ir.Table, **wanted: str) -> ir.Table:
    """``table`` plus calendar facts about the day in ``column``, e.g.
    ``look_up(ep, "received_date", cal, wd="wd_received")`` adds ``wd_received``
    (NULL where the column is NULL)."""
    key = f"_{column}_day"
    cal = calendar.select(**{key: "day"}, **{name: source for source, name in wanted.items()})
    return table.left_join(cal, table[column] == cal[key]).drop(key)


def aggregate(
    units: ir.Table,
    keys: Sequence[str],
    metrics: Mapping[str, Any],
    *,
    grouped: bool,
) -> dict[Key, dict[str, Any]]:
    """Aggregate ``units`` by ``as_of`` and ``keys``; when ``grouped``, also by ``grp``.

    ``metrics`` maps output names to functions of the unit table returning aggregate
    expressions. Returns ``{(as_of, *key values, group or None): {metric: value}}``. Medians
    cannot be added up from groups, so with a breakdown every unit row is counted twice in one
    query: once with ``grp`` NULL (the whole area) and once in its group.
    """
    if grouped:
        levels = ibis.memtable({"whole": [True, False]}, schema={"whole": "boolean"})
        units = units.cross_join(levels)
        units = units.mutate(grp=units.whole.ifelse(ibis.null().cast("string"), units.grp))
    else:
        units = units.mutate(grp=ibis.null().cast("string"))
    by = ["as_of", *keys, "grp"]
    query = units.group_by(by).aggregate(**{name: fn(units) for name, fn in metrics.items()})
    result: dict[Key, dict[str, Any]] = {}
    for row in query.to_pyarrow().to_pylist():
        key = tuple(row.pop(k) for k in by)
        result[key] = row
    return result


def grid_table(frame: Any) -> ir.Table:
    return ibis.memtable(frame, schema=GRID_COLUMNS)


def calendar_table(frame: Any) -> ir.Table:
    return ibis.memtable(frame, schema=CALENDAR_COLUMNS)
