"""The application-database fixtures for reported values (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from careassure.appdb.testing import db_url, migrated_url  # noqa: F401


@pytest.fixture(autouse=True)
def no_configured_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CAREASSURE_DATABASE_URL", raising=False)
