"""Spec tests: ASCOF 2B, 2C, 2E and 3D from CLD as DHSC computes them, worked out by hand on a
few CLD services for the financial year 2024/25 (D = 31/03/2025). The tests run on DuckDB and on
Spark.
"""

from __future__ import annotations

from itertools import count
from typing import Any

from measure_spec import Row, d, figures, national_engines, person, whole_area

from careassure.measures import compute

pytestmark = national_engines

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
    people = [person(w, birth_month="1980-05") for w in "ABCE"]
    people += [person("D", birth_month="1980-05", primary_support_reason="learning_disability"),
               person("F", birth_month="1950-05"), person("G", birth_month="2008-05")]
    events = [lts(w, "2024-01-01") for w in "ABCDFG"] + [lts("E", "2023-01-01", "2024-03-31")]
    extra = [details("A", settled=True), details("B", settled=False), details("D", settled=True),
             details("E", settled=True), details("F", settled=True), details("G", settled=True)]
    backend = store(people=people, cld_events=events, cld_people=extra)
    measures = ["ascof.2e.18_to_64", "ascof.2e.65_and_over", "ascof.2e.learning_disability"]
    got = whole_area(compute(backend, D, measures=measures))
    assert figures(got["ascof.2e.18_to_64"]) == (50.0, 2, 4)
    assert figures(got["ascof.2e.65_and_over"]) == (100.0, 1, 1)
    assert figures(got["ascof.2e.learning_disability"]) == (100.0, 1, 1)


def test_self_directed_support_and_direct_payments(store) -> None:
    # Long-term support on 31/03/2025: A community, direct payment component (mechanism says
    # commissioned): DP. B community, managed personal budget. C community, commissioned. D
    # community, no mechanism. E residential and community DP: residential outranks community,
    # left out. F's community DP ended 30/03/2025: not at D. 1a = A, B of A-D: 50.0%; 2a = A:
    # 25.0%.
    people = [person(w, birth_month="1950-01") for w in "ABCDEF"]
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
    got = whole_area(compute(backend, D, measures=["ascof.3d.1a", "ascof.3d.2a"]))
    assert figures(got["ascof.3d.1a"]) == (50.0, 2, 4)
    assert figures(got["ascof.3d.2a"]) == (25.0, 1, 4)


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
    # the year. 1b = A, B, E of A, B, C, E: 75.0%; 2b = A, E: 50.0%.
    def carer(who: str, start: str, end: str | None = None, **columns: Any) -> Row:
        return lts(who, start, end, service_type="carer_direct", client_type="carer", **columns)

    people = [person(w, birth_month="1960-01", client_type="carer") for w in "ABCDEF"]
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
    got = whole_area(compute(backend, D, measures=["ascof.3d.1b", "ascof.3d.2b"]))
    assert figures(got["ascof.3d.1b"]) == (75.0, 3, 4)
    assert figures(got["ascof.3d.2b"]) == (50.0, 2, 4)
