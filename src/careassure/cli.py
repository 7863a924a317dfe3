"""The ``careassure`` command: one entry point, one sub-command per job.

Each sub-command's body lives beside the domain code it drives (``<package>/command.py``) and
imports its heavy dependencies (DuckDB, Ibis, pandas) inside the function. Sub-commands are
registered lazily: ``careassure measures ...`` imports the measures' command module and nothing
else (no SQLAlchemy, no web app), because a command-line run pays for every import on every
call. ``careassure --help`` and ``careassure.cli.app`` (the tests' handle) register them all.
"""

from __future__ import annotations

import functools
import importlib
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from careassure import __version__

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


def _typer() -> typer.Typer:
    return typer.Typer(
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
# ``measures`` and ``series`` read them only when a run needs them (_stored_reported_values).
READ_MEASURES = frozenset({"plan", "report", "reported", "digest", "cqc", "demo", "national"})


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


@contextmanager
def _app_engine() -> Iterator[Engine | None]:
    """The application database's engine for one run, disposed when the run is done; None when
    there is no database ($CAREASSURE_DATABASE_URL, or the SQLite file the web app or demo
    made). A malformed URL ends the command in one line."""
    from careassure.appdb import create_engine, database_configured
    from careassure.cliargs import fail

    if not database_configured():
        yield None
        return
    try:
        engine = create_engine()
    except ValueError as exc:
        fail(str(exc))
    try:
        yield engine
    finally:
        engine.dispose()


def _sync_declarations(engine: Engine) -> None:
    """Hand the admin page's reported measures to the measures layer; a database that cannot be
    read ends the command in one line."""
    from sqlalchemy.exc import SQLAlchemyError

    from careassure.appdb import error_reason
    from careassure.cliargs import fail
    from careassure.reported.declarations import sync

    try:
        sync(engine)
    except SQLAlchemyError as exc:
        fail("cannot read the reported measures declared in the application database: "
             f"{error_reason(exc)}")


def _use_app_declarations() -> None:
    """Hand the admin page's reported measures to the measures layer, when there is an
    application database."""
    with _app_engine() as engine:
        if engine is not None:
            _sync_declarations(engine)


def _audit_refused_load(arguments: dict[str, Any]) -> None:
    """Put a refused command-line load on the application's audit trail: the web app's uploads
    are there, and a load refused at the command line is the same event. Only when there is an
    application database (``$CAREASSURE_DATABASE_URL``, or the SQLite file the web app or demo
    made): a command-line-only installation has no trail to write to."""
    from sqlalchemy.exc import SQLAlchemyError

    from careassure.appdb import (
        DatabaseNotReady,
        create_engine,
        database_configured,
        default_actor,
        record_event,
        require_current,
        transaction,
    )

    if not database_configured():
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



def _ingest() -> Callable[..., None]:
    """``careassure ingest``, with a refused load put on the audit trail."""
    from careassure.records.command import ingest as ingest_command

    @functools.wraps(ingest_command)
    def ingest(**arguments: Any) -> None:
        try:
            ingest_command(**arguments)
        except typer.Exit as exc:
            if exc.exit_code == 2:
                _audit_refused_load(arguments)
            raise

    return ingest


def _stored_reported_values() -> Any:
    """The application database's reported values, after handing its declared reported measures
    to the measures layer; read (at most once a run) only by a run that needs them (every
    measure, a pattern, a reported measure or an id the file-declared catalogue does not know),
    so that one computed measure from the command line never opens the database. Declarations
    and values are read through one engine, disposed before the figures are computed."""
    from careassure.reported.command import stored_in

    with _app_engine() as engine:
        if engine is None:
            return ()
        _sync_declarations(engine)
        return stored_in(engine)


def _measures_command(name: str) -> Callable[[], Any]:
    """``measures`` or ``series`` of careassure.measures.command, reading reported values from
    the application database (the measures package itself is pure: it never opens that
    database). SQLAlchemy is imported only when a reported measure is asked for."""
    def load() -> Any:
        import careassure.measures.command as command

        return command.with_reported(getattr(command, name), _stored_reported_values)
    return load


def _imported(path: str) -> Callable[[], Any]:
    module, _, attribute = path.partition(":")
    return lambda: getattr(importlib.import_module(module), attribute)


# Every sub-command, in the order ``careassure --help`` lists them: the whole command surface
# reads in one place. A value is a function returning the command function or a Typer group.
COMMANDS: dict[str, Callable[[], Any]] = {
    "capacity": _imported("careassure.forecast.command:capacity"),
    "budget": _imported("careassure.budget.command:app"),
    "cqc": _imported("careassure.framework.command:app"),
    "db": _imported("careassure.appdb.command:app"),
    "digest": _imported("careassure.attention.command:digest"),
    "compare": _imported("careassure.compare.command:app"),
    "plan": _imported("careassure.plan.command:app"),
    "report": _imported("careassure.reports.command:app"),
    "synth": _imported("careassure.synth.command:synth"),
    "ingest": _ingest,
    "loads": _imported("careassure.records.command:loads"),
    "reported": _imported("careassure.reported.command:app"),
    "measures": _measures_command("measures"),
    "activity": _imported("careassure.measures.command:activity"),
    "series": _measures_command("series"),
    "national": _imported("careassure.measures.councils_command:national"),
    "demo": _imported("careassure.demo:demo"),
    "serve": _imported("careassure.web.command:serve"),
    "users": _imported("careassure.web.command:users_app"),
}


def build_app(only: str | None = None) -> typer.Typer:
    """The command with every sub-command, or with only ``only`` (what ``main`` runs)."""
    built = _typer()
    built.callback()(_root)
    for name, load in COMMANDS.items():
        if only is not None and name != only:
            continue
        target = load()
        if isinstance(target, typer.Typer):
            built.add_typer(target, name=name)
        else:
            built.command(name)(target)
    return built


app: typer.Typer  # assigned by __getattr__ on first use


def __getattr__(name: str) -> Any:
    """``careassure.cli.app``: the whole command, built on first use."""
    if name == "app":
        global app
        app = build_app()
        return app
    raise AttributeError(name)


def main() -> None:
    """Console-script entry point: registers only the sub-command asked for (every one for
    ``careassure``, ``--help`` or a mistyped name, so that help and "no such command" list all)."""
    wanted = next((word for word in sys.argv[1:] if not word.startswith("-")), None)
    build_app(wanted if wanted in COMMANDS else None)()
