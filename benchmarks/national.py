"""National scale: many councils' CLD in one store, the national measure set on three engines.

A synthetic national CLD (``careassure.synth.national``: council n is the synthetic county at
``--scale`` with its own seed, as the Release 2 extract it would submit) of ``--councils``
councils (default 20; ``--councils 153`` is every English council) is loaded 5, 10 and 20
councils at a time (and all of them when more). For each size it reports:

* ingest: ``careassure ingest --format cld`` of the councils' files read together, in rows/s, and
  as a ratio to DuckDB reading the same files as text (the floor any loader pays);
* the whole national measure set (``dhsc.*`` and ``ascof.*``, every council and the whole set in
  one evaluation, ``by="la_code"``) at the data's end, on DuckDB (the store), on local Spark
  (``local[2]``) and, with ``--cluster``, on a two-worker Spark standalone cluster on loopback
  (one core and 1 GB each), both reading the Parquet ``careassure ingest --parquet`` writes;
  each engine first
  runs the set once untimed on the smallest size (Ibis's and Spark's warm-up), then best of
  ``--repeats`` per size; each engine's time also as a ratio to DuckDB's at the same size;
* the slope: each size's time as a ratio to the smallest size's (20 councils are 4 times 5:
  a ratio of 4 is time in proportion), fitted per engine as ``time = fixed + per council x
  councils`` (least squares), and as the exponent of a power law between the smallest and the
  largest size (1.0: in proportion; below 1: fixed costs still dominate).

Spark and DuckDB agree on every figure (checked each size), so the engines do the same work.

Run: ``python -m benchmarks national`` (20 councils at scale 0.1, a few thousand people a
council; DuckDB and local Spark), ``python -m benchmarks.national --scale 1 --cluster`` for
large counties and the cluster too, ``--councils 20 --scale 0.02`` for a quick look.
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

COUNCILS = 20
SCALE = 0.1
SIZES = (5, 10, 20)
REPEATS = 1
SPARK_CONF = {"spark.sql.shuffle.partitions": "4", "spark.default.parallelism": "4",
              "spark.ui.enabled": "false", "spark.driver.memory": "2g",
              "spark.driver.host": "127.0.0.1", "spark.driver.bindAddress": "127.0.0.1"}
CLUSTER_CONF = {"spark.executor.memory": "768m", "spark.cores.max": "2"}


def _best(repeats: int, run: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[float, Any]:
    """The fastest of ``repeats`` runs of ``run(*args, **kwargs)``, and the last answer."""
    times, answer = [], None
    for _ in range(repeats):
        began = time.perf_counter()
        answer = run(*args, **kwargs)
        times.append(time.perf_counter() - began)
    return min(times), answer


def _read_as_text(folder: Path) -> tuple[float, int]:
    """DuckDB reading every CSV of ``folder`` into memory, every column as text: seconds, rows."""
    con = duckdb.connect(":memory:")
    began = time.perf_counter()
    con.execute(f"CREATE TABLE cld AS SELECT * FROM read_csv('{folder}/*.csv', header=true, "
                "all_varchar=true, union_by_name=true)")
    seconds = time.perf_counter() - began
    row = con.execute("SELECT count(*) FROM cld").fetchone()
    con.close()
    return seconds, int(row[0]) if row else 0


def _figures(values: list[Any]) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    return {(v.measure, v.breakdown["la_code"] if v.breakdown else None):
            (v.value, v.numerator, v.denominator) for v in values}


def _fit(sizes: list[int], seconds: list[float]) -> tuple[float, float, float]:
    """(fixed seconds, seconds per council, power-law exponent smallest -> largest size)."""
    n = len(sizes)
    mean_x, mean_y = sum(sizes) / n, sum(seconds) / n
    spread = sum((x - mean_x) ** 2 for x in sizes)
    per = sum((x - mean_x) * (y - mean_y) for x, y in zip(sizes, seconds, strict=True)) / spread
    exponent = math.log(seconds[-1] / seconds[0]) / math.log(sizes[-1] / sizes[0])
    return mean_y - per * mean_x, per, exponent


def _size_folder(work: Path, files: Any, size: int) -> tuple[Path, Path]:
    """The first ``size`` councils' files in a folder of their own, and their population."""
    folder = work / f"councils-{size}"
    folder.mkdir()
    for code in files.councils[:size]:
        os.symlink(files.folder / f"cld_{code}.csv", folder / f"cld_{code}.csv")
    population = pd.read_csv(files.population, dtype=str, keep_default_na=False)
    population = population[population["la_code"].isin(files.councils[:size])]
    population_file = work / f"population-{size}.csv"
    population.to_csv(population_file, index=False)
    return folder, population_file


def main(councils: int = COUNCILS, scale: float = SCALE, repeats: int = REPEATS,
         cluster: bool = False) -> None:
    # Imported here so that the key and store land in the temporary home set below.
    from careassure.measures import compute
    from careassure.measures.catalogue import declared_measures
    from careassure.measures.spark import parquet_backend, spark_session
    from careassure.measures.sparkcluster import LoopbackCluster
    from careassure.records.load import ingest
    from careassure.records.parquet import write_parquet
    from careassure.records.store import open_store
    from careassure.synth.national import write_national_cld

    # A stopped run (SIGTERM) still stops its cluster and removes its files.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))
    sizes = sorted({s for s in SIZES if s < councils} | {councils})
    national = [m.id for m in declared_measures() if m.id.startswith(("dhsc.", "ascof."))]
    work = Path(tempfile.mkdtemp(prefix="careassure-bench-national-"))
    try:
        os.environ["CAREASSURE_HOME"] = str(work / "home")
        os.environ.pop("CAREASSURE_PSEUDONYM_KEY", None)
        began = time.perf_counter()
        files = write_national_cld(work / "synthetic", councils, scale)
        generated = time.perf_counter() - began
        print(f"{councils} councils at scale {scale:g}: {files.rows:,} CLD rows "
              f"({files.rows / councils:,.0f} a council); generated in {generated:.1f} s")

        loads: dict[int, dict[str, Any]] = {}
        for size in sizes:
            folder, population = _size_folder(work, files, size)
            store, parquet = work / f"store-{size}.duckdb", work / f"parquet-{size}"
            text, rows = _read_as_text(folder)
            result = ingest(folder, store=store, fmt="cld", population=population)
            if not result.ok:
                raise SystemExit(f"the synthetic CLD was rejected: {result.errors[:3]}")
            began = time.perf_counter()
            write_parquet(store, parquet)
            written = time.perf_counter() - began
            with open_store(store) as opened:
                as_of = opened.extract_date()
            loads[size] = {"store": store, "parquet": parquet, "rows": rows, "as_of": as_of,
                           "ingest": result.elapsed, "text": text, "parquet_s": written,
                           "parquet_mb": sum(p.stat().st_size for p in parquet.glob("*")) / 1e6,
                           "store_mb": store.stat().st_size / 1e6}
            print(f"ingest {size} councils: {rows:,} rows in {result.elapsed:.1f} s", flush=True)

        times: dict[str, dict[int, float]] = {"duckdb": {}, "local spark": {}}
        if cluster:
            times["cluster"] = {}
        answers: dict[int, Any] = {}
        with open_store(loads[sizes[0]]["store"]) as opened:  # warm-up
            compute(opened, loads[sizes[0]]["as_of"], measures=national, by="la_code")
        for size in sizes:
            load = loads[size]
            with open_store(load["store"]) as opened:
                times["duckdb"][size], got = _best(repeats, compute, opened, load["as_of"],
                                                   measures=national, by="la_code")
            answers[size] = _figures(got)
            print(f"duckdb {size} councils: {times['duckdb'][size]:.2f} s", flush=True)
        duckdb_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        def on_spark(engine: str, session: Any) -> None:
            first = loads[sizes[0]]
            compute(parquet_backend(session, first["parquet"]), first["as_of"],
                    measures=national, by="la_code")  # warm-up
            for size in sizes:
                load = loads[size]
                backend = parquet_backend(session, load["parquet"])
                times[engine][size], got = _best(repeats, compute, backend, load["as_of"],
                                                 measures=national, by="la_code")
                if _figures(got) != answers[size]:
                    raise SystemExit(f"{engine} and DuckDB disagree at {size} councils")
                print(f"{engine} {size} councils: {times[engine][size]:.2f} s", flush=True)

        session = spark_session("local[2]", app="careassure-bench-national", conf=SPARK_CONF)
        on_spark("local spark", session)
        session.stop()
        if cluster:
            with LoopbackCluster(workers=2, cores=1, memory="1g") as loopback:
                session = spark_session(loopback.master_url, app="careassure-bench-national",
                                        conf={**SPARK_CONF, **CLUSTER_CONF})
                on_spark("cluster", session)
                session.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    _report(sizes, loads, times, len(national), repeats)
    print(f"peak memory of this process after DuckDB: {duckdb_rss:,.0f} MB")


def _report(sizes: list[int], loads: dict[int, dict[str, Any]],
            times: dict[str, dict[int, float]], measures: int, repeats: int) -> None:
    """Print the ingest figures, each engine's time per size against DuckDB's, and the slope."""
    print("\ningest (careassure ingest --format cld, the councils' files together)")
    print(f"{'councils':>9} {'rows':>11} {'seconds':>8} {'rows/s':>9} {'/ read as text':>15} "
          f"{'parquet s':>10} {'parquet MB':>11} {'store MB':>9}")
    for size in sizes:
        load = loads[size]
        print(f"{size:>9} {load['rows']:>11,} {load['ingest']:>8.1f} "
              f"{load['rows'] / load['ingest']:>9,.0f} {load['ingest'] / load['text']:>14.1f}x "
              f"{load['parquet_s']:>10.1f} {load['parquet_mb']:>11.1f} {load['store_mb']:>9.1f}")
    print(f"\nthe national set ({measures} measures, every council and the whole set), "
          f"seconds, best of {repeats}")
    spark_engines = [e for e in times if e != "duckdb"]
    print(f"{'councils':>9} " + " ".join(f"{e:>12}" for e in times)
          + "".join(f" {e + ' / duckdb':>20}" for e in spark_engines))
    for size in sizes:
        print(f"{size:>9} " + " ".join(f"{times[e][size]:>12.2f}" for e in times)
              + "".join(f" {times[e][size] / times['duckdb'][size]:>19.1f}x"
                        for e in spark_engines))
    print(f"\nslope: each size's time / {sizes[0]} councils' (councils "
          + ", ".join(f"{s / sizes[0]:g}x" for s in sizes) + ")")
    print(f"{'councils':>9} " + " ".join(f"{e:>12}" for e in times))
    for size in sizes:
        print(f"{size:>9} " + " ".join(f"{times[e][size] / times[e][sizes[0]]:>11.2f}x"
                                       for e in times))
    print("time = fixed + per council x councils; exponent from "
          f"{sizes[0]} to {sizes[-1]} councils")
    for engine, by_size in times.items():
        fixed, per, exponent = _fit(sizes, [by_size[s] for s in sizes])
        print(f"{engine:>12}: fixed {fixed:6.2f} s, {per:7.3f} s a council, exponent "
              f"{exponent:.2f}; at 153 councils (this scale): {fixed + per * 153:,.0f} s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--councils", type=int, default=COUNCILS)
    parser.add_argument("--scale", type=float, default=SCALE)
    parser.add_argument("--repeats", type=int, default=REPEATS)
    parser.add_argument("--cluster", action="store_true",
                        help="also on a two-worker standalone cluster on loopback")
    arguments = parser.parse_args()
    main(arguments.councils, arguments.scale, arguments.repeats, arguments.cluster)
