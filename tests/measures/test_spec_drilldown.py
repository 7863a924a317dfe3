"""Spec tests: the records behind a waiting-list figure (careassure.measures.drilldown): the
same episodes the figure counts, under the same filter and group. DuckDB and Spark."""

from __future__ import annotations

import pytest
from measure_spec import d, episode, person, team

from careassure.measures import compute
from careassure.measures.drilldown import has_records, records_behind
from careassure.measures.filters import Filter

CARE = "care_act_assessment"
D = "2025-03-31"


@pytest.fixture
def backend(store):
    # At 31/03/2025: E1 P1 team A 10 days, E2 P2 team A 30 days, E3 P3 team B 20 days,
    # E4 P4 no team 2 days; E5 (P1, team B) was allocated on 15/03 and is not waiting;
    # E6 (P3, team A) received 01/08/2024: 242 days, over six months.
    return store(
        teams=[team("A", "locality"), team("B", "specialist")],
        people=[person("P1", locality="North"), person("P2", locality="South"),
                person("P3", locality="North"), person("P4")],
        episodes=[
            {**episode(CARE, "2025-03-21", person_id="P1", team="A"), "episode_id": "E1"},
            {**episode(CARE, "2025-03-01", person_id="P2", team="A"), "episode_id": "E2"},
            {**episode(CARE, "2025-03-11", person_id="P3", team="B"), "episode_id": "E3"},
            {**episode(CARE, "2025-03-29", person_id="P4"), "episode_id": "E4"},
            {**episode(CARE, "2025-03-01", person_id="P1", team="B", allocated="2025-03-15"),
             "episode_id": "E5"},
            {**episode(CARE, "2024-08-01", person_id="P3", team="A"), "episode_id": "E6"},
        ],
    )


def listed(records):
    return [(r.episode_id, r.person_id, r.team, r.wait) for r in records]


def test_the_whole_area_list_is_the_waiting_list_longest_first(backend) -> None:
    records = records_behind(backend, f"{CARE}.waiting", d(D))
    assert listed(records) == [("E6", "P3", "A", 242), ("E2", "P2", "A", 30),
                               ("E3", "P3", "B", 20), ("E1", "P1", "A", 10),
                               ("E4", "P4", None, 2)]
    figure = compute(backend, d(D), measures=[f"{CARE}.waiting"])[0]
    assert figure.value == len(records)


def test_a_group_s_list(backend) -> None:
    records = records_behind(backend, f"{CARE}.median_wait", d(D), by="team", group="A")
    assert [r.episode_id for r in records] == ["E6", "E2", "E1"]
    unknown = records_behind(backend, f"{CARE}.waiting", d(D), by="team", group="unknown")
    assert [r.episode_id for r in unknown] == ["E4"]


def test_under_a_filter(backend) -> None:
    where = Filter.of({"locality": ["North"]})
    records = records_behind(backend, f"{CARE}.waiting", d(D), where=where, by="team", group="A")
    assert [r.episode_id for r in records] == ["E6", "E1"]


def test_over_six_months_lists_only_those_it_counts(backend) -> None:
    records = records_behind(backend, f"{CARE}.over_6_months", d(D))
    assert [r.episode_id for r in records] == ["E6"]


def test_only_waiting_list_measures_have_lists(backend) -> None:
    assert has_records(f"{CARE}.waiting") and has_records("s42_enquiry.open")
    assert not has_records(f"{CARE}.pct_allocated_within_28")
    with pytest.raises(ValueError, match="no list of records"):
        records_behind(backend, "contacts.pct_answered", d(D))
    with pytest.raises(ValueError, match="a group needs its breakdown"):
        records_behind(backend, f"{CARE}.waiting", d(D), group="A")
