"""Measures on Spark: a session on a standalone cluster (or local), over the Parquet files of a
store, as an Ibis backend the engine takes like the DuckDB store's.

The engine's measure families are Ibis expressions, so the same code runs on a cluster when the
record tables are Spark tables of the same names. ``careassure ingest --parquet DIR`` (or
:func:`careassure.records.parquet.write_parquet`) writes the store's tables as
``DIR/<table>.parquet``; :func:`parquet_backend` registers each as a view. On a real cluster
the folder must be readable at the same path by every worker (a shared filesystem, or an
``s3a://``/``hdfs://`` URL that Spark reads itself). PySpark is the optional ``spark`` extra,
imported only here.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from careassure.records.schema import STORE_ORDER, TABLES

MASTER_ENV = "CAREASSURE_SPARK_MASTER"
LOCAL_MASTER = "local[*]"

# Fixed for every session: dates are calendar days (a session time zone other than UTC would
# move them), no web UI or console progress bars on a command-line run.
BASE_CONF: dict[str, str] = {
    "spark.sql.session.timeZone": "UTC",
    "spark.ui.showConsoleProgress": "false",
}


class SparkSetupError(RuntimeError):
    """PySpark is missing, or the Parquet folder lacks a table the measures need."""


def spark_master(master: str | None = None) -> str:
    """The master URL to run on: the one given, else ``$CAREASSURE_SPARK_MASTER`` (e.g.
    ``spark://10.0.0.5:7077``), else local Spark on every core of this machine."""
    return master or os.environ.get(MASTER_ENV, "").strip() or LOCAL_MASTER


def spark_session(master: str | None = None, *, app: str = "careassure",
                  conf: Mapping[str, str] | None = None) -> Any:
    """A Spark session on ``spark_master(master)``. Executors run this interpreter's Python
    (should Spark need Python on them), so driver and workers agree on versions."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise SparkSetupError("PySpark is not installed: install careassure with the `spark` "
                              "extra (uv sync --all-extras)") from exc
    builder = SparkSession.builder.master(spark_master(master)).appName(app)
    settings = {**BASE_CONF, "spark.pyspark.python": sys.executable,
                "spark.pyspark.driver.python": sys.executable, **(conf or {})}
    for key, value in settings.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def parquet_backend(session: Any, folder: str | Path) -> Any:
    """An Ibis backend whose record tables are the Parquet files in ``folder``, one
    ``<table>.parquet`` (a file or a folder of parts) per table. The tables only some loads fill
    (``cld_events``, ``cld_people``) may be absent; the record tables may not."""
    import ibis

    where = str(folder).rstrip("/")
    local = "://" not in where
    for name in STORE_ORDER:
        path = f"{where}/{name}.parquet"
        if local and not Path(path).exists():
            if TABLES[name].required_table:
                raise SparkSetupError(f"{path} is missing: write the store's tables with "
                                      "`careassure ingest --parquet` first")
            session.catalog.dropTempView(name)  # not another folder's table of that name
            continue
        session.read.parquet(path).createOrReplaceTempView(name)
    return ibis.pyspark.connect(session)
