"""Spec tests: DHSC's provisional CLD waiting times (cld-notes.md, "DHSC waiting times"), the
national comparators, worked out by hand on a few people. The tests run on DuckDB and on Spark.

Events, as a CLD submission of the store holds them: a completed Care Act assessment is a
request on its received date and an assessment from its allocated date; services start on their
start date. Same day: request, then assessment, then service.
"""

from __future__ import annotations

from measure_spec import d, episode, person, service

from careassure.measures import series

CARE = "care_act_assessment"
RESPONSE = "dhsc.wait_to_first_response"
SERVICE = "dhsc.wait_to_first_service"
MEASURES = [f"{m}.{b}" for m in (RESPONSE, SERVICE) for b in ("25_to_64", "65_and_over")]


def assessed(received: str, allocated: str, completed: str, who: str, outcome: str = "eligible"):
    return episode(CARE, received, person_id=who, allocated=allocated, completed=completed,
                   outcome=outcome)


PEOPLE = [
    person("P1", birth_month="1950-01"),  # 75 in 2025: 65+
    person("P2", birth_month="1990-06"),  # 34: 25-64
    person("P3", birth_month="2002-01"),  # 23: too young
    person("P4", birth_month="1980-01"),
    person("P5", birth_month="1980-01"),
    person("P6", birth_month="1940-05"),
    person("P7", birth_month="1950-01"),
    person("P8", birth_month="1950-01"),
    person("P9", birth_month="1950-01"),
    person("P10", birth_month="1950-01"),
    person("P11"),                        # no birth month: age unknown, left out
]

EPISODES = [
    # P1: request 06/01/2025, assessed from 20/01 (14 days), eligible; service 03/03 (56 days).
    assessed("2025-01-06", "2025-01-20", "2025-02-10", "P1"),
    # P2: assessed the day of the request (0 days) but not eligible: the service that follows on
    # 10/03 is not counted as a first service.
    assessed("2025-02-03", "2025-02-03", "2025-02-20", "P2", outcome="not_eligible"),
    # P3: 23 years old: not counted.
    assessed("2025-01-06", "2025-01-08", "2025-01-20", "P3"),
    # P4: an existing client: long-term support whose last day (01/02/2024) is exactly 12 months
    # before the request (01/02/2025).
    assessed("2025-02-01", "2025-02-11", "2025-02-20", "P4"),
    # P5: short-term support whose last day (09/10/2024) is more than 3 months before the
    # request (10/01/2025, look-back to 10/10/2024): not an existing client. Assessed from
    # 31/01: 21 days; no service after.
    assessed("2025-01-10", "2025-01-31", "2025-02-20", "P5"),
    # P6: request 02/01/2025; a service on 09/01 comes before the assessment (01/02): the first
    # response and the first service are both the service, 7 days.
    assessed("2025-01-02", "2025-02-01", "2025-02-25", "P6"),
    # P7: request 02/12/2024, assessed from 13/01/2025: 42 days, counted in the quarter of the
    # response (January-March 2025), not of the request.
    assessed("2024-12-02", "2025-01-13", "2025-02-01", "P7"),
    # P8: a request before April 2023 is not counted.
    assessed("2023-03-20", "2023-04-03", "2023-04-20", "P8"),
    # P9: two requests, 06/01 and 13/01/2025, assessed from 03/02 and 27/01. The first
    # assessment after the first request is the second one's (27/01: 21 days), which comes after
    # the second request: the second request starts before the first's follow-up ends and is
    # dropped.
    assessed("2025-01-06", "2025-02-03", "2025-02-20", "P9"),
    assessed("2025-01-13", "2025-01-27", "2025-02-10", "P9"),
    # P10: allocated but not completed: nothing submitted yet.
    episode(CARE, "2025-01-06", person_id="P10", allocated="2025-01-07"),
    # P11: no birth month.
    assessed("2025-01-06", "2025-01-07", "2025-01-20", "P11"),
]

SERVICES = [
    service("P1", "2025-03-03"),
    service("P2", "2025-03-10"),
    service("P4", "2024-01-01", "2024-02-02"),
    service("P5", "2024-06-01", "2024-10-10", support_type="short_term"),
    service("P6", "2025-01-09", "2025-02-01", support_type="short_term"),
]


def test_dhsc_waiting_times_by_quarter_and_age(store) -> None:
    backend = store(people=PEOPLE, episodes=EPISODES, services=SERVICES)
    got = series(backend, d("2024-10-01"), d("2025-03-31"), "quarter", measures=MEASURES)
    figures = {(v.measure, v.as_of): (v.value, v.denominator) for v in got}
    q1, q4 = d("2025-03-31"), d("2024-12-31")
    # First response, 65+: P1 14, P6 7, P7 42, P9 21 -> 7, 14, 21, 42: median 17.5.
    assert figures[(f"{RESPONSE}.65_and_over", q1)] == (17.5, 4)
    # 25-64: P2 0, P5 21: median 10.5.
    assert figures[(f"{RESPONSE}.25_to_64", q1)] == (10.5, 2)
    # First service, 65+: P1 56, P6 7: median 31.5. 25-64: none (P2's assessment found no
    # eligible needs).
    assert figures[(f"{SERVICE}.65_and_over", q1)] == (31.5, 2)
    assert figures[(f"{SERVICE}.25_to_64", q1)] == (None, 0)
    # October-December 2024: P7's request, but its response came in January.
    assert figures[(f"{RESPONSE}.65_and_over", q4)] == (None, 0)
    # Flow values carry their quarter.
    assert {v.period_start for v in got if v.as_of == q1} == {d("2024-12-31")}


def test_requests_before_april_2023_are_not_counted(store) -> None:
    backend = store(people=PEOPLE, episodes=EPISODES, services=SERVICES)
    got = series(backend, d("2023-04-01"), d("2023-06-30"), "quarter", measures=MEASURES)
    assert [(v.value, v.denominator) for v in got] == [(None, 0)] * 4
