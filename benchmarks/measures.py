"""Measure engine speed on the synthetic county at scale 10: every snapshot measure at one date,
and a weekly series over the county's 4.5 years (goals: under 1 s and at least 20x the baseline;
under 10 s).

Baseline (same run, same data): the snapshot measures written the straightforward way in pandas
from the same frames (filter the episodes waiting at D, take medians, merge each person's
long-term services into runs with cumulative maxima...), evaluated date by date for a series; its
figures are checked against the engine's, so both do the same work. A series baseline runs on
every 20th date of the series and is scaled to all of them. The engine runs on an in-memory DuckDB
store loaded from the same frames.

Run: ``python -m benchmarks measures`` (scale 10) or ``python -m benchmarks.measures --scale 1``;
``CAREASSURE_BENCH_SCALE=1`` sets the scale when run through ``python -m benchmarks``.
"""

from __future__ import annotations

import argparse
import os
import time
from datetime import date
from typing import Any

import duckdb
import holidays
import numpy as np
import pandas as pd
from dateutil.relativedelta import relativedelta

from careassure.measures import CATALOGUE, compute, series
from careassure.measures.catalogue import DATA_QUALITY_COLUMNS
from careassure.measures.values import percent_cell, rounded
from careassure.records.schema import EPISODE_SUBTYPES, QUEUE_KINDS, TABLES
from careassure.records.store import EXTRACT_COLUMN, create_schema

SCALE = float(os.environ.get("CAREASSURE_BENCH_SCALE", "10"))
SEED = 2026
AS_OF = date(2025, 12, 28)
SERIES = (date(2022, 4, 3), date(2026, 9, 27))  # the county's 4.5 years, every Sunday
BASELINE_EVERY = 20
REPEATS = 3
SNAPSHOT = [m for m, d in CATALOGUE.items() if d.kind == "snapshot"]
CARE_ACT = "care_act_assessment"


def load(frames: dict[str, pd.DataFrame]) -> Any:
    """An in-memory DuckDB store holding the frames (the ingest checks are benchmarked apart)."""
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


# --- the pandas baseline -------------------------------------------------------------------------


def _median(values: pd.Series) -> float | None:
    return rounded(values.median()) if len(values) else None


def _queue(waiting: pd.DataFrame, waits: pd.Series, kind: str, day: pd.Timestamp) -> dict:
    n = len(waits)
    old = (waiting["received_date"] + pd.DateOffset(months=6)) < day
    return {
        f"{kind}.waiting": n,
        f"{kind}.median_wait": _median(waits),
        f"{kind}.max_wait": int(waits.max()) if n else None,
        f"{kind}.pct_over_28": percent_cell(int((waits > 28).sum()), n).value,
        f"{kind}.over_6_months": int(old.sum()),
    }


def _lts_start(services: pd.DataFrame, day: pd.Timestamp) -> pd.Series:
    """Each person in long-term support at ``day``: the start of the unbroken run covering it."""
    lt = services[(services["support_type"] == "long_term") & (services["start_date"] <= day)]
    lt = lt.sort_values(["person_id", "start_date"])
    end = lt["end_date"].fillna(pd.Timestamp("2262-01-01"))
    reach = end.groupby(lt["person_id"]).cummax().groupby(lt["person_id"]).shift(1)
    run = (reach.isna() | (lt["start_date"] > reach)).cumsum()
    run_start = lt["start_date"].groupby(run).transform("min")
    covering = lt["end_date"].isna() | (lt["end_date"] > day)
    return run_start[covering].groupby(lt.loc[covering, "person_id"]).min()


def pandas_snapshot(frames: dict[str, pd.DataFrame], as_of: date,
                    bank_holidays: np.ndarray) -> dict[str, Any]:
    """Every snapshot measure's whole-area value at ``as_of``, straight from the frames."""
    day = pd.Timestamp(as_of)
    episodes, services = frames["episodes"], frames["services"]
    out: dict[str, Any] = {}
    open_at = (episodes["received_date"] <= day) & ~(episodes["completed_date"] <= day) \
        & ~(episodes["closed_date"] <= day)
    waiting_all = episodes[open_at & ~(episodes["allocated_date"] <= day)]
    for kind in QUEUE_KINDS:
        waiting = waiting_all[waiting_all["kind"] == kind]
        if kind == "financial_assessment":
            received = waiting["received_date"].to_numpy().astype("datetime64[D]")
            waits = pd.Series(np.busday_count(received, np.datetime64(as_of, "D"),
                                              holidays=bank_holidays))
        else:
            waits = (day - waiting["received_date"]).dt.days
        out.update(_queue(waiting, waits, kind, day))

    s42 = episodes[open_at & (episodes["kind"] == "s42_enquiry")]
    age = (day - s42["received_date"]).dt.days
    out["s42_enquiry.open"] = len(s42)
    out["s42_enquiry.pct_open_over_6_weeks"] = percent_cell(int((age > 42).sum()), len(s42)).value

    care = waiting_all[waiting_all["kind"] == CARE_ACT].merge(frames["teams"], on="team")
    medians = {t: (day - care.loc[care["team_type"] == t, "received_date"]).dt.days.median()
               for t in ("specialist", "locality")}
    disparity = None
    if not np.isnan(medians["specialist"]) and medians["locality"]:
        disparity = rounded((medians["specialist"] - medians["locality"])
                            / medians["locality"] * 100)
    out[f"{CARE_ACT}.team_disparity"] = disparity

    start = _lts_start(services, day)
    reviews = episodes[(episodes["kind"] == "review") & (episodes["completed_date"] <= day)]
    last = reviews.groupby("person_id")["completed_date"].max().reindex(start.index)
    due = last.fillna(start) + pd.DateOffset(months=12)
    overdue_days = (day - due[due < day]).dt.days
    year_ago = pd.Timestamp(as_of - relativedelta(months=12))
    eligible = start <= year_ago
    out["review.overdue"] = len(overdue_days)
    out["review.median_overdue"] = _median(overdue_days)
    out["review.max_overdue"] = int(overdue_days.max()) if len(overdue_days) else None
    out["review.pct_overdue_over_6_months"] = percent_cell(
        int((due + pd.DateOffset(months=6) < day).sum()), len(start)).value
    out["review.pct_reviewed_within_12_months"] = percent_cell(
        int((last[eligible] > year_ago).sum()), int(eligible.sum())).value

    active = services[(services["support_type"] == "long_term")
                      & (services["start_date"] <= day)
                      & (services["end_date"].isna() | (services["end_date"] > day))
                      & ~services["setting"].isin(["residential", "nursing"])]
    paid = active[(active["setting"] == "direct_payment")
                  | (active["delivery_mechanism"] == "direct_payment")]
    out["direct_payments.pct"] = percent_cell(paid["person_id"].nunique(),
                                              active["person_id"].nunique()).value

    ended = episodes["completed_date"].notna() | episodes["closed_date"].notna()
    typed = episodes["kind"].isin(list(EPISODE_SUBTYPES))
    cells: dict[tuple[str, str], tuple[int, int]] = {}
    for table, column in DATA_QUALITY_COLUMNS:
        frame = frames[table]
        if (table, column) == ("episodes", "subtype"):
            frame = frame[typed]
        elif (table, column) == ("episodes", "outcome"):
            frame = frame[ended]
        cells[(table, column)] = (int(frame[column].isna().sum()), len(frame))
        out[f"data_quality.pct_missing.{table}.{column}"] = percent_cell(
            *cells[(table, column)]).value
    out["data_quality.pct_missing"] = percent_cell(sum(n for n, _ in cells.values()),
                                                   sum(d for _, d in cells.values())).value
    return out


# --- timing --------------------------------------------------------------------------------------


def _best(fn: Any, repeats: int = REPEATS) -> tuple[float, float, Any]:
    """(first run, best run) in seconds, and the last result."""
    times = []
    result = None
    for _ in range(repeats):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return times[0], min(times), result


def main(scale: float = SCALE) -> None:
    from careassure.synth import generate_county

    started = time.perf_counter()
    frames = generate_county(scale, SEED)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    backend = load(frames)
    loaded = time.perf_counter() - started
    bank = np.array(sorted(holidays.UK(subdiv="ENG", years=range(2010, 2031))), "datetime64[D]")
    print(f"scale {scale:g}: {len(frames['people']):,} people, {len(frames['episodes']):,} "
          f"episodes, {len(frames['services']):,} services, {len(frames['contacts']):,} calls; "
          f"generated in {generated:.1f} s, loaded in {loaded:.1f} s")

    # All snapshot measures at one date.
    first, engine, values = _best(lambda: compute(backend, AS_OF, measures=SNAPSHOT))
    _, baseline, expected = _best(lambda: pandas_snapshot(frames, AS_OF, bank))
    got = {v.measure: v.value for v in values if v.breakdown is None}
    differ = sorted(m for m in SNAPSHOT if got[m] != expected[m])
    if differ:
        raise SystemExit(f"engine and baseline disagree on {differ[:5]}: "
                         f"{[(got[m], expected[m]) for m in differ[:5]]}")
    print(f"\n{len(SNAPSHOT)} snapshot measures at {AS_OF:%d/%m/%Y} (figures identical):")
    print(f"  careassure {engine:8.3f} s (best of {REPEATS}; first run {first:.3f} s; "
          "goal < 1 s)")
    print(f"  pandas     {baseline:8.3f} s")
    print(f"  speed-up   {baseline / engine:8.1f}x (goal >= 20x)")

    # The same measures, weekly over the county's 4.5 years.
    dates = pd.date_range(SERIES[0], SERIES[1], freq="7D").date
    first, engine, weekly = _best(
        lambda: series(backend, SERIES[0], SERIES[1], "week", measures=SNAPSHOT), repeats=2)
    sample = dates[::BASELINE_EVERY]
    started = time.perf_counter()
    for day in sample:
        expected = pandas_snapshot(frames, day, bank)
        got = {v.measure: v.value for v in weekly if v.as_of == day and v.breakdown is None}
        assert got == {m: expected[m] for m in SNAPSHOT}, day
    per_date = (time.perf_counter() - started) / len(sample)
    baseline = per_date * len(dates)
    print(f"\nweekly series {SERIES[0]:%d/%m/%Y} to {SERIES[1]:%d/%m/%Y}, {len(dates)} dates, "
          f"{len(SNAPSHOT)} snapshot measures:")
    print(f"  careassure {engine:8.2f} s (best of 2; first run {first:.2f} s; goal < 10 s)")
    print(f"  pandas     {baseline:8.2f} s ({per_date:.3f} s a date, timed on {len(sample)} "
          "dates)")
    print(f"  speed-up   {baseline / engine:8.1f}x")

    # Every measure (flows too) in one series, and at one date: no baseline, for the goals.
    first, engine, everything = _best(
        lambda: series(backend, SERIES[0], SERIES[1], "week"), repeats=1)
    print(f"\nweekly series of all {len(CATALOGUE)} measures: {engine:.2f} s "
          f"({len(everything):,} values)")
    first, engine, _ = _best(lambda: compute(backend, AS_OF), repeats=2)
    print(f"all {len(CATALOGUE)} measures at one date: {engine:.2f} s (first run {first:.2f} s)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=SCALE)
    main(parser.parse_args().scale)
