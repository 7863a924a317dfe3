"""The application-database fixtures (SQLite and PostgreSQL, fresh per test)."""

from __future__ import annotations

import pytest

from careassure.appdb.testing import db_url, migrated_url  # noqa: F401


@pytest.fixture(autouse=True)
def no_configured_database(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's own CAREASSURE_DATABASE_URL must never be touched by a test."""
    monkeypatch.delenv("CAREASSURE_DATABASE_URL", raising=False)
