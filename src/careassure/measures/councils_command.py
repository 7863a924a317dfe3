"""``careassure national``: the national measure set for many councils in one run.

A store loaded from several councils' CLD files (``careassure ingest --format cld councils/``)
keeps each person's council (``cld_people.la_code``). This command evaluates DHSC's waiting
times and the ASCOF measures from CLD for the whole set and for each council in one evaluation
(the ``la_code`` breakdown), or any other breakdown within one council (``--council``), on the
embedded DuckDB store or, with ``--parquet``, on Spark: local, or the standalone cluster of
``--spark-master`` / ``$CAREASSURE_SPARK_MASTER`` (docs/national.md).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import typer

from careassure.cliargs import fail as _fail
from careassure.cliargs import parse_day as _day
from careassure.measures.command import (
    DB,
    FORMAT,
    PUBLISH,
    OutputFormat,
    _breakdown,
    _emit,
    _measure_ids,
    _published,
    _run,
    _within_data,
)

# The national measure set: DHSC's CLD waiting times and the ASCOF measures DHSC derives from CLD.
NATIONAL_SET = ("dhsc.*", "ascof.*")
COUNCIL = "la_code"
MEASURE = typer.Option(None, "--measure", "-m", help="A measure id or pattern (ascof.3d.*); "
                       "repeat for more. Default: the national set, dhsc.* and ascof.*.")

PARQUET = typer.Option(None, "--parquet", help="Read the tables from this folder of Parquet "
                       "files (careassure ingest --parquet) on Spark instead of the store.")
SPARK_MASTER = typer.Option(None, "--spark-master", help="With --parquet: the Spark master URL "
                            "(spark://host:7077). Default: $CAREASSURE_SPARK_MASTER, else local "
                            "Spark.")


def national(
    as_of: str | None = typer.Option(None, "--as-of", help="The date (YYYY-MM-DD); flows (the "
                                     "DHSC waits) over the three months ending on it. Default: "
                                     "the store's latest date (required with --parquet)."),
    council: str | None = typer.Option(None, "--council", help="One council's LA code "
                                       "(E10000018): its figures alone, split by --by."),
    by: str | None = typer.Option(None, "--by", help="With --council: a breakdown within it "
                                  "(ethnicity, age_band...). Default: by council (la_code)."),
    measure: list[str] | None = MEASURE,
    parquet: Path | None = PARQUET,
    spark_master: str | None = SPARK_MASTER,
    output_format: OutputFormat = FORMAT,
    publish: bool = PUBLISH,
    db: str | None = DB,
) -> None:
    """DHSC's waiting times and ASCOF from CLD for every council of the store and the whole set.

    Whole set first, then each council (LA code); with --council, that council alone and its
    --by groups. Definitions: docs/measures.md; many councils and clusters: docs/national.md.

    Example: [bold]careassure national --as-of 2025-03-31[/bold]

    Example: [bold]careassure national --parquet national/ --spark-master spark://10.0.0.5:7077
    --as-of 2025-03-31[/bold]
    """
    day = _day(as_of, "--as-of")
    chosen = _measure_ids(measure or list(NATIONAL_SET))
    if by is not None and council is None:
        _fail("--by needs --council: without it the figures are split by council")
    split = _breakdown(by) if council else COUNCIL
    if spark_master is not None and parquet is None:
        _fail("--spark-master needs --parquet: the cluster reads the tables as Parquet")
    if parquet is not None and day is None:
        _fail("give --as-of with --parquet")

    def evaluate(backend: Any, latest: date | None) -> list[Any]:
        from careassure.measures import compute

        when = day or latest
        if when is None:
            _fail("the store holds no records yet: load an extract first (careassure ingest)")
        _within_data(when, latest, "--as-of")
        return compute(backend, when, measures=chosen, by=split, council=council)

    if parquet is None:
        values = _run(db, evaluate, None if day else "--as-of")
    else:
        values = _on_spark(parquet, spark_master, evaluate)
    where = f"council {council}" if council else "every council"
    title = f"National measures at {day or values[0].as_of:%d/%m/%Y}, {where}" if values \
        else "National measures"
    _emit(_published(values, publish), output_format, title, by=split, dates=False)


def _on_spark(parquet: Path, master: str | None, evaluate: Any) -> list[Any]:
    """Evaluate on Spark over the Parquet folder; setup problems are one-line errors."""
    from careassure.measures.spark import SparkSetupError, parquet_backend, spark_session

    try:
        session = spark_session(master, app="careassure national")
    except SparkSetupError as exc:
        _fail(str(exc))
    try:
        try:
            backend = parquet_backend(session, parquet)
        except SparkSetupError as exc:
            _fail(str(exc))
        return list(evaluate(backend, None))
    finally:
        session.stop()
