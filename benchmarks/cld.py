"""CLD reader speed: ``read_cld`` on a county-sized extract, against pandas reading the same CSV.

The baseline is the floor any CLD reader pays (parsing the file, every cell as text); the ratio is
what mapping, de-duplication, linking and building the six tables cost on top, so it compares
across machines. Sizes: a large county's rolling 12-month CLD file holds roughly 100,000-300,000
rows.

Then the whole national set: DHSC's waiting times (``dhsc.*``, every quarter of the extract) and
the ASCOF measures (``ascof.*``, the financial year 2024/25) computed by the engine on DuckDB from
the events read, against the same rules written the straightforward way in pandas
(``_pandas_waits``, ``_pandas_ascof``); the figures are checked equal, so both do the same work.
Size: ``CAREASSURE_BENCH_CLD_PEOPLE`` (default 40,000 people, about 200,000 CLD rows; 200,000
people write about 1 million: ``CAREASSURE_BENCH_CLD_PEOPLE=200000 CAREASSURE_BENCH_REPEATS=1
python -m benchmarks cld``).
"""

from __future__ import annotations

import os
import tempfile
import time
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
from dateutil.relativedelta import relativedelta

from careassure.measures import CATALOGUE, ascof, compute, series
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
from careassure.measures.stmax import (
    COUNTED,
    NO_ONGOING_SUPPORT,
    OUTCOME_HIERARCHY,
    RESIDENTIAL_OR_NURSING,
    SERVICE_HIERARCHY,
    SHORT_TERM_CARE_HOMES,
)
from careassure.measures.values import rounded
from careassure.records.cld import read_cld
from careassure.records.store import EXTRACT_COLUMN, create_schema
from careassure.synth.cld import to_cld, write_cld

# 40,000 people write about 200,000 CLD rows; CAREASSURE_BENCH_CLD_PEOPLE=200000 about 1 million.
PEOPLE = int(os.environ.get("CAREASSURE_BENCH_CLD_PEOPLE", "40000"))
SEED = 20_240_401
# Best of REPEATS; CAREASSURE_BENCH_REPEATS=1 for the 1-million-row run, where one pandas pass of
# the national set takes many minutes and the ratio is already stable.
REPEATS = int(os.environ.get("CAREASSURE_BENCH_REPEATS", "3"))
# The national set: DHSC's waits every quarter in this range, ASCOF for the year to YEAR_END.
QUARTERS = (date(2024, 6, 30), date(2025, 9, 30))
YEAR_END = date(2025, 3, 31)
_NEVER = pd.Timestamp("2262-01-01")  # an open event's end (DHSC's 9999)


# --- the synthetic county and timing ---------------------------------------------------------

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
    # Reablement for 3 days, then long-term support 1 to 15 days after it ends: within 7 days
    # it is what followed the reablement (ASCOF 2A's denominator only), later the reablement
    # ended with no further action (its numerator).
    reabled = completed + pd.Timedelta(days=3)
    start = reabled + pd.to_timedelta(rng.integers(0, 15, people), "D")
    services = pd.concat([
        pd.DataFrame({"service_id": [f"s{n}" for n in range(people)], "person_id": ids,
                      "support_type": "short_term", "setting": "home_care",
                      "delivery_mechanism": "council_commissioned", "start_date": completed,
                      "end_date": reabled, "weekly_cost": None}),
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


# --- the national set: the engine's store, and DHSC's waits the straightforward way in pandas -

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


# --- ASCOF the straightforward way in pandas (docs/measures.md, "ASCOF from CLD") -------------

def _days(later: pd.Series, earlier: pd.Series) -> pd.Series:
    return (later - earlier).dt.days


def _at_least(lived: pd.Series, years: int) -> pd.Series:
    return (lived * 4 >= years * 1461).fillna(False)


def _band(lived: pd.Series) -> pd.Series:
    return pd.Series(np.where(lived.isna(), "unknown",
                              np.where(_at_least(lived, 65), "65+", "18-64")), index=lived.index)


def _share(numerator: int, denominator: int) -> tuple[float | None, int, int]:
    value = rounded(Fraction(100 * numerator, denominator)) if denominator else None
    return value, numerator, denominator


def _pandas_ascof(events: pd.DataFrame, people: pd.DataFrame, details: pd.DataFrame,
                  as_of: date) -> dict[str, tuple[float | None, int, int]]:
    """Every ascof.* figure at ``as_of`` as (value, numerator, denominator)."""
    ev = events.copy()
    for column in ("start_date", "end_date"):
        ev[column] = pd.to_datetime(ev[column])
    ev["record_order"] = ev["record_order"].astype(int)
    person = people.set_index("person_id")
    detail = details.set_index("person_id")
    born = pd.to_datetime(person["birth_month"] + "-01")
    death = pd.to_datetime(detail["date_of_death"]).reindex(person.index)
    settled = detail["settled_accommodation"].eq("true").reindex(person.index).fillna(False)
    d = pd.Timestamp(as_of)
    year_before = d - relativedelta(months=12)
    figures: dict[str, tuple[float | None, int, int]] = {}
    users = ev[(ev["client_type"] == "service_user")
               & (ev["end_date"].isna() | (ev["end_date"] >= ev["start_date"]))].copy()
    # 2A: spells of reablement and their sequels.
    sequels = _pandas_sequels(users, born, death)
    sequels = sequels[(sequels["c_end"] > year_before) & (sequels["c_end"] <= d)]
    for measure, band in ascof.SHORT_TERM.items():
        mine = sequels if band is None else sequels[sequels["band"] == band]
        figures[measure] = _share(int(mine["sequel"].isin(NO_ONGOING_SUPPORT).sum()),
                                  int(mine["sequel"].isin(COUNTED).sum()))
    # 2B/2C: new admissions to care homes (the store holds no population: no rate).
    lts = users[(users["event_type"] == "service") & users["service_type"].isin(LONG_TERM)]
    homes = lts[lts["service_type"].isin(ascof.CARE_HOMES)
                & lts["service_component"].isin(ascof.CARE_HOME_COMPONENTS)
                & lts["person_id"].map(born).notna()]
    admitted = homes[(homes["start_date"] > year_before) & (homes["start_date"] <= d)
                     & ~(homes["person_id"].map(death) <= year_before)
                     & (homes["outcome"] != ascof.SELF_FUNDED)]
    pairs = admitted.reset_index().merge(homes[["person_id", "start_date", "end_date"]],
                                         on="person_id", suffixes=("", "_p"))
    earlier = pairs[(pairs["start_date_p"] < pairs["start_date"])
                    & (pairs["end_date_p"].isna()
                       | (_days(pairs["start_date"], pairs["end_date_p"]) < 365))]
    new = admitted[~admitted.index.isin(earlier["index"])]
    lived = _days(new["start_date"], new["person_id"].map(born))
    new = new[_at_least(lived, 18)].assign(young=~_at_least(lived, 65))
    young = new.groupby("person_id")["young"].max()
    for measure, band in ascof.ADMISSIONS.items():
        n = int(young.sum() if band == "18-64" else (~young).sum())
        figures[measure] = (None, n, 0)
    # 2E: long-term support in the year, living at home or with family, by band and gender.
    year = lts[(lts["start_date"] <= d) & (lts["end_date"].isna() | (lts["end_date"] > year_before))
               & ~(lts["person_id"].map(death) <= year_before)]
    last = year["end_date"].fillna(d).clip(upper=d).groupby(year["person_id"]).max()
    lived = (last - born.reindex(last.index)).dt.days
    home = pd.DataFrame({"lived": lived, "settled": settled.reindex(last.index),
                         "gender": person["gender"].reindex(last.index),
                         "reason": person["primary_support_reason"].reindex(last.index)})
    home = home[home["lived"].isna() | _at_least(home["lived"], 18)]
    home["band"] = _band(home["lived"])
    for measure, (band, gender) in ascof.HOME.items():
        mine = home[(home["band"] == "18-64") & (home["reason"] == "learning_disability")] \
            if band == "ld" else home[home["band"] == band]
        if gender is not None:
            mine = mine[mine["gender"] == gender]
        figures[measure] = _share(int(mine["settled"].sum()), len(mine))
    # 3D clients: highest place at D, community support by mechanism.
    active = lts[(lts["start_date"] <= d) & (lts["end_date"].isna() | (lts["end_date"] >= d))
                 & ~(lts["person_id"].map(death) < d)]
    how = active["delivery_mechanism"].mask(active["service_component"] == "direct_payment",
                                            "direct_payment")
    rank = pd.Series([ascof.RANKS.get((t, h), ascof.RANKS.get((t, None)))
                      for t, h in zip(active["service_type"], how, strict=True)],
                     index=active.index)
    place = rank.groupby(active["person_id"]).min()
    lived = (d - born.reindex(place.index)).dt.days
    clients = pd.DataFrame({"rank": place, "lived": lived})
    clients = clients[(clients["lived"].isna() | _at_least(clients["lived"], 18))
                      & clients["rank"].isin(ascof.COMMUNITY_RANKS)]
    clients["band"] = _band(clients["lived"])
    for measure, (part, band) in ascof.SELF_DIRECTED.items():
        mine = clients if band is None else clients[clients["band"] == band]
        wins = ascof.SELF_DIRECTED_RANKS[part]
        figures[measure] = _share(int(mine["rank"].isin(wins).sum()), len(mine))
    # 3D carers: the synthetic county has none, so every figure is empty.
    carers = ev[(ev["client_type"] == "carer") & (ev["service_type"] == "carer_direct")]
    assert carers.empty, "the benchmark's county has no carers"
    for measure in ascof.CARERS:
        figures[measure] = (None, 0, 0)
    return figures


def _pandas_sequels(users: pd.DataFrame, born: pd.Series, death: pd.Series) -> pd.DataFrame:
    """ASCOF 2A's spells of reablement of new adult clients with their sequels (the rules of
    measures/stmax.py, step by step)."""
    users = users.assign(last=users["end_date"].fillna(_NEVER),
                         hier=users["outcome"].map(OUTCOME_HIERARCHY).fillna(999))
    stmax = users[(users["event_type"] == "service") & (users["service_type"] == "sts_st_max")]
    stmax = stmax.sort_values(["person_id", "start_date", "last", "hier", "record_order"],
                              ascending=[True, True, True, True, False])
    reach = stmax.groupby("person_id")["last"].cummax().groupby(stmax["person_id"]).shift(1)
    starts = reach.isna() | (_days(stmax["start_date"], reach) > 7)
    stmax = stmax.assign(spell=starts.astype(int).groupby(stmax["person_id"]).cumsum())
    ending = stmax.sort_values(["person_id", "spell", "last", "hier", "record_order"],
                               ascending=[True, True, False, True, False])
    ending = ending.drop_duplicates(["person_id", "spell"]).set_index(["person_id", "spell"])
    spells = stmax.groupby(["person_id", "spell"]).agg(c_start=("start_date", "min"),
                                                       c_end=("last", "max"))
    spells = spells.assign(c_outcome=ending["outcome"], c_hier=ending["hier"]).reset_index()
    spells["death"] = spells["person_id"].map(death)
    lived = _days(spells["c_end"], spells["person_id"].map(born))
    spells = spells[(lived.isna() | _at_least(lived, 18))
                    & (spells["death"].isna() | (spells["death"] >= spells["c_start"]))]
    spells = spells.assign(band=_band(lived.reindex(spells.index)))
    lts = users[(users["event_type"] == "service") & users["service_type"].isin(LONG_TERM)]
    pairs = spells.reset_index().merge(lts[["person_id", "start_date", "last"]], on="person_id")
    old = pairs[(pairs["start_date"] < pairs["c_start"])
                & (_days(pairs["c_start"], pairs["last"]) < 91)]
    spells = spells[~spells.index.isin(old["index"])].reset_index(drop=True)
    ev = spells.reset_index().merge(users, on="person_id")
    own = ((ev["event_type"] == "service") & (ev["service_type"] == "sts_st_max")
           & ev["start_date"].between(ev["c_start"], ev["c_end"]))
    ev = ev[~own]
    window = ev[(ev["start_date"] >= ev["c_start"]) & (ev["last"] > ev["c_end"])
                & (_days(ev["start_date"], ev["c_end"]) <= 7)]
    nested = ev[(ev["start_date"] >= ev["c_start"]) & (ev["last"] > ev["c_start"])
                & (ev["last"] <= ev["c_end"])]
    found = []

    def add(rows: pd.DataFrame, priority: pd.Series | int, sequel: pd.Series | str) -> None:
        found.append(pd.DataFrame({"index": rows["index"], "priority": priority,
                                   "sequel": sequel}))

    died = spells.reset_index()
    died = died[_days(died["death"], died["c_end"]) <= 7]
    add(died, 1000, "no_further_action_deceased")
    hospital = spells.reset_index()
    hospital = hospital[hospital["c_outcome"] == "admitted_to_hospital"]
    add(hospital, 2000, "admitted_to_hospital")
    services = window[(window["event_type"] == "service")
                      & window["service_type"].isin(list(SERVICE_HIERARCHY))]
    care_home = services["service_component"].isin(SHORT_TERM_CARE_HOMES)
    add(services, 3000 + services["service_type"].map(SERVICE_HIERARCHY) * 2 + ~care_home,
        services["service_type"].mask((services["service_type"] == "sts_other") & care_home,
                                      RESIDENTIAL_OR_NURSING))
    others = window[(window["event_type"] != "service")
                    & (window["outcome"] != "no_further_action_ended_as_planned")
                    & ((window["c_hier"] < 100) | (window["hier"] < 100))]
    add(others, 4000 + others["c_hier"], others["c_outcome"])
    told = others[others["hier"] < 100]
    add(told, 4000 + told["hier"], told["outcome"])
    late = nested[nested["event_type"].isin(["assessment", "review"])
                  & (_days(nested["c_end"], nested["last"]) < 14) & (nested["hier"] < 100)]
    late = late.sort_values(["index", "last", "hier"], ascending=[True, False, True])
    late = late.drop_duplicates("index")
    add(late, 4000 + late["hier"], late["outcome"])
    quiet = spells.reset_index()
    quiet = quiet[~quiet["index"].isin(window["index"]) & (quiet["c_hier"] < 100)]
    add(quiet, 4000 + quiet["c_hier"], quiet["c_outcome"])
    equipment = nested[(nested["event_type"] == "service")
                       & (nested["service_component"] == "equipment")]
    add(equipment, 5000, "sts_ongoing_low_level")
    everyone = spells.reset_index()
    add(everyone, 6000, everyone["c_outcome"])
    chosen = pd.concat(found).sort_values(["index", "priority"]).drop_duplicates("index")
    return spells.assign(sequel=chosen.set_index("index")["sequel"].reindex(spells.index))


# --- the phases ------------------------------------------------------------------------------

def reader() -> None:
    """read_cld on the extract against pandas reading the same CSV as text (the floor any
    reader pays)."""
    with tempfile.TemporaryDirectory() as folder:
        path = write_cld(to_cld(_county(PEOPLE, SEED), period_end=pd.Timestamp("2025-09-30")),
                         Path(folder) / "cld.csv")
        rows = sum(1 for _ in path.open()) - 1
        baseline = _best(lambda: pd.read_csv(path, dtype=str, keep_default_na=False))
        took = _best(lambda: read_cld(path))
    print(f"CLD extract: {rows:,} rows, {PEOPLE:,} people")
    print(f"baseline pandas.read_csv (all text): {baseline:.2f} s")
    print(f"read_cld (six record tables):        {took:.2f} s "
          f"({rows / took:,.0f} rows/s, {took / baseline:.1f}x the baseline)")


def national() -> None:
    """The whole national set on the CLD extract, engine (DuckDB) against pandas, checked equal:
    DHSC's waiting times every quarter and the ASCOF measures for the financial year."""
    with tempfile.TemporaryDirectory() as folder:
        path = write_cld(to_cld(_county(PEOPLE, SEED), period_end=pd.Timestamp("2025-09-30")),
                         Path(folder) / "cld.csv")
        extract = read_cld(path)
    backend = _store(extract.tables)
    waits = [m for m in CATALOGUE if m.startswith("dhsc.")]
    outcomes = [m for m in CATALOGUE if m.startswith(ascof.PREFIX)]
    began = time.perf_counter()
    got = series(backend, *QUARTERS, "quarter", measures=waits)
    year = compute(backend, YEAR_END, measures=outcomes)
    engine = time.perf_counter() - began
    events = extract.tables["cld_events"].to_pandas()
    people = extract.tables["people"].to_pandas()
    details = extract.tables["cld_people"].to_pandas()
    began = time.perf_counter()
    expected = _pandas_waits(events, people)
    expected_year = _pandas_ascof(events, people, details, YEAR_END)
    baseline = time.perf_counter() - began
    computed = {(v.measure, v.as_of): v.value for v in got if v.value is not None}
    wanted = {k: round(v, 1) for k, v in expected.items()
              if QUARTERS[0] <= k[1] <= QUARTERS[1]}
    assert computed == wanted, "the engine and pandas disagree on dhsc.*"
    figures = {v.measure: (v.value, v.numerator, v.denominator) for v in year}
    assert figures == expected_year, "the engine and pandas disagree on ascof.*"
    rows = extract.tables["cld_events"].num_rows
    print(f"dhsc.* over {len(got) // len(waits)} quarters and {len(outcomes)} ascof.* figures "
          f"for the year to {YEAR_END:%d/%m/%Y}, from {rows:,} CLD events: engine {engine:.2f} s, "
          f"pandas {baseline:.2f} s ({baseline / engine:.1f}x the baseline's speed); "
          "figures agree")


def main() -> None:
    reader()
    national()


if __name__ == "__main__":
    main()
