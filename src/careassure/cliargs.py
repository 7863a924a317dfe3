"""What every sub-command shares for expected problems and dates on its command line.

One place for the rule that an expected problem (a bad date, a missing store) ends in one line on
stderr and exit status 2, never a traceback, and for the two date spellings councils use.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import NoReturn

import typer


def fail(message: str) -> NoReturn:
    """End the command with ``error: message`` on stderr and exit status 2."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


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
