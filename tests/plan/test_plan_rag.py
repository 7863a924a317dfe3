"""The RAG rules on hand-made series: each status, the edges, roll-up and overrides."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from careassure.measures import MeasureValue
from careassure.plan.model import MeasuredTarget, Milestone, OverrideSpec
from careassure.plan.rag import (
    DUE as DUE_STATUS,
)
from careassure.plan.rag import (
    IMPROVING,
    MET,
    NO_DATA,
    NOT_MET,
    NOT_STARTED,
    OFF_TRACK,
    OVERDUE,
    Rag,
    apply_override,
    judge_measured,
    judge_milestone,
    plan_summary,
    roll_up,
)
from careassure.plan.wording import continuing, display_for, quoted_title

MEDIAN = "care_act_assessment.median_wait"
DUE = date(2026, 5, 31)  # delivery month May 2026
TARGET = MeasuredTarget(MEDIAN, "<=", 14.0, baseline_on=date(2024, 12, 29))


def point(day: str, value: float | None, measure: str = MEDIAN, **extra: object) -> MeasureValue:
    return MeasureValue(measure, value, None, 100, date.fromisoformat(day), **extra)  # type: ignore[arg-type]


def judge(points: list[MeasureValue], as_of: str = "2025-12-28", target=TARGET, due=DUE):
    return judge_measured(target, points, date.fromisoformat(as_of), due)


def test_met_when_the_latest_value_meets_the_target() -> None:
    rag, trend = judge([point("2024-12-29", 45), point("2025-12-28", 14)])
    assert rag.status == MET
    assert rag.reason == (
        "14 days on 28/12/2025 against a target of at most 14 days; "
        "down from 45 days on 29/12/2024; due May 2026"
    )
    assert trend.direction == "down" and trend.change == -31


def test_improving_at_a_rate_that_reaches_the_target_by_the_due_date() -> None:
    # 45 -> 18 in 364 days; 4 more days at that rate take 54 days: 20/02/2026.
    rag, trend = judge([point("2024-12-29", 45), point("2025-12-28", 18)])
    assert rag.status == IMPROVING
    assert rag.reason == (
        "18 days on 28/12/2025 against a target of at most 14 days; down from 45 days on "
        "29/12/2024; at this rate the target is reached by February 2026; due May 2026"
    )
    assert trend.reaches_target_on == date(2026, 2, 20)


def test_improving_too_slowly_is_not_met_and_says_when_the_target_would_be_reached() -> None:
    rag, _ = judge([point("2024-12-29", 30), point("2025-12-28", 28)])
    assert rag.status == NOT_MET
    assert "at this rate the target is reached December 2032, after the due date" in rag.reason


def test_moving_away_from_the_target_is_off_track_before_the_due_date() -> None:
    rag, trend = judge([point("2024-12-29", 20), point("2025-12-28", 25)])
    assert rag.status == OFF_TRACK
    assert "up from 20 days on 29/12/2024, away from the target" in rag.reason
    assert trend.direction == "up"


def test_unchanged_is_not_met() -> None:
    rag, _ = judge([point("2024-12-29", 20), point("2025-12-28", 20)])
    assert rag.status == NOT_MET
    assert "unchanged from 20 days on 29/12/2024; no nearer the target" in rag.reason


def test_not_met_after_the_delivery_month_is_off_track_even_when_improving() -> None:
    points = [point("2024-12-29", 45), point("2026-06-01", 15)]
    rag, _ = judge(points, as_of="2026-06-01")
    assert rag.status == OFF_TRACK
    assert rag.reason.endswith("was due May 2026")


def test_the_last_day_of_the_delivery_month_is_still_on_time() -> None:
    points = [point("2024-12-29", 45), point("2026-05-31", 15)]
    assert judge(points, as_of="2026-05-31")[0].status == NOT_MET
    points = [point("2024-12-29", 45), point("2026-05-31", 15), point("2026-06-01", 15)]
    assert judge(points, as_of="2026-06-01")[0].status == OFF_TRACK


def test_met_after_the_due_date_is_still_met() -> None:
    rag, _ = judge([point("2024-12-29", 45), point("2026-07-01", 12)], as_of="2026-07-01")
    assert rag.status == MET


def test_no_points_is_no_data_not_met() -> None:
    rag, trend = judge([])
    assert rag.status == NO_DATA
    assert rag.reason == "No value for care act assessments: median wait so far up to 28/12/2025"
    assert trend.current is None


def test_an_empty_population_is_no_data_and_says_so() -> None:
    rag, _ = judge([point("2024-12-29", 45), point("2025-12-28", None)])
    assert rag.status == NO_DATA
    assert rag.reason.startswith("No value on 28/12/2025: nobody in the measure's population")


def test_a_single_value_cannot_show_a_trend() -> None:
    rag, _ = judge([point("2025-12-28", 20)])
    assert rag.status == NOT_MET
    assert "no earlier value to show a trend" in rag.reason


def test_points_after_the_as_of_date_are_ignored() -> None:
    points = [point("2024-12-29", 45), point("2025-12-28", 18), point("2026-01-04", 12)]
    rag, trend = judge(points)
    assert rag.status == IMPROVING
    assert trend.current is not None and trend.current.value == 18


def test_the_baseline_is_the_value_in_force_at_the_baseline_date() -> None:
    points = [point("2024-12-22", 50), point("2024-12-29", 45), point("2025-01-05", 40),
              point("2025-12-28", 18)]
    _, trend = judge(points)
    assert trend.baseline is not None and trend.baseline.as_of == date(2024, 12, 29)
    # A baseline before the data starts falls back to the earliest value.
    early = MeasuredTarget(MEDIAN, "<=", 14.0, baseline_on=date(2020, 1, 1))
    _, trend = judge(points, target=early)
    assert trend.baseline is not None and trend.baseline.as_of == date(2024, 12, 22)


def test_higher_is_better_targets() -> None:
    pct = "review.pct_reviewed_within_12_months"
    target = MeasuredTarget(pct, ">=", 85.0, baseline_on=date(2025, 7, 31))
    points = [point("2025-07-31", 60.0, pct), point("2025-12-28", 78.0, pct)]
    rag, _ = judge(points, target=target, due=date(2026, 6, 30))
    assert rag.status == IMPROVING
    assert "78.0% on 28/12/2025 against a target of at least 85%; up from 60.0%" in rag.reason
    points = [point("2025-07-31", 80.0, pct), point("2025-12-28", 78.0, pct)]
    assert judge(points, target=target, due=date(2026, 6, 30))[0].status == OFF_TRACK


def test_a_gap_either_way_judges_its_size() -> None:
    gap = "care_act_assessment.team_disparity"
    target = MeasuredTarget(gap, "abs<", 5.0, baseline_on=date(2025, 1, 1))
    points = [point("2025-01-01", -20.0, gap), point("2025-12-28", 8.0, gap)]
    rag, _ = judge(points, target=target, due=date(2026, 8, 31))
    assert rag.status == IMPROVING  # |8| is closer to under 5 than |-20|
    assert "a gap of less than 5% either way" in rag.reason
    points = [point("2025-01-01", 4.0, gap), point("2025-12-28", -4.5, gap)]
    assert judge(points, target=target, due=date(2026, 8, 31))[0].status == MET


def test_strict_comparators_do_not_accept_the_target_itself() -> None:
    share = "review.pct_overdue_over_6_months"
    target = MeasuredTarget(share, "<", 10.0)
    rag, _ = judge([point("2025-12-28", 10.0, share)], target=target)
    assert rag.status == NOT_MET


def test_published_small_counts_are_hidden_with_their_direction() -> None:
    waiting = "financial_assessment.waiting"
    target = MeasuredTarget(waiting, "<=", 0.0, baseline_on=date(2025, 1, 1))
    points = [
        MeasureValue(waiting, 9, 9, None, date(2025, 1, 1)),
        MeasureValue(waiting, 3, 3, None, date(2025, 12, 28)),
    ]
    rag, trend = judge_measured(
        target, points, date(2025, 12, 28), DUE, display=display_for(points, publish=True)
    )
    assert rag.status == NOT_MET  # judged on the real figures...
    assert rag.reason == (  # ...but neither the figure nor what would give it away is shown
        "* on 28/12/2025 against a target of at most 0; "
        "improving too slowly to meet the target by the due date; due May 2026"
    )
    facts = trend.to_json()
    assert facts["current"]["value"] == "*" and facts["direction"] is None
    assert facts["change"] is None and facts["reaches_target_on"] is None


# --- milestones -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("milestone", "action_status", "as_of", "progress", "status", "reason"),
    [
        (Milestone(True, date(2026, 2, 1), "https://example.org/audit"), "complete",
         "2026-07-01", [], MET, "Done on 01/02/2026; evidence: https://example.org/audit"),
        (Milestone(False), "in_progress", "2026-03-31", ["2026-02-10", "2026-03-02"], IMPROVING,
         "In progress, last progress recorded 02/03/2026; due March 2026"),
        # Under way but nothing recorded to show for it (or only after the date): not improving.
        (Milestone(False), "in_progress", "2026-03-31", [], DUE_STATUS,
         "Not done and no progress recorded yet; due March 2026"),
        (Milestone(False), "in_progress", "2026-01-31", ["2026-02-10"], DUE_STATUS,
         "Not done and no progress recorded yet; due March 2026"),
        (Milestone(False), "not_started", "2026-01-15", [], NOT_STARTED,
         "Not started; due March 2026"),
        (Milestone(False), "in_progress", "2026-04-01", ["2026-02-10"], OVERDUE,
         "Not done; was due March 2026"),
    ],
)
def test_milestones(milestone, action_status, as_of, progress, status, reason) -> None:
    rag = judge_milestone(milestone, action_status, date.fromisoformat(as_of), date(2026, 3, 31),
                          [date.fromisoformat(day) for day in progress])
    assert (rag.status, rag.reason) == (status, reason)


# --- roll-up and overrides ------------------------------------------------------------------


def test_roll_up_takes_the_worst_and_names_it() -> None:
    rag = roll_up(
        [("a", Rag(MET, "")), ("b", Rag(IMPROVING, "")), ("c", Rag(OFF_TRACK, ""))], "outcome"
    )
    assert rag.status == OFF_TRACK
    assert rag.reason == "3 outcomes: 1 off track, 1 improving, 1 met (worst: c)"


def test_roll_up_of_met_and_improving_is_improving() -> None:
    rag = roll_up([("a", Rag(MET, "")), ("b", Rag(IMPROVING, ""))], "action")
    assert (rag.status, rag.reason) == (IMPROVING, "2 actions: 1 improving, 1 met")


def test_no_data_keeps_a_parent_from_claiming_met() -> None:
    rag = roll_up([("a", Rag(MET, "")), ("b", Rag(NO_DATA, ""))], "outcome")
    assert rag.status == NO_DATA
    assert roll_up([("a", Rag(NO_DATA, "")), ("b", Rag(NOT_MET, ""))], "outcome").status == NOT_MET


def test_all_met_is_met_and_nothing_is_no_data() -> None:
    assert roll_up([("a", Rag(MET, "")), ("b", Rag(MET, ""))], "area").status == MET
    assert roll_up([], "outcome") == Rag(NO_DATA, "no outcomes to judge")


def test_a_quoted_title_loses_its_full_stop_and_every_reason_starts_a_sentence() -> None:
    # Seen in review: "(worst: ... appropriately.; ...)" and a reason starting "not done".
    children = [("Thresholds applied appropriately.", Rag(OFF_TRACK, "not done; was due May")),
                ("Audit complete;", Rag(OFF_TRACK, "")), ("Fine", Rag(MET, ""))]
    rag = roll_up(children, "outcome")
    assert rag.reason == (
        "3 outcomes: 2 off track, 1 met (worst: Thresholds applied appropriately; Audit complete)")
    assert children[0][1].reason == "Not done; was due May"
    not_done = judge_milestone(Milestone(False), "in_progress", date(2026, 4, 1), date(2026, 3, 31))
    assert not_done.reason.startswith("Not done")
    override = OverrideSpec("a", MET, "Signed off", "Debbie", datetime(2026, 4, 2, tzinfo=UTC))
    assert apply_override(not_done, override).reason.endswith(
        "(computed: overdue, not done; was due March 2026)")
    assert continuing("DoLS waiting") == "DoLS waiting"
    assert quoted_title("  Is it done?  ") == "Is it done"


def test_the_plan_page_counts_its_areas_in_plain_english() -> None:
    areas = [Rag(OFF_TRACK, "")] * 3 + [Rag(NOT_MET, ""), Rag(MET, "")]
    assert plan_summary(areas) == "Across the plan: 3 areas off track, 1 not met and 1 met"
    assert plan_summary([Rag(IMPROVING, "")]) == "Across the plan: 1 area improving"
    assert plan_summary([]) == "The plan has no areas to judge yet"


def test_an_override_shows_its_reason_and_keeps_the_computed_status() -> None:
    computed = Rag(OFF_TRACK, "25 days against 14")
    override = OverrideSpec(
        "timeliness", IMPROVING, "New assessors start in February", "Debbie",
        datetime(2026, 1, 5, 10, tzinfo=UTC),
    )
    rag = apply_override(computed, override)
    assert rag.status == IMPROVING
    assert rag.reason == (
        "Overridden to improving by Debbie on 05/01/2026: New assessors start in February "
        "(computed: off track, 25 days against 14)"
    )
    assert rag.computed == computed
    assert rag.to_json()["override"]["reason"] == "New assessors start in February"
    assert apply_override(computed, None) is computed
