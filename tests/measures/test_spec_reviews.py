"""Spec tests: annual reviews of people in long-term support (measures-spec.md, "Reviews"),
including the unbroken-run rule for the LTS start. Answers by hand; DuckDB and Spark."""

from __future__ import annotations

from measure_spec import d, episode, figures, service, whole_area

from careassure.measures import compute

REVIEWS = [
    "review.overdue",
    "review.median_overdue",
    "review.max_overdue",
    "review.pct_overdue_over_6_months",
    "review.pct_reviewed_within_12_months",
]


def review(person_id: str, completed: str):
    return episode("review", completed, person_id=person_id, completed=completed)


def test_reviews_of_people_in_long_term_support(store) -> None:
    # D = 30/06/2025, so D - 12 months = 30/06/2024.
    backend = store(
        services=[
            # P1: one ongoing service from 01/01/2023, never reviewed. Anchor = LTS start,
            # due 01/01/2024, overdue by 546 days; due + 6 months = 01/07/2024 < D.
            service("P1", "2023-01-01"),
            # P2: two services touching (end 01/05/2023 = next start): one run from 01/01/2022.
            # Reviewed 01/07/2024: due 01/07/2025, not overdue; reviewed after 30/06/2024.
            service("P2", "2022-01-01", "2023-05-01"),
            service("P2", "2023-05-01"),
            # P3: a one-day gap (01/01/2024 without service) breaks the run: LTS start
            # 02/01/2024, due 02/01/2025, overdue by 179 days.
            service("P3", "2020-01-01", "2024-01-01"),
            service("P3", "2024-01-02"),
            # P4: overlapping services make one run from 01/03/2021; short-term support is not
            # long-term support. Reviewed 15/12/2024: due 15/12/2025.
            service("P4", "2021-03-01", "2021-12-31"),
            service("P4", "2021-06-01", "2024-06-01"),
            service("P4", "2024-05-01"),
            service("P4", "2019-01-01", support_type="short_term"),
            # P5: service ended on D (end_date = first day without it): not in LTS at D.
            service("P5", "2020-01-01", "2025-06-30"),
            # P6: last review 29/02/2024: due 28/02/2025 (clamped), overdue by 122 days.
            service("P6", "2023-01-01"),
            # P7: a review between two runs counts as the last review: anchor 15/08/2024, due
            # 15/08/2025. The run started 01/09/2024: less than 12 months before D.
            service("P7", "2015-01-01", "2016-01-01"),
            service("P7", "2024-09-01"),
            # P8: started 01/03/2025, not reviewed: due 01/03/2026.
            service("P8", "2025-03-01"),
            # P9: touching services, never reviewed: LTS start 01/01/2023 (not 01/09/2024),
            # due 01/01/2024, overdue by 546 days.
            service("P9", "2023-01-01", "2024-09-01"),
            service("P9", "2024-09-01"),
        ],
        episodes=[
            review("P2", "2024-07-01"),
            review("P4", "2024-12-15"),
            review("P5", "2020-06-01"),
            review("P6", "2023-02-01"),
            review("P6", "2024-02-29"),
            review("P7", "2024-08-15"),
            episode("review", "2025-06-01", person_id="P1"),  # listed, not completed
        ],
    )
    got = whole_area(compute(backend, d("2025-06-30"), measures=REVIEWS))
    # In LTS at D: P1, P2, P3, P4, P6, P7, P8, P9 (8).
    # Overdue: P6 122, P3 179, P1 546, P9 546: median (179 + 546) / 2 = 362.5.
    assert figures(got["review.overdue"]) == (4, 4, None)
    assert figures(got["review.median_overdue"]) == (362.5, None, 4)
    assert figures(got["review.max_overdue"]) == (546, None, 4)
    # due + 6 months < D: P1 and P9 (P3 due + 6 = 02/07/2025, P6 28/08/2025): 2 of 8.
    assert figures(got["review.pct_overdue_over_6_months"]) == (25.0, 2, 8)
    # LTS start <= 30/06/2024: P1, P2, P3, P4, P6, P9 (6); last review after 30/06/2024: P2,
    # P4.
    assert figures(got["review.pct_reviewed_within_12_months"]) == (33.3, 2, 6)


def test_leap_day_review_due_dates(store) -> None:
    # Reviewed 29/02/2024: due = 29/02/2024 + 12 months = 28/02/2025; due + 6 months =
    # 28/08/2025 (not 29/08/2025, which + 18 months would give).
    backend = store(services=[service("P1", "2020-01-01")],
                    episodes=[review("P1", "2024-02-29")])

    def at(day: str) -> dict:
        return whole_area(compute(backend, d(day), measures=REVIEWS))

    assert at("2025-02-28")["review.overdue"].value == 0       # due on D: not yet overdue
    assert figures(at("2025-03-01")["review.median_overdue"]) == (1.0, None, 1)
    assert at("2025-08-28")["review.pct_overdue_over_6_months"].value == 0.0
    assert at("2025-08-29")["review.pct_overdue_over_6_months"].value == 100.0


def test_review_on_the_day_and_even_count_median(store) -> None:
    # D = 31/01/2025.
    backend = store(
        services=[
            service("P1", "2020-01-01"),
            service("P2", "2020-01-01"),
            service("P3", "2020-01-01"),
        ],
        episodes=[
            review("P1", "2025-01-31"),  # reviewed on D: due 31/01/2026
            review("P2", "2024-01-21"),  # due 21/01/2025: overdue 10 days
            review("P3", "2024-01-10"),  # due 10/01/2025: overdue 21 days
        ],
    )
    got = whole_area(compute(backend, d("2025-01-31"), measures=REVIEWS))
    assert figures(got["review.overdue"]) == (2, 2, None)
    assert figures(got["review.median_overdue"]) == (15.5, None, 2)  # (10 + 21) / 2
    # D - 12 months = 31/01/2024: P1's review (31/01/2025) is after it, P2's and P3's are not.
    assert figures(got["review.pct_reviewed_within_12_months"]) == (33.3, 1, 3)


def test_nobody_in_long_term_support(store) -> None:
    backend = store(services=[service("P1", "2020-01-01", "2021-01-01")])
    got = whole_area(compute(backend, d("2025-01-31"), measures=REVIEWS))
    assert figures(got["review.overdue"]) == (0, 0, None)
    assert figures(got["review.median_overdue"]) == (None, None, 0)
    assert figures(got["review.max_overdue"]) == (None, None, 0)
    assert figures(got["review.pct_overdue_over_6_months"]) == (None, 0, 0)
    assert figures(got["review.pct_reviewed_within_12_months"]) == (None, 0, 0)
