"""Tiny hand-made stores for the forecast tests."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from careassure.records.store import create_schema

# (episode_id, kind, team, received, allocated, completed, closed); dates ISO or None.
EpisodeRow = tuple[str, str, str | None, str, str | None, str | None, str | None]


@pytest.fixture
def make_store(tmp_path: Path) -> Callable[[Iterable[EpisodeRow]], Path]:
    """Write a store holding the given episodes (and the people and teams they name)."""

    def make(rows: Iterable[EpisodeRow], name: str = "store.duckdb") -> Path:
        path = tmp_path / name
        con = duckdb.connect(str(path))
        try:
            create_schema(con)
            rows = list(rows)
            con.execute(
                "INSERT INTO people (person_id, client_type, extract) VALUES ('p1', "
                "'service_user', 'test')"
            )
            teams = sorted({row[2] for row in rows if row[2] is not None})
            if teams:
                con.executemany(
                    "INSERT INTO teams (team, team_type, extract) VALUES (?, 'locality', 'test')",
                    [[team] for team in teams],
                )
            names = ("episode_id", "kind", "team", "received", "allocated", "completed", "closed")
            columns = {name: [row[i] for row in rows] for i, name in enumerate(names)}
            con.register("episodes_arrow", pa.table(columns))
            con.execute(
                "INSERT INTO episodes (episode_id, person_id, kind, team, received_date, "
                "allocated_date, completed_date, closed_date, extract) "
                "SELECT episode_id, 'p1', kind, team, received::DATE, allocated::DATE, "
                "completed::DATE, closed::DATE, 'test' FROM episodes_arrow"
            )
        finally:
            con.close()
        return path

    return make
