"""The analytical store: one DuckDB file holding the six record tables and the load log.

Later layers (measures, forecast, reports, web) read the store only through this module, so the
file layout can change without touching them. Tables hold exactly the columns declared in
:mod:`careassure.records.schema` (``person_id`` already pseudonymised) plus ``extract``, the name of
the extract each row came from, which lets a repeated load replace its own rows and nothing else.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from careassure.config import store_path
from careassure.records.schema import STORE_ORDER, TABLES

if TYPE_CHECKING:
    import ibis.backends.duckdb

EXTRACT_COLUMN = "extract"
LOAD_LOG_TABLE = "load_log"

LOAD_LOG_DDL = f"""
CREATE TABLE IF NOT EXISTS {LOAD_LOG_TABLE} (
    load_id       VARCHAR PRIMARY KEY,
    extract       VARCHAR NOT NULL,
    source_format VARCHAR NOT NULL,
    loaded_at     TIMESTAMP NOT NULL,
    loaded_by     VARCHAR NOT NULL,
    source_path   VARCHAR NOT NULL,
    file_hashes   VARCHAR NOT NULL,  -- JSON object: file name -> SHA-256
    row_counts    VARCHAR NOT NULL,  -- JSON object: table -> rows loaded
    extra_columns VARCHAR NOT NULL,  -- JSON object: table -> columns reported and not stored
    notes         VARCHAR
)
"""


# The dates that say how recent an extract is: when work arrived, moved or ended, and calls came
# in. Service end dates are left out: a planned end may lie in the future.
ACTIVITY_DATES: tuple[tuple[str, str], ...] = (
    ("episodes", "received_date"),
    ("episodes", "allocated_date"),
    ("episodes", "completed_date"),
    ("episodes", "closed_date"),
    ("services", "start_date"),
    ("contacts", "received_at"),
)


@dataclass(frozen=True)
class LoadRecord:
    """One row of the load log: who loaded which files into which extract, and when (UTC)."""

    load_id: str
    extract: str
    source_format: str
    loaded_at: datetime
    loaded_by: str
    source_path: str
    file_hashes: dict[str, str]
    row_counts: dict[str, int]
    extra_columns: dict[str, list[str]]
    notes: str | None


def table_ddl(name: str) -> str:
    """CREATE TABLE statement for one record table, generated from the schema declaration."""
    table = TABLES[name]
    columns = [f'"{c.name}" {c.type.sql_type}' for c in table.columns]
    columns.append(f'"{EXTRACT_COLUMN}" VARCHAR NOT NULL')
    return f'CREATE TABLE IF NOT EXISTS "{name}" ({", ".join(columns)})'


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every record table and the load log if absent (safe to call on any store), and add
    the columns a store written by an earlier version lacks (every added column is optional, so
    its old rows read as NULL: ``cld_people.la_code`` of a single-council load)."""
    for name in STORE_ORDER:
        con.execute(table_ddl(name))
    present = {(t, c) for t, c in con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() "
        "WHERE database_name = current_database() AND schema_name = current_schema()"
    ).fetchall()}
    for name in STORE_ORDER:
        for column in TABLES[name].columns:
            if (name, column.name) not in present:
                con.execute(f'ALTER TABLE "{name}" ADD COLUMN "{column.name}" '
                            f"{column.type.sql_type}")
    con.execute(LOAD_LOG_DDL)


@dataclass
class Store:
    """An open analytical store. Use :func:`open_store` rather than building one directly."""

    path: Path
    connection: duckdb.DuckDBPyConnection

    def ibis(self) -> ibis.backends.duckdb.Backend:
        """An Ibis backend over the same connection, for measure expressions."""
        import ibis

        return ibis.duckdb.from_connection(self.connection)

    def _tables(self) -> list[str]:
        """The store's tables in load order: a store written before an optional table existed
        and opened read-only lacks it."""
        present = {r[0] for r in self.connection.execute(
            "SELECT table_name FROM information_schema.tables").fetchall()}
        return [n for n in STORE_ORDER if n in present or TABLES[n].required_table]

    def row_counts(self) -> dict[str, int]:
        """Rows per record table, in load order, then the tables only some readers fill
        (``cld_events``) when they hold rows."""
        counts = {
            name: _one(self.connection.execute(f'SELECT count(*) FROM "{name}"').fetchone())
            for name in self._tables()
        }
        return {name: n for name, n in counts.items() if n or TABLES[name].required_table}

    def is_empty(self) -> bool:
        return not any(self.row_counts().values())

    def loads(self) -> list[LoadRecord]:
        """The load log, most recent first."""
        rows = self.connection.execute(
            "SELECT load_id, extract, source_format, loaded_at, loaded_by, source_path, "
            "file_hashes, row_counts, extra_columns, notes "
            f"FROM {LOAD_LOG_TABLE} ORDER BY loaded_at DESC, load_id DESC"
        ).fetchall()
        return [
            LoadRecord(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6]), json.loads(r[7]),
                       json.loads(r[8]), r[9])
            for r in rows
        ]

    def extracts(self) -> list[str]:
        """The extracts the store holds rows of, by name."""
        found: set[str] = set()
        for name in self._tables():
            found.update(r[0] for r in self.connection.execute(
                f'SELECT DISTINCT "{EXTRACT_COLUMN}" FROM "{name}"').fetchall())
        return sorted(found)

    def extract_date(self, extract: str | None = None) -> date | None:
        """The day the data runs to: the latest activity date it holds (work received,
        allocated, completed or closed, a service started, a call received), never later than
        the day it was loaded (a mistyped future date must not move "today"). Without activity,
        the day of the latest load; None for a store never loaded. ``extract`` limits both to
        one extract."""
        where = f'WHERE "{EXTRACT_COLUMN}" = $extract' if extract else ""
        parameters = {"extract": extract} if extract else {}
        latest = [
            f'SELECT max("{column}")::DATE AS day FROM "{table}" {where}'
            for table, column in ACTIVITY_DATES
        ]
        row = self.connection.execute(
            f"SELECT max(day) FROM ({' UNION ALL '.join(latest)})", parameters).fetchone()
        seen = row[0] if row else None
        log_where = "WHERE extract = $extract" if extract else ""
        row = self.connection.execute(
            f"SELECT max(loaded_at)::DATE FROM {LOAD_LOG_TABLE} {log_where}", parameters
        ).fetchone()
        loaded = row[0] if row else None
        if seen is None or loaded is None:
            return seen or loaded
        return min(seen, loaded)

    def close(self) -> None:
        self.connection.close()


# A DuckDB database file says so in its first bytes (after an 8-byte checksum).
DUCKDB_MAGIC, DUCKDB_MAGIC_OFFSET = b"DUCK", 8


class NotAStoreError(FileNotFoundError):
    """The store path is a folder, or a file DuckDB did not write (a CSV given by mistake). A
    FileNotFoundError, so that every caller that already explains a missing store explains this
    too, instead of a DuckDB traceback."""


def check_store_path(path: Path) -> None:
    """Raise NotAStoreError unless ``path`` is absent (a store to create) or a DuckDB file."""
    if path.is_dir():
        raise NotAStoreError(f"{path} is a folder, not a store: give the store's file name, e.g. "
                             f"{path / 'store.duckdb'}")
    if path.exists():
        with path.open("rb") as file:
            header = file.read(DUCKDB_MAGIC_OFFSET + len(DUCKDB_MAGIC))
        if header[DUCKDB_MAGIC_OFFSET:] != DUCKDB_MAGIC:
            raise NotAStoreError(f"{path} is not a careassure store (not a DuckDB database file)")


@contextmanager
def open_store(path: str | Path | None = None, *, read_only: bool = True) -> Iterator[Store]:
    """Open the store (creating an empty one when writing), and close it afterwards.

    Readers open it read-only so that the web app and a report run can share the file while an
    analyst loads the next extract into a copy.
    """
    resolved = store_path(path)
    if read_only and not resolved.exists():
        raise FileNotFoundError(f"no store at {resolved}: load an extract with `careassure ingest`")
    check_store_path(resolved)
    if not read_only:
        resolved.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(resolved), read_only=read_only)
    try:
        if not read_only:
            create_schema(con)
        yield Store(resolved, con)
    finally:
        con.close()


def data_end(path: str | Path | None = None) -> date | None:
    """The day the store at ``path`` (default: the configured store) runs to, or None when there
    is no store yet or it holds no data. Commands default their as-of date to it and refuse
    later dates: past the data's end every open case would look as if it were still waiting."""
    resolved = store_path(path)
    if not resolved.exists():
        return None
    with open_store(resolved) as store:
        return store.extract_date()


def _one(row: tuple[Any, ...] | None) -> Any:
    """The single value of a one-row, one-column query (``count(*)`` always returns a row)."""
    if row is None:
        raise RuntimeError("the store answered an aggregate query with no row")
    return row[0]
