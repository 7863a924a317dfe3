"""``careassure ingest`` and ``careassure loads``: load an extract into the store, list the loads.

Expected problems (no such path, an unreadable workbook, a store in use, an unsafe key file) end
with a one-line message and exit status 2, never a traceback; a rejected extract ends with its
errors summarised and written to a CSV report, also with status 2, so scripts can tell a load
that did not happen from one that did.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from careassure.cliargs import fail as _fail

if TYPE_CHECKING:
    from rich.console import Console

    from careassure.records.load import LoadResult

ERRORS_SHOWN = 20
VALUE_WIDTH = 40


def ingest(
    path: Annotated[Path, typer.Argument(
        help="A folder of <table>.csv or <table>.parquet files, a ZIP of them or an XLSX "
             "workbook (a sheet per table); with --format cld, a CLD file or folder.",
        show_default=False)],
    db: Annotated[Path | None, typer.Option(
        "--db", help="The store to load into (default: $CAREASSURE_STORE or "
                     "~/.careassure/store.duckdb).", show_default=False)] = None,
    extract: Annotated[str | None, typer.Option(
        "--extract", help="Name the rows are loaded under; loading again under the same name "
                          "replaces them (default: local, or cld for --format cld).",
        show_default=False)] = None,
    fmt: Annotated[str, typer.Option(
        "--format", help="records (the careassure record format) or cld (the national Client "
                         "Level Data extract).")] = "records",
    by: Annotated[str | None, typer.Option(
        "--by", help="Who is loading, for the load log (default: your login name).",
        show_default=False)] = None,
    errors: Annotated[Path | None, typer.Option(
        "--errors", help="Where to write the CSV of errors if the extract is rejected "
                         "(default: load-errors-<time>.csv next to the store).",
        show_default=False)] = None,
    population: Annotated[Path | None, typer.Option(
        "--population", help="With --format cld: a CSV of adults by age band (locality, "
                             "ethnicity, age_band, count; ONS mid-year estimates) for the ASCOF "
                             "2B/2C rates.", show_default=False)] = None,
    council: Annotated[str | None, typer.Option(
        "--council", help="With --format cld: the LA code of the one council whose files "
                          "these are (E10000018); replaces that council's rows only, leaving "
                          "other councils' in the store as they are (docs/national.md).",
        show_default=False)] = None,
    parquet: Annotated[Path | None, typer.Option(
        "--parquet", help="After the load, also write every table of the store to this folder "
                          "as <table>.parquet, for measures on a Spark cluster "
                          "(docs/national.md).", show_default=False)] = None,
) -> None:
    """Validate, pseudonymise and load an extract into the store, all or nothing.

    Every problem is reported at once, by file, row, column, value and reason.

    An extract with any problem is rejected whole: the store is left exactly as it was.

    Person ids are replaced by a keyed hash before anything is stored.

    Example: [bold]careassure ingest county/ --db store.duckdb --by "A Analyst"[/bold]

    Example: [bold]careassure ingest --format cld cld_2025q4.csv --population pop.csv[/bold]

    Example: [bold]careassure ingest --format cld councils/ --parquet national/[/bold]

    Example: [bold]careassure ingest --format cld --council E10000018 leics.csv[/bold]
    """
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from careassure.records.load import FORMATS
    from careassure.records.load import ingest as run_ingest

    if fmt not in FORMATS:
        _fail(f"unknown --format {fmt!r}: choose one of {', '.join(FORMATS)}")
    console = Console()
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("starting", total=None)
        try:
            result = run_ingest(path, store=db, extract=extract, fmt=fmt, loaded_by=by,
                                error_report=errors, population=population, council=council,
                                progress=lambda step: progress.update(task, description=step))
        except _expected_errors(fmt) as exc:
            progress.stop()
            _fail(str(exc))
    for line in result.report_lines:
        console.print(line, markup=False, highlight=False)
    if result.ok:
        _print_success(console, result)
        if parquet is not None:
            _write_parquet(console, db, parquet)
    else:
        _print_rejection(console, result)
        raise typer.Exit(2)


def _write_parquet(console: Console, db: Path | None, folder: Path) -> None:
    """The store's tables as Parquet, for a Spark cluster; an unwritable folder is one line."""
    import duckdb

    from careassure.records.parquet import write_parquet

    try:
        written = write_parquet(db, folder)
    except (OSError, duckdb.Error) as exc:  # DuckDB's IO errors are not OSErrors
        _fail(f"cannot write Parquet to {folder}: {str(exc).splitlines()[0]}")
    console.print(f"Parquet: {sum(written.values()):,} rows in {len(written)} tables written to "
                  f"{folder}", markup=False, highlight=False)


def loads(
    db: Annotated[Path | None, typer.Option(
        "--db", help="The store (default: $CAREASSURE_STORE or ~/.careassure/store.duckdb).",
        show_default=False)] = None,
) -> None:
    """List the loads recorded in the store, most recent first.

    Each load: when (UTC), who, which extract, the rows loaded, the extra columns left out.

    Example: [bold]careassure loads --db store.duckdb[/bold]
    """
    import duckdb
    from rich.console import Console
    from rich.text import Text

    from careassure.records.store import open_store

    try:
        with open_store(db) as store:
            records = store.loads()
            path = store.path
    except FileNotFoundError as exc:
        _fail(str(exc))
    except duckdb.Error as exc:
        _fail(f"cannot read the store: {str(exc).splitlines()[0]}")
    console = Console()
    if not records:
        console.print(f"No loads recorded in {path}.", markup=False)
        return
    # One block per load rather than a wide table: paths and names stay legible at 80 columns.
    console.print(f"{len(records)} load(s) into {path}, most recent first:", markup=False)
    for record in records:
        rows = sum(record.row_counts.values())
        extra = "; ".join(f"{t}: {', '.join(c)}" for t, c in record.extra_columns.items())
        console.print()
        console.print(Text.assemble(
            (record.load_id, "bold"), f"  {record.loaded_at:%d/%m/%Y %H:%M} UTC, by ",
            record.loaded_by))
        console.print(Text(f"  extract {record.extract} ({record.source_format}), {rows:,} rows "
                           f"from {record.source_path}"))
        if record.notes:
            console.print(Text(f"  {record.notes}"))
        if extra:
            console.print(Text(f"  extra columns not stored: {extra}"))


def _expected_errors(fmt: str) -> tuple[type[Exception], ...]:
    """The exceptions that mean "cannot load this", as opposed to a bug."""
    from careassure.records.pseudonymise import PseudonymKeyError
    from careassure.records.sources import IngestError

    expected: tuple[type[Exception], ...] = (IngestError, PseudonymKeyError, PermissionError)
    if fmt == "cld":
        from careassure.records.cld import CldFormatError

        expected += (CldFormatError,)
    return expected


def _print_success(console: Console, result: LoadResult) -> None:
    from rich.table import Table

    from careassure.records.schema import LOAD_ORDER

    table = Table(title=f"Loaded extract '{result.extract}' into {result.store}")
    table.add_column("table")
    table.add_column("rows", justify="right")
    table.add_column("extra columns (not stored)")
    table.add_column("absent columns (left empty)")
    for name in LOAD_ORDER:
        table.add_row(name, f"{result.row_counts.get(name, 0):,}",
                      ", ".join(result.extra_columns.get(name, [])) or "-",
                      ", ".join(result.absent_columns.get(name, [])) or "-")
    total = sum(result.row_counts.values())
    table.add_row("[bold]total[/bold]", f"[bold]{total:,}[/bold]", "", "")
    console.print(table)
    rate = f" ({total / result.elapsed:,.0f} rows/s)" if result.elapsed > 0 else ""
    console.print(f"Load id {result.load_id}, {result.elapsed:.1f} s{rate}. Person ids are "
                  "pseudonymised; `careassure loads` lists every load.")


def _print_rejection(console: Console, result: LoadResult) -> None:
    from rich.table import Table
    from rich.text import Text

    console.print(f"[bold red]Rejected:[/bold red] {result.error_count:,} problem(s) found; "
                  "nothing was loaded and the store is unchanged.")
    shown = result.errors[:ERRORS_SHOWN]
    table = Table(title=f"First {len(shown)} of {result.error_count:,}")
    for name in ("file", "row", "column", "value", "reason"):
        table.add_column(name, justify="right" if name == "row" else "left",
                         overflow="fold")
    for error in shown:
        value = error.value or ""
        if len(value) > VALUE_WIDTH:
            value = value[:VALUE_WIDTH - 1] + "…"
        table.add_row(Text(error.file), "" if error.row is None else str(error.row),
                      Text(error.column or ""), Text(value), Text(error.reason))
    console.print(table)
    counts = Table(title="Problems per rule")
    counts.add_column("rule")
    counts.add_column("count", justify="right")
    for rule, count in result.error_counts.items():
        counts.add_row(rule, f"{count:,}")
    console.print(counts)
    console.print(Text(f"Every problem is listed in {result.error_report} (the rules are "
                       "described in docs/records.md)."))


