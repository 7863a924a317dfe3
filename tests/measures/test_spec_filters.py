"""Spec tests: filters (docs/measures.md, "Filters"): a filtered figure is the engine's figure
on the kept rows, dimensions combine with "and", groups within one with "or", age band at the
filter's date, and a measure that cannot be broken down by a dimension cannot be filtered by it.
DuckDB and Spark."""

from __future__ import annotations

import pytest
from measure_spec import call, d, episode, person, service, team

from careassure.measures import compute, series
from careassure.measures.filters import Filter, filterable

CARE = "care_act_assessment"


@pytest.fixture
def backend(store):
    # D = 31/03/2025. Waiting Care Act assessments (wait at D):
    #   P1 (born 04/2007, white, rural) team A, received 21/03 -> 10 days
    #   P2 (born 03/1960, no ethnicity, urban) team A, 01/03 -> 30 days
    #   P3 (no birth month, asian, rural) team B, 11/03 -> 20 days
    #   P4 (born 01/1980, no ethnicity, no rural/urban) no team, 29/03 -> 2 days
    return store(
        teams=[team("A", "locality"), team("B", "specialist"), team("C", "hospital")],
        people=[
            person("P1", birth_month="2007-04", ethnicity="white", rural_urban="rural"),
            person("P2", birth_month="1960-03", rural_urban="urban"),
            person("P3", ethnicity="asian", rural_urban="rural"),
            person("P4", birth_month="1980-01"),
        ],
        episodes=[
            episode(CARE, "2025-03-21", person_id="P1", team="A"),
            episode(CARE, "2025-03-01", person_id="P2", team="A"),
            episode(CARE, "2025-03-11", person_id="P3", team="B"),
            episode(CARE, "2025-03-29", person_id="P4"),
        ],
        services=[service("P1", "2024-01-01")],
        contacts=[call("2025-03-31T10:00:00", True, 5)],
    )


def waiting(backend, where, measure="waiting", **kw):
    result = compute(backend, d("2025-03-31"), measures=[f"{CARE}.{measure}"], where=where, **kw)
    return [(next(iter(v.breakdown.values())) if v.breakdown else None, v.value) for v in result]


def test_a_team_filter_keeps_that_team_s_episodes(backend) -> None:
    assert waiting(backend, Filter.of({"team": ["A"]})) == [(None, 2)]
    # Team A's waits 10 and 30 -> median 20.
    assert waiting(backend, Filter.of({"team": ["A"]}), "median_wait") == [(None, 20.0)]


def test_groups_in_one_dimension_are_alternatives(backend) -> None:
    # A or no team (the unknown group): P1, P2, P4.
    assert waiting(backend, Filter.of({"team": ["A", "unknown"]})) == [(None, 3)]


def test_dimensions_combine_with_and(backend) -> None:
    # Rural: P1 (A), P3 (B); and team A: P1 only.
    where = Filter.of({"rural_urban": ["rural"], "team": ["A"]})
    assert waiting(backend, where) == [(None, 1)]


def test_person_filter_with_unknown_group(backend) -> None:
    # No ethnicity recorded: P2 (30 days), P4 (2 days).
    assert waiting(backend, Filter.of({"ethnicity": ["unknown"]}), "max_wait") == [(None, 30)]


def test_team_type_filter(backend) -> None:
    assert waiting(backend, Filter.of({"team_type": ["specialist"]})) == [(None, 1)]
    # No team: the unknown type.
    assert waiting(backend, Filter.of({"team_type": ["unknown"]})) == [(None, 1)]


def test_age_band_is_taken_at_the_filter_date(backend) -> None:
    # At 31/03/2025 P1 (born 04/2007) is 17; at 30/04/2025 she is 18.
    assert waiting(backend, Filter.of({"age_band": ["0-17"]}, d("2025-03-31"))) == [(None, 1)]
    assert waiting(backend, Filter.of({"age_band": ["0-17"]}, d("2025-04-30"))) == [(None, 0)]


def test_a_breakdown_under_a_filter_lists_only_the_kept_groups(backend) -> None:
    result = waiting(backend, Filter.of({"team": ["A", "B"]}), by="team")
    assert result == [(None, 3), ("A", 2), ("B", 1)]


def test_a_series_under_a_filter(backend) -> None:
    values = series(backend, d("2025-02-28"), d("2025-03-31"), "month",
                    measures=[f"{CARE}.waiting"], where=Filter.of({"team": ["A"]}))
    assert [(v.as_of, v.value) for v in values] == [(d("2025-02-28"), 0), (d("2025-03-31"), 2)]


def test_empty_filter_is_the_whole_area(backend) -> None:
    assert waiting(backend, Filter.of({})) == waiting(backend, None) == [(None, 4)]


def test_measures_that_cannot_be_split_cannot_be_filtered(backend) -> None:
    where = Filter.of({"team": ["A"]})
    assert not filterable("contacts.pct_answered", where)
    assert filterable("contacts.pct_answered", Filter.of({}))
    with pytest.raises(ValueError, match="cannot be filtered by team"):
        compute(backend, d("2025-03-31"), measures=["contacts.pct_answered"], where=where)


def test_unknown_dimension_and_age_without_date_are_refused() -> None:
    with pytest.raises(ValueError, match="cannot filter by colour"):
        Filter((("colour", ("red",)),))
    with pytest.raises(ValueError, match="needs the date"):
        Filter((("age_band", ("65+",)),))


def test_the_council_is_chosen_with_council_not_as_a_filter() -> None:
    """A store of several councils is cut to one with ``compute(..., council=...)``; a council
    filter would be kept by nothing in the tables, so it is refused rather than ignored."""
    with pytest.raises(ValueError, match="cannot filter by la_code"):
        Filter.of({"la_code": ["E10000018"]})
