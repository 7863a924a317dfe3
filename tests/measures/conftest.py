"""Fixtures for the measure tests: the same tiny stores on every engine (DuckDB always; Spark
in local mode, marked slow; for the national subset also a two-worker Spark standalone cluster
on loopback, marked slow), so each spec test proves the engines agree."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from measure_spec import ENGINES, Row, duckdb_backend, spark_backend

LOCAL = "local[1]"
# Tests: one shuffle partition locally, one per worker on the cluster; no UI; no adaptive query
# execution (on a few rows it only re-plans each stage: the Spark tests took 12% longer with it).
_CONF = {"spark.ui.enabled": "false", "spark.driver.memory": "1g",
         "spark.sql.adaptive.enabled": "false",
         "spark.driver.host": "127.0.0.1", "spark.driver.bindAddress": "127.0.0.1"}
_CLUSTER_CONF = {"spark.sql.shuffle.partitions": "2", "spark.default.parallelism": "2",
                 "spark.executor.memory": "512m", "spark.cores.max": "2"}
_LOCAL_CONF = {"spark.sql.shuffle.partitions": "1", "spark.default.parallelism": "1"}


class SparkSessions:
    """The one Spark session a process may have, on the master last asked for: switching from
    local Spark to the cluster stops the local session first (and back)."""

    def __init__(self) -> None:
        self.master: str | None = None
        self.session: Any = None

    def on(self, master: str) -> Any:
        from careassure.measures.spark import spark_session

        if master != self.master:
            self.close()
            conf = {**_CONF, **(_LOCAL_CONF if master == LOCAL else _CLUSTER_CONF)}
            self.session = spark_session(master, app="careassure-measures-tests", conf=conf)
            self.master = master
        return self.session

    def close(self) -> None:
        if self.session is not None:
            self.session.stop()
        self.session, self.master = None, None


@pytest.fixture(scope="session")
def spark_sessions() -> Iterator[SparkSessions]:
    """In CI a missing PySpark is a failure, not a skip, so "the engines agree" cannot quietly
    become "one engine ran"."""
    try:
        import pyspark.sql  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("PySpark is not installed in CI: `uv sync --all-extras` installs it")
        pytest.skip("PySpark is not installed (the `spark` extra)")
    sessions = SparkSessions()
    yield sessions
    sessions.close()


@pytest.fixture
def spark_session(spark_sessions: SparkSessions) -> Any:
    """Local Spark: one core, one shuffle partition, UTC, no UI."""
    return spark_sessions.on(LOCAL)


@pytest.fixture(scope="session")
def spark_cluster(spark_sessions: SparkSessions) -> Iterator[Any]:
    """A Spark standalone master and two one-core workers on loopback, started from the pyspark
    installation (at most 2 minutes to come up) and stopped, with any session on them, at the
    end of the run."""
    from careassure.measures.sparkcluster import LoopbackCluster

    with LoopbackCluster(workers=2, cores=1, memory="1g", start_seconds=120) as cluster:
        yield cluster
        if spark_sessions.master == cluster.master_url:
            spark_sessions.close()


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def store(engine: str, request: pytest.FixtureRequest) -> Callable[..., Any]:
    """``store(episodes=[...], services=[...], ...)`` -> an Ibis backend on the test's engine."""

    def build(**tables: list[Row]) -> Any:
        if engine == "spark":
            return spark_backend(request.getfixturevalue("spark_session"), tables)
        if engine == "cluster":
            cluster = request.getfixturevalue("spark_cluster")
            sessions = request.getfixturevalue("spark_sessions")
            return spark_backend(sessions.on(cluster.master_url), tables)
        return duckdb_backend(tables)

    return build
