"""Fixtures for the measure tests: the same tiny stores on every engine (DuckDB always; Spark
in local mode, marked slow), so each spec test proves the engines agree."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from measure_spec import Row, duckdb_backend, spark_backend

ENGINES = ["duckdb", pytest.param("spark", marks=pytest.mark.slow)]


@pytest.fixture(scope="session")
def spark_session() -> Iterator[Any]:
    """One local Spark for the whole run: one core, one shuffle partition, UTC, no UI. In CI a
    missing PySpark is a failure, not a skip, so "the engines agree" cannot quietly become "one
    engine ran"."""
    try:
        import pyspark.sql as pyspark_sql
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("PySpark is not installed in CI: `uv sync --all-extras` installs it")
        pytest.skip("PySpark is not installed (the `spark` extra)")
    session = (
        pyspark_sql.SparkSession.builder.master("local[1]")
        .appName("careassure-measures-tests")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.default.parallelism", "1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def store(engine: str, request: pytest.FixtureRequest) -> Callable[..., Any]:
    """``store(episodes=[...], services=[...], ...)`` -> an Ibis backend on the test's engine."""

    def build(**tables: list[Row]) -> Any:
        if engine == "spark":
            return spark_backend(request.getfixturevalue("spark_session"), tables)
        return duckdb_backend(tables)

    return build
