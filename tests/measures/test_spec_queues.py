"""Spec tests: waiting lists and waits to allocation (measures-spec.md, "Queue snapshot
measures" and "Queue flow measures"), and the open Section 42 enquiries.

Every answer below is worked out by hand in the comments. The tests run on DuckDB and on Spark.
"""

from __future__ import annotations

from measure_spec import d, episode, figures, whole_area

from careassure.measures import compute

CARE = "care_act_assessment"
FIN = "financial_assessment"
SNAPSHOT = ("waiting", "median_wait", "max_wait", "pct_over_28", "over_6_months")
FLOW = (
    "median_wait_to_allocation",
    "max_wait_to_allocation",
    "pct_allocated_within_28",
    "pct_allocated_within_56",
)


def ids(kind: str, names: tuple[str, ...]) -> list[str]:
    return [f"{kind}.{n}" for n in names]


def test_care_act_waiting_list(store) -> None:
    # As at D = 31/03/2025 (end of day). Waiting: received <= D, and no allocation, completion
    # or closure on or before D.
    backend = store(episodes=[
        episode(CARE, "2025-03-31"),                                # A: received on D, wait 0
        episode(CARE, "2025-03-01"),                                # B: wait 30
        episode(CARE, "2025-03-03", allocated="2025-03-31"),        # allocated on D: gone
        episode(CARE, "2025-02-27", allocated="2025-04-01"),        # D: allocated later, wait 32
        episode(CARE, "2025-03-10", closed="2025-03-10"),           # closed the same day: gone
        episode(CARE, "2025-04-01"),                                # received after D
        episode(CARE, "2024-09-30"),                                # G: wait 182
        episode(CARE, "2024-10-01"),                                # H: wait 181
        episode(CARE, "2025-03-15", completed="2025-03-20"),        # completed unallocated: gone
        episode("carer_assessment", "2020-01-01"),                  # another queue
    ])
    got = whole_area(compute(backend, d("2025-03-31"), measures=ids(CARE, SNAPSHOT)))
    # Waits 0, 30, 32, 181, 182: five waiting, median 32, max 182.
    assert figures(got[f"{CARE}.waiting"]) == (5, 5, None)
    assert figures(got[f"{CARE}.median_wait"]) == (32.0, None, 5)
    assert figures(got[f"{CARE}.max_wait"]) == (182, None, 5)
    # Over 28 days: B, D, G, H = 4 of 5.
    assert figures(got[f"{CARE}.pct_over_28"]) == (80.0, 4, 5)
    # received + 6 months < D: G (30/09/2024 + 6 months = 30/03/2025 < 31/03) yes;
    # H (01/10/2024 + 6 months = 01/04/2025) no.
    assert figures(got[f"{CARE}.over_6_months"]) == (1, 1, None)


def test_median_of_an_even_count_with_ties(store) -> None:
    # D = 30/04/2025. Waits 10, 10, 20, 41: median = (10 + 20) / 2 = 15.0 (ordinary median).
    backend = store(episodes=[
        episode("ot_assessment", "2025-04-20"),
        episode("ot_assessment", "2025-04-20"),
        episode("ot_assessment", "2025-04-10"),
        episode("ot_assessment", "2025-03-20"),
        # Carers: waits 3 and 4 -> median 3.5.
        episode("carer_assessment", "2025-04-27"),
        episode("carer_assessment", "2025-04-26"),
    ])
    got = whole_area(compute(backend, d("2025-04-30"), measures=[
        "ot_assessment.median_wait", "ot_assessment.max_wait", "ot_assessment.pct_over_28",
        "carer_assessment.median_wait",
    ]))
    assert figures(got["ot_assessment.median_wait"]) == (15.0, None, 4)
    assert figures(got["ot_assessment.max_wait"]) == (41, None, 4)
    # 1 of 4 over 28 days.
    assert figures(got["ot_assessment.pct_over_28"]) == (25.0, 1, 4)
    assert figures(got["carer_assessment.median_wait"]) == (3.5, None, 2)


def test_empty_waiting_list_gives_null_not_zero(store) -> None:
    # Nobody received by D: the count is 0, every statistic and rate has no value.
    backend = store(episodes=[episode(CARE, "2025-05-01")])
    got = whole_area(compute(backend, d("2025-04-30"), measures=ids(CARE, SNAPSHOT + FLOW)))
    assert figures(got[f"{CARE}.waiting"]) == (0, 0, None)
    assert figures(got[f"{CARE}.median_wait"]) == (None, None, 0)
    assert figures(got[f"{CARE}.max_wait"]) == (None, None, 0)
    assert figures(got[f"{CARE}.pct_over_28"]) == (None, 0, 0)
    assert figures(got[f"{CARE}.over_6_months"]) == (0, 0, None)
    assert figures(got[f"{CARE}.median_wait_to_allocation"]) == (None, None, 0)
    assert figures(got[f"{CARE}.pct_allocated_within_28"]) == (None, 0, 0)


def test_over_6_months_across_a_leap_day(store) -> None:
    # 29/08/2023, 30/08/2023 and 31/08/2023 + 6 months are all 29/02/2024 (30 and 31 clamped),
    # 28/08/2023 + 6 months = 28/02/2024.
    backend = store(episodes=[
        episode(CARE, "2023-08-28"),
        episode(CARE, "2023-08-29"),
        episode(CARE, "2023-08-30"),
        episode(CARE, "2023-08-31"),
    ])
    measure = [f"{CARE}.over_6_months"]
    # D = 29/02/2024: only 28/08 (+6 months = 28/02 < 29/02) is over 6 months.
    assert whole_area(compute(backend, d("2024-02-29"), measures=measure))[measure[0]].value == 1
    # D = 01/03/2024: all four (29/02 < 01/03).
    assert whole_area(compute(backend, d("2024-03-01"), measures=measure))[measure[0]].value == 4


def test_financial_waits_count_working_days_across_christmas(store) -> None:
    # D = Thu 02/01/2025. busday_count(received, D), England and Wales bank holidays
    # 25/12, 26/12/2024 and 01/01/2025 excluded:
    #   Fri 20/12/2024: 20, 23, 24, 27, 30, 31 Dec = 6 working days (13 calendar days)
    #   Wed 20/11/2024: 3 + 5 + 5 + 5 + 5 + 3 + 2 = 28 working days (43 calendar days)
    #   Tue 19/11/2024: 29 working days
    backend = store(episodes=[
        episode(FIN, "2024-12-20"),
        episode(FIN, "2024-11-20"),
        episode(FIN, "2024-11-19"),
    ])
    got = whole_area(compute(backend, d("2025-01-02"), measures=ids(FIN, SNAPSHOT)))
    assert figures(got[f"{FIN}.median_wait"]) == (28.0, None, 3)
    assert figures(got[f"{FIN}.max_wait"]) == (29, None, 3)
    # Over 28 working days: only the 29 (in calendar days two of the three would be).
    assert figures(got[f"{FIN}.pct_over_28"]) == (33.3, 1, 3)
    # The 6-month rule stays in calendar months: none.
    assert figures(got[f"{FIN}.over_6_months"]) == (0, 0, None)


def test_waits_to_allocation_over_the_period(store) -> None:
    # Period (31/01/2025, 30/04/2025]: allocated_date after P1, up to and including P2.
    backend = store(episodes=[
        episode(CARE, "2025-01-01", allocated="2025-01-31"),   # allocated on P1: excluded
        episode(CARE, "2025-01-04", allocated="2025-02-01"),   # 28 days
        episode(CARE, "2025-01-03", allocated="2025-03-01"),   # 57 days
        episode(CARE, "2025-03-05", allocated="2025-04-30"),   # 56 days, allocated on P2
        episode(CARE, "2025-04-01", allocated="2025-05-01"),   # after P2: excluded
        episode(CARE, "2025-02-01", completed="2025-02-10"),   # never allocated: excluded
        # Financial, in working days (busday_count, bank holidays excluded):
        #   Thu 02/01/2025 -> Mon 03/02/2025: 2 + 5 + 5 + 5 + 5 = 22
        #   Thu 19/12/2024 -> Thu 02/01/2025: 19, 20, 23, 24, 27, 30, 31 Dec = 7; total 29
        episode(FIN, "2024-12-19", allocated="2025-02-03"),
        episode(FIN, "2025-01-02", allocated="2025-02-03"),
    ])
    got = whole_area(compute(
        backend, d("2025-04-30"), period_start=d("2025-01-31"),
        measures=ids(CARE, FLOW) + ids(FIN, FLOW),
    ))
    # Care Act waits 28, 56, 57: median 56, max 57; within 28: 1 of 3; within 56: 2 of 3.
    assert figures(got[f"{CARE}.median_wait_to_allocation"]) == (56.0, None, 3)
    assert figures(got[f"{CARE}.max_wait_to_allocation"]) == (57, None, 3)
    assert figures(got[f"{CARE}.pct_allocated_within_28"]) == (33.3, 1, 3)
    assert figures(got[f"{CARE}.pct_allocated_within_56"]) == (66.7, 2, 3)
    # Financial waits 22 and 29 working days (36 and 46 calendar days): median 25.5, max 29,
    # within 28 working days: 1 of 2.
    assert figures(got[f"{FIN}.median_wait_to_allocation"]) == (25.5, None, 2)
    assert figures(got[f"{FIN}.max_wait_to_allocation"]) == (29, None, 2)
    assert figures(got[f"{FIN}.pct_allocated_within_28"]) == (50.0, 1, 2)
    # Flow values carry their period.
    assert got[f"{CARE}.median_wait_to_allocation"].period_start == d("2025-01-31")
    assert got[f"{CARE}.median_wait_to_allocation"].as_of == d("2025-04-30")


def test_open_section_42_enquiries(store) -> None:
    # D = 31/03/2025. Open: received by D, not completed or closed by D (allocation does not
    # matter for enquiries).
    backend = store(episodes=[
        episode("s42_enquiry", "2025-02-17"),                         # open, 42 days: not over
        episode("s42_enquiry", "2025-02-16"),                         # open, 43 days: over
        episode("s42_enquiry", "2025-03-01", completed="2025-03-31"), # completed on D: closed
        episode("s42_enquiry", "2025-01-01", allocated="2025-01-02"), # open, 89 days
        episode("s42_enquiry", "2025-01-05", closed="2025-04-02"),    # closed after D: open, 85
        episode("s42_enquiry", "2025-04-01"),                         # received after D
    ])
    got = whole_area(compute(backend, d("2025-03-31"), measures=[
        "s42_enquiry.open", "s42_enquiry.pct_open_over_6_weeks",
    ]))
    assert figures(got["s42_enquiry.open"]) == (4, 4, None)
    # Over 42 days: 43, 89, 85 = 3 of 4.
    assert figures(got["s42_enquiry.pct_open_over_6_weeks"]) == (75.0, 3, 4)
