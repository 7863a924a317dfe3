"""Spec tests: many councils in one store (docs/national.md). Each person's council is
``cld_people.la_code``; the ``la_code`` breakdown gives the whole set and every council in one
evaluation, and ``council=`` evaluates one council alone, split by any breakdown. Two councils
E1 and E2, worked out by hand; DuckDB and local Spark, and the national set for every council
(the waits, the self-directed share, the admission rates) also on the two-worker cluster. One
council alone and population rows without a council are the same Ibis code on either Spark, and
each cluster evaluation costs tens of seconds on two cores, so those run on local Spark only."""

from __future__ import annotations

from typing import Any

from measure_spec import Row, d, figures, national_engines, person

from careassure.measures import compute

D = d("2025-03-31")  # DHSC waits over (31/12/2024, 31/03/2025]; ASCOF 3D at D
RESPONSE = "dhsc.wait_to_first_response.25_to_64"
SDS = "ascof.3d.1a"


def ev(order: int, who: str, event_type: str, start: str, end: str | None = None,
       **columns: Any) -> Row:
    defaults = {"request": {"outcome": "progress_to_assessment"},
                "assessment": {"assessment_type": "long_term",
                               "outcome": "progress_to_services"},
                "service": {"service_type": "lts_community"}}[event_type]
    return {"event_id": f"e{order}", "person_id": who, "event_type": event_type,
            "client_type": "service_user", "start_date": d(start),
            "end_date": d(end) if end else None, "period_end": D, "record_order": order,
            **defaults, **columns}


# Waits to first response (request 06/01/2025): P1 (E1) 14 days, P2 (E1) 7 days, P3 (E2) 21
# days. Whole set: median of 7, 14, 21 = 14 (n 3); E1 10.5 (n 2); E2 21 (n 1).
# Long-term community support at D: P4 (E1) by direct payment, P5 (E1) commissioned, P6 (E2)
# managed personal budget. Self-directed (3D 1a): whole 2 of 3 = 66.7%; E1 1 of 2 = 50.0%;
# E2 1 of 1 = 100.0%.
COUNCILS = {"P1": "E1", "P2": "E1", "P3": "E2", "P4": "E1", "P5": "E1", "P6": "E2"}
EVENTS = [
    ev(1, "P1", "request", "2025-01-06", "2025-01-06"),
    ev(2, "P1", "assessment", "2025-01-20", "2025-02-01"),
    ev(3, "P2", "request", "2025-01-06", "2025-01-06"),
    ev(4, "P2", "assessment", "2025-01-13", "2025-02-01", outcome="no_further_action"),
    ev(5, "P3", "request", "2025-01-06", "2025-01-06"),
    ev(6, "P3", "assessment", "2025-01-27", "2025-02-10", outcome="no_further_action"),
    ev(7, "P4", "service", "2024-06-01", delivery_mechanism="direct_payment"),
    ev(8, "P5", "service", "2024-06-01", delivery_mechanism="council_commissioned"),
    ev(9, "P6", "service", "2024-06-01", delivery_mechanism="managed_personal_budget"),
]


def backend(store: Any) -> Any:
    people = [person(p, birth_month="1970-01", ethnicity="asian" if p == "P3" else "white")
              for p in COUNCILS]
    return store(people=people, cld_events=EVENTS,
                 cld_people=[{"person_id": p, "la_code": c} for p, c in COUNCILS.items()])


def by_group(values: list[Any]) -> dict[tuple[str, str | None], tuple[Any, Any, Any]]:
    return {(v.measure, next(iter(v.breakdown.values())) if v.breakdown else None): figures(v)
            for v in values}


@national_engines
def test_every_council_and_the_whole_set_in_one_evaluation(store) -> None:
    got = by_group(compute(backend(store), D, measures=[RESPONSE, SDS], by="la_code"))
    assert got == {
        (RESPONSE, None): (14.0, None, 3), (RESPONSE, "E1"): (10.5, None, 2),
        (RESPONSE, "E2"): (21.0, None, 1),
        (SDS, None): (66.7, 2, 3), (SDS, "E1"): (50.0, 1, 2), (SDS, "E2"): (100.0, 1, 1),
    }


def test_one_council_alone_by_any_breakdown(store) -> None:
    got = by_group(compute(backend(store), D, measures=[RESPONSE, SDS], by="ethnicity",
                           council="E2"))
    assert got[(RESPONSE, None)] == (21.0, None, 1)
    assert got[(RESPONSE, "asian")] == (21.0, None, 1)
    assert got[(RESPONSE, "white")] == (None, None, 0)
    assert got[(SDS, None)] == (100.0, 1, 1)  # ASCOF splits by council only
    assert (SDS, "asian") not in got


ADMITTED_YOUNG, ADMITTED_OLD = "ascof.2b", "ascof.2c"


def care_home(order: int, who: str, start: str) -> Row:
    return ev(order, who, "service", start, service_type="lts_residential",
              service_component="long_term_residential")


def admissions_backend(store: Any, *, named: bool = True) -> Any:
    """Named: each council's adults under its LA code. Not named: the whole set's adults, 70,000
    aged 18-64 and 13,000 65+, in a file without la_code."""
    # New long-term care home admissions in 2024/25, by council: E1 A (18-64) and B (65+); E2 C
    # and D (18-64) and E (65+); E3 F (65+). Adults: E1 20,000 aged 18-64 and 5,000 65+; E2 two
    # districts of 30,000 and 20,000 aged 18-64 (50,000) and 8,000 65+; E3 has no rows.
    # 2B: whole set 3 / 70,000 x 100,000 = 4.2857 -> 4.3; E1 1 / 20,000 = 5.0; E2 2 / 50,000 =
    # 4.0; E3 no rate (0 admitted, no adults). 2C: whole set 3 / 13,000 x 100,000 = 23.08 ->
    # 23.1; E1 1 / 5,000 = 20.0; E2 1 / 8,000 = 12.5; E3 no rate (1 admitted, no adults).
    councils = {"A": "E1", "B": "E1", "C": "E2", "D": "E2", "E": "E2", "F": "E3"}
    born = {"A": "1970-01", "C": "1970-01", "D": "1980-01"}
    people = [person(p, birth_month=born.get(p, "1940-01")) for p in councils]
    events = [care_home(n, p, start) for n, (p, start) in enumerate(
        (("A", "2024-06-01"), ("B", "2024-07-01"), ("C", "2024-08-01"), ("D", "2024-09-01"),
         ("E", "2024-10-01"), ("F", "2024-05-01")), start=1)]
    adults = [("E1", None, "18-64", 20_000), ("E1", None, "65+", 5_000),
              ("E2", "North", "18-64", 30_000), ("E2", "South", "18-64", 20_000),
              ("E2", "North", "65+", 5_000), ("E2", "South", "65+", 3_000)]
    if not named:
        adults = [(None, None, "18-64", 70_000), (None, None, "65+", 13_000)]
    population = [{"la_code": code, "locality": place, "ethnicity": "white", "age_band": band,
                   "count": n} for code, place, band, n in adults]
    return store(people=people, cld_events=events, population=population,
                 cld_people=[{"person_id": p, "la_code": c} for p, c in councils.items()])


@national_engines
def test_admissions_per_council_divide_by_its_own_adults(store) -> None:
    got = by_group(compute(admissions_backend(store), D,
                           measures=[ADMITTED_YOUNG, ADMITTED_OLD], by="la_code"))
    assert got == {
        (ADMITTED_YOUNG, None): (4.3, 3, 70_000), (ADMITTED_YOUNG, "E1"): (5.0, 1, 20_000),
        (ADMITTED_YOUNG, "E2"): (4.0, 2, 50_000), (ADMITTED_YOUNG, "E3"): (None, 0, 0),
        (ADMITTED_OLD, None): (23.1, 3, 13_000), (ADMITTED_OLD, "E1"): (20.0, 1, 5_000),
        (ADMITTED_OLD, "E2"): (12.5, 1, 8_000), (ADMITTED_OLD, "E3"): (None, 1, 0),
    }
    alone = by_group(compute(admissions_backend(store), D,
                             measures=[ADMITTED_YOUNG, ADMITTED_OLD], council="E2"))
    assert alone == {(ADMITTED_YOUNG, None): (4.0, 2, 50_000),
                     (ADMITTED_OLD, None): (12.5, 1, 8_000)}


def test_population_rows_naming_no_council_are_the_whole_set_only(store) -> None:
    # The whole set's adults without LA codes (a file written before la_code): the whole set's
    # rate as above, 3 / 13,000 x 100,000 = 23.1; no council has adults of its own, so none has
    # a rate (never one council's admissions over everyone's adults).
    got = by_group(compute(admissions_backend(store, named=False), D,
                           measures=[ADMITTED_OLD], by="la_code"))
    assert got == {(ADMITTED_OLD, None): (23.1, 3, 13_000), (ADMITTED_OLD, "E1"): (None, 1, 0),
                   (ADMITTED_OLD, "E2"): (None, 1, 0), (ADMITTED_OLD, "E3"): (None, 1, 0)}
