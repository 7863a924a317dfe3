"""The application-database fixtures (SQLite and PostgreSQL, fresh per test) and a tiny store."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from careassure.appdb.testing import db_url, migrated_url  # noqa: F401
from careassure.records.store import open_store


@pytest.fixture(autouse=True)
def no_configured_database(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's own CAREASSURE_DATABASE_URL must never be touched by a test."""
    monkeypatch.delenv("CAREASSURE_DATABASE_URL", raising=False)


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """Five people waiting in a locality team from 1 December 2024, three allocated on
    1 February 2025; one more waiting in a specialist team from 15 February."""
    path = tmp_path / "store.duckdb"
    with open_store(path, read_only=False) as opened:
        con = opened.connection
        con.execute("INSERT INTO teams (team, team_type, extract) VALUES "
                    "('North', 'locality', 't'), ('Hub', 'specialist', 't')")
        for n in range(1, 7):
            con.execute("INSERT INTO people (person_id, client_type, extract) "
                        "VALUES (?, 'service_user', 't')", [f"P{n}"])
        rows = [(f"E{n}", f"P{n}", "North", date(2024, 12, 1),
                 date(2025, 2, 1) if n <= 3 else None) for n in range(1, 6)]
        rows.append(("E6", "P6", "Hub", date(2025, 2, 15), None))
        con.executemany(
            "INSERT INTO episodes (episode_id, person_id, kind, team, received_date, "
            "allocated_date, extract) VALUES (?, ?, 'care_act_assessment', ?, ?, ?, 't')",
            rows,
        )
    return path
