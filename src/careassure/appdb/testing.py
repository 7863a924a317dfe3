"""Pytest fixtures for code that uses the application database, shared by every test package.

Import them into a ``conftest.py`` (``from careassure.appdb.testing import db_url, migrated_url``).
``db_url`` runs a test twice, on SQLite and on the PostgreSQL server that ``scripts/test.sh``
starts (fixture ``postgres_url``, which fails in CI when the server is missing), each time on a
fresh, empty database: a new SQLite file, or a new PostgreSQL schema dropped afterwards, which is
much faster than creating a database per test. This module imports pytest: tests only.
"""

from __future__ import annotations

import shutil
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


_TEMPLATES: dict[str, Path] = {}


def _migrated_sqlite_file(request: pytest.FixtureRequest) -> Path:
    """One SQLite file with every migration applied, made once per test process (a plain cache
    rather than a session fixture, so that conftests importing ``migrated_url`` need nothing
    more)."""
    if "sqlite" not in _TEMPLATES:
        factory: pytest.TempPathFactory = request.getfixturevalue("tmp_path_factory")
        path = factory.mktemp("migrated") / "template.db"
        upgrade(f"sqlite:///{path}")
        _TEMPLATES["sqlite"] = path
    return _TEMPLATES["sqlite"]


@pytest.fixture
def migrated_url(db_url: str, request: pytest.FixtureRequest) -> str:
    """A fresh application database with every migration applied. On SQLite a copy of a file
    migrated once per session (the same bytes ``upgrade`` would write, without running the
    chain again for each of several hundred tests); on PostgreSQL the chain runs in the test's
    own schema. The migrations themselves are tested from empty in tests/appdb."""
    if db_url.startswith("sqlite:///"):
        shutil.copy(_migrated_sqlite_file(request), db_url.removeprefix("sqlite:///"))
        return db_url
    upgrade(db_url)
    return db_url
