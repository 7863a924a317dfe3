"""Alembic environment for the application database.

Run through :mod:`careassure.appdb.migrate`, which hands over an open connection; when run by a
developer's own Alembic command (for ``alembic revision --autogenerate``) it connects to
``$CAREASSURE_DATABASE_URL`` instead. SQLite gets batch mode because it cannot ALTER most things.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from careassure.appdb.engine import create_engine
from careassure.appdb.migrate import target_metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata(),
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("careassure migrations run online only: use `careassure db upgrade`")

given = context.config.attributes.get("connection")
if given is not None:
    _run(given)
else:
    engine = create_engine()
    try:
        with engine.begin() as connection:
            _run(connection)
    finally:
        engine.dispose()
