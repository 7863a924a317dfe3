"""Spec tests: call handling and data quality (measures-spec.md, "Support" and "Data
quality"). Answers by hand; DuckDB and Spark."""

from __future__ import annotations

from measure_spec import call, d, episode, figures, person, whole_area

from careassure.measures import compute


def test_calls_received_in_the_period(store) -> None:
    # Period (30/03/2025, 31/03/2025]: calls received on 31/03/2025 (any time of day).
    backend = store(contacts=[
        call("2025-03-30T23:59:59", True, 500),      # on P1: outside
        call("2025-03-31T00:00:00", True, 10),
        call("2025-03-31T08:30:00", True, 10),
        call("2025-03-31T12:00:00", False, 10),      # abandoned after 10 s
        call("2025-03-31T16:00:00", True, 19),
        call("2025-03-31T23:59:59", True, None),     # no queue time recorded
        call("2025-04-01T00:00:00", False, 900),     # after P2: outside
    ])
    got = whole_area(compute(backend, d("2025-03-31"), period_start=d("2025-03-30"),
                             measures=["contacts.pct_answered", "contacts.mean_queue_seconds"]))
    # Answered: 4 of 5.
    assert figures(got["contacts.pct_answered"]) == (80.0, 4, 5)
    # Mean over the 4 calls with a queue time: 49 / 4 = 12.25, rounded half up to 12.3.
    assert figures(got["contacts.mean_queue_seconds"]) == (12.3, None, 4)


def test_data_quality_counts_unrecorded_optional_cells(store) -> None:
    backend = store(
        people=[
            person("P1", birth_month="1950-01", gender="female", ethnicity="white",
                   primary_support_reason="physical_support", locality="North",
                   rural_urban="urban"),
            # birth month and ethnicity not recorded
            person("P2", gender="male", primary_support_reason="physical_support",
                   locality="North", rural_urban="rural"),
        ],
        episodes=[
            # open, with a team: nothing missing (no outcome expected yet)
            episode("care_act_assessment", "2025-01-01", team="T"),
            # no team; completed without an outcome
            episode("care_act_assessment", "2025-01-01", completed="2025-01-05"),
            # a review without its subtype
            episode("review", "2025-01-01", team="T", completed="2025-01-02",
                    outcome="no_change"),
            # a closed financial assessment, complete
            episode("financial_assessment", "2025-01-01", team="T", subtype="residential",
                    closed="2025-01-03", outcome="withdrawn"),
        ],
    )
    got = whole_area(compute(backend, d("2025-03-31"), measures=_quality_ids()))
    # people: 2 rows; birth_month and ethnicity 1 of 2 each, the other four 0 of 2.
    assert figures(got["data_quality.pct_missing.people.birth_month"]) == (50.0, 1, 2)
    assert figures(got["data_quality.pct_missing.people.ethnicity"]) == (50.0, 1, 2)
    for column in ("gender", "primary_support_reason", "locality", "rural_urban"):
        assert figures(got[f"data_quality.pct_missing.people.{column}"]) == (0.0, 0, 2)
    # team: 1 of 4 episodes; subtype: 1 of the 2 kinds that take one (review, financial);
    # outcome: 1 of the 3 ended episodes.
    assert figures(got["data_quality.pct_missing.episodes.team"]) == (25.0, 1, 4)
    assert figures(got["data_quality.pct_missing.episodes.subtype"]) == (50.0, 1, 2)
    assert figures(got["data_quality.pct_missing.episodes.outcome"]) == (33.3, 1, 3)
    # Overall: 5 missing of 12 + 4 + 2 + 3 = 21 cells = 23.8 %, against the < 5 % target.
    assert figures(got["data_quality.pct_missing"]) == (23.8, 5, 21)
    assert got["data_quality.pct_missing"].status == "not_met"


def _quality_ids() -> list[str]:
    from careassure.measures import CATALOGUE

    return [m for m in CATALOGUE if m.startswith("data_quality.")]
