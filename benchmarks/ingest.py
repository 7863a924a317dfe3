"""Ingest speed: ``careassure ingest`` of the synthetic county at scale 10 (~10 million episode and
contact rows), against DuckDB reading the same CSV files.

The baseline (same run, same files) is DuckDB's parallel CSV reader loading every file into an
in-memory table, every column as text: the floor any loader of these files pays. The ratio says
what validation (every rule of docs/records.md), type conversion, pseudonymisation and the
all-or-nothing write cost on top, so it compares across machines. Generation is timed too, since
the issue asks that scale 10 generate "in minutes, not hours".

Run: ``python -m benchmarks ingest`` (scale 10) or ``python -m benchmarks.ingest --scale 1``.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import duckdb

SCALE = 10.0
SEED = 2026


def _baseline_seconds(folder: Path) -> float:
    con = duckdb.connect(":memory:")
    started = time.perf_counter()
    for path in sorted(folder.glob("*.csv")):
        con.execute(f"CREATE TABLE \"{path.stem}\" AS SELECT * FROM read_csv('{path}', "
                    "header=true, all_varchar=true)")
    seconds = time.perf_counter() - started
    con.close()
    return seconds


def main(scale: float = SCALE) -> None:
    # Imported here so that the key and store land in the temporary home set below.
    from careassure.records.load import ingest
    from careassure.synth import generate_county
    from careassure.synth.output import write_county

    with tempfile.TemporaryDirectory(prefix="careassure-bench-ingest-") as folder:
        work = Path(folder)
        os.environ["CAREASSURE_HOME"] = str(work / "home")
        os.environ.pop("CAREASSURE_PSEUDONYM_KEY", None)

        started = time.perf_counter()
        county = generate_county(scale, SEED)
        generated = time.perf_counter() - started
        started = time.perf_counter()
        write_county(county, work / "county", "csv")
        written = time.perf_counter() - started
        work_rows = len(county["episodes"]) + len(county["contacts"])
        del county
        size = sum(p.stat().st_size for p in (work / "county").glob("*.csv"))

        baseline = _baseline_seconds(work / "county")
        result = ingest(work / "county", store=work / "store.duckdb")
        if not result.ok:
            raise SystemExit(f"the generated county was rejected: {result.errors[:3]}")
        rows = sum(result.row_counts.values())

    print(f"scale {scale:g}: {rows:,} rows ({work_rows:,} episode and contact rows), "
          f"{size / 1e6:,.0f} MB of CSV")
    print(f"generate: {generated:.1f} s; write CSV: {written:.1f} s")
    print(f"{'':>20} {'seconds':>8} {'rows/s':>12}")
    print(f"{'baseline (read)':>20} {baseline:>8.1f} {rows / baseline:>12,.0f}")
    print(f"{'careassure ingest':>20} {result.elapsed:>8.1f} {rows / result.elapsed:>12,.0f}")
    print(f"ingest / baseline: {result.elapsed / baseline:.1f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=SCALE)
    main(parser.parse_args().scale)
