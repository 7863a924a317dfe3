"""Demand series speed on the synthetic county at scale 10: service users and weekly cost by
setting and client group at every month end of the county's years, against pandas.

Baseline (same run, same data): the same definitions written the straightforward way in pandas
(for each month end, filter the long-term services running that day, attach each person's client
group from their age and support reason, count distinct people and sum costs per setting and
group); its figures are checked against the engine's, so both do the same work. The engine runs
on an in-memory DuckDB store loaded from the same frames.

Run: ``python -m benchmarks budget`` (scale 10) or ``python -m benchmarks.budget --scale 0.1``;
``CAREASSURE_BENCH_SCALE=1`` sets the scale when run through ``python -m benchmarks``.
"""

from __future__ import annotations

import argparse
import os
import time
from datetime import date

import numpy as np
import pandas as pd

from benchmarks.measures import load
from careassure.budget.demand import ALL, SETTINGS, DemandSeries, demand_series, month_ends

SCALE = float(os.environ.get("CAREASSURE_BENCH_SCALE", "10"))
SEED = 2026
PERIOD = (date(2022, 4, 1), date(2026, 9, 30))
REPEATS = 3


def _client_group(services: pd.DataFrame, day: date) -> pd.Series:
    born = services["birth_month"]
    months = (day.year * 12 + day.month) - (
        born.str[:4].astype("float") * 12 + born.str[5:7].astype("float"))
    reason = services["primary_support_reason"]
    group = np.select(
        [born.notna() & (months >= 65 * 12), reason == "learning_disability",
         reason == "mental_health", reason.isin(["physical_support", "sensory_support"])],
        ["older_people", "learning_disability", "mental_health", "physical_disability"],
        default="other",
    )
    return pd.Series(group, index=services.index)


def pandas_series(frames: dict[str, pd.DataFrame], dates: list[date]) -> dict[tuple, int]:
    """People by (month end, setting or all, client group) the pandas way, date by date."""
    services = frames["services"]
    services = services[(services["support_type"] == "long_term")
                        & services["setting"].isin(list(SETTINGS))]
    people = frames["people"][["person_id", "birth_month", "primary_support_reason"]]
    services = services.merge(people, on="person_id", how="left")
    services = services.assign(demand_setting=services["setting"].map(SETTINGS))
    start = pd.to_datetime(services["start_date"])
    end = pd.to_datetime(services["end_date"])
    out: dict[tuple, int] = {}
    for day in dates:
        stamp = pd.Timestamp(day)
        running = services[(start <= stamp) & (end.isna() | (end > stamp))]
        running = running.assign(client_group=_client_group(running, day))
        for (setting, group), n in running.groupby(["demand_setting", "client_group"])[
                "person_id"].nunique().items():
            out[(day, setting, group)] = int(n)
        for group, n in running.groupby("client_group")["person_id"].nunique().items():
            out[(day, ALL, group)] = int(n)
    return out


def _engine_counts(series: DemandSeries) -> dict[tuple, int]:
    return {k: c.people for k, c in series.cells.items() if k[2] != ALL and c.people}


def _best(run: object, repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return min(times)


def main(scale: float = SCALE) -> None:
    from careassure.synth import generate_county

    frames = generate_county(scale, SEED)
    backend = load(frames)
    dates = month_ends(*PERIOD)
    print(f"scale {scale:g}: {len(frames['people']):,} people, {len(frames['services']):,} "
          f"services, {len(dates)} month ends")
    engine = demand_series(backend, dates)
    baseline = pandas_series(frames, dates)
    assert _engine_counts(engine) == baseline, "the engine and pandas disagree"
    engine_time = _best(lambda: demand_series(backend, dates))
    pandas_time = _best(lambda: pandas_series(frames, dates), 1)
    print(f"demand series (people and weekly cost by setting and client group, {len(dates)} "
          f"month ends): {engine_time:.2f} s; pandas date by date {pandas_time:.2f} s, "
          f"{pandas_time / engine_time:.1f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=SCALE)
    main(parser.parse_args().scale)
