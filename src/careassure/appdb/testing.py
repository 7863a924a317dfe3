"""Pytest fixtures for code that uses the application database, shared by every test package.

Import them into a ``conftest.py`` (``from careassure.appdb.testing import db_url, migrated_url``).
``db_url`` runs a test twice, on SQLite and on the PostgreSQL server that ``scripts/test.sh``
starts (fixture ``postgres_url``, which fails in CI when the server is missing), each time on a
fresh, empty database: a new SQLite file, or a new PostgreSQL schema dropped afterwards, which is
much faster than creating a database per test. This module imports pytest: tests only.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from careassure.appdb.migrate import upgrade


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh, empty application database (no tables yet)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'careassure-test.db'}"
        return
    server = request.getfixturevalue("postgres_url")
    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = sa.create_engine(server)
    try:
        with admin.begin() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        url = make_url(server).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        admin.dispose()


@pytest.fixture
def migrated_url(db_url: str) -> str:
    """A fresh application database with every migration applied."""
    upgrade(db_url)
    return db_url
