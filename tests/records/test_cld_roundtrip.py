"""Round trip: record-format county -> CLD (careassure.synth.cld) -> read_cld -> the same county,
as far as CLD can represent it (completed work, services, no teams; see docs/cld.md)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from careassure.records.cld import read_cld
from careassure.records.schema import TABLES
from careassure.records.store import open_store
from careassure.synth import generate_county
from careassure.synth.cld import CLD_COLUMNS, to_cld, write_cld

LA = "E10000999"
PERIOD_END = date(2025, 3, 31)


def _table(name: str, rows: list[dict]) -> pd.DataFrame:
    columns = TABLES[name].column_names
    return pd.DataFrame([{c: row.get(c) for c in columns} for row in rows], columns=columns)


def _episode(episode_id: str, person: str, kind: str, received: str, **dates) -> dict:
    return {"episode_id": episode_id, "person_id": person, "kind": kind, "team": "Locality North",
            "received_date": received, **dates}


def hand_made_county() -> dict[str, pd.DataFrame]:
    """A few people with every kind of work CLD can and cannot carry."""
    people = _table("people", [
        dict(person_id="p1", birth_month="1940-05", gender="female", ethnicity="white",
             client_type="service_user", primary_support_reason="physical_support",
             locality="North", rural_urban="urban"),
        dict(person_id="p2", birth_month="1980-11", gender="male", ethnicity="asian",
             client_type="service_user", primary_support_reason="learning_disability"),
        dict(person_id="p3", birth_month="1962-01", gender="other", ethnicity="black",
             client_type="service_user", primary_support_reason="mental_health"),
        dict(person_id="c1", client_type="carer", gender="unknown", ethnicity="mixed",
             primary_support_reason="none"),
        dict(person_id="p4", birth_month="1950-02", gender="female", ethnicity="other",
             client_type="service_user"),  # only waiting work: not in CLD at all
    ])
    episodes = _table("episodes", [
        _episode("e1", "p1", "care_act_assessment", "2024-01-02", allocated_date="2024-02-01",
                 completed_date="2024-03-01", outcome="eligible"),
        _episode("e2", "p1", "financial_assessment", "2024-03-02", subtype="non_residential",
                 allocated_date="2024-03-10", completed_date="2024-03-20"),
        _episode("e3", "p1", "review", "2024-12-01", subtype="planned",
                 allocated_date="2025-01-05", completed_date="2025-01-10", outcome="fully_met"),
        _episode("e4", "c1", "carer_assessment", "2024-04-01", allocated_date="2024-04-15",
                 completed_date="2024-05-01"),
        _episode("e5", "p2", "care_act_assessment", "2024-06-01", closed_date="2024-06-10"),
        _episode("e6", "p2", "care_act_assessment", "2024-07-01", allocated_date="2024-08-01"),
        _episode("e7", "p2", "care_act_assessment", "2024-09-01", allocated_date="2024-09-01",
                 completed_date="2024-09-30", outcome="not_eligible"),
        _episode("e8", "p3", "financial_assessment", "2024-10-01", subtype="residential",
                 completed_date="2024-10-03"),
        _episode("e9", "p3", "review", "2024-11-01", subtype="unplanned",
                 completed_date="2024-11-02"),
        _episode("e10", "p3", "review", "2025-02-01", completed_date="2025-02-03"),
        _episode("e11", "p3", "ot_assessment", "2024-05-01", completed_date="2024-05-09"),
        _episode("e12", "p4", "care_act_assessment", "2025-03-01"),
        _episode("e13", "p3", "care_act_assessment", "2025-03-01", allocated_date="2025-03-05",
                 completed_date="2025-04-10"),  # completed after the period end: not yet in CLD
    ])
    services = _table("services", [
        dict(service_id="s1", person_id="p1", support_type="long_term", setting="home_care",
             delivery_mechanism="council_commissioned", start_date="2024-03-15",
             weekly_cost=250.5),
        dict(service_id="s2", person_id="p1", support_type="short_term", setting="home_care",
             start_date="2024-03-02", end_date="2024-03-15"),
        dict(service_id="s3", person_id="p2", support_type="long_term", setting="direct_payment",
             delivery_mechanism="direct_payment", start_date="2024-10-01",
             end_date="2025-04-01", weekly_cost=310),  # ends the day after the period end
        dict(service_id="s4", person_id="p2", support_type="long_term",
             setting="supported_living", delivery_mechanism="managed_personal_budget",
             start_date="2023-05-01", end_date="2024-10-01", weekly_cost=1200.25),
        dict(service_id="s5", person_id="p3", support_type="long_term", setting="nursing",
             start_date="2024-11-03", end_date="2025-06-01"),  # still running at period end
        dict(service_id="s6", person_id="p3", support_type="long_term", setting="residential",
             start_date="2024-06-01", end_date="2024-11-03"),
        dict(service_id="s7", person_id="p3", support_type="long_term", setting="day_care",
             start_date="2024-06-01", end_date="2024-08-01"),
        dict(service_id="s8", person_id="p3", support_type="long_term",
             setting="other_community", start_date="2024-06-01"),
        dict(service_id="s9", person_id="p3", support_type="short_term", setting="residential",
             start_date="2024-05-10", end_date="2024-05-24", weekly_cost=700),
        dict(service_id="s10", person_id="p3", support_type="short_term", setting="nursing",
             start_date="2025-04-02"),  # starts after the period end
    ])
    return {"people": people, "teams": _table("teams", [{"team": "Locality North",
                                                         "team_type": "locality"}]),
            "episodes": episodes, "services": services, "contacts": _table("contacts", []),
            "population": _table("population", [])}


def _d(value) -> pd.Timestamp | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value)


def _iso(value) -> str | None:
    return None if value is None else value.strftime("%Y-%m-%d")


def representable(county: dict[str, pd.DataFrame], *, release: int,
                  period_end: date) -> dict[str, list[dict]]:
    """What CLD can carry of ``county`` at ``period_end``, in the record format, as documented in
    docs/cld.md: completed assessments and reviews (a review, and a Release 2 financial
    assessment, is received on the day it started); services started by the period end (open if
    still running then, a Direct Payment setting paid by direct payment); people with any of it,
    keyed by LA code + local id, without locality; no teams."""
    end = pd.Timestamp(period_end)
    episodes, services, people = [], [], set()
    for e in county["episodes"].to_dict("records"):
        received, allocated = _d(e["received_date"]), _d(e["allocated_date"])
        completed, closed = _d(e["completed_date"]), _d(e["closed_date"])
        started = allocated or received
        if e["kind"] in ("care_act_assessment", "carer_assessment", "financial_assessment",
                         "review") and completed is not None and completed <= end:
            late_received = e["kind"] == "review" or (
                e["kind"] == "financial_assessment" and release == 2)
            outcomes = ("fully_met", "partially_met", "not_met") if e["kind"] == "review" else (
                "eligible", "not_eligible")
            episodes.append({
                "person_id": f"{LA}_{e['person_id']}", "kind": e["kind"], "team": None,
                "subtype": e["subtype"] if e["kind"] in ("review", "financial_assessment")
                else None,
                "received_date": _iso(started if late_received else received),
                "allocated_date": _iso(started), "completed_date": _iso(completed),
                "closed_date": None, "outcome": e["outcome"] if e["outcome"] in outcomes
                else None})
            people.add(e["person_id"])
        elif (e["kind"] != "review" and e["kind"] != "ot_assessment" and closed is not None
              and closed <= end and allocated is None):
            people.add(e["person_id"])  # a request with no further action
    for s in county["services"].to_dict("records"):
        start, stop = _d(s["start_date"]), _d(s["end_date"])
        if start > end:
            continue
        cost = s["weekly_cost"]
        services.append({
            "person_id": f"{LA}_{s['person_id']}", "support_type": s["support_type"],
            "setting": s["setting"],
            "delivery_mechanism": "direct_payment" if s["setting"] == "direct_payment"
            else s["delivery_mechanism"],
            "start_date": _iso(start),
            "end_date": _iso(stop) if stop is not None and stop - pd.Timedelta(days=1) <= end
            else None,
            "weekly_cost": None if cost is None or pd.isna(cost) else f"{float(cost):.2f}"})
        people.add(s["person_id"])
    person_rows = [{
        "person_id": f"{LA}_{p['person_id']}", "birth_month": p["birth_month"],
        "gender": p["gender"], "ethnicity": p["ethnicity"], "client_type": p["client_type"],
        "primary_support_reason": p["primary_support_reason"], "locality": None,
        "rural_urban": None} for p in county["people"].to_dict("records")
        if p["person_id"] in people]
    return {"people": _sorted(person_rows), "episodes": _sorted(episodes),
            "services": _sorted(services), "teams": []}


def _sorted(rows: list[dict]) -> list[dict]:
    clean = [{k: (None if v is None or (isinstance(v, float) and pd.isna(v)) else v)
              for k, v in row.items()} for row in rows]
    return sorted(clean, key=lambda r: [str(v) for v in r.values()])


def read_back(path: Path) -> dict[str, list[dict]]:
    extract = read_cld(path)
    tables = {}
    for name in ("people", "episodes", "services", "teams"):
        rows = extract.tables[name].to_pylist()
        for row in rows:
            row.pop({"episodes": "episode_id", "services": "service_id"}.get(name, ""), None)
        tables[name] = _sorted(rows)
    return tables


@pytest.mark.parametrize(("release", "suffix"), [(1, ".csv"), (2, ".csv"), (2, ".xlsx")])
def test_hand_made_county_round_trip(tmp_path: Path, release: int, suffix: str) -> None:
    county = hand_made_county()
    frame = to_cld(county, la_code=LA, release=release, period_end=PERIOD_END)
    path = write_cld(frame, tmp_path / f"cld{suffix}")
    expected = representable(county, release=release, period_end=PERIOD_END)
    assert read_back(path) == expected
    # The fixture exercises what it claims to: every kind of row, and something left out.
    assert {e["kind"] for e in expected["episodes"]} == {
        "care_act_assessment", "carer_assessment", "financial_assessment", "review"}
    assert len(expected["people"]) == 4 and len(expected["services"]) == 9


def test_emitted_rows_use_the_chosen_releases_spellings() -> None:
    county = hand_made_county()
    first = to_cld(county, release=1, period_end=PERIOD_END)
    second = to_cld(county, release=2, period_end=PERIOD_END)
    assert list(first.columns) == list(CLD_COLUMNS)
    assert set(first["Client_Type"]) == {"Service User", "Carer"}
    assert set(second["Client_Type"]) == {"Service user", "Unpaid carer"}
    assert "Progress to financial assessment" in set(first["Event_Outcome"])
    assert "Progress to financial assessment" not in set(second["Event_Outcome"])
    assert (first["Reporting_Period_End_Date"] == "2025-03-31").all()
    assert not (first["Event_Start_Date"] > "2025-03-31").any()
    # Only completed work: the waiting assessment (p4) and the OT assessment are absent.
    assert "p4" not in set(first["LA_Person_Unique_Identifier"])
    assert set(first.loc[first["Event_End_Date"] == "", "Event_Type"]) == {"Service"}


def test_period_end_defaults_to_the_latest_date_in_the_county() -> None:
    frame = to_cld(hand_made_county())
    # The last day of the latest-ending service (its exclusive end is 2025-06-01).
    assert set(frame["Reporting_Period_End_Date"]) == {"2025-05-31"}
    assert "2025-04-10" in set(frame["Event_End_Date"])


@pytest.fixture(scope="module")
def synthetic_county() -> dict[str, pd.DataFrame]:
    return generate_county(0.01, 7)


@pytest.mark.parametrize("release", [1, 2])
def test_synthetic_county_round_trip(tmp_path: Path, synthetic_county, release: int) -> None:
    frame = to_cld(synthetic_county, la_code=LA, release=release)
    period_end = pd.Timestamp(frame["Reporting_Period_End_Date"].iloc[0]).date()
    path = write_cld(frame, tmp_path / "cld.csv")
    expected = representable(synthetic_county, release=release, period_end=period_end)
    assert read_back(path) == expected
    assert len(expected["episodes"]) > 100 and len(expected["services"]) > 100


def test_ingest_a_cld_extract_into_a_store(tmp_path: Path) -> None:
    load = pytest.importorskip("careassure.records.load")
    county = hand_made_county()
    frame = to_cld(county, la_code=LA, period_end=PERIOD_END)
    path = write_cld(frame, tmp_path / "cld.csv")
    store = tmp_path / "store.duckdb"
    result = load.ingest(path, store=store, fmt="cld")
    assert result.ok, result.errors
    expected = representable(county, release=2, period_end=PERIOD_END)
    sizes = {name: len(rows) for name, rows in expected.items()}
    with open_store(store) as opened:
        counts = opened.row_counts()
        received = opened.connection.execute(
            "SELECT kind, strftime(received_date, '%Y-%m-%d') FROM episodes ORDER BY 1, 2"
        ).fetchall()
        person_ids = {r[0] for r in opened.connection.execute(
            "SELECT person_id FROM people").fetchall()}
        unmatched = opened.connection.execute(
            "SELECT count(*) FROM cld_events WHERE person_id NOT IN (SELECT person_id FROM people)"
        ).fetchone()[0]
    # Every CLD event written is kept as it is (the extract has no duplicates or dropped rows),
    # under the same pseudonymised person ids as the record tables.
    assert counts == {"people": sizes["people"], "teams": 0, "episodes": sizes["episodes"],
                      "services": sizes["services"], "contacts": 0, "population": 0,
                      "cld_events": int(frame["Event_Type"].notna().sum()),
                      "cld_people": sizes["people"]}
    assert unmatched == 0
    assert received == sorted((e["kind"], e["received_date"]) for e in expected["episodes"])
    assert not person_ids & {p["person_id"] for p in expected["people"]}  # pseudonymised
    # Loading the same extract again replaces it rather than adding to it.
    assert load.ingest(path, store=store, fmt="cld").ok
    with open_store(store) as opened:
        assert opened.row_counts() == counts
