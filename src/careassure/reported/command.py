"""``careassure reported``: the reported measures, what is due, and entering or importing values.

The same checks as the web app's (careassure.reported.service); a refused value or file prints
one line naming the field (or the file, row and column) and exits with status 2. SQLAlchemy and
the measures are imported inside the commands so that ``careassure --help`` stays instant.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from careassure.appdb.audit import default_actor
from careassure.cliargs import app_database as _database
from careassure.cliargs import fail as _fail
from careassure.cliargs import parse_day as _day

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from careassure.evidence_files import StoredFile
    from careassure.measures.reported import ReportedValue

app = typer.Typer(help="Reported measures: figures from outside the case records, entered per "
                  "period.", no_args_is_help=True)


def stored_or_none() -> tuple[ReportedValue, ...]:
    """The values in force in the application database, or none when there is no database yet
    (``careassure measures`` then shows reported measures without values)."""
    from careassure.appdb.engine import create_engine, database_url, default_database_path

    if database_url().startswith("sqlite") and not default_database_path().exists() \
            and database_url() == f"sqlite:///{default_database_path()}":
        return ()
    engine = create_engine()
    try:
        return stored_in(engine)
    finally:
        engine.dispose()


def stored_in(engine: Engine) -> tuple[ReportedValue, ...]:
    """The values in force in ``engine``'s database (for a caller that has the engine open
    already); a database that cannot be read ends the command in one line."""
    from sqlalchemy.exc import SQLAlchemyError

    from careassure.appdb.engine import error_reason
    from careassure.reported.service import stored_values

    try:
        return stored_values(engine)
    except SQLAlchemyError as exc:
        _fail(f"cannot read reported values from the application database: "
              f"{error_reason(exc)}")


@app.command("list")
def list_measures() -> None:
    """The declared reported measures, with their latest value.

    Example: [bold]careassure reported list[/bold]
    """
    from careassure.measures.format import format_number
    from careassure.measures.reported import latest_value, reported_measures
    from careassure.reported.service import current_values

    with _database() as engine:
        from careassure.appdb import transaction

        with transaction(engine) as session:
            values = current_values(session)
    for measure in reported_measures():
        latest = latest_value(values, measure.id, date.today())
        shown = (f"{format_number(latest.value, measure.unit)} for the period ending "
                 f"{latest.period_end:%d/%m/%Y}" if latest else "no value entered")
        typer.echo(f"{measure.id}  {measure.title}: {shown} ({measure.frequency}, "
                   f"{measure.owner}; {measure.source})")


@app.command("due")
def due(
    as_of: str | None = typer.Option(None, "--as-of", help="The date (YYYY-MM-DD). Default: "
                                     "today."),
) -> None:
    """Values that are due and not entered, oldest first, with their owner.

    Example: [bold]careassure reported due --as-of 2025-12-28[/bold]
    """
    from careassure.appdb import transaction
    from careassure.measures.reported import due_values, reported_measures
    from careassure.reported.service import current_values

    day = _day(as_of, "--as-of") or date.today()
    with _database() as engine, transaction(engine) as session:
        values = current_values(session)
    found = due_values(reported_measures(), values, day)
    for item in found:
        typer.echo(f"{item.measure_id}: period ending {item.period_end:%d/%m/%Y}, due "
                   f"{item.due_on:%d/%m/%Y} from {item.owner} ({item.owner_role})")
    if not found:
        typer.echo(f"Nothing is due at {day:%d/%m/%Y}.")


@app.command("enter")
def enter(
    measure: str = typer.Argument(..., help="The reported measure id."),
    period_end: str = typer.Argument(..., help="The last day of the period (YYYY-MM-DD)."),
    value: str = typer.Argument(..., help="The value, in the measure's unit."),
    evidence_link: str = typer.Option("", "--evidence-link", help="A web address of the "
                                      "source."),
    evidence_file: Annotated[Path | None, typer.Option(
        "--evidence-file", help="The source itself (PDF, DOCX, XLSX, CSV, PNG or JPEG, up to "
        "$CAREASSURE_REPORTED_EVIDENCE_MAX_BYTES), stored as the web form stores it.")] = None,
    reason: str = typer.Option("", "--reason", help="Why a value already entered for the "
                               "period is corrected (required then)."),
    actor: str | None = typer.Option(None, "--actor", help="Who is entering it (default: your "
                                     "login name)."),
) -> None:
    """Enter a value for one period, or correct one with --reason (the old value is kept).

    Example: [bold]careassure reported enter reported.peer_audit_participation_pct 2025-09-30
    83 --evidence-file audit-return.pdf[/bold]
    """
    from careassure.appdb import transaction
    from careassure.evidence_files import EvidenceFileError
    from careassure.measures.reported import ReportedValueError
    from careassure.reported.service import Entry, enter_value

    day = _day(period_end, "PERIOD_END")
    store = _evidence_store(evidence_file) if evidence_file is not None else None
    with _database() as engine:
        try:
            with transaction(engine) as session:
                row = enter_value(session, actor or default_actor(),
                                  Entry(measure, day, value, evidence_link, reason),
                                  store_evidence=store)
        except ReportedValueError as exc:
            _fail(f"{exc.field}: {exc.reason}")
        except EvidenceFileError as exc:
            _fail(f"--evidence-file: {exc}")
    kept = f", evidence {row.evidence_name} kept" if row.evidence_sha256 else ""
    typer.echo(f"Saved {measure} for the period ending {day:%d/%m/%Y}: {row.value:g} "
               f"(version {row.version}{kept}).")


def _evidence_store(path: Path) -> Callable[[], StoredFile]:
    """How ``enter`` stores its evidence file once the value has passed every check: the web
    form's code (:func:`~careassure.reported.service.store_evidence_file`) reading the file. A
    missing file or a bad size setting ends the command before the database is opened."""
    from careassure.evidence_files import EvidenceFileError
    from careassure.reported.service import evidence_max_bytes, store_evidence_file

    if not path.is_file():
        _fail(f"--evidence-file {path}: no such file")
    try:
        max_bytes = evidence_max_bytes()
    except ValueError as exc:
        _fail(str(exc))

    def store() -> StoredFile:
        try:
            with path.open("rb") as source:
                return store_evidence_file(source, path.name, max_bytes=max_bytes)
        except OSError as exc:
            raise EvidenceFileError(f"{path}: cannot read the file ({exc.strerror})") from exc

    return store


@app.command("import")
def import_file(
    path: str = typer.Argument(..., help="A filled template (.csv or .xlsx)."),
    actor: str | None = typer.Option(None, "--actor", help="Who is importing (default: your "
                                     "login name)."),
) -> None:
    """Import values from a filled template: every row, or none if any row has a problem.

    Example: [bold]careassure reported import reported-values.xlsx[/bold]
    """
    from careassure.appdb import transaction
    from careassure.reported.files import read_entries
    from careassure.reported.service import ImportRefused, import_entries

    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        _fail(f"{path}: cannot read the file ({exc.strerror})")
    with _database() as engine:
        try:
            rows = read_entries(Path(path).name, data)
            with transaction(engine) as session:
                written = import_entries(session, actor or default_actor(), Path(path).name,
                                         rows)
        except ImportRefused as exc:
            _fail(f"{Path(path).name} was not imported, nothing changed: {exc}")
    typer.echo(f"Imported {len(written)} values from {Path(path).name}.")


@app.command("template")
def template(
    path: str = typer.Argument(..., help="Where to write it: a .csv or .xlsx name."),
    as_of: str | None = typer.Option(None, "--as-of", help="List the values due at this date "
                                     "(default: today)."),
) -> None:
    """Write the import template, with a row for each value due.

    Example: [bold]careassure reported template reported-values.xlsx[/bold]
    """
    from careassure.appdb import transaction
    from careassure.measures.reported import due_values, reported_measures
    from careassure.reported.files import template_csv, template_xlsx
    from careassure.reported.service import current_values

    target = Path(path)
    if target.suffix.lower() not in (".csv", ".xlsx"):
        _fail(f"{target.name}: the template must be a .csv or .xlsx file")
    day = _day(as_of, "--as-of") or date.today()
    with _database() as engine, transaction(engine) as session:
        values = current_values(session)
    found = due_values(reported_measures(), values, day)
    if target.suffix.lower() == ".csv":
        target.write_text(template_csv(found), encoding="utf-8", newline="")
    else:
        target.write_bytes(template_xlsx(found))
    typer.echo(f"Wrote {target} with {len(found)} rows due.")
