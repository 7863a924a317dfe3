"""Where the application database is and how to open it.

The application database holds what people type in (evidence, self-assessment, plans), as
opposed to the analytical store, which holds what is loaded from case-level extracts. It is SQLite
in the home folder by default, so a single analyst needs no server, and PostgreSQL when a council
runs the shared web app: ``CAREASSURE_DATABASE_URL=postgresql+psycopg://user@host/db``.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from careassure.config import home

DATABASE_URL_ENV = "CAREASSURE_DATABASE_URL"
SUPPORTED_BACKENDS = ("sqlite", "postgresql")


def default_database_path() -> Path:
    """The SQLite file used when no URL is configured."""
    return home() / "careassure.db"


def normalise_url(url: str) -> str:
    """The URL with the driver careassure ships (psycopg 3) made explicit.

    ``postgresql://`` and ``postgres://`` (what hosting platforms hand out) would otherwise make
    SQLAlchemy look for psycopg2, which is not installed.
    """
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def database_url() -> str:
    """``$CAREASSURE_DATABASE_URL``, else the SQLite file in the home folder."""
    configured = os.environ.get(DATABASE_URL_ENV)
    if configured:
        return normalise_url(configured)
    return f"sqlite:///{default_database_path()}"


def database_configured() -> bool:
    """Whether there is an application database to use: ``$CAREASSURE_DATABASE_URL`` is set, or
    the web app or demo made the SQLite file. A command-line-only installation has none, and the
    commands that would merely add to it (the audit trail, declared measures) skip it."""
    return bool(os.environ.get(DATABASE_URL_ENV)) or default_database_path().exists()


def error_reason(exc: BaseException) -> str:
    """The first line of a database error, from the driver's own error when SQLAlchemy wraps
    one: what a one-line command-line error shows."""
    return str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]


def display_url(url: str) -> str:
    """The URL with any password masked, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable database URL>"


def _enable_sqlite_foreign_keys(dbapi_connection: object, _record: object) -> None:
    """SQLite ignores foreign keys unless asked on every connection."""
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _private_file(path: Path) -> None:
    """Create the SQLite file readable by its owner only (it holds accounts, sessions and the
    audit trail; SQLite would create it 0644 under the usual umask), with its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def create_engine(url: str | None = None) -> Engine:
    """An engine for ``url`` (default :func:`database_url`); SQLite's folder is created.

    Raises ValueError with the reason when the URL is malformed or names an unsupported database.
    """
    resolved = normalise_url(url) if url else database_url()
    try:
        parsed = make_url(resolved)
    except ArgumentError as exc:
        raise ValueError(f"invalid database URL {display_url(resolved)!r}: {exc}") from exc
    backend = parsed.get_backend_name()
    if backend not in SUPPORTED_BACKENDS:
        raise ValueError(
            f"unsupported database {backend!r} in {display_url(resolved)}: "
            "use sqlite:///PATH or postgresql+psycopg://USER@HOST/DB"
        )
    if backend == "sqlite" and parsed.database and parsed.database != ":memory:":
        _private_file(Path(parsed.database).expanduser())
    engine = sa.create_engine(parsed)
    if backend == "sqlite":
        sa.event.listen(engine, "connect", _enable_sqlite_foreign_keys)
    return engine


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """A session inside one transaction: committed on success, rolled back on any error.

    Objects stay readable after the commit (``expire_on_commit=False``) because callers return
    them to the CLI or web layer once the transaction is over.
    """
    with sessionmaker(engine, expire_on_commit=False)() as session, session.begin():
        yield session
