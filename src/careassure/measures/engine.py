"""Evaluate catalogue measures at one date or as a series: the public ``compute`` and ``series``.

Both build a date grid (one row, or one per week / month end) and hand it to the measure
families, so a series costs a few joins against a longer grid, never a query per date. The
families are Ibis expressions over the store's tables: the same code runs on DuckDB (the
store) and on Spark (``ibis.pyspark.connect(session)`` over tables of the same names).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, Literal

import ibis

from careassure.measures import (
    ascof,
    calls,
    contacts,
    equity,
    financial,
    national,
    outcome_catalogue,
    quality,
    queues,
    reablement,
    service_users,
    support,
    timeliness,
)
from careassure.measures.breakdowns import check_breakdown, group_universe
from careassure.measures.calendar import (
    Every,
    GridDate,
    build_calendar,
    grid_frame,
    series_dates,
    single_date,
)
from careassure.measures.catalogue import (
    MeasureDef,
    breakdowns_of,
    declared_measures,
    queue_measure_names,
)
from careassure.measures.context import Cells, Context, calendar_table, grid_table
from careassure.measures.filters import DIMENSIONS, Filter, apply, filterable
from careassure.measures.reported import ReportedValue, figures, reported_measures
from careassure.measures.result import MeasureValue
from careassure.measures.targets import Targets, load_targets
from careassure.records.schema import QUEUE_KINDS, STORE_ORDER, TABLES, ColumnType

Family = Callable[[Context, set[str]], Cells]

QUEUE_SNAPSHOT = queue_measure_names("snapshot")
QUEUE_FLOW = queue_measure_names("flow")


def family_of(measure_id: str) -> Family:
    """The function that computes a measure (each computes a group of related measures)."""
    kind, _, name = measure_id.partition(".")
    if measure_id in financial.MEASURES:
        return financial.by_subtype
    if measure_id.startswith(outcome_catalogue.CALL_CATEGORY_PREFIX):
        return calls.categories
    if measure_id.startswith(equity.SAFEGUARDING_PREFIX):
        return equity.safeguarding
    if measure_id.startswith(equity.LTS_PREFIX):
        return equity.long_term_support
    if measure_id in reablement.MEASURES:
        return reablement.outcomes
    if measure_id in service_users.MEASURES:
        return service_users.by_setting
    if measure_id in support.COMMUNITY_SHARES:
        return support.community_shares
    if kind in QUEUE_KINDS and name in QUEUE_SNAPSHOT:
        return queues.snapshot
    if kind in QUEUE_KINDS and name in QUEUE_FLOW:
        return queues.allocation
    if measure_id in ("s42_enquiry.open", "s42_enquiry.pct_open_over_6_weeks"):
        return queues.snapshot
    if measure_id == queues.DISPARITY:
        return queues.snapshot
    if measure_id.startswith(equity.PREFIX):
        return equity.representation
    if measure_id in timeliness.MEASURES:
        return timeliness.completed_in_time
    if kind == "review":
        return support.reviews
    if kind == "contacts":
        return contacts.calls
    if kind == "data_quality":
        return quality.missing
    if measure_id in national.MEASURES:
        return national.waiting_times
    if measure_id in ascof.SHORT_TERM:
        return ascof.short_term_support
    if measure_id in ascof.ADMISSIONS:
        return ascof.admissions
    if measure_id in ascof.HOME:
        return ascof.living_at_home
    if measure_id in ascof.SELF_DIRECTED:
        return ascof.self_directed
    if measure_id in ascof.CARERS:
        return ascof.carers
    raise KeyError(measure_id)


_IBIS_TYPES = {
    ColumnType.TEXT: "string", ColumnType.CODE: "string", ColumnType.MONTH: "string",
    ColumnType.DATE: "date", ColumnType.DATETIME: "timestamp", ColumnType.BOOL: "boolean",
    ColumnType.INTEGER: "int64", ColumnType.DECIMAL: "decimal(12, 2)",
}


class _Tables(dict):
    """The record tables of a backend, each looked up on first use (a lookup asks the engine for
    the table's schema, which is not free on Spark). With a ``council`` (an LA code), every
    table keyed by person holds only the rows of that council's people (``cld_people.la_code``)
    and the population only that council's rows (its ``la_code``), so every measure and
    breakdown reads as if that council had been loaded alone."""

    def __init__(self, backend: Any, council: str | None = None) -> None:
        super().__init__()
        self.backend = backend
        self.council = council

    def _stored(self, name: str) -> Any:
        if not TABLES[name].required_table and name not in self.backend.list_tables():
            # A store written before the table existed: it holds none of its rows.
            schema = ibis.schema({c.name: _IBIS_TYPES[c.type] for c in TABLES[name].columns})
            return ibis.memtable(schema.to_pyarrow().empty_table())
        return self.backend.table(name)

    def __missing__(self, name: str) -> Any:
        if name not in STORE_ORDER:
            raise KeyError(name)
        table = self._stored(name)
        if self.council is not None and "person_id" in TABLES[name].column_names:
            councils = self._stored("cld_people")
            theirs = councils.filter(councils.la_code == self.council).select(
                c_person="person_id")
            table = table.semi_join(theirs, table.person_id == theirs.c_person)
        elif self.council is not None and name == "population":
            table = table.filter(table.la_code == self.council)
        self[name] = table
        return table


def _tables(backend: Any, council: str | None = None) -> dict[str, Any]:
    """The record tables of an Ibis backend, or of a careassure Store (one council's rows only
    when ``council`` is given)."""
    if hasattr(backend, "ibis") and callable(backend.ibis):
        backend = backend.ibis()
    _compile_for(backend)
    return _Tables(backend, council)


def _compile_for(backend: Any) -> None:
    """Ibis merges each select into the one above it before writing SQL. The families'
    expressions are deep (a join or window per rule) and that merging grows with the square of
    the depth: for DuckDB, which flattens nested selects itself, leaving it out computes the
    whole catalogue in 2.9 s instead of 4.0 s on the demo store, every figure the same. Spark's
    planner was slower on the unmerged SQL, so it keeps Ibis's default. (Ibis has one global
    option; a process computing on both engines at once in threads could compile one query the
    other way, which changes its SQL's shape, never its answer.)"""
    ibis.options.sql.fuse_selects = getattr(backend, "name", "") != "duckdb"


def record_tables(backend: Any) -> dict[str, Any]:
    """The record tables of an Ibis backend or a Store, for what reads them outside a measure
    family (the activity tables, measures/activity.py)."""
    return _tables(backend)


def filter_choices(backend: Any, at: date) -> dict[str, list[str]]:
    """Every group each filter dimension can take in the data at ``at`` (the breakdown groups,
    from :func:`group_universe`, so a filter offers exactly what a breakdown would list)."""
    tables = _tables(backend)
    return {by: group_universe(by, tables, at) for by in DIMENSIONS}


def _calendar_bounds(tables: dict[str, Any], dates: Sequence[GridDate]) -> tuple[date, date]:
    """The days the calendar must cover: from the earliest episode, service or CLD event date to
    the last evaluation date (every day a measure looks up is on or before its evaluation date)."""
    episodes, services, events = tables["episodes"], tables["services"], tables["cld_events"]
    first_episode = episodes.aggregate(first=episodes.received_date.min())
    first_service = services.aggregate(first_service=services.start_date.min())
    first_event = events.aggregate(first_event=events.start_date.min())
    found = (first_episode.cross_join(first_service).cross_join(first_event)
             .to_pyarrow().to_pylist()[0])
    candidates = [g.period_start for g in dates]
    candidates += [found[k] for k in ("first", "first_service", "first_event")
                   if found[k] is not None]
    return min(candidates), max(g.as_of for g in dates)


def evaluation_context(
    backend: Any, dates: Sequence[GridDate], by: str | None, where: Filter | None,
    council: str | None = None,
) -> Context:
    """The tables (kept by ``where``; one council's rows when ``council`` is given), date grid,
    calendar and breakdown groups of one evaluation: what every measure family, and the record
    lists behind a figure, start from."""
    tables = _tables(backend, council)
    if where:
        tables = apply(tables, where)
    calendar = build_calendar(*_calendar_bounds(tables, dates))
    return Context(
        tables=tables,
        dates=dates,
        grid=grid_table(grid_frame(dates, calendar)),
        calendar_table=calendar_table(calendar.frame),
        by=by,
        groups=group_universe(by, tables, dates[0].as_of) if by else (),
    )


def _selected(measures: Sequence[str] | None, catalogue: dict[str, MeasureDef]) -> list[str]:
    if measures is None:
        return list(catalogue)
    unknown = [m for m in measures if m not in catalogue]
    if unknown:
        raise ValueError(
            f"unknown measure(s): {', '.join(unknown)} (the ids are listed in docs/measures.md)"
        )
    return list(dict.fromkeys(measures))


def _evaluate(
    backend: Any,
    dates: Sequence[GridDate],
    measures: Sequence[str] | None,
    by: str | None,
    targets: Targets | None,
    reported: Sequence[ReportedValue],
    where: Filter | None,
    council: str | None = None,
) -> list[MeasureValue]:
    check_breakdown(by)
    if not dates:
        return []
    catalogue = {m.id: m for m in declared_measures()}
    chosen = _selected(measures, catalogue)
    unfiltered = [m for m in chosen if not filterable(m, where)]
    if unfiltered and where is not None:
        raise ValueError(
            f"{', '.join(unfiltered)} cannot be filtered by "
            f"{', '.join(sorted(where.dimensions))} (see docs/measures.md, \"Filters\")"
        )
    targets = targets if targets is not None else load_targets()
    declared = {m.id: m for m in reported_measures()}
    computed = [m for m in chosen if m not in declared]
    found = {
        measure_id: figures(declared[measure_id], reported, [g.as_of for g in dates],
                            targets.for_measure(measure_id))
        for measure_id in chosen if measure_id in declared
    }
    if computed:
        for value in _computed(backend, dates, computed, catalogue, by, targets, where, council):
            found.setdefault(value.measure, []).append(value)
    return [value for measure_id in chosen for value in found[measure_id]]


def _computed(
    backend: Any,
    dates: Sequence[GridDate],
    chosen: list[str],
    catalogue: dict[str, MeasureDef],
    by: str | None,
    targets: Targets,
    where: Filter | None,
    council: str | None,
) -> list[MeasureValue]:
    """The computed measures' values, from the record tables (kept by ``where``; one council's
    rows when ``council`` is given)."""
    ctx = evaluation_context(backend, dates, by, where, council)
    wanted_by_family: dict[Family, set[str]] = {}
    for measure_id in chosen:
        wanted_by_family.setdefault(family_of(measure_id), set()).add(measure_id)
    cells: Cells = {}
    for family, wanted in wanted_by_family.items():
        cells.update(family(ctx, wanted))

    values: list[MeasureValue] = []
    for measure_id in chosen:
        definition = catalogue[measure_id]
        target = targets.for_measure(measure_id)
        flow = definition.kind == "flow"
        for grid_date in dates:
            as_of = grid_date.as_of
            groups = ctx.groups if ctx.applies(breakdowns_of(measure_id)) else ()
            for grp in (None, *groups):
                cell = cells[(measure_id, as_of, grp)]
                status: Literal["met", "not_met"] | None = None
                if target is not None and cell.value is not None:
                    status = "met" if target.met(cell.value) else "not_met"
                values.append(
                    MeasureValue(
                        measure=measure_id,
                        value=cell.value,
                        numerator=cell.numerator,
                        denominator=cell.denominator,
                        as_of=as_of,
                        period_start=grid_date.period_start if flow else None,
                        breakdown={by: grp} if grp is not None and by else None,
                        target=target.value if target is not None else None,
                        status=status,
                    )
                )
    return values


def compute(
    backend: Any,
    as_of: date,
    *,
    measures: Sequence[str] | None = None,
    period_start: date | None = None,
    by: str | None = None,
    targets: Targets | None = None,
    reported: Sequence[ReportedValue] = (),
    where: Filter | None = None,
    council: str | None = None,
) -> list[MeasureValue]:
    """Every chosen measure as at ``as_of`` (flows over (period_start, as_of], by default the
    three months ending at ``as_of``), whole area first, then each ``by`` group, sorted.
    ``council`` (an LA code) evaluates one council of a store holding several (``by="la_code"``
    gives every council and the whole set in one evaluation).

    ``backend`` is an Ibis backend holding the record tables (``store.ibis()``, or PySpark) or a
    careassure Store. ``targets`` defaults to :func:`load_targets` (``$CAREASSURE_TARGETS`` or
    the shipped file). Measures that cannot be split by ``by`` (calls by ethnicity) report the
    whole-area row only. ``reported`` holds the entered values of the reported measures
    (:mod:`careassure.measures.reported`; the callers read them from the application database):
    a reported measure is the latest period's value on or before the date, whole area only.
    ``where`` computes the measures for part of the area only (:mod:`careassure.measures.
    filters`); a measure it cannot apply to is a ValueError.
    """
    return _evaluate(backend, single_date(as_of, period_start), measures, by, targets, reported,
                     where, council)


def series(
    backend: Any,
    start: date,
    end: date,
    every: Every,
    *,
    measures: Sequence[str] | None = None,
    by: str | None = None,
    targets: Targets | None = None,
    also_at: Sequence[date] = (),
    reported: Sequence[ReportedValue] = (),
    where: Filter | None = None,
    council: str | None = None,
) -> list[MeasureValue]:
    """Every chosen measure at each date of a weekly (from ``start``), monthly (month ends) or
    quarterly (quarter ends) series up to ``end``; flow measures over the week, month or quarter
    ending at each date. ``also_at`` adds dates off that grid in the same query (see
    :func:`careassure.measures.calendar.series_dates`). ``reported``: as for :func:`compute`.

    Ordered by measure (catalogue order), then date, then whole area before groups. ``where``
    and ``council`` as for :func:`compute`.
    """
    grid = series_dates(start, end, every, also_at)
    return _evaluate(backend, grid, measures, by, targets, reported, where, council)
