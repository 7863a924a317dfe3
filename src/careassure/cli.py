"""The ``careassure`` command: one entry point, one sub-command per job.

Each sub-command's body lives beside the domain code it drives (``<package>/command.py``) and
imports its heavy dependencies (DuckDB, Ibis, pandas) inside the function, so that
``careassure --help`` stays instant.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import typer

from careassure import __version__

app = typer.Typer(
    name="careassure",
    help="CQC assurance and improvement for adult social care, from case-level data.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"careassure {__version__}")
        raise typer.Exit()


# The sub-commands that read measures: the reported measures declared on the web app's admin page
# are read from the application database before they run, so they see the catalogue the app does.
READ_MEASURES = frozenset({"measures", "series", "plan", "report", "reported", "digest", "cqc",
                           "demo", "national"})


@app.callback()
def _root(
    ctx: typer.Context,
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """CQC assurance and improvement for adult social care, from case-level data.

    Example: [bold]careassure synth --out county/ && careassure ingest county/[/bold]
    """
    if ctx.invoked_subcommand in READ_MEASURES:
        _use_app_declarations()


def _use_app_declarations() -> None:
    """Hand the admin page's reported measures to the measures layer, when there is an
    application database ($CAREASSURE_DATABASE_URL, or the SQLite file the web app or demo made);
    a database that cannot be read ends the command in one line."""
    import os

    from sqlalchemy.exc import SQLAlchemyError

    from careassure.appdb import DATABASE_URL_ENV, create_engine
    from careassure.appdb.engine import default_database_path
    from careassure.cliargs import fail
    from careassure.reported.declarations import sync

    if not os.environ.get(DATABASE_URL_ENV) and not default_database_path().exists():
        return
    try:
        engine = create_engine()
    except ValueError as exc:
        fail(str(exc))
    try:
        sync(engine)
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        fail(f"cannot read the reported measures declared in the application database: {reason}")
    finally:
        engine.dispose()


# Sub-commands, registered here so that the whole command surface reads in one place.
from careassure.forecast.command import capacity as capacity_command  # noqa: E402

app.command("capacity")(capacity_command)
from careassure.appdb.command import app as db_app  # noqa: E402
from careassure.attention.command import digest as digest_command  # noqa: E402
from careassure.budget.command import app as budget_app  # noqa: E402

app.add_typer(budget_app, name="budget")
from careassure.framework.command import app as cqc_app  # noqa: E402

app.add_typer(cqc_app, name="cqc")
app.add_typer(db_app, name="db")
app.command("digest")(digest_command)
from careassure.compare.command import app as compare_app  # noqa: E402

app.add_typer(compare_app, name="compare")
from careassure.plan.command import app as plan_app  # noqa: E402

app.add_typer(plan_app, name="plan")
from careassure.reports.command import app as report_app  # noqa: E402

app.add_typer(report_app, name="report")
from careassure.synth.command import synth as synth_command  # noqa: E402

app.command("synth")(synth_command)
from careassure.records.command import ingest as ingest_command  # noqa: E402
from careassure.records.command import loads as loads_command  # noqa: E402


def _audit_refused_load(arguments: dict[str, Any]) -> None:
    """Put a refused command-line load on the application's audit trail: the web app's uploads
    are there, and a load refused at the command line is the same event. Only when there is an
    application database (``$CAREASSURE_DATABASE_URL``, or the SQLite file the web app or demo
    made): a command-line-only installation has no trail to write to."""
    import os

    from sqlalchemy.exc import SQLAlchemyError

    from careassure.appdb import (
        DATABASE_URL_ENV,
        DatabaseNotReady,
        create_engine,
        default_actor,
        record_event,
        require_current,
        transaction,
    )
    from careassure.appdb.engine import default_database_path

    if not os.environ.get(DATABASE_URL_ENV) and not default_database_path().exists():
        return
    path = arguments.get("path")
    name = path.name if isinstance(path, Path) else str(path)
    try:
        engine = create_engine()
        try:
            require_current(engine)
            with transaction(engine) as session:
                record_event(session, arguments.get("by") or default_actor(), "refuse",
                             "store_load", name, {
                                 "event": "command-line load refused", "file": name,
                                 "format": arguments.get("fmt"),
                                 "extract": arguments.get("extract")})
        finally:
            engine.dispose()
    except (DatabaseNotReady, SQLAlchemyError, ValueError) as exc:
        typer.echo(f"warning: the refused load is not on the audit trail: {exc}", err=True)


@functools.wraps(ingest_command)
def _ingest(**arguments: Any) -> None:
    try:
        ingest_command(**arguments)
    except typer.Exit as exc:
        if exc.exit_code == 2:
            _audit_refused_load(arguments)
        raise


app.command("ingest")(_ingest)
app.command("loads")(loads_command)
import careassure.measures.command  # noqa: E402
from careassure.measures.command import activity as activity_command  # noqa: E402
from careassure.measures.command import measures as measures_command  # noqa: E402
from careassure.measures.command import series as series_command  # noqa: E402
from careassure.reported.command import app as reported_app  # noqa: E402
from careassure.reported.command import stored_or_none  # noqa: E402

careassure.measures.command.reported_source = stored_or_none
app.add_typer(reported_app, name="reported")

app.command("measures")(measures_command)
app.command("activity")(activity_command)
app.command("series")(series_command)
from careassure.measures.councils_command import national as national_command  # noqa: E402

app.command("national")(national_command)
from careassure.demo import demo as demo_command  # noqa: E402

app.command("demo")(demo_command)
from careassure.web.command import serve as serve_command  # noqa: E402
from careassure.web.command import users_app  # noqa: E402

app.command("serve")(serve_command)
app.add_typer(users_app, name="users")


def main() -> None:
    """Console-script entry point."""
    app()
