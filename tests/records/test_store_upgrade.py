"""A store written before a column existed gains it when next opened for writing, its old rows
reading NULL, so a load into it does not fail on the missing column."""

from __future__ import annotations

from pathlib import Path

import duckdb

from careassure.records.store import open_store


def test_a_store_without_the_council_column_gains_it(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute('CREATE TABLE cld_people (person_id VARCHAR, date_of_death DATE, '
                'accommodation_status VARCHAR, settled_accommodation BOOLEAN, '
                'employment_status VARCHAR, "extract" VARCHAR NOT NULL)')
    con.execute("INSERT INTO cld_people (person_id, \"extract\") VALUES ('p1', 'cld')")
    con.close()
    with open_store(path, read_only=False) as store:
        rows = store.connection.execute("SELECT person_id, la_code FROM cld_people").fetchall()
    assert rows == [("p1", None)]
