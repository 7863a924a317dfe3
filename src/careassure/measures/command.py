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
import io
import json
from collections.abc import Sequence
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import typer

from careassure.cliargs import fail as _fail
from careassure.cliargs import parse_day as _day
from careassure.records.csvcells import safe_cell

if TYPE_CHECKING:
    from careassure.measures.publish import PublishedValue
    from careassure.measures.result import MeasureValue


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class Every(StrEnum):
    week = "week"
    month = "month"
    quarter = "quarter"


CSV_COLUMNS = ("measure", "value", "numerator", "denominator", "as_of", "period_start", "by",
               "group", "target", "status")




def _within_data(when: date, latest: date | None, option: str) -> None:
    """Refuse a date after the data's end: every open case would look as if it were still
    waiting, so waits and backlogs would grow with the calendar rather than with the data."""
    if latest is not None and when > latest:
        _fail(f"{option} {when:%d/%m/%Y} is after the store's data end ({latest:%d/%m/%Y}): "
              "figures after it would count every open case as still waiting")


def _measure_ids(wanted: Sequence[str] | None) -> list[str] | None:
    """The catalogue ids asked for, in the order given; shell-style patterns expand
    (``care_act_assessment.*``). None when none were asked for (every measure)."""
    from careassure.measures.catalogue import declared_measures

    if not wanted:
        return None
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


def _run(db: str | None, evaluate: Any, default_date: str | None) -> list[MeasureValue]:
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


def _print_table(rows: list[MeasureValue | PublishedValue], title: str, *,
                 by: str | None, dates: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    from careassure.measures import CATALOGUE
    from careassure.measures.format import format_number, format_target, unit_of

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
        target = format_target(definition.target, row.measure) if definition.target else ""
        status = {"met": "[green]met[/green]", "not_met": "[red]not met[/red]"}.get(
            row.status or "", "")
        cells += [format_number(row.value, unit_of(row.measure)), share, target, status]
        table.add_row(*cells)
    Console().print(table)


def _emit(rows: list[MeasureValue | PublishedValue], output_format: OutputFormat, title: str, *,
          by: str | None, dates: bool) -> None:
    if output_format is OutputFormat.json:
        typer.echo(json.dumps([r.to_json() for r in rows], indent=2, ensure_ascii=False))
    elif output_format is OutputFormat.csv:
        typer.echo(_write_csv(rows), nl=False)
    else:
        _print_table(rows, title, by=by, dates=dates)


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
) -> None:
    """The catalogue's measures at one date, for the whole area and each --by group.

    Definitions, units and targets: docs/measures.md.
    JSON: a list of {measure, value, numerator, denominator, as_of,
    period_start, breakdown, target, status}.

    Example: [bold]careassure measures --as-of 2025-12-28 -m 'care_act_assessment.*'[/bold]
    """
    from careassure.measures.calendar import single_date

    day = _day(as_of, "--as-of")
    start = _day(period_start, "--period-start")
    chosen = _measure_ids(measure)
    by = _breakdown(by)
    if day is not None and start is not None and start >= day:
        _fail(f"--period-start {start:%d/%m/%Y} must be before --as-of {day:%d/%m/%Y}")

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
        return compute(store, when, measures=chosen, period_start=start, by=by)

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
) -> None:
    """The measures each week, month or quarter end between two dates, as `measures` does.

    Flow measures cover the three months to each date, as they do everywhere (docs/measures.md).

    Example: [bold]careassure series --from 2024-12-29 -m care_act_assessment.waiting[/bold]
    """
    from careassure.measures.calendar import series_dates

    first = _day(start, "--from")
    last = _day(end, "--to")
    chosen = _measure_ids(measure)
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
        return evaluate_series(store, first, until, every.value, measures=chosen, by=by)

    values = _run(db, evaluate, None if last else "--to")
    title = f"Measures every {every.value} from {first:%d/%m/%Y}"
    _emit(_published(values, publish), output_format, title, by=by, dates=True)

