"""Case tracking (stratified, seed-reproducible, by pseudonym) and case sampling (by team)."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date
from pathlib import Path

import duckdb
import pytest

from careassure.framework.casetracking import (
    CaseListError,
    _allocate,
    case_sample,
    case_tracking_list,
    to_csv,
)
from careassure.records.store import create_schema, open_store

AS_OF = date(2026, 3, 31)
# kind -> how many people have that as their only recent work (60 in all), plus 8 on long-term
# support only and 4 young adults with an assessment (transitions).
MIX = {"care_act_assessment": 24, "safeguarding_concern": 12, "carer_assessment": 6,
       "review": 12, "reablement": 6}


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    path = tmp_path / "store.duckdb"
    con = duckdb.connect(str(path))
    create_schema(con)
    people, episodes, services = [], [], []
    n = 0
    for kind, count in MIX.items():
        for i in range(count):
            n += 1
            ethnicity = "asian" if i % 4 == 0 else "white"
            people.append((f"pp{n:03}", "1950-01", "female", ethnicity))
            allocated = None if i % 3 == 0 else date(2026, 3, 1)
            episodes.append((f"e{n:03}", f"pp{n:03}", kind, f"Team {i % 2}", date(2026, 2, 1),
                             allocated))
    for _ in range(4):
        n += 1
        people.append((f"pp{n:03}", "2006-05", "male", "black"))
        episodes.append((f"e{n:03}", f"pp{n:03}", "care_act_assessment", "Team 0",
                         date(2026, 1, 10), date(2026, 2, 10)))
    for _ in range(8):
        n += 1
        people.append((f"pp{n:03}", "1940-01", "male", "white"))
        services.append((f"s{n:03}", f"pp{n:03}", "long_term", "residential", date(2024, 1, 1)))
    n += 1
    people.append((f"pp{n:03}", "1940-01", "male", "white"))  # old work only: not a candidate
    episodes.append((f"e{n:03}", f"pp{n:03}", "review", "Team 0", date(2024, 1, 1), None))
    con.executemany("INSERT INTO teams (team, team_type, extract) VALUES (?, 'locality', 't')",
                    [["Team 0"], ["Team 1"]])
    con.executemany("INSERT INTO people (person_id, birth_month, gender, ethnicity, client_type, "
                    "extract) VALUES (?, ?, ?, ?, 'service_user', 't')", people)
    con.executemany("INSERT INTO episodes (episode_id, person_id, kind, team, received_date, "
                    "allocated_date, extract) VALUES (?, ?, ?, ?, ?, ?, 't')", episodes)
    con.executemany("INSERT INTO services (service_id, person_id, support_type, setting, "
                    "start_date, extract) VALUES (?, ?, ?, ?, ?, 't')", services)
    con.close()
    return path


def test_the_list_is_stratified_and_reproducible(store_path: Path) -> None:
    with open_store(store_path) as store:
        drawn = case_tracking_list(store, AS_OF, size=18, seed=7)
        again = case_tracking_list(store, AS_OF, size=18, seed=7)
        other = case_tracking_list(store, AS_OF, size=18, seed=8)
    assert drawn == again and drawn != other
    assert len(drawn) == 18 and len({c.pseudonym for c in drawn}) == 18
    by_pathway = Counter(c.pathway for c in drawn)
    # 72 candidates: every pathway is there, roughly in proportion (24 of 72 assessment)
    assert set(by_pathway) == {"assessment", "safeguarding", "carers", "reviews", "reablement",
                               "transitions", "long_term_support"}
    assert by_pathway["assessment"] == max(by_pathway.values())
    young = [c for c in drawn if c.pathway == "transitions"]
    assert all(c.age_band == "18-25" for c in young)
    # spread across equity groups within a pathway: a quarter of the assessments are asian
    assert any(c.ethnicity == "asian" for c in drawn if c.pathway == "assessment")
    case = next(c for c in drawn if c.pathway == "reviews")
    assert case.pseudonym.startswith("pp") and case.received == date(2026, 2, 1)
    assert case.wait_days == (28 if case.allocated else (AS_OF - date(2026, 2, 1)).days)
    assert all(c.pseudonym != "pp073" for c in drawn)  # work over a year old, no service


def test_the_whole_population_when_the_list_is_bigger(store_path: Path) -> None:
    with open_store(store_path) as store:
        everyone = case_tracking_list(store, AS_OF, size=500)
        with pytest.raises(CaseListError, match="at least 1"):
            case_tracking_list(store, AS_OF, size=0)
        with pytest.raises(CaseListError, match="nobody has work"):
            case_tracking_list(store, date(2020, 1, 1))
    assert len(everyone) == 72


def test_allocation_gives_every_pathway_a_place() -> None:
    places = _allocate({"assessment": 100, "carers": 1, "reviews": 10}, 10)
    assert places == {"assessment": 8, "carers": 1, "reviews": 1}
    assert sum(_allocate({"assessment": 7, "carers": 3}, 5).values()) == 5


def test_case_sample_by_team_and_export(store_path: Path) -> None:
    with open_store(store_path) as store:
        sample = case_sample(store, AS_OF, per_team=3, seed=1)
        assert sample == case_sample(store, AS_OF, per_team=3, seed=1)
    assert Counter(c.team for c in sample) == {"Team 0": 3, "Team 1": 3}
    assert all(c.allocated <= AS_OF for c in sample)
    rows = list(csv.DictReader(io.StringIO(to_csv(sample))))
    assert rows[0]["pseudonym"] == sample[0].pseudonym
    assert rows[0]["allocated"] == sample[0].allocated.isoformat()
    assert set(rows[0]) == {"team", "pseudonym", "work", "received", "allocated", "days_open"}
