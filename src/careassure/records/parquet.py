"""The store's tables as Parquet files, for engines other than the embedded DuckDB store.

A region's or the nation's CLD outgrows one machine: ``careassure ingest --parquet DIR`` writes
every record table of the store, after the load, as ``DIR/<table>.parquet`` (the declared columns
with their types, ``person_id`` pseudonymised as in the store), which a Spark cluster reads
(``careassure.measures.spark``). The files hold the same special-category data as the store and
need the same protection.
"""

from __future__ import annotations

from pathlib import Path

from careassure.records.schema import STORE_ORDER, TABLES
from careassure.records.store import open_store


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def write_parquet(store: str | Path | None, folder: str | Path) -> dict[str, int]:
    """Write each table of ``store`` (default: the configured store) to ``folder`` as
    ``<table>.parquet``, replacing earlier files; rows written per table. Tables the store does
    not hold (a store written before ``cld_people`` existed) are not written."""
    target = Path(folder).expanduser()
    target.mkdir(parents=True, exist_ok=True)
    written: dict[str, int] = {}
    with open_store(store) as opened:
        con = opened.connection
        present = {r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
        ).fetchall()}
        for name in STORE_ORDER:
            if name not in present:
                continue
            columns = ", ".join(f'"{c}"' for c in TABLES[name].column_names)
            path = target / f"{name}.parquet"
            con.execute(f'COPY (SELECT {columns} FROM "{name}") TO {_quoted(str(path))} '
                        "(FORMAT parquet, COMPRESSION zstd)")
            row = con.execute(f'SELECT count(*) FROM "{name}"').fetchone()
            written[name] = int(row[0]) if row else 0
    return written
