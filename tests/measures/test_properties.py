"""Property tests on generated stores: the engine agrees with a row-by-row reading of the spec
(measure_reference.py), and its figures obey the invariants every analyst relies on: counts are
never negative, medians lie between the smallest and largest wait, and breakdown groups add up
to the whole area, and publishing them never gives away a count of 1-4."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from measure_reference import day, expected
from measure_spec import duckdb_backend, person, team
from publish_attack import small_counts_revealed

from careassure.measures import CATALOGUE, compute
from careassure.measures.publish import suppress

KINDS = (
    "care_act_assessment", "carer_assessment", "ot_assessment", "financial_assessment",
    "s42_enquiry", "review", "equipment_delivery", "minor_adaptation", "major_adaptation",
    "safeguarding_concern",
)
PEOPLE = [f"P{i}" for i in range(6)]
AS_OF = [date(2024, 2, 29), date(2024, 3, 1), date(2024, 12, 27), date(2025, 3, 31),
         date(2025, 1, 2)]
BREAKDOWNS = ["team", "team_type", "ethnicity", "age_band", "locality"]
CHECKED = [m for m in CATALOGUE if not m.startswith(
    ("contacts.", "data_quality.", "care_act_assessment.representation",
     "care_act_assessment.team_disparity"))]


@st.composite
def episodes(draw) -> dict:
    kind = draw(st.sampled_from(KINDS))
    if kind == "review" and draw(st.booleans()):
        kind = "care_act_assessment"  # fewer reviews, so LTS starts matter more often
    received = draw(st.integers(0, 600))
    row = {"episode_id": f"E{draw(st.uuids()).hex}", "person_id": draw(st.sampled_from(PEOPLE)),
           "kind": kind, "team": draw(st.sampled_from(["A", "B", None])),
           "received_date": day(received)}
    step = st.integers(0, 200)
    if draw(st.booleans()):
        allocated = received + draw(step)
        row["allocated_date"] = day(allocated)
        if draw(st.booleans()):
            row["completed_date"] = day(allocated + draw(step))
    elif draw(st.booleans()):
        row["completed_date"] = day(received + draw(step))
    elif draw(st.booleans()):
        row["closed_date"] = day(received + draw(step))
    return row


@st.composite
def services(draw) -> list[dict]:
    """A person's services, often touching or overlapping, sometimes with gaps."""
    pid = draw(st.sampled_from(PEOPLE))
    rows, start = [], draw(st.integers(-400, 500))
    for i in range(draw(st.integers(1, 3))):
        length = draw(st.sampled_from([None, 90, 200, 365]) | st.integers(1, 300))
        rows.append({
            "service_id": f"S{pid}{draw(st.uuids()).hex}{i}", "person_id": pid,
            "support_type": draw(st.sampled_from(["long_term"] * 4 + ["short_term"])),
            "setting": draw(st.sampled_from(["home_care", "residential", "direct_payment"])),
            "delivery_mechanism": draw(st.sampled_from([None, "direct_payment",
                                                        "council_commissioned"])),
            "start_date": day(start), "end_date": None if length is None else day(start + length),
        })
        if length is None:
            break
        start += length + draw(st.sampled_from([-20, 0, 0, 0, 1, 40]))
    return rows


stores = st.fixed_dictionaries({
    "episodes": st.lists(episodes(), max_size=25),
    "services": st.lists(services(), max_size=5).map(lambda groups: sum(groups, [])),
    "people": st.just([
        person("P0", ethnicity="white", birth_month="1950-01", locality="North"),
        person("P1", ethnicity="asian", birth_month="2006-02", locality="South"),
        person("P2", birth_month="1990-12"),
        person("P3", ethnicity="black", locality="North"),
        person("P4", ethnicity="white", birth_month="1959-03", locality="South"),
        person("P5", ethnicity="white", birth_month="1980-07"),
    ]),
    "teams": st.just([team("A", "locality"), team("B", "specialist")]),
})


# Each example computes the catalogue on a new store: minutes in all, so `make check` leaves
# these to `make test` and CI.
pytestmark = pytest.mark.slow


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables=stores, at=st.sampled_from(AS_OF), by=st.sampled_from(BREAKDOWNS))
def test_engine_agrees_with_the_spec_read_row_by_row(tables, at, by) -> None:
    result = compute(duckdb_backend(tables), at, measures=CHECKED, by=by)
    whole = {v.measure: v for v in result if v.breakdown is None}
    reference = expected(tables, at)
    assert {m: whole[m].value for m in reference} == reference

    for v in result:
        for figure in (v.value, v.numerator, v.denominator):
            assert figure is None or figure >= 0 or v.measure.endswith("team_disparity")

    groups: dict[str, list] = {}
    for v in result:
        if v.breakdown is not None:
            groups.setdefault(v.measure, []).append(v)
    for measure, rows in groups.items():
        total = whole[measure]
        if CATALOGUE[measure].unit == "count" or total.numerator is not None:
            assert sum(r.numerator for r in rows) == total.numerator, measure
        if total.denominator is not None:
            assert sum(r.denominator for r in rows) == total.denominator, measure
        if measure.endswith(("median_wait", "median_overdue")):
            maxima = {str(v.breakdown): v.value for v in result
                      if v.measure == measure.replace("median", "max")}
            for r in [total, *rows]:
                assert r.value is None or 0 <= r.value <= maxima[str(r.breakdown)]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables=stores, at=st.sampled_from(AS_OF), by=st.sampled_from(BREAKDOWNS))
def test_published_figures_never_reveal_a_count_of_one_to_four(tables, at, by) -> None:
    # Small stores are mostly small numbers: the hard case for suppression.
    result = compute(duckdb_backend(tables), at, by=by)
    assert small_counts_revealed(suppress(result)) == []
