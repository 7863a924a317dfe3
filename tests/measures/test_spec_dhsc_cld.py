"""Spec tests: DHSC's waiting-time method (v1.1) on a store loaded from CLD, one test per rule of
DHSC's code, worked out by hand on a few CLD events. The tests run on DuckDB and on Spark.

Every person is 25-64 unless said otherwise; every quarter is January-March 2025 unless said
otherwise. "R", "A", "S" are a request, an assessment and a service of the person.
"""

from __future__ import annotations

from itertools import count
from typing import Any

from measure_spec import Row, d, person

from careassure.measures import series

RESPONSE = "dhsc.wait_to_first_response"
SERVICE = "dhsc.wait_to_first_service"
MEASURES = [f"{m}.{b}" for m in (RESPONSE, SERVICE) for b in ("25_to_64", "65_and_over")]
Q4, Q1 = d("2024-12-31"), d("2025-03-31")
_orders = count(1)


def ev(who: str, event_type: str, start: str, end: str | None = None, **columns: Any) -> Row:
    """One cleaned CLD event; later calls are later rows of the file."""
    defaults = {"request": {"outcome": "progress_to_assessment"},
                "assessment": {"assessment_type": "long_term",
                               "outcome": "progress_to_services"},
                "service": {"service_type": "lts_community"}}[event_type]
    order = next(_orders)
    return {"event_id": f"cld-{order}", "person_id": who, "event_type": event_type,
            "client_type": "service_user", "start_date": d(start),
            "end_date": d(end) if end else None, "period_end": d("2025-03-31"),
            "record_order": order, **defaults, **columns}


def figures(store: Any, events: list[Row], people: list[Row] | None = None
            ) -> dict[tuple[str, Any], tuple[Any, int]]:
    who = {e["person_id"] for e in events}
    people = people or [person(p, birth_month="1970-01") for p in sorted(who)]
    backend = store(people=people, cld_events=events)
    got = series(backend, d("2024-10-01"), d("2025-03-31"), "quarter", measures=MEASURES)
    return {(v.measure, v.as_of): (v.value, v.denominator) for v in got}


def test_age_band_at_the_end_of_the_event_or_the_period_end_for_an_open_service(store) -> None:
    # Born 01/1960: 64 until 01/01/2025 (DHSC: floor(days since 01/01/1960 / 365.25)).
    # R 02/12/2024; A 20/12/2024-10/01/2025 (aged 64 at its start, 65 at its end): wait 18 days,
    # counted in October-December 2024 (the quarter it started) as 65+. S from 23/12/2024, still
    # open, is aged at the period end (31/03/2025): first service 21 days, 65+.
    events = [
        ev("P", "request", "2024-12-02", "2024-12-02"),
        ev("P", "assessment", "2024-12-20", "2025-01-10"),
        ev("P", "service", "2024-12-23"),
    ]
    got = figures(store, events, [person("P", birth_month="1960-01")])
    assert got[(f"{RESPONSE}.65_and_over", Q4)] == (18.0, 1)
    assert got[(f"{RESPONSE}.25_to_64", Q4)] == (None, 0)
    assert got[(f"{SERVICE}.65_and_over", Q4)] == (21.0, 1)


def test_progress_to_services_is_read_from_the_assessment_outcome(store) -> None:
    # P1: A's outcome "progress to support planning or services": S counts (R 06/01, S 03/03:
    # 56 days). P2: A's outcome NFA: S does not count as a first service. Both first responses
    # count: P1 14 days (20/01), P2 7 days (13/01): median 10.5.
    events = [
        ev("P1", "request", "2025-01-06", "2025-01-06"),
        ev("P1", "assessment", "2025-01-20", "2025-02-01", outcome="progress_to_services"),
        ev("P1", "service", "2025-03-03"),
        ev("P2", "request", "2025-01-06", "2025-01-06"),
        ev("P2", "assessment", "2025-01-13", "2025-02-01", outcome="no_further_action"),
        ev("P2", "service", "2025-03-03"),
    ]
    got = figures(store, events)
    assert got[(f"{RESPONSE}.25_to_64", Q1)] == (10.5, 2)
    assert got[(f"{SERVICE}.25_to_64", Q1)] == (56.0, 1)


def test_any_assessment_of_a_consecutive_block_progresses_the_request(store) -> None:
    # R 06/01; A1 13/01 (NFA) and A2 20/01 (progress to reablement) follow one another with no
    # other event between: one block, which progresses, so S 10/02 counts: 35 days. The first
    # response is A1: 7 days.
    events = [
        ev("P", "request", "2025-01-06", "2025-01-06"),
        ev("P", "assessment", "2025-01-13", "2025-01-14", outcome="no_further_action"),
        ev("P", "assessment", "2025-01-20", "2025-01-21", outcome="progress_to_reablement"),
        ev("P", "service", "2025-02-10", service_type="sts_st_max"),
    ]
    got = figures(store, events)
    assert got[(f"{RESPONSE}.25_to_64", Q1)] == (7.0, 1)
    assert got[(f"{SERVICE}.25_to_64", Q1)] == (35.0, 1)


def test_a_request_whose_service_an_earlier_request_claimed_is_dropped(store) -> None:
    # R1 01/01, A1 06/01 (progresses), R2 13/01, A2 20/01 (NFA), R3 03/02, S 10/02.
    # R1: first response A1 (5 days), first service S (40 days).
    # R2: first response A2, which comes after... no: R2 starts before R1's follow-up (S) ends:
    # dropped.
    # R3: first response and service S; R2's follow-up (A2) ended before R3, but S is already
    # R1's first service: dropped (kept, it would add a 7-day response and a 7-day service).
    events = [
        ev("P", "request", "2025-01-01", "2025-01-01"),
        ev("P", "assessment", "2025-01-06", "2025-01-07"),
        ev("P", "request", "2025-01-13", "2025-01-13"),
        ev("P", "assessment", "2025-01-20", "2025-01-21", outcome="no_further_action"),
        ev("P", "request", "2025-02-03", "2025-02-03"),
        ev("P", "service", "2025-02-10"),
    ]
    got = figures(store, events)
    assert got[(f"{RESPONSE}.25_to_64", Q1)] == (5.0, 1)
    assert got[(f"{SERVICE}.25_to_64", Q1)] == (40.0, 1)


def test_ongoing_low_level_support_does_not_make_an_existing_client(store) -> None:
    # Each request on 10/01/2025 follows a short-term service that ended on 01/01/2025, within
    # the 3 months before it. P1's was ST-Max: an existing client, not counted. P2's was ongoing
    # low-level support: counted, assessed 10 days later. P3's was other short-term support:
    # not counted. P4's long-term support ended 10/01/2024, exactly 12 months before: not
    # counted; P5's ended 09/01/2024: counted, assessed 20 days later. Median of 10 and 20: 15.
    events = []
    for who, service_type, ended in (("P1", "sts_st_max", "2025-01-01"),
                                     ("P2", "sts_ongoing_low_level", "2025-01-01"),
                                     ("P3", "sts_other", "2025-01-01"),
                                     ("P4", "lts_residential", "2024-01-10"),
                                     ("P5", "lts_residential", "2024-01-09")):
        wait = {"P5": "2025-01-30"}.get(who, "2025-01-20")
        events += [ev(who, "service", "2023-12-01", ended, service_type=service_type),
                   ev(who, "request", "2025-01-10", "2025-01-10"),
                   ev(who, "assessment", wait, "2025-02-28", outcome="no_further_action")]
    got = figures(store, events)
    assert got[(f"{RESPONSE}.25_to_64", Q1)] == (15.0, 2)


def test_two_requests_before_one_assessment_keep_the_first(store) -> None:
    # R1 02/01, R2 09/01, A 20/01: the wait runs from R1 (18 days); R2 starts before R1's
    # follow-up (A) ends and is dropped.
    events = [
        ev("P", "request", "2025-01-02", "2025-01-02"),
        ev("P", "request", "2025-01-09", "2025-01-09"),
        ev("P", "assessment", "2025-01-20", "2025-01-30", outcome="no_further_action"),
    ]
    got = figures(store, events)
    assert got[(f"{RESPONSE}.25_to_64", Q1)] == (18.0, 1)


def test_requests_with_no_further_action_admission_no_outcome_or_from_carers_are_left_out(
        store) -> None:
    # Each person's request on 06/01 is followed by an assessment on 16/01 (10 days). Only P1's
    # (progress to assessment) and P5's (a Release 1 only outcome, "progress to financial
    # assessment", which DHSC maps to "not mapped" and keeps) count.
    outcomes = {"P1": "progress_to_assessment", "P2": "no_further_action",
                "P3": "admitted_to_hospital", "P4": None,
                "P5": "progress_to_financial_assessment"}
    events = []
    for who, outcome in outcomes.items():
        events += [ev(who, "request", "2025-01-06", "2025-01-06", outcome=outcome),
                   ev(who, "assessment", "2025-01-16", "2025-01-20")]
    events += [ev("P6", "request", "2025-01-06", "2025-01-06", client_type="carer"),
               ev("P6", "assessment", "2025-01-16", "2025-01-20")]
    got = figures(store, events)
    assert got[(f"{RESPONSE}.25_to_64", Q1)] == (10.0, 2)


def test_only_long_and_short_term_assessments_and_services_of_people_aged_25_count(
        store) -> None:
    # P1: a financial assessment 10/01 is not a response; the long-term assessment 20/01 is:
    # 14 days. Carer support on 08/01 is not a service. P2 (born 02/2000) is 24 at the request
    # (06/01/2025): not counted. P3: a short-term assessment 13/01: 7 days. Median 10.5.
    events = [
        ev("P1", "request", "2025-01-06", "2025-01-06"),
        ev("P1", "service", "2025-01-08", service_type="carer_direct"),
        ev("P1", "assessment", "2025-01-10", "2025-01-11", assessment_type="financial"),
        ev("P1", "assessment", "2025-01-20", "2025-01-21", outcome="no_further_action"),
        ev("P2", "request", "2025-01-06", "2025-01-06"),
        ev("P2", "assessment", "2025-01-08", "2025-01-09"),
        ev("P3", "request", "2025-01-06", "2025-01-06"),
        ev("P3", "assessment", "2025-01-13", "2025-01-14", assessment_type="short_term"),
    ]
    people = [person("P1", birth_month="1970-01"), person("P2", birth_month="2000-02"),
              person("P3", birth_month="1970-01")]
    got = figures(store, events, people)
    assert got[(f"{RESPONSE}.25_to_64", Q1)] == (10.5, 2)
    # P3's short-term assessment progressed (the default outcome) but no service followed.
    assert got[(f"{SERVICE}.25_to_64", Q1)] == (None, 0)


def test_a_service_before_any_assessment_is_the_first_response(store) -> None:
    # R 06/01; S (ST-Max) 09/01; A 20/01: the first response is S (3 days), and the first
    # service too (3 days). Same day: R 27/01 and A 27/01 of P2: the request comes first, a
    # wait of 0.
    events = [
        ev("P1", "request", "2025-01-06", "2025-01-06"),
        ev("P1", "service", "2025-01-09", "2025-01-30", service_type="sts_st_max"),
        ev("P1", "assessment", "2025-01-20", "2025-01-21"),
        ev("P2", "assessment", "2025-01-27", "2025-01-28", outcome="no_further_action"),
        ev("P2", "request", "2025-01-27", "2025-01-27"),
    ]
    got = figures(store, events)
    assert got[(f"{RESPONSE}.25_to_64", Q1)] == (1.5, 2)
    assert got[(f"{SERVICE}.25_to_64", Q1)] == (3.0, 1)
