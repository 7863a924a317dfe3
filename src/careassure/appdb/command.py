"""``careassure db``: look after the application database."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="The application database (evidence, self-assessment, plans, audit trail).",
    no_args_is_help=True,
)


@app.callback()
def _group() -> None:
    """The application database: SQLite in the home folder, or $CAREASSURE_DATABASE_URL.

    Example: [bold]careassure db upgrade[/bold]
    """


@app.command()
def upgrade(
    url: str | None = typer.Option(
        None, help="Database URL; default $CAREASSURE_DATABASE_URL or <home>/careassure.db."
    ),
) -> None:
    """Create the application database or bring its schema up to date (safe to repeat).

    Example: [bold]careassure db upgrade[/bold]  or
    [bold]careassure db upgrade --url postgresql+psycopg://careassure@dbhost/careassure[/bold]
    """
    from sqlalchemy.exc import SQLAlchemyError

    from careassure.appdb.engine import database_url, display_url, error_reason, normalise_url
    from careassure.appdb.migrate import upgrade as run_upgrade

    target = normalise_url(url) if url else database_url()
    try:
        revision = run_upgrade(target)
    except (ValueError, SQLAlchemyError) as exc:
        reason = error_reason(exc)
        typer.echo(f"error: cannot upgrade {display_url(target)}: {reason}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(f"{display_url(target)} is at revision {revision}")
