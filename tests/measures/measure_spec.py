"""Tiny hand-made stores for the measure spec tests, buildable on every engine.

Each test writes the few rows its case needs with the builders below (unset columns are NULL,
required ones get a neutral default) and gets back an Ibis backend holding all six record tables:
an in-memory DuckDB store created with the store's own DDL, or Spark temporary views with the
equivalent types. The same rows, the same measure code, the same expected answers.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import duckdb
import pytest

from careassure.records.schema import STORE_ORDER, TABLES, ColumnType
from careassure.records.store import EXTRACT_COLUMN, create_schema

Row = dict[str, Any]

# Every spec test runs on DuckDB and local Spark; the councils' spec tests of the national set
# for every council and the whole set in one evaluation (``national_engines``) also on
# a two-worker standalone cluster, together (``scope``: one switch from local Spark). Every Spark
# test, local or cluster, runs on one xdist worker, so a run starts one Java process and one
# cluster, not one per worker. Each rule's own spec test runs on DuckDB and local Spark only: on
# two cores every cluster evaluation costs tens of seconds, and the rules are the same Ibis code
# whichever Spark runs it.
ENGINES = ["duckdb", pytest.param("spark", marks=[pytest.mark.slow,
                                                   pytest.mark.xdist_group("spark-cluster")])]
NATIONAL_ENGINES = [*ENGINES, pytest.param(
    "cluster", marks=[pytest.mark.slow, pytest.mark.cluster,
                      pytest.mark.xdist_group("spark-cluster")])]
national_engines = pytest.mark.parametrize("engine", NATIONAL_ENGINES, scope="session")


def d(text: str) -> date:
    """A date from ISO text, to keep fixtures readable."""
    return date.fromisoformat(text)


def person(person_id: str, **columns: Any) -> Row:
    return {"person_id": person_id, "client_type": "service_user", **columns}


def team(name: str, team_type: str) -> Row:
    return {"team": name, "team_type": team_type}


_episode_ids = iter(range(1, 10**9))


def episode(kind: str, received: str, *, person_id: str = "P1", **columns: Any) -> Row:
    """An episode; date columns may be given as ISO text (``completed="2025-01-02"``)."""
    dates = {
        f"{name}_date": d(value)
        for name, value in columns.items()
        if name in ("allocated", "completed", "closed")
    }
    rest = {k: v for k, v in columns.items() if k not in ("allocated", "completed", "closed")}
    return {
        "episode_id": f"E{next(_episode_ids)}",
        "person_id": person_id,
        "kind": kind,
        "received_date": d(received),
        **dates,
        **rest,
    }


_service_ids = iter(range(1, 10**9))


def service(
    person_id: str, start: str, end: str | None = None, *, setting: str = "home_care",
    support_type: str = "long_term", **columns: Any,
) -> Row:
    return {
        "service_id": f"S{next(_service_ids)}",
        "person_id": person_id,
        "support_type": support_type,
        "setting": setting,
        "start_date": d(start),
        "end_date": d(end) if end else None,
        **columns,
    }


def call(received_at: str, answered: bool, queue_seconds: int | None = None,
         category: str | None = None) -> Row:
    return {
        "contact_id": f"C{received_at}",
        "received_at": datetime.fromisoformat(received_at),
        "answered": answered,
        "queue_seconds": queue_seconds,
        "category": category,
    }


def with_people(tables: dict[str, list[Row]]) -> dict[str, list[Row]]:
    """Add a default person for every person_id referenced but not given."""
    people = list(tables.get("people", []))
    known = {p["person_id"] for p in people}
    for name in ("episodes", "services", "cld_events", "cld_people"):
        for row in tables.get(name, []):
            if row["person_id"] not in known:
                people.append(person(row["person_id"]))
                known.add(row["person_id"])
    return {**tables, "people": people}


def duckdb_backend(tables: dict[str, list[Row]]) -> Any:
    import ibis

    con = duckdb.connect(":memory:")
    create_schema(con)
    insert_rows(con, tables)
    return ibis.duckdb.from_connection(con)


def insert_rows(con: duckdb.DuckDBPyConnection, tables: dict[str, list[Row]]) -> None:
    """Add the rows to a connection holding the store's tables (a store file or in memory)."""
    for name, rows in with_people(tables).items():
        columns = [*TABLES[name].column_names, EXTRACT_COLUMN]
        values = [[row.get(c, "spec") if c == EXTRACT_COLUMN else row.get(c) for c in columns]
                  for row in rows]
        if values:
            marks = ", ".join("?" for _ in columns)
            quoted = ", ".join(f'"{c}"' for c in columns)
            con.executemany(f'INSERT INTO "{name}" ({quoted}) VALUES ({marks})', values)


def frames_backend(frames: dict[str, Any]) -> Any:
    """An in-memory DuckDB store holding pandas frames in the record format (a synthetic
    county from ``careassure.synth.generate_county``), loaded without the ingest checks."""
    import ibis

    con = duckdb.connect(":memory:")
    create_schema(con)
    for name, frame in frames.items():
        columns = ", ".join(f'"{c}"' for c in TABLES[name].column_names)
        con.register("frame", frame)
        con.execute(f'INSERT INTO "{name}" ({columns}, "{EXTRACT_COLUMN}") '
                    f"SELECT {columns}, 'synthetic' FROM frame")
        con.unregister("frame")
    return ibis.duckdb.from_connection(con)


def _spark_type(kind: ColumnType) -> Any:
    from pyspark.sql import types as T

    return {
        ColumnType.TEXT: T.StringType(),
        ColumnType.CODE: T.StringType(),
        ColumnType.MONTH: T.StringType(),
        ColumnType.DATE: T.DateType(),
        ColumnType.DATETIME: T.TimestampNTZType(),
        ColumnType.BOOL: T.BooleanType(),
        ColumnType.INTEGER: T.LongType(),
        ColumnType.DECIMAL: T.DecimalType(12, 2),
    }[kind]


def spark_backend(session: Any, tables: dict[str, list[Row]]) -> Any:
    import ibis
    from pyspark.sql import types as T

    tables = with_people(tables)
    for name in STORE_ORDER:
        table = TABLES[name]
        schema = T.StructType(
            [T.StructField(c.name, _spark_type(c.type), True) for c in table.columns]
        )
        rows = [
            tuple(
                Decimal(str(r[c.name])) if c.type is ColumnType.DECIMAL and r.get(c.name)
                is not None else r.get(c.name)
                for c in table.columns
            )
            for r in tables.get(name, [])
        ]
        session.createDataFrame(rows, schema).createOrReplaceTempView(name)
    return ibis.pyspark.connect(session)


def whole_area(values: list[Any]) -> dict[str, Any]:
    """The whole-area MeasureValue of each measure in a single-date result."""
    found = {v.measure: v for v in values if v.breakdown is None}
    assert len(found) == len({v.measure for v in values}), "one whole-area row per measure"
    return found


def figures(value: Any) -> tuple[Any, Any, Any]:
    """(value, numerator, denominator) of a MeasureValue, for compact assertions."""
    return value.value, value.numerator, value.denominator
