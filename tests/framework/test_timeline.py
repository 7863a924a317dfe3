"""The assessment cycle planner, checked against the dates in seeds 000 and 002."""

from __future__ import annotations

from datetime import date

import pytest

from careassure.framework.model import load_framework
from careassure.framework.timeline import (
    TimelineError,
    add_working_days,
    plan_timeline,
    working_day_on_or_before,
)

FRAMEWORK = load_framework()


def test_seed_002_information_return_end_of_week_three() -> None:
    """Notified Monday 09/09/2024; the return was submitted 27/09/2024, the end of week three."""
    plan = plan_timeline(
        FRAMEWORK, today=date(2024, 11, 4), notified=date(2024, 9, 9), returned=date(2024, 9, 27)
    )
    info = plan.milestone("information_return")
    assert (info.earliest, info.due) == (date(2024, 9, 9), date(2024, 9, 27))
    assert info.status(plan.today) == "done"


def test_seed_002_and_000_site_visit_within_six_months() -> None:
    """Seed 002 expects the visit by March 2025; seed 000: the week of 24/02/2025."""
    plan = plan_timeline(
        FRAMEWORK, today=date(2025, 1, 20), notified=date(2024, 9, 9), site_visit=date(2025, 2, 24)
    )
    visit = plan.milestone("site_visit")
    assert visit.due == date(2025, 3, 9)
    assert visit.status(plan.today) == "done"
    assert visit.rule.endswith("this visit 24/02/2025 to 26/02/2025")
    assert plan.milestone("site_visit_letter").status(plan.today) == "done"  # implied by the visit
    publication = plan.milestone("publication")
    assert (publication.expected, publication.due) == (date(2025, 4, 23), date(2025, 5, 26))


def test_seed_000_leicestershire_published_requires_improvement() -> None:
    """Published 17/09/2025: Stage 2 plan 17/12/2025, Stage 3 updates 17/03/2026 and 17/06/2026;
    next comprehensive assessment within 3 years."""
    plan = plan_timeline(
        FRAMEWORK,
        today=date(2026, 6, 1),
        notified=date(2024, 9, 9),
        site_visit=date(2025, 2, 24),
        published=date(2025, 9, 17),
        rating="Requires improvement",
    )
    assert plan.milestone("dhsc_improvement_plan").due == date(2025, 12, 17)
    assert plan.milestone("dhsc_update_1").due == date(2026, 3, 17)
    assert plan.milestone("dhsc_update_2").due == date(2026, 6, 17)
    assert plan.milestone("dhsc_update_2").status(plan.today) == "upcoming"
    # CQC's "up to three months" after the visit was not met in this real case.
    assert plan.milestone("publication").status(plan.today) == "late"
    nxt = plan.next_assessment
    assert (nxt.due, nxt.window_opens) == (date(2028, 9, 17), date(2027, 9, 17))
    assert not nxt.inside_window and not nxt.overdue
    assert plan.milestones[-1].due == nxt.due
    assert all(m.due < nxt.due for m in plan.milestones if m.key.startswith("dhsc_update"))


@pytest.mark.parametrize(
    ("rating", "today", "due", "inside", "overdue"),
    [
        ("Good", date(2026, 1, 1), date(2029, 7, 1), False, False),
        ("Outstanding", date(2028, 8, 1), date(2029, 7, 1), True, False),
        ("Inadequate", date(2028, 7, 1), date(2028, 7, 1), True, False),
        ("requires improvement", date(2028, 7, 2), date(2028, 7, 1), False, True),
    ],
)
def test_next_comprehensive_assessment_window(
    rating: str, today: date, due: date, inside: bool, overdue: bool
) -> None:
    plan = plan_timeline(FRAMEWORK, today=today, published=date(2025, 7, 1), rating=rating)
    nxt = plan.next_assessment
    assert (nxt.due, nxt.inside_window, nxt.overdue) == (due, inside, overdue)
    assert any(m.key == "dhsc_improvement_plan" for m in plan.milestones) == (
        nxt.rating == "Requires improvement"
    )


def test_factual_accuracy_skips_weekends_and_bank_holidays() -> None:
    """Draft on Friday 19/12/2025: 10 working days skip Christmas, Boxing Day and New Year's Day."""
    plan = plan_timeline(
        FRAMEWORK,
        today=date(2025, 12, 22),
        notified=date(2025, 6, 2),
        site_visit=date(2025, 11, 3),
        draft_report=date(2025, 12, 19),
    )
    check = plan.milestone("factual_accuracy")
    assert check.due == date(2026, 1, 7)
    assert check.status(plan.today) == "open"


def test_working_day_helpers() -> None:
    assert add_working_days(date(2025, 4, 17), 1) == date(2025, 4, 22)  # Easter
    assert add_working_days(date(2025, 4, 17), 0) == date(2025, 4, 17)
    assert working_day_on_or_before(date(2025, 5, 26)) == date(2025, 5, 23)  # Spring bank holiday
    # Notified on a Wednesday: day 21 is a Tuesday, a working day.
    plan = plan_timeline(FRAMEWORK, today=date(2025, 1, 1), notified=date(2025, 1, 8))
    assert plan.milestone("information_return").due == date(2025, 1, 28)


def test_statuses_before_anything_is_known() -> None:
    plan = plan_timeline(FRAMEWORK, today=date(2024, 10, 1), notified=date(2024, 9, 9))
    statuses = {m.key: m.status(plan.today) for m in plan.milestones}
    assert statuses == {
        "notification": "done",
        "information_return": "passed",
        "site_visit_letter": "open",
        "site_visit": "upcoming",
        "factual_accuracy": "unknown",
        "publication": "upcoming",
    }
    assert plan.next_assessment is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "give the notification date"),
        ({"published": date(2025, 9, 17)}, "give the rating"),
        ({"notified": date(2024, 9, 9), "rating": "Good"}, "needs the date its report"),
        ({"site_visit": date(2025, 2, 24)}, "need its notification date"),
        (
            {"notified": date(2024, 9, 9), "site_visit": date(2024, 9, 1)},
            "site visit (01/09/2024) is before notification (09/09/2024)",
        ),
    ],
)
def test_impossible_dates_are_explained(kwargs: dict, message: str) -> None:
    with pytest.raises(TimelineError, match=message.replace("(", r"\(").replace(")", r"\)")):
        plan_timeline(FRAMEWORK, today=date(2025, 1, 1), **kwargs)


def test_json_uses_iso_dates_and_cites_sources() -> None:
    data = plan_timeline(FRAMEWORK, today=date(2024, 10, 1), notified=date(2024, 9, 9)).to_json()
    info = next(m for m in data["milestones"] if m["key"] == "information_return")
    assert info["due"] == "2024-09-27" and info["source"].startswith("seed 002")
