"""``careassure serve`` and ``careassure users``: run the web app and look after its accounts.

FastAPI, uvicorn and SQLAlchemy are imported inside the commands so that ``careassure --help``
stays instant.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from careassure.cliargs import app_database as _database
from careassure.cliargs import fail as _fail

if TYPE_CHECKING:
    from fastapi import FastAPI

users_app = typer.Typer(help="Web app accounts.", no_args_is_help=True)


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    db: str | None = typer.Option(
        None, "--db", "--store", help="Analytical store (default $CAREASSURE_STORE)."
    ),
    workers: int = typer.Option(1, "--workers", min=1, help="Worker processes."),
    insecure_cookies: bool = typer.Option(
        False, "--insecure-cookies",
        help="Send cookies over plain HTTP (local trials only; behind HTTPS leave this off).",
    ),
) -> None:
    """Run the web app (overview, measures, plan, data, planner, CQC) with uvicorn.

    Serve it behind HTTPS: cookies are marked Secure, so over plain HTTP a browser only signs in
    on localhost (or with --insecure-cookies). The application database must be migrated
    (`careassure db upgrade`) and GOV.UK Frontend installed (`make assets`).

    Example: [bold]careassure serve --port 8000 --db /srv/careassure/store.duckdb[/bold]
    """
    import os

    import uvicorn
    from sqlalchemy.exc import SQLAlchemyError

    from careassure.appdb import DatabaseNotReady
    from careassure.web.app import create_app
    from careassure.web.settings import WebConfigError, proxy_options

    secure = not insecure_cookies and host not in ("127.0.0.1", "localhost", "::1")
    try:  # check before uvicorn starts, so a mistake is one clear line, not a traceback
        proxies = proxy_options()
        create_app(store_path=Path(db) if db else None, secure_cookies=secure)
    except (DatabaseNotReady, WebConfigError, ValueError) as exc:
        _fail(str(exc))
    except SQLAlchemyError as exc:
        _fail(f"cannot open the application database: {str(getattr(exc, 'orig', exc))}")
    if db is not None:
        os.environ["CAREASSURE_STORE"] = str(Path(db).expanduser().resolve())
    os.environ["CAREASSURE_WEB_SECURE_COOKIES"] = "1" if secure else "0"
    typer.echo(f"careassure is at http://{host}:{port}/ (Ctrl+C stops it)")
    uvicorn.run(
        "careassure.web.command:app_from_environment", factory=True, host=host, port=port,
        workers=workers, server_header=False, log_level="info", **proxies,  # type: ignore[arg-type]
    )


def app_from_environment() -> FastAPI:
    """The app for uvicorn's workers, configured by ``serve`` through the environment."""
    import os
    import threading

    from careassure.web.app import create_app
    from careassure.web.routes.overview import warm

    app = create_app(secure_cookies=os.environ.get("CAREASSURE_WEB_SECURE_COOKIES") != "0")
    threading.Thread(target=warm, args=(app,), name="careassure-warm", daemon=True).start()
    return app


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = typer.prompt("Password", hide_input=True)
    if typer.prompt("Repeat the password", hide_input=True) != first:
        _fail("the passwords do not match")
    return first


@users_app.callback()
def _group() -> None:
    """Accounts that sign in to the web app, one role each: admin, improvement_manager,
    workstream_lead, analyst or viewer.

    Example: [bold]careassure users add jsmith --role analyst[/bold]
    """


@users_app.command("add")
def users_add(
    username: str = typer.Argument(..., help="Sign-in name: lower-case letters, digits, . - _"),
    role: str = typer.Option(
        ..., "--role", help="admin, improvement_manager, workstream_lead, analyst or viewer."
    ),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from the first line of stdin."
    ),
) -> None:
    """Add an account (the password is asked for, or read with --password-stdin).

    Example: [bold]careassure users add jsmith --role improvement_manager[/bold]
    """
    from careassure.appdb import default_actor, transaction
    from careassure.web.accounts import AccountError, check_role, check_username, create_user

    try:
        check_username(username)
        check_role(role)
    except AccountError as exc:
        _fail(str(exc))
    password = _password(password_stdin)
    with _database() as engine:
        try:
            with transaction(engine) as session:
                user = create_user(session, default_actor(), username, role, password)
        except AccountError as exc:
            _fail(str(exc))
    typer.echo(f"added {user.username} ({user.role})")


@users_app.command("list")
def users_list() -> None:
    """List the accounts with their role, state and last sign-in.

    Example: [bold]careassure users list[/bold]
    """
    from careassure.appdb import transaction
    from careassure.web.accounts import list_users
    from careassure.web.display import uk_datetime

    with _database() as engine, transaction(engine) as session:
        users = list_users(session)
    if not users:
        typer.echo("no accounts yet: careassure users add USERNAME --role admin")
        return
    for user in users:
        state = "active" if user.active else "deactivated"
        last = uk_datetime(user.last_login_at) or "never signed in"
        typer.echo(f"{user.username:<24} {user.role:<20} {state:<12} {last}")
