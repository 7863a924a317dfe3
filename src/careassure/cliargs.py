"""What every sub-command shares: expected problems, dates and the application database.

One place for the rule that an expected problem (a bad date, a missing store, an un-migrated
database) ends in one line on stderr and exit status 2, never a traceback, and for the two date
spellings councils use. SQLAlchemy is imported only when a command opens the database, so
``careassure --help`` stays instant.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING, NoReturn, overload

import typer

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


def fail(message: str) -> NoReturn:
    """End the command with ``error: message`` on stderr and exit status 2."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


@overload
def parse_day(text: str, option: str) -> date: ...
@overload
def parse_day(text: None, option: str) -> None: ...
@overload
def parse_day(text: str | None, option: str) -> date | None: ...
def parse_day(text: str | None, option: str) -> date | None:
    """A date written YYYY-MM-DD or DD/MM/YYYY (None stays None); anything else ends the command
    with a message naming ``option``."""
    if text is None:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    fail(f"{option} {text!r} is not a date: write YYYY-MM-DD or DD/MM/YYYY")


@contextmanager
def app_database() -> Iterator[Engine]:
    """The application database, checked to be at this careassure's schema: a bad URL, an
    un-migrated database or one that cannot be opened ends the command in one line."""
    from sqlalchemy.exc import SQLAlchemyError

    from careassure.appdb import DatabaseNotReady, create_engine, error_reason, require_current

    try:
        engine = create_engine()
    except ValueError as exc:
        fail(str(exc))
    try:
        try:
            require_current(engine)
        except DatabaseNotReady as exc:
            fail(str(exc))
        except SQLAlchemyError as exc:
            reason = error_reason(exc)
            fail(f"cannot open the application database: {reason}")
        yield engine
    finally:
        engine.dispose()
