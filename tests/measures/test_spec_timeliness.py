"""Spec tests: work completed within its target time over a period (measures-spec.md, "OT
delivery" and "Safeguarding"). Answers worked out by hand; run on DuckDB and Spark."""

from __future__ import annotations

from measure_spec import d, episode, figures, whole_area

from careassure.measures import compute

MEASURES = [
    "equipment_delivery.pct_within_5_working_days",
    "minor_adaptation.pct_within_60_days",
    "major_adaptation.pct_within_120_days",
    "safeguarding_concern.pct_decided_within_5_working_days",
    "s42_enquiry.pct_closed_within_3_months",
]


def test_completed_within_target_over_the_period(store) -> None:
    # Period (31/12/2024, 30/06/2025]: completed_date after P1, up to and including P2.
    backend = store(episodes=[
        # Equipment, busday_count(received, completed) <= 5. Easter 2025: Good Friday 18/04,
        # Easter Monday 21/04.
        #   Mon 14/04 -> Wed 23/04: 14, 15, 16, 17, 22 = 5 working days (9 calendar): in time
        #   Mon 14/04 -> Thu 24/04: 6 working days: late
        #   30/06 -> 30/06: delivered the same day, 0: in time (completed on P2 counts)
        episode("equipment_delivery", "2025-04-14", completed="2025-04-23"),
        episode("equipment_delivery", "2025-04-14", completed="2025-04-24"),
        episode("equipment_delivery", "2025-06-30", completed="2025-06-30"),
        episode("equipment_delivery", "2024-12-30", completed="2024-12-31"),  # on P1: out
        episode("equipment_delivery", "2025-06-30", completed="2025-07-01"),  # after P2: out
        episode("equipment_delivery", "2025-06-01"),                          # not delivered
        # Minor adaptations, calendar days <= 60: 01/03 -> 30/04 = 60 in time; 28/02 -> 30/04
        # = 61 late.
        episode("minor_adaptation", "2025-03-01", completed="2025-04-30"),
        episode("minor_adaptation", "2025-02-28", completed="2025-04-30"),
        # Major adaptations, <= 120: 01/01 -> 01/05 = 31 + 28 + 31 + 30 = 120 in time;
        # 31/12/2024 -> 01/05 = 121 late.
        episode("major_adaptation", "2025-01-01", completed="2025-05-01"),
        episode("major_adaptation", "2024-12-31", completed="2025-05-01"),
        # Safeguarding concerns, busday_count <= 5; Mon 05/05/2025 is a bank holiday:
        #   Fri 02/05 -> Mon 12/05: 2, 6, 7, 8, 9 May = 5: in time
        #   Thu 01/05 -> Mon 12/05: 6: late
        episode("safeguarding_concern", "2025-05-02", completed="2025-05-12"),
        episode("safeguarding_concern", "2025-05-01", completed="2025-05-12"),
        # S42 enquiries, completed <= received + 3 months (end of month clamped):
        #   30/11/2024 + 3 months = 28/02/2025 (no 30 Feb): completed 28/02 in time
        #   29/11/2024 + 3 months = 28/02/2025 (2025 has no 29 Feb): completed 01/03 late
        #   29/11/2024, completed 28/02/2025: in time
        #   closed without completion: not counted at all
        episode("s42_enquiry", "2024-11-30", completed="2025-02-28"),
        episode("s42_enquiry", "2024-11-29", completed="2025-03-01"),
        episode("s42_enquiry", "2024-11-29", completed="2025-02-28"),
        episode("s42_enquiry", "2025-01-10", closed="2025-01-20"),
    ])
    got = whole_area(compute(backend, d("2025-06-30"), period_start=d("2024-12-31"),
                             measures=MEASURES))
    assert figures(got["equipment_delivery.pct_within_5_working_days"]) == (66.7, 2, 3)
    assert figures(got["minor_adaptation.pct_within_60_days"]) == (50.0, 1, 2)
    assert figures(got["major_adaptation.pct_within_120_days"]) == (50.0, 1, 2)
    assert figures(got["safeguarding_concern.pct_decided_within_5_working_days"]) == (50.0, 1, 2)
    assert figures(got["s42_enquiry.pct_closed_within_3_months"]) == (66.7, 2, 3)


def test_three_months_after_a_date_in_a_leap_year(store) -> None:
    # 30/11/2023 + 3 months = 29/02/2024 (clamped from 30/02): completed 29/02 in time,
    # completed 01/03 late. Period (31/01/2024, 31/03/2024].
    backend = store(episodes=[
        episode("s42_enquiry", "2023-11-30", completed="2024-02-29"),
        episode("s42_enquiry", "2023-11-30", completed="2024-03-01"),
    ])
    got = whole_area(compute(backend, d("2024-03-31"), period_start=d("2024-01-31"),
                             measures=["s42_enquiry.pct_closed_within_3_months"]))
    assert figures(got["s42_enquiry.pct_closed_within_3_months"]) == (50.0, 1, 2)


def test_nothing_completed_gives_null(store) -> None:
    backend = store(episodes=[episode("equipment_delivery", "2025-01-02")])
    got = whole_area(compute(backend, d("2025-06-30"), measures=MEASURES))
    assert all(figures(v) == (None, 0, 0) for v in got.values())
