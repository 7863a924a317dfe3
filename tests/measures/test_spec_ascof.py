"""Spec tests: ASCOF 2B, 2C, 2E and 3D from CLD as DHSC computes them, worked out by hand on a
few CLD services for the financial year 2024/25 (D = 31/03/2025). The tests run on DuckDB and on
Spark.
"""

from __future__ import annotations

from itertools import count
from typing import Any

from measure_spec import Row, d, figures, person, whole_area

from careassure.measures import ascof, compute
from careassure.measures.result import MeasureValue

D = d("2025-03-31")
_ids = count(1)


def lts(who: str, start: str, end: str | None = None, *, service_type: str = "lts_community",
        **columns: Any) -> Row:
    order = next(_ids)
    return {"event_id": f"s{order}", "person_id": who, "event_type": "service",
            "client_type": "service_user", "start_date": d(start),
            "end_date": d(end) if end else None, "period_end": D, "record_order": order,
            "service_type": service_type, **columns}


def home(who: str, start: str, end: str | None = None, **columns: Any) -> Row:
    return lts(who, start, end, service_type="lts_residential",
               service_component="long_term_residential", **columns)


def details(who: str, *, settled: bool | None = None, death: str | None = None) -> Row:
    return {"person_id": who, "settled_accommodation": settled,
            "date_of_death": d(death) if death else None}


def population(young: int, old: int) -> list[Row]:
    # Two districts: the measure adds them up (no whole-area rows).
    return [{"locality": place, "ethnicity": "white", "age_band": band, "count": n}
            for place in ("North", "South") for band, n in (("18-64", young), ("65+", old))]


def test_admissions_to_care_homes_per_100000(store) -> None:
    # 18-64 (born 1970): A admitted 01/06/2024: new. B admitted 01/06/2024 after a care home
    # that ended 01/01/2024 (152 days before): not new. C admitted 01/06/2024, a care home ended
    # 01/06/2023 (366 days before): new. D's admission ended "NFA: self-funded": left out. E's
    # component is short-term residential care: left out.
    # 65+ (born 1940): F admitted 10/04/2024 and again 01/09/2024: one person. G admitted
    # 01/03/2024 (before the year). H died 01/03/2024, before the year: left out.
    # Adults: 18-64 2 x 25,000 = 50,000; 65+ 2 x 10,000 = 20,000.
    # 2B = 2 / 50,000 x 100,000 = 4.0; 2C = 1 / 20,000 x 100,000 = 5.0.
    young = {w: "1970-01" for w in "ABCDE"}
    old = {w: "1940-01" for w in "FGH"}
    people = [person(w, birth_month=b) for w, b in {**young, **old}.items()]
    events = [
        home("A", "2024-06-01"),
        home("B", "2023-06-01", "2024-01-01"), home("B", "2024-06-01"),
        home("C", "2023-01-01", "2023-06-01"), home("C", "2024-06-01"),
        home("D", "2024-06-01", "2024-08-01", outcome="no_further_action_self_funded"),
        lts("E", "2024-06-01", service_type="lts_residential",
            service_component="short_term_residential"),
        home("F", "2024-04-10", "2024-05-01"), home("F", "2024-09-01"),
        home("G", "2024-03-01"),
        home("H", "2024-06-01"),
    ]
    backend = store(people=people, cld_events=events,
                    cld_people=[details("H", death="2024-03-01")],
                    population=population(25_000, 10_000))
    got = whole_area(compute(backend, D, measures=["ascof.2b", "ascof.2c"]))
    assert figures(got["ascof.2b"]) == (4.0, 2, 50_000)
    assert figures(got["ascof.2c"]) == (5.0, 1, 20_000)


def test_long_term_support_at_home_or_with_family(store) -> None:
    # 18-64: A settled, B not, C unknown status (counted in the denominator), D settled with a
    # learning disability, E's support ended 31/03/2024 (before the year). 65+: F settled.
    # G (born 2008) is 16: left out. 2E 18-64: 2 of 4 = 50.0%; 65+: 1 of 1 = 100.0%;
    # learning disability 18-64: 1 of 1.
    # By gender (A and F women, B, C and D men): 18-64 women 1 of 1, men 1 (D) of 3 = 33.3%;
    # 65+ women 1 of 1, men none; learning disability men 1 of 1, women none.
    sex = {"A": "female", "B": "male", "C": "male", "D": "male", "E": "female", "F": "female"}
    people = [person(w, birth_month="1980-05", gender=sex[w]) for w in "ABCE"]
    people += [person("D", birth_month="1980-05", primary_support_reason="learning_disability",
                      gender="male"),
               person("F", birth_month="1950-05", gender="female"),
               person("G", birth_month="2008-05", gender="female")]
    events = [lts(w, "2024-01-01") for w in "ABCDFG"] + [lts("E", "2023-01-01", "2024-03-31")]
    extra = [details("A", settled=True), details("B", settled=False), details("D", settled=True),
             details("E", settled=True), details("F", settled=True), details("G", settled=True)]
    backend = store(people=people, cld_events=events, cld_people=extra)
    got = whole_area(compute(backend, D, measures=list(ascof.HOME)))
    assert figures(got["ascof.2e.18_to_64"]) == (50.0, 2, 4)
    assert figures(got["ascof.2e.65_and_over"]) == (100.0, 1, 1)
    assert figures(got["ascof.2e.learning_disability"]) == (100.0, 1, 1)
    assert figures(got["ascof.2e.18_to_64.female"]) == (100.0, 1, 1)
    assert figures(got["ascof.2e.18_to_64.male"]) == (33.3, 1, 3)
    assert figures(got["ascof.2e.65_and_over.female"]) == (100.0, 1, 1)
    assert figures(got["ascof.2e.65_and_over.male"]) == (None, 0, 0)
    assert figures(got["ascof.2e.learning_disability.male"]) == (100.0, 1, 1)
    assert figures(got["ascof.2e.learning_disability.female"]) == (None, 0, 0)


def test_self_directed_support_and_direct_payments(store) -> None:
    # Long-term support on 31/03/2025: A community, direct payment component (mechanism says
    # commissioned): DP. B community, managed personal budget. C community, commissioned. D
    # community, no mechanism. E residential and community DP: residential outranks community,
    # left out. F's community DP ended 30/03/2025: not at D. 1a = A, B of A-D: 50.0%; 2a = A:
    # 25.0%. A and B are 18-64 at D: 1a 2 of 2, 2a 1 of 2; C and D 65+: 0 of 2 for both.
    people = [person(w, birth_month="1980-01" if w in "AB" else "1950-01") for w in "ABCDEF"]
    events = [
        lts("A", "2024-01-01", service_component="direct_payment",
            delivery_mechanism="council_commissioned"),
        lts("B", "2024-01-01", delivery_mechanism="managed_personal_budget"),
        lts("C", "2024-01-01", delivery_mechanism="council_commissioned"),
        lts("D", "2024-01-01"),
        lts("E", "2024-01-01", service_type="lts_residential"),
        lts("E", "2024-01-01", delivery_mechanism="direct_payment"),
        lts("F", "2024-01-01", "2025-03-30", delivery_mechanism="direct_payment"),
    ]
    backend = store(people=people, cld_events=events)
    got = whole_area(compute(backend, D, measures=list(ascof.SELF_DIRECTED)))
    assert figures(got["ascof.3d.1a"]) == (50.0, 2, 4)
    assert figures(got["ascof.3d.2a"]) == (25.0, 1, 4)
    assert figures(got["ascof.3d.1a.18_to_64"]) == (100.0, 2, 2)
    assert figures(got["ascof.3d.2a.18_to_64"]) == (50.0, 1, 2)
    assert figures(got["ascof.3d.1a.65_and_over"]) == (0.0, 0, 2)
    assert figures(got["ascof.3d.2a.65_and_over"]) == (0.0, 0, 2)


def test_a_store_not_loaded_from_cld_has_no_ascof_figures(store) -> None:
    backend = store(people=[person("A", birth_month="1950-01")])
    got = whole_area(compute(backend, D, measures=["ascof.2e.65_and_over", "ascof.3d.1a"]))
    assert figures(got["ascof.2e.65_and_over"]) == (None, 0, 0)
    assert figures(got["ascof.3d.1a"]) == (None, 0, 0)


def test_carers_with_self_directed_support_and_direct_payments(store) -> None:
    # Support direct to the carer in 2024/25: A by direct payment (component), B by managed
    # personal budget (component: carer respite), C commissioned (sitting service), D managed
    # personal budget with no component (DHSC's code gives it no category: left out), E both
    # commissioned and direct payment (the direct payment counts), F's ended 31/03/2024, before
    # the year. 1b = A, B, E of A, B, C, E: 75.0%; 2b = A, E: 50.0%. A (born 1990) is 18-64:
    # 1 of 1 for both; B, C, E are 65+: 1b 2 of 3 = 66.7%, 2b 1 of 3 = 33.3%.
    def carer(who: str, start: str, end: str | None = None, **columns: Any) -> Row:
        return lts(who, start, end, service_type="carer_direct", client_type="carer", **columns)

    people = [person(w, birth_month="1990-01" if w == "A" else "1960-01", client_type="carer")
              for w in "ABCDEF"]
    events = [
        carer("A", "2024-06-01", "2024-06-01", service_component="direct_payment"),
        carer("B", "2024-06-01", delivery_mechanism="managed_personal_budget",
              service_component="carer_respite"),
        carer("C", "2024-06-01", delivery_mechanism="council_commissioned",
              service_component="carer_sitting"),
        carer("D", "2024-06-01", delivery_mechanism="managed_personal_budget"),
        carer("E", "2024-06-01", delivery_mechanism="council_commissioned",
              service_component="carer_sitting"),
        carer("E", "2024-09-01", delivery_mechanism="direct_payment"),
        carer("F", "2023-06-01", "2024-03-31", delivery_mechanism="direct_payment"),
    ]
    backend = store(people=people, cld_events=events)
    got = whole_area(compute(backend, D, measures=list(ascof.CARERS)))
    assert figures(got["ascof.3d.1b"]) == (75.0, 3, 4)
    assert figures(got["ascof.3d.2b"]) == (50.0, 2, 4)
    assert figures(got["ascof.3d.1b.18_to_64"]) == (100.0, 1, 1)
    assert figures(got["ascof.3d.2b.18_to_64"]) == (100.0, 1, 1)
    assert figures(got["ascof.3d.1b.65_and_over"]) == (66.7, 2, 3)
    assert figures(got["ascof.3d.2b.65_and_over"]) == (33.3, 1, 3)


def event(who: str, event_type: str, start: str, end: str | None, **columns: Any) -> Row:
    order = next(_ids)
    return {"event_id": f"e{order}", "person_id": who, "event_type": event_type,
            "client_type": "service_user", "start_date": d(start),
            "end_date": d(end) if end else None, "period_end": D, "record_order": order,
            **columns}


def st_max(who: str, start: str, end: str, outcome: str) -> Row:
    return event(who, "service", start, end, service_type="sts_st_max",
                 service_component="reablement", outcome=outcome)


def test_short_term_support_with_no_further_request_for_ongoing_support(store) -> None:
    # Spells of reablement (ST-Max) ending in 2024/25, people born 1950 (65+) or 1980 (18-64).
    # 65+: A ends "NFA: information and advice", nothing after: numerator. B's sequel is
    # long-term community support starting 3 days after: denominator only. C has two ST-Max 5
    # days apart, one spell whose outcome is the later one's, "support ended as planned":
    # numerator, counted once. D had long-term support ending 31 days before: not a new client,
    # left out. H died 5 days after the end: "NFA: deceased", left out. I's ended 31/03/2024,
    # before the year. J was admitted to hospital: left out. L ends "continuation" (says
    # nothing) and an assessment starting 2 days after ends "NFA: referral to NHS services":
    # that is the sequel, left out. M's long-term support ended 92 days before (not under 91):
    # a new client; "support ended as planned": numerator.
    # 18-64: E ends "continuation", then other short-term support in a short-term residential
    # home 2 days after: "short-term residential or nursing care", denominator only. F ends
    # "progress to services" (says nothing), a review nested in the spell ending 5 days before
    # its end says "NFA: support ended for other reason": numerator. G ends "progress to
    # services" with equipment given during the spell: "ongoing low level", numerator.
    # Unknown age: K, long-term residential care from the spell's last day: denominator.
    # 65+ 3 of 4 = 75.0%; 18-64 2 of 3 = 66.7%; all ages 5 of 8 = 62.5%.
    old, young = "1950-01", "1980-01"
    people = [person(w, birth_month=old) for w in "ABCDHIJLM"]
    people += [person(w, birth_month=young) for w in "EFG"] + [person("K")]
    events = [
        st_max("A", "2024-06-01", "2024-06-30", "no_further_action"),
        st_max("B", "2024-06-01", "2024-06-30", "progress_to_services"),
        lts("B", "2024-07-03"),
        st_max("C", "2024-06-01", "2024-06-15", "continuation"),
        st_max("C", "2024-06-20", "2024-06-30", "no_further_action_ended_as_planned"),
        lts("D", "2024-01-01", "2024-05-01"),
        st_max("D", "2024-06-01", "2024-06-30", "no_further_action"),
        st_max("H", "2024-06-01", "2024-06-30", "no_further_action"),
        st_max("I", "2024-03-01", "2024-03-31", "no_further_action"),
        st_max("J", "2024-06-01", "2024-06-30", "admitted_to_hospital"),
        st_max("L", "2024-06-01", "2024-06-30", "continuation"),
        event("L", "assessment", "2024-07-02", "2024-07-20", assessment_type="long_term",
              outcome="no_further_action_nhs"),
        lts("M", "2024-01-01", "2024-03-01"),
        st_max("M", "2024-06-01", "2024-06-30", "no_further_action_ended_as_planned"),
        st_max("E", "2024-06-01", "2024-06-30", "continuation"),
        event("E", "service", "2024-07-02", "2024-07-20", service_type="sts_other",
              service_component="short_term_residential"),
        st_max("F", "2024-06-01", "2024-06-30", "progress_to_services"),
        event("F", "review", "2024-06-10", "2024-06-25",
              outcome="no_further_action_ended_other"),
        st_max("G", "2024-06-01", "2024-06-30", "progress_to_services"),
        event("G", "service", "2024-06-05", "2024-06-10", service_type="sts_ongoing_low_level",
              service_component="equipment"),
        st_max("K", "2024-06-01", "2024-06-30", "progress_to_services"),
        lts("K", "2024-06-30", service_type="lts_residential"),
    ]
    backend = store(people=people, cld_events=events,
                    cld_people=[details("H", death="2024-07-05")])
    got = whole_area(compute(backend, D, measures=list(ascof.SHORT_TERM)))
    assert figures(got["ascof.2a.65_and_over"]) == (75.0, 3, 4)
    assert figures(got["ascof.2a.18_to_64"]) == (66.7, 2, 3)
    assert figures(got["ascof.2a"]) == (62.5, 5, 8)


def test_an_empty_admissions_rate_says_why() -> None:
    # E3 has no population rows: 2B and 2C have no rate for it, said once; E1's is a rate.
    day = d("2025-03-31")
    values = [MeasureValue("ascof.2b", None, 0, 0, day, breakdown={"la_code": "E3"}),
              MeasureValue("ascof.2c", None, 1, 0, day, breakdown={"la_code": "E3"}),
              MeasureValue("ascof.2c", 20.0, 1, 5_000, day, breakdown={"la_code": "E1"}),
              MeasureValue("ascof.2e.65_and_over", None, 0, 0, day)]
    assert ascof.population_gaps(values) == [
        "ascof.2b, ascof.2c: no rate for council E3: the population has no rows with la_code "
        "E3 of that age (careassure ingest --population; docs/national.md)"]
