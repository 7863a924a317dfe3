"""``careassure measures`` and ``careassure series``: the catalogue's figures on the command line.

Both print the engine's :class:`MeasureValue` rows as a table for people, or as the documented
JSON objects or CSV rows for other programs. Input is checked before the store is opened, so a
mistyped measure id or date is a one-line error (exit status 2) naming the option and what is
accepted, never a traceback. The engine, DuckDB and rich are imported inside the commands so
that ``careassure --help`` stays instant.
"""

from __future__ import annotations

import csv
import difflib
import fnmatch
import functools
import inspect
import io
import json
from collections.abc import Callable, Sequence
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import typer

from careassure.cliargs import fail as _fail
from careassure.cliargs import parse_day as _day
from careassure.records.csvcells import safe_cell

if TYPE_CHECKING:
    from careassure.measures.figure_cache import FigureCache
    from careassure.measures.publish import PublishedValue
    from careassure.measures.reported import ReportedValue
    from careassure.measures.result import MeasureValue


T = TypeVar("T")


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class Every(StrEnum):
    week = "week"
    month = "month"
    quarter = "quarter"


# Where the reported measures' values come from: a loader the caller passes in. This package
# is pure (no database), so the ``careassure`` command (cli.py) passes one that reads the
# application database (:func:`with_reported`); without one, reported measures have no values.
ReportedSource = Callable[[], "Sequence[ReportedValue]"]


def no_reported_values() -> Sequence[ReportedValue]:
    """The loader used when the caller gives none: no reported values."""
    return ()


def with_reported(command: Callable[..., None], reported: ReportedSource) -> Callable[..., None]:
    """``command`` (:func:`measures` or :func:`series`) with its reported values read by
    ``reported``, and the ``reported`` parameter hidden from the command line's options."""
    signature = inspect.signature(command)

    @functools.wraps(command)
    def run(**arguments: Any) -> None:
        # Read at most once a run (ids may need the declarations, the figures the values).
        command(**arguments, reported=functools.cache(reported))

    run.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[p for p in signature.parameters.values() if p.name != "reported"])
    run.__annotations__ = {k: v for k, v in command.__annotations__.items() if k != "reported"}
    return run

def _reported_values(chosen: Sequence[str] | None,
                     load: ReportedSource) -> Sequence[ReportedValue]:
    """The reported measures' values, read by ``load`` only when one is asked for: reading them
    opens the application database, which a run of computed measures has no use for."""
    from careassure.measures.reported import reported_ids

    if chosen is not None and reported_ids().isdisjoint(chosen):
        return ()
    return load()


def _kept_figures(db: str | None, chosen: Sequence[str] | None) -> FigureCache | None:
    """Where this run's figures are kept and looked up (careassure.measures.figure_cache): only
    for computed measures named on the command line, of a store that exists."""
    from careassure.config import store_path
    from careassure.measures.figure_cache import figure_cache
    from careassure.measures.reported import reported_ids

    if chosen is None or not store_path(db).is_file():
        return None
    if not reported_ids().isdisjoint(chosen):
        return None
    return figure_cache(db)


CSV_COLUMNS = ("measure", "value", "numerator", "denominator", "as_of", "period_start", "by",
               "group", "target", "status")




def _within_data(when: date, latest: date | None, option: str) -> None:
    """Refuse a date after the data's end: every open case would look as if it were still
    waiting, so waits and backlogs would grow with the calendar rather than with the data."""
    if latest is not None and when > latest:
        _fail(f"{option} {when:%d/%m/%Y} is after the store's data end ({latest:%d/%m/%Y}): "
              "figures after it would count every open case as still waiting")


def _measure_ids(wanted: Sequence[str] | None,
                 reported: ReportedSource = no_reported_values) -> list[str] | None:
    """The catalogue ids asked for, in the order given; shell-style patterns expand
    (``care_act_assessment.*``). None when none were asked for (every measure).

    Reported measures may also be declared in the application database; ``reported`` (the
    caller's loader) hands those to the catalogue. It is called only when a pattern or an id
    the catalogue does not already know needs them, so that naming computed measures never
    opens the database."""
    from careassure.measures.catalogue import declared_measures

    if not wanted:
        return None
    known = [m.id for m in declared_measures()]
    if any(any(ch in text for ch in "*?[") or text not in known for text in wanted):
        reported()
        known = [m.id for m in declared_measures()]
    chosen: list[str] = []
    for text in wanted:
        if any(ch in text for ch in "*?["):
            found = fnmatch.filter(known, text)
            if not found:
                _fail(f"--measure {text!r} matches no measure (the ids are in docs/measures.md)")
            chosen += found
        elif text in known:
            chosen.append(text)
        else:
            close = difflib.get_close_matches(text, known, n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            _fail(f"unknown measure {text!r}{hint} (the ids are in docs/measures.md, or use a "
                  "pattern such as 'care_act_assessment.*')")
    return list(dict.fromkeys(chosen))


def _breakdown(by: str | None) -> str | None:
    from careassure.measures.catalogue import BREAKDOWNS

    if by is not None and by not in BREAKDOWNS:
        _fail(f"cannot break down by {by!r}: choose one of {', '.join(BREAKDOWNS)}")
    return by


def _run(db: str | None, evaluate: Callable[[Any, date | None], T],
         default_date: str | None) -> T:
    """Open the store read-only and evaluate; the store's problems become one-line errors.
    ``default_date`` names the option that falls back to the store's extract date."""
    import duckdb

    from careassure.measures.targets import TargetsError
    from careassure.records.store import open_store

    try:
        with open_store(db) as store:
            as_of = store.extract_date()
            if as_of is None and default_date:
                _fail(f"the store holds no data to date: give {default_date}")
            return evaluate(store, as_of)
    except FileNotFoundError as exc:
        _fail(str(exc))
    except TargetsError as exc:
        _fail(str(exc))
    except duckdb.Error as exc:
        _fail(f"cannot read the store: {str(exc).splitlines()[0]}")


def _published(values: list[MeasureValue], publish: bool) -> list[MeasureValue | PublishedValue]:
    if not publish:
        return list(values)
    from careassure.measures.publish import suppress

    return list(suppress(values))


def _write_csv(rows: list[MeasureValue | PublishedValue]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        item = row.to_json()
        by, group = next(iter(row.breakdown.items())) if row.breakdown else (None, None)
        item.update(by=by, group=group)
        writer.writerow(
            ["" if item[c] is None else safe_cell(item[c]) for c in CSV_COLUMNS]
        )
    return out.getvalue()


def print_table(rows: Sequence[MeasureValue | PublishedValue], title: str, *,
                by: str | None = None, dates: bool = False) -> None:
    """The figures as a table for people: each status beside the target it was judged against
    (the targets in force, as the engine judged them, never the shipped default alone), in
    words. The demo prints its headline figures with it too, so both read the same."""
    from rich.console import Console
    from rich.table import Table

    from careassure.measures import CATALOGUE
    from careassure.measures.format import format_number, format_target, unit_of
    from careassure.measures.statuses import label
    from careassure.measures.targets import load_targets

    targets = load_targets()

    table = Table(title=title)
    table.add_column("Measure")  # the only column that wraps: figures stay on one line
    if dates:
        table.add_column("Date", justify="right", no_wrap=True)
    if by:
        table.add_column(by.replace("_", " ").capitalize())
    for heading in ("Value", "Of", "Target", "Status"):
        table.add_column(heading, justify="right", no_wrap=True)
    for i, row in enumerate(rows):
        definition = CATALOGUE[row.measure]
        first = i == 0 or rows[i - 1].measure != row.measure
        if first and i:
            table.add_section()
        cells = [definition.title if first else ""]
        if dates:
            cells.append(f"{row.as_of:%d/%m/%Y}")
        if by:
            cells.append(row.breakdown[by] if row.breakdown else "[bold]all[/bold]")
        share = ""
        if definition.unit in ("percent", "ratio", "per_100k") and row.denominator is not None:
            share = f"{format_number(row.numerator, 'count')} / " \
                    f"{format_number(row.denominator, 'count')}"
        elif row.denominator is not None and definition.unit != "count":
            share = f"n = {format_number(row.denominator, 'count')}"
        in_force = targets.for_measure(row.measure)
        target = format_target(in_force, row.measure) if in_force else ""
        colour = {"met": "green", "not_met": "red"}.get(row.status or "")
        status = f"[{colour}]{label(row.status).lower()}[/{colour}]" if colour and row.status \
            else ""
        cells += [format_number(row.value, unit_of(row.measure)), share, target, status]
        table.add_row(*cells)
    Console().print(table)


def _judged_against(rows: list[MeasureValue | PublishedValue]) -> dict[str, Any]:
    """measure -> the target its status is judged against, stated in full: always the council's
    (its targets file, ``$CAREASSURE_TARGETS`` or the shipped one), the target every view outside
    the plan shows. A plan outcome using the measure is judged against its own target, which may
    differ (``careassure plan status``): the command says whose target it is, so the two are
    never mistaken for one another."""
    from careassure.measures.targets import load_targets, source_text

    targets = load_targets()
    judged: dict[str, Any] = {}
    for measure in {r.measure for r in rows}:
        target = targets.for_measure(measure)
        judged[measure] = None if target is None else {
            "set_by": "council", "file": Path(targets.source).name,
            "comparator": target.comparator, "value": target.value,
            "tolerance": target.tolerance, "source": source_text(target.source)}
    return judged


def _emit(rows: list[MeasureValue | PublishedValue], output_format: OutputFormat, title: str, *,
          by: str | None, dates: bool) -> None:
    if output_format is OutputFormat.json:
        judged = _judged_against(rows)
        typer.echo(json.dumps([r.to_json() | {"judged_against": judged[r.measure]} for r in rows],
                              indent=2, ensure_ascii=False))
    elif output_format is OutputFormat.csv:
        typer.echo(_write_csv(rows), nl=False)
    else:
        print_table(rows, title, by=by, dates=dates)
    if not any(r.measure.startswith("ascof.") for r in rows):
        return  # the note is about ASCOF 2B/2C; the module imports Ibis
    from careassure.measures.ascof import population_gaps

    for gap in population_gaps(rows):
        typer.echo(f"note: {gap}", err=True)


DB = typer.Option(None, "--db", "--store", help="The store (default $CAREASSURE_STORE, else "
                  "CAREASSURE_HOME/store.duckdb).")
BY = typer.Option(None, "--by", help="Break down by team, team_type, locality, rural_urban, "
                  "ethnicity, client_type, primary_support_reason, age_band or la_code (the "
                  "council, in a store of several).")
MEASURE = typer.Option(None, "--measure", "-m", help="A measure id or pattern "
                       "(care_act_assessment.*); repeat for more. Default: every measure.")
FORMAT = typer.Option(OutputFormat.table, "--format", "-f", help="table (for people), json or "
                      "csv.")
EVERY = typer.Option(Every.week, "--every", help="week, month or quarter (DHSC's comparators "
                     "are quarterly).")
PUBLISH = typer.Option(False, "--publish", help="Suppress small numbers for publication: counts "
                       "of 1-4 and figures built on them show as *.")


def measures(
    as_of: str | None = typer.Option(None, "--as-of", help="The date (YYYY-MM-DD): snapshots at "
                                     "the end of it, flows ending on it. Default: the store's "
                                     "latest date."),
    period_start: str | None = typer.Option(None, "--period-start", help="Flows cover the days "
                                            "after this date up to --as-of. Default: three "
                                            "months before --as-of."),
    by: str | None = BY,
    measure: list[str] | None = MEASURE,
    output_format: OutputFormat = FORMAT,
    publish: bool = PUBLISH,
    db: str | None = DB,
    reported: ReportedSource = no_reported_values,
) -> None:
    """The catalogue's measures at one date, for the whole area and each --by group.

    Definitions, units and targets: docs/measures.md.
    JSON: a list of {measure, value, numerator, denominator, as_of,
    period_start, breakdown, target, status, judged_against}; judged_against is the council's
    target the status is judged by (file, comparator, value, source), never a plan outcome's.

    Example: [bold]careassure measures --as-of 2025-12-28 -m 'care_act_assessment.*'[/bold]
    """
    from careassure.measures.calendar import single_date

    day = _day(as_of, "--as-of")
    start = _day(period_start, "--period-start")
    chosen = _measure_ids(measure, reported)
    by = _breakdown(by)
    if day is not None and start is not None and start >= day:
        _fail(f"--period-start {start:%d/%m/%Y} must be before --as-of {day:%d/%m/%Y}")

    kept = _kept_figures(db, chosen)
    values = kept.get(chosen, day, start, by) if kept and chosen else None

    def evaluate(store: Any, latest: date | None) -> list[MeasureValue]:
        from careassure.measures import compute

        when = day or latest
        if when is None:
            _fail("the store holds no records yet: load an extract first (careassure ingest)")
        _within_data(when, latest, "--as-of")
        try:
            single_date(when, start)
        except ValueError as exc:
            _fail(str(exc))
        computed = compute(store, when, measures=chosen, period_start=start, by=by,
                           reported=_reported_values(chosen, reported))
        if kept:
            kept.put(computed, when, start, by, latest=latest)
        return computed

    if values is None:
        values = _run(db, evaluate, None if day else "--as-of")
    when = values[0].as_of if values else day
    title = f"Measures at {when:%d/%m/%Y}" if when else "Measures"
    _emit(_published(values, publish), output_format, title, by=by, dates=False)


def series(
    start: str = typer.Option(..., "--from", help="First date (YYYY-MM-DD). Weekly: every 7 days "
                              "from it; monthly (quarterly): each month (quarter) end from it."),
    end: str | None = typer.Option(None, "--to", help="Last date. Default: the store's latest "
                                   "date."),
    every: Every = EVERY,
    by: str | None = BY,
    measure: list[str] | None = MEASURE,
    output_format: OutputFormat = FORMAT,
    publish: bool = PUBLISH,
    db: str | None = DB,
    reported: ReportedSource = no_reported_values,
) -> None:
    """The measures each week, month or quarter end between two dates, as `measures` does.

    Flow measures cover the three months to each date, as they do everywhere (docs/measures.md).

    Example: [bold]careassure series --from 2024-12-29 -m care_act_assessment.waiting[/bold]
    """
    from careassure.measures.calendar import series_dates

    first = _day(start, "--from")
    last = _day(end, "--to")
    chosen = _measure_ids(measure, reported)
    by = _breakdown(by)
    if first is not None and last is not None and last < first:
        _fail(f"--to {last:%d/%m/%Y} is before --from {first:%d/%m/%Y}")

    def evaluate(store: Any, latest: date | None) -> list[MeasureValue]:
        from careassure.measures import series as evaluate_series

        until = last or latest
        if until is None:
            _fail("the store holds no records yet: load an extract first (careassure ingest)")
        _within_data(until, latest, "--to")
        if until < first:
            _fail(f"the store's data ends on {until:%d/%m/%Y}, before --from {first:%d/%m/%Y}")
        if not series_dates(first, until, every.value):
            _fail(f"no {every.value} ends between {first:%d/%m/%Y} and {until:%d/%m/%Y}")
        return evaluate_series(store, first, until, every.value, measures=chosen, by=by,
                               reported=_reported_values(chosen, reported))

    values = _run(db, evaluate, None if last else "--to")
    title = f"Measures every {every.value} from {first:%d/%m/%Y}"
    _emit(_published(values, publish), output_format, title, by=by, dates=True)



class ActivityFormat(StrEnum):
    table = "table"
    csv = "csv"


TABLE = typer.Option(None, "--table", "-t", help="A table id (requests, short_term, "
                     "long_term_in_year, ...); repeat for more. Default: every table.")
ACTIVITY_FORMAT = typer.Option(ActivityFormat.table, "--format", "-f",
                               help="table (for people) or csv.")


def activity(
    as_of: str | None = typer.Option(None, "--as-of", help="The last day of the 12 months "
                                     "(YYYY-MM-DD; 31 March for a financial year). Default: "
                                     "the store's latest date."),
    table: list[str] | None = TABLE,
    output_format: ActivityFormat = ACTIVITY_FORMAT,
    xlsx: str | None = typer.Option(None, "--xlsx", help="Also write the tables to this "
                                    "XLSX workbook, one sheet per table."),
    publish: bool = PUBLISH,
    db: str | None = DB,
) -> None:
    """DHSC's activity tables from a CLD load, for the 12 months to a date.

    Requests from new clients and their outcomes, reablement and what followed, long-term
    support, reviews, carers, learning disability employment and accommodation
    (docs/activity.md).

    Example: [bold]careassure activity --as-of 2025-03-31 --publish --xlsx activity.xlsx[/bold]
    """
    from pathlib import Path

    from careassure.measures.activity import BY_ID, TABLES, ActivityResult
    from careassure.measures.activity import activity as evaluate_activity

    day = _day(as_of, "--as-of")
    unknown = sorted(set(table or ()) - set(BY_ID))
    if unknown:
        _fail(f"--table {unknown[0]} is not an activity table; choose from "
              f"{', '.join(t.id for t in TABLES)}")
    if xlsx is not None and not Path(xlsx).parent.is_dir():
        _fail(f"--xlsx {xlsx}: no such folder")

    def evaluate(store: Any, latest: date | None) -> list[ActivityResult]:
        when = day or latest
        if when is None:
            _fail("the store holds no records yet: load an extract first (careassure ingest)")
        _within_data(when, latest, "--as-of")
        return evaluate_activity(store, when, tuple(table) if table else None)

    results: list[ActivityResult] = _run(db, evaluate, None if day else "--as-of")
    _emit_activity(results, output_format, publish=publish)
    if xlsx is not None:
        from careassure.measures.activity_files import to_xlsx

        Path(xlsx).write_bytes(to_xlsx(results, publish=publish))


def _emit_activity(results: Sequence[Any], output_format: ActivityFormat, *,
                   publish: bool) -> None:
    from careassure.measures.activity_files import period_words, table_rows, to_csv

    if output_format is ActivityFormat.csv:
        typer.echo(to_csv(results, publish=publish), nl=False)
        return
    from rich.console import Console
    from rich.table import Table

    from careassure.measures.format import format_number

    console = Console()
    for result in results:
        header, *rows = table_rows(result, publish=publish)
        shown = Table(title=f"{result.table.title}, {period_words(result)}")
        shown.add_column(str(header[0]))
        for heading in header[1:]:
            shown.add_column(str(heading), justify="right", no_wrap=True)
        for i, row in enumerate(rows):
            if i == len(rows) - 1:
                shown.add_section()
            shown.add_row(str(row[0]), *(format_number(cell, "count") for cell in row[1:]))
        console.print(shown)
