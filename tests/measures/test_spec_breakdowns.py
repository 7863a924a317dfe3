"""Spec tests: breakdowns (measures-spec.md, "Breakdowns"): groups, the unknown group, age band
at D, ordering, and measures a breakdown does not apply to. DuckDB and Spark."""

from __future__ import annotations

import pytest
from measure_spec import call, d, episode, person, service, team

from careassure.measures import compute

CARE = "care_act_assessment"


@pytest.fixture
def backend(store):
    # D = 31/03/2025. Waiting Care Act assessments:
    #   P1 (born 04/2007, white) team A, 10 days
    #   P2 (born 03/1960, no ethnicity) team A, 30 days
    #   P3 (no birth month, asian) team B, 20 days
    #   P4 (born 01/1980, no ethnicity) no team, 2 days
    return store(
        teams=[team("A", "locality"), team("B", "specialist"), team("C", "hospital")],
        people=[
            person("P1", birth_month="2007-04", ethnicity="white"),
            person("P2", birth_month="1960-03"),
            person("P3", ethnicity="asian"),
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


def rows(result, measure):
    """[(group or None, value, numerator, denominator)] of one measure, in output order."""
    return [
        (next(iter(v.breakdown.values())) if v.breakdown else None, v.value, v.numerator,
         v.denominator)
        for v in result
        if v.measure == measure
    ]


def test_by_team_whole_area_first_then_every_team_sorted(backend) -> None:
    result = compute(backend, d("2025-03-31"), by="team",
                     measures=[f"{CARE}.waiting", f"{CARE}.median_wait"])
    # Team C has nobody waiting: a zero count and no median; no team -> "unknown".
    assert rows(result, f"{CARE}.waiting") == [
        (None, 4, 4, None), ("A", 2, 2, None), ("B", 1, 1, None), ("C", 0, 0, None),
        ("unknown", 1, 1, None),
    ]
    # Whole area: 2, 10, 20, 30 -> 15.0; A: 10, 30 -> 20.0.
    assert rows(result, f"{CARE}.median_wait") == [
        (None, 15.0, None, 4), ("A", 20.0, None, 2), ("B", 20.0, None, 1),
        ("C", None, None, 0), ("unknown", 2.0, None, 1),
    ]
    assert [v.breakdown for v in result[:2]] == [None, {"team": "A"}]


def test_by_team_type(backend) -> None:
    result = compute(backend, d("2025-03-31"), by="team_type", measures=[f"{CARE}.waiting"])
    assert rows(result, f"{CARE}.waiting") == [
        (None, 4, 4, None), ("hospital", 0, 0, None), ("locality", 2, 2, None),
        ("specialist", 1, 1, None), ("unknown", 1, 1, None),
    ]


def test_by_age_band_at_the_evaluation_date(backend) -> None:
    # Age counted from the 1st of the birth month. At 31/03/2025: P1 (04/2007) is 17,
    # P2 (03/1960) 65, P4 45, P3 unknown. At 01/04/2025 P1 turns 18.
    result = compute(backend, d("2025-03-31"), by="age_band", measures=[f"{CARE}.waiting"])
    assert rows(result, f"{CARE}.waiting") == [
        (None, 4, 4, None), ("0-17", 1, 1, None), ("18-64", 1, 1, None), ("65+", 1, 1, None),
        ("unknown", 1, 1, None),
    ]
    result = compute(backend, d("2025-04-01"), by="age_band", measures=[f"{CARE}.waiting"])
    assert rows(result, f"{CARE}.waiting") == [
        (None, 4, 4, None), ("18-64", 2, 2, None), ("65+", 1, 1, None), ("unknown", 1, 1, None),
    ]


def test_by_ethnicity_with_unknown(backend) -> None:
    result = compute(backend, d("2025-03-31"), by="ethnicity", measures=[f"{CARE}.pct_over_28"])
    # Over 28 days: P2 only (30 days), who has no recorded ethnicity.
    assert rows(result, f"{CARE}.pct_over_28") == [
        (None, 25.0, 1, 4), ("asian", 0.0, 0, 1), ("unknown", 50.0, 1, 2), ("white", 0.0, 0, 1),
    ]


def test_measures_a_breakdown_does_not_apply_to_keep_their_whole_area_row(backend) -> None:
    # Calls have no person or team; reviews have no team; the disparity is across team types.
    result = compute(backend, d("2025-03-31"), by="team", period_start=d("2025-03-30"),
                     measures=["contacts.pct_answered", "review.overdue",
                               f"{CARE}.team_disparity", "data_quality.pct_missing"])
    assert [(v.measure, v.breakdown) for v in result] == [
        ("contacts.pct_answered", None),
        ("review.overdue", None),
        (f"{CARE}.team_disparity", None),
        ("data_quality.pct_missing", None),
    ]
