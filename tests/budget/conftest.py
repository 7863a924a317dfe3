"""The application-database fixtures (SQLite and PostgreSQL, fresh per test) and the demo MTFS."""

from __future__ import annotations

import pytest

from careassure.appdb.testing import db_url, migrated_url  # noqa: F401
from careassure.budget.files import DEMO_TABLES, read_version
from careassure.budget.model import VersionSpec


@pytest.fixture(autouse=True)
def no_configured_database(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's own CAREASSURE_DATABASE_URL must never be touched by a test."""
    monkeypatch.delenv("CAREASSURE_DATABASE_URL", raising=False)


@pytest.fixture
def seed() -> VersionSpec:
    """The demo's MTFS tables as read from the shipped template folder."""
    return read_version(DEMO_TABLES)
