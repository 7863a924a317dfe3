"""CLD reader speed: ``read_cld`` on a county-sized extract, against pandas reading the same CSV.

The baseline is the floor any CLD reader pays (parsing the file, every cell as text); the ratio is
what mapping, de-duplication, linking and building the six tables cost on top, so it compares
across machines. Sizes: a large county's rolling 12-month CLD file holds roughly 100,000-300,000
rows.

Then the national set: DHSC's waiting times (``dhsc.*``, every quarter of the extract) computed by
the engine on DuckDB from the events read, against the same rules written the straightforward way
in pandas (``_pandas_waits``); the figures are checked equal, so both do the same work. Size:
``CAREASSURE_BENCH_CLD_PEOPLE`` (default 40,000 people, about 200,000 CLD rows; 200,000 people
write about 1 million).
"""

from __future__ import annotations

import os
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
from dateutil.relativedelta import relativedelta

from careassure.measures import CATALOGUE, series
from careassure.measures.national import (
    ASSESSMENT_TYPES,
    FIRST_REQUESTS,
    LONG_TERM,
    MIN_AGE,
    PROGRESS_TO_SERVICE,
    REQUEST_NOT_PROGRESSED,
    SHORT_TERM,
    SHORT_TERM_LOOK_BACK,
)
from careassure.records.cld import read_cld
from careassure.records.store import EXTRACT_COLUMN, create_schema
from careassure.synth.cld import to_cld, write_cld

# 40,000 people write about 200,000 CLD rows; CAREASSURE_BENCH_CLD_PEOPLE=200000 about 1 million.
PEOPLE = int(os.environ.get("CAREASSURE_BENCH_CLD_PEOPLE", "40000"))
SEED = 20_240_401
REPEATS = 3


def _county(people: int, seed: int) -> dict[str, pd.DataFrame]:
    """Per person: one completed assessment (with its request), one review and two services."""
    rng = np.random.default_rng(seed)
    ids = [f"P{n}" for n in range(people)]
    received = pd.Timestamp("2024-04-01") + pd.to_timedelta(rng.integers(0, 300, people), "D")
    allocated = received + pd.to_timedelta(rng.integers(0, 60, people), "D")
    completed = allocated + pd.to_timedelta(rng.integers(1, 40, people), "D")
    reviewed = completed + pd.to_timedelta(rng.integers(30, 200, people), "D")
    person = pd.DataFrame({
        "person_id": ids, "birth_month": [f"{y}-{m:02d}" for y, m in
                                          zip(rng.integers(1930, 2000, people),
                                              rng.integers(1, 13, people), strict=True)],
        "gender": rng.choice(["female", "male"], people),
        "ethnicity": rng.choice(["white", "asian", "black", "mixed", "other"], people),
        "client_type": "service_user", "primary_support_reason": "physical_support",
        "locality": None, "rural_urban": None})
    episodes = pd.concat([
        pd.DataFrame({"episode_id": [f"a{n}" for n in range(people)], "person_id": ids,
                      "kind": "care_act_assessment", "team": None, "subtype": None,
                      "received_date": received, "allocated_date": allocated,
                      "completed_date": completed, "closed_date": pd.NaT,
                      "outcome": "eligible"}),
        pd.DataFrame({"episode_id": [f"r{n}" for n in range(people)], "person_id": ids,
                      "kind": "review", "team": None, "subtype": "planned",
                      "received_date": reviewed, "allocated_date": reviewed,
                      "completed_date": reviewed, "closed_date": pd.NaT, "outcome": None}),
    ], ignore_index=True)
    start = completed + pd.Timedelta(days=3)
    services = pd.concat([
        pd.DataFrame({"service_id": [f"s{n}" for n in range(people)], "person_id": ids,
                      "support_type": "short_term", "setting": "home_care",
                      "delivery_mechanism": "council_commissioned", "start_date": completed,
                      "end_date": start, "weekly_cost": None}),
        pd.DataFrame({"service_id": [f"t{n}" for n in range(people)], "person_id": ids,
                      "support_type": "long_term",
                      "setting": rng.choice(["home_care", "residential", "direct_payment"],
                                            people),
                      "delivery_mechanism": "council_commissioned", "start_date": start,
                      "end_date": pd.NaT, "weekly_cost": rng.integers(100, 1500, people)}),
    ], ignore_index=True)
    return {"people": person, "episodes": episodes, "services": services}


def _best(fn) -> float:
    timings = []
    for _ in range(REPEATS):
        began = time.perf_counter()
        fn()
        timings.append(time.perf_counter() - began)
    return min(timings)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = write_cld(to_cld(_county(PEOPLE, SEED), period_end=pd.Timestamp("2025-09-30")),
                         Path(folder) / "cld.csv")
        rows = sum(1 for _ in path.open()) - 1
        baseline = _best(lambda: pd.read_csv(path, dtype=str, keep_default_na=False))
        reader = _best(lambda: read_cld(path))
    print(f"CLD extract: {rows:,} rows, {PEOPLE:,} people")
    print(f"baseline pandas.read_csv (all text): {baseline:.2f} s")
    print(f"read_cld (six record tables):        {reader:.2f} s "
          f"({rows / reader:,.0f} rows/s, {reader / baseline:.1f}x the baseline)")
    national()


if __name__ == "__main__":
    main()


# --- the national set: DHSC's waiting times from the CLD events, against pandas ----------------

QUARTERS = (date(2024, 6, 30), date(2025, 9, 30))


def _store(tables: dict[str, pa.Table]) -> Any:
    """An in-memory store holding what read_cld returned (typed by DuckDB on insert; person
    keys left as read: pseudonymising does not change a figure)."""
    import ibis

    con = duckdb.connect(":memory:")
    create_schema(con)
    for name, table in tables.items():
        columns = ", ".join(f'"{c}"' for c in table.column_names)
        con.register("incoming", table)
        con.execute(f'INSERT INTO "{name}" ({columns}, "{EXTRACT_COLUMN}") '
                    f"SELECT {columns}, 'cld' FROM incoming")
        con.unregister("incoming")
    return ibis.duckdb.from_connection(con)


def _pandas_waits(events: pd.DataFrame, people: pd.DataFrame) -> dict[tuple[str, date], float]:
    """DHSC's waiting-time rules (docs/measures.md, "National comparators") written the
    straightforward way in pandas: the medians per measure and quarter end."""
    ev = events.merge(people[["person_id", "birth_month"]], on="person_id")
    for column in ("start_date", "end_date", "period_end"):
        ev[column] = pd.to_datetime(ev[column])
    ev["record_order"] = ev["record_order"].astype(int)
    born = pd.to_datetime(ev["birth_month"] + "-01")

    def aged(at: pd.Series, years: int) -> pd.Series:
        return ((at - born).dt.days * 4 >= years * 1461).fillna(False)

    ev["adult"] = aged(ev["start_date"], MIN_AGE)
    band_day = ev["end_date"].fillna(ev["period_end"]).fillna(ev["start_date"])
    ev["band"] = np.where(aged(band_day, 65), "65_and_over", "25_to_64")
    ev["stage"] = ev["event_type"].map({"request": 1, "assessment": 2, "service": 3})
    ev = ev[(ev["stage"] == 1)
            | ((ev["stage"] == 2) & ev["assessment_type"].isin(ASSESSMENT_TYPES))
            | ((ev["stage"] == 3) & ev["service_type"].isin((*LONG_TERM, *SHORT_TERM)))]
    ev["progress"] = ev["outcome"].isin(PROGRESS_TO_SERVICE)
    requests = ev[(ev["stage"] == 1) & (ev["client_type"] == "service_user")
                  & (ev["start_date"] >= pd.Timestamp(FIRST_REQUESTS)) & ev["adult"]
                  & ev["outcome"].notna() & ~ev["outcome"].isin(REQUEST_NOT_PROGRESSED)]
    services = ev[ev["stage"] == 3][["person_id", "start_date", "end_date", "service_type"]]
    pairs = requests[["event_id", "person_id", "start_date"]].merge(
        services, on="person_id", suffixes=("", "_s"))
    months = np.where(pairs["service_type"].isin(LONG_TERM), 12,
                      np.where(pairs["service_type"].isin(SHORT_TERM_LOOK_BACK), 3, 0))
    back = pd.Series([d - relativedelta(months=int(m)) if m else pd.NaT
                      for d, m in zip(pairs["start_date"], months, strict=True)],
                     index=pairs.index, dtype="datetime64[ns]")
    existing = pairs[back.notna() & (pairs["start_date_s"] < pairs["start_date"])
                     & (pairs["end_date"].isna() | (pairs["end_date"] >= back))]["event_id"]
    requests = requests[~requests["event_id"].isin(existing)]
    chain = pd.concat([requests, ev[(ev["stage"] != 1) & ev["adult"]]])
    chain = chain[chain["person_id"].isin(requests["person_id"])]
    chain = chain.sort_values(["person_id", "start_date", "stage", "record_order", "event_id"],
                              ascending=[True, True, True, False, False], ignore_index=True)
    chain["seq"] = chain.groupby("person_id").cumcount() + 1
    chain["block"] = (chain["stage"] != 2).astype(int).groupby(chain["person_id"]).cumsum()
    block = chain[chain["stage"] == 2].groupby(["person_id", "block"])["progress"].max()
    chain["block_progress"] = chain.set_index(["person_id", "block"]).index.map(block)
    for stage, name in ((2, "next_assessment"), (3, "next_service")):
        own = chain["seq"].where(chain["stage"] == stage)
        backwards = chain["person_id"][::-1]
        # cummin leaves gaps where the row is not of the stage: carried back to them.
        later = own[::-1].groupby(backwards).cummin().groupby(backwards).ffill()[::-1]
        chain[name] = later.groupby(chain["person_id"]).shift(-1)
    asked = chain[chain["stage"] == 1].copy()
    first = asked["next_service"].notna() & (asked["next_assessment"].isna()
                                             | (asked["next_service"] < asked["next_assessment"]))
    asked["response"] = asked["next_service"].where(first, asked["next_assessment"])
    by_seq = chain.set_index(["person_id", "seq"])
    at = pd.MultiIndex.from_arrays([asked["person_id"], asked["response"]])
    answer = by_seq.reindex(at)
    stalled = (answer["stage"].to_numpy() == 2) & (answer["block_progress"].to_numpy() == False)  # noqa: E712
    asked["service"] = asked["next_service"].mask(stalled)
    follow = asked[["response", "service"]].max(axis=1)
    people_of = asked["person_id"]
    asked["previous"] = follow.groupby(people_of).shift(1)
    claimed_r = asked["response"].groupby(people_of).transform(lambda s: s.cummax().shift(1))
    claimed_s = asked["service"].groupby(people_of).transform(lambda s: s.cummax().shift(1))
    keep = ~((asked["previous"] > asked["seq"]) | (asked["response"] <= claimed_r)
             | (asked["service"] <= claimed_s))
    asked = asked[keep]
    medians = {}
    for metric, column in (("wait_to_first_response", "response"),
                           ("wait_to_first_service", "service")):
        ends = by_seq.reindex(pd.MultiIndex.from_arrays([asked["person_id"], asked[column]]))
        waits = pd.DataFrame({"day": ends["start_date"].to_numpy(),
                              "band": ends["band"].to_numpy(),
                              "wait": (ends["start_date"].to_numpy()
                                       - asked["start_date"].to_numpy())}).dropna()
        waits["quarter"] = waits["day"].dt.to_period("Q").dt.end_time.dt.date
        waits["wait"] = waits["wait"].dt.days
        for (quarter, band), group in waits.groupby(["quarter", "band"]):
            medians[(f"dhsc.{metric}.{band}", quarter)] = float(group["wait"].median())
    return medians


def national() -> None:
    """The dhsc.* measures on the CLD extract, engine (DuckDB) against pandas, checked equal."""
    with tempfile.TemporaryDirectory() as folder:
        path = write_cld(to_cld(_county(PEOPLE, SEED), period_end=pd.Timestamp("2025-09-30")),
                         Path(folder) / "cld.csv")
        extract = read_cld(path)
    backend = _store(extract.tables)
    measures = [m for m in CATALOGUE if m.startswith("dhsc.")]
    began = time.perf_counter()
    got = series(backend, *QUARTERS, "quarter", measures=measures)
    engine = time.perf_counter() - began
    events = extract.tables["cld_events"].to_pandas()
    people = extract.tables["people"].to_pandas()
    began = time.perf_counter()
    expected = _pandas_waits(events, people)
    baseline = time.perf_counter() - began
    computed = {(v.measure, v.as_of): v.value for v in got if v.value is not None}
    wanted = {k: round(v, 1) for k, v in expected.items()
              if QUARTERS[0] <= k[1] <= QUARTERS[1]}
    assert computed == wanted, "the engine and pandas disagree"
    rows = extract.tables["cld_events"].num_rows
    print(f"dhsc.* over {len(got) // len(measures)} quarters from {rows:,} CLD events: "
          f"engine {engine:.2f} s, pandas {baseline:.2f} s "
          f"({baseline / engine:.1f}x the baseline's speed); figures agree")
