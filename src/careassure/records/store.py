"""The analytical store: one DuckDB file holding the six record tables and the load log.

Later layers (measures, forecast, reports, web) read the store only through this module, so the
file layout can change without touching them. Tables hold exactly the columns declared in
:mod:`careassure.records.schema` (``person_id`` already pseudonymised) plus ``extract``, the name of
the extract each row came from, which lets a repeated load replace its own rows and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from careassure.config import default_store_path
from careassure.records.schema import LOAD_ORDER, TABLES

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


def table_ddl(name: str) -> str:
    """CREATE TABLE statement for one record table, generated from the schema declaration."""
    table = TABLES[name]
    columns = [f'"{c.name}" {c.type.sql_type}' for c in table.columns]
    columns.append(f'"{EXTRACT_COLUMN}" VARCHAR NOT NULL')
    return f'CREATE TABLE IF NOT EXISTS "{name}" ({", ".join(columns)})'


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every record table and the load log if absent (safe to call on any store)."""
    for name in LOAD_ORDER:
        con.execute(table_ddl(name))
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

    def row_counts(self) -> dict[str, int]:
        """Rows per record table, in load order."""
        return {
            name: self.connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
            for name in LOAD_ORDER
        }

    def is_empty(self) -> bool:
        return not any(self.row_counts().values())

    def close(self) -> None:
        self.connection.close()


def store_path(path: str | Path | None) -> Path:
    """The store file to use: the one given, else ``$CAREASSURE_STORE`` or the home default."""
    return Path(path).expanduser() if path else default_store_path()


@contextmanager
def open_store(path: str | Path | None = None, *, read_only: bool = True) -> Iterator[Store]:
    """Open the store (creating an empty one when writing), and close it afterwards.

    Readers open it read-only so that the web app and a report run can share the file while an
    analyst loads the next extract into a copy.
    """
    resolved = store_path(path)
    if read_only and not resolved.exists():
        raise FileNotFoundError(f"no store at {resolved}: load an extract with `careassure ingest`")
    if not read_only:
        resolved.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(resolved), read_only=read_only)
    try:
        if not read_only:
            create_schema(con)
        yield Store(resolved, con)
    finally:
        con.close()
