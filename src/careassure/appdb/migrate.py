"""Schema migrations, applied from Python so that no ``alembic.ini`` has to be found on disk.

The migration scripts ship inside the package (``careassure/appdb/migrations``), so an installed
careassure can always bring its own database up to date: ``careassure db upgrade`` or
:func:`upgrade`. Commands that use the database call :func:`require_current` first and refuse to
run against an older schema rather than fail half-way through a change.

To add tables: declare them on :class:`careassure.appdb.Base`, list their module in
``MODEL_MODULES`` and add the next numbered script under ``migrations/versions`` (the test
``tests/appdb/test_migrations.py`` fails until the scripts and the declarations agree).
"""

from __future__ import annotations

import importlib
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection, Engine

from careassure.appdb.base import Base
from careassure.appdb.engine import create_engine, display_url

MIGRATIONS_DIR = Path(__file__).with_name("migrations")

# Every module that declares tables on Base; the migration environment imports them all.
MODEL_MODULES = (
    "careassure.appdb.audit",
    "careassure.budget.tables",
    "careassure.compare.tables",
    "careassure.framework.tables",
    "careassure.plan.tables",
    "careassure.reported.tables",
    "careassure.web.record_views",
    "careassure.web.saved_views",
    "careassure.reports.tables",
    "careassure.web.tables",
)


class DatabaseNotReady(RuntimeError):
    """The database's schema is not the one this version of careassure needs."""


def target_metadata() -> MetaData:
    """The metadata holding every declared table."""
    for module in MODEL_MODULES:
        importlib.import_module(module)
    return Base.metadata


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest migration this careassure ships."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None, "no migration scripts shipped"
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; None for an empty database."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(url: str | None = None, revision: str = "head") -> str:
    """Apply migrations up to ``revision`` and return the revision the database is now at."""
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            command.upgrade(_config(connection), revision)
        return current_revision(engine) or "base"
    finally:
        engine.dispose()


def downgrade(url: str | None, revision: str) -> str:
    """Undo migrations down to ``revision`` (``"base"`` for an empty schema)."""
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            command.downgrade(_config(connection), revision)
        return current_revision(engine) or "base"
    finally:
        engine.dispose()


def require_current(engine: Engine) -> None:
    """Raise :class:`DatabaseNotReady` unless the schema is at this careassure's head."""
    current = current_revision(engine)
    head = head_revision()
    if current != head:
        where = display_url(engine.url.render_as_string(hide_password=False))
        found = f"revision {current}" if current else "no careassure tables"
        raise DatabaseNotReady(
            f"the application database {where} has {found}; this careassure needs revision "
            f"{head}: run `careassure db upgrade`"
        )
