"""Narrative facts: the seeds' sentence fragments from a measure's series."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from measure_spec import d, duckdb_backend, episode

from careassure.measures import MeasureValue, series
from careassure.measures.narrative import facts
from careassure.measures.targets import parse_targets

WAITING = "care_act_assessment.waiting"
MEDIAN = "care_act_assessment.median_wait"
OVER_28 = "care_act_assessment.pct_over_28"
IN_TIME = "review.pct_reviewed_within_12_months"


def points(measure: str, *figures: float | None, start: str = "2024-12-01",
           denominator: int | None = 100) -> list[MeasureValue]:
    """Weekly points from ``start``; counts carry themselves as numerator, statistics 100 people."""
    first = d(start)
    rows = []
    for week, figure in enumerate(figures):
        numerator = figure if measure == WAITING else None
        rows.append(MeasureValue(measure, figure, numerator,
                                 None if measure == WAITING else denominator,
                                 first + timedelta(weeks=week)))
    return rows


def test_the_seeds_waiting_list_sentence() -> None:
    # The list rose to 716 on 29/12/2024 and fell to 416: "416 (down from a peak of 716 ...)".
    series_ = points(WAITING, 600, 650, 690, 716, 700, 560, 416, start="2024-12-08")
    got = facts(WAITING, series_, baseline=d("2024-12-29"))
    assert got.sentence() == "416 (down from a peak of 716 on 29/12/2024)"
    assert (got.current.value, got.baseline.value, got.peak.value) == (416, 716, 716)
    assert (got.change, got.direction) == (-300, "down")
    assert got.baseline.as_of == d("2024-12-29") and got.target is None


def test_the_seeds_median_sentence_against_its_target() -> None:
    # The series starts at the baseline, so 45 is where it started, not a peak it rose to.
    got = facts(MEDIAN, points(MEDIAN, 45.0, 40.0, 30.5, 18.0, start="2024-12-29"))
    assert got.sentence() == ("18 days (down from 45 days on 29/12/2024); "
                              "target at most 14 days: not met")
    assert got.fragments() == {
        "value": "18 days",
        "baseline": "45 days on 29/12/2024",
        "peak": "a peak of 45 days on 29/12/2024",
        "direction": "down from 45 days on 29/12/2024",
        "target": "target at most 14 days: not met",
    }
    assert got.change == -27.0


def test_a_percentage_and_a_peak_after_the_baseline() -> None:
    # Baseline 29/12/2024 at 62%, peak 70% a week later, now 33%.
    got = facts(OVER_28, points(OVER_28, 60.0, 62.0, 70.0, 33.0, start="2024-12-22"),
                baseline=d("2025-01-01"))
    assert got.sentence() == (
        "33.0% (down from a peak of 70.0% on 05/01/2025; down from 62.0% on 29/12/2024)"
    )
    assert got.peak.as_of == d("2025-01-05")


def test_higher_is_better_has_a_low_not_a_peak() -> None:
    got = facts(IN_TIME, points(IN_TIME, 70.0, 61.0, 66.5, start="2025-01-05"))
    assert got.fragments()["peak"] == "a low of 61.0% on 12/01/2025"
    assert got.sentence() == ("66.5% (up from a low of 61.0% on 12/01/2025; down from 70.0% on "
                              "05/01/2025); target at least 85%: not met")


def test_no_peak_when_the_current_value_is_the_worst() -> None:
    got = facts(WAITING, points(WAITING, 300, 350, 350))
    assert got.peak is None
    assert got.sentence() == "350 (up from 300 on 01/12/2024)"
    unchanged = facts(WAITING, points(WAITING, 300, 280, 300))
    assert unchanged.direction == "unchanged"
    # 300 ties the baseline, which is the worst point: no peak, and "unchanged".
    assert unchanged.peak is None
    assert unchanged.sentence() == "300 (unchanged from 300 on 01/12/2024)"


def test_target_met_and_the_baseline_just_before_a_date() -> None:
    got = facts(MEDIAN, points(MEDIAN, 30.0, 20.0, 12.5), baseline=d("2024-12-10"))
    # Points 01/12, 08/12, 15/12: the point at or just before 10/12 is 08/12.
    assert got.baseline.as_of == d("2024-12-08")
    assert got.sentence() == ("12.5 days (down from 20 days on 08/12/2024); "
                              "target at most 14 days: met")
    # A baseline date before every point falls back to the first point.
    assert facts(MEDIAN, points(MEDIAN, 30.0, 20.0), baseline=d("2020-01-01")).baseline.as_of \
        == d("2024-12-01")


def test_other_measures_breakdowns_and_missing_values_are_handled() -> None:
    rows = points(WAITING, 10, 12) + points(MEDIAN, 3.0, 4.0)
    rows.append(MeasureValue(WAITING, 7, 7, None, d("2024-12-22"), breakdown={"team": "A"}))
    got = facts(WAITING, rows)
    assert got.current.as_of == d("2024-12-08")
    assert got.sentence() == "12 (up from 10 on 01/12/2024)"
    empty = facts(MEDIAN, points(MEDIAN, 20.0, None, denominator=0))
    assert empty.sentence() == "—; target at most 14 days"
    assert (empty.change, empty.direction, empty.peak) == (None, None, None)
    nothing = facts(MEDIAN, [])
    assert nothing.current is None and nothing.sentence() == "—; target at most 14 days"
    with pytest.raises(ValueError, match="unknown measure"):
        facts("care_act.wating", rows)


def test_council_targets_are_used_when_given() -> None:
    own = parse_targets({"version": 1, "targets": {MEDIAN: {"comparator": "<=", "value": 90}}},
                        "council.yaml")
    got = facts(MEDIAN, points(MEDIAN, 45.0, 18.0), targets=own)
    assert got.fragments()["target"] == "target at most 90 days: met"


def test_published_facts_hide_small_numbers_and_what_would_reveal_them() -> None:
    got = facts(WAITING, points(WAITING, 9, 3), publish=True)
    assert got.sentence() == "*"
    assert got.fragments()["baseline"] == "9 on 01/12/2024"
    frozen = got.to_json()
    assert frozen["current"]["value"] == "*" and frozen["current"]["numerator"] == "*"
    assert frozen["change"] == "*" and frozen["direction"] == "*"
    # Unpublished, the same facts show everything.
    assert facts(WAITING, points(WAITING, 9, 3)).sentence() == "3 (down from 9 on 01/12/2024)"


def test_to_json_freezes_everything_with_iso_dates() -> None:
    got = facts(MEDIAN, points(MEDIAN, 45.0, 18.0, start="2024-12-29")).to_json()
    assert got["current"]["as_of"] == "2025-01-05" and got["baseline"]["value"] == 45.0
    assert got["target"] == {"comparator": "<=", "value": 14.0, "met": False,
                             "source": got["target"]["source"]}
    assert got["sentence"].startswith("18 days (down from 45 days on 29/12/2024)")
    assert got["unit"] == "days" and got["published"] is False


def test_facts_from_the_engine_series() -> None:
    # Waiting each Sunday: 05/01 one (received 01/01), 12/01 two, 19/01 one (first allocated
    # 15/01), 26/01 one.
    backend = duckdb_backend({"episodes": [
        episode(WAITING.split(".")[0], "2025-01-01", allocated="2025-01-15"),
        episode(WAITING.split(".")[0], "2025-01-10"),
    ]})
    weekly = series(backend, date(2025, 1, 5), date(2025, 1, 26), "week", measures=[WAITING])
    got = facts(WAITING, weekly)
    assert [p.value for p in weekly] == [1, 2, 1, 1]
    assert got.sentence() == ("1 (down from a peak of 2 on 12/01/2025; "
                              "unchanged from 1 on 05/01/2025)")
    published = facts(WAITING, weekly, publish=True)
    # "down from a peak of *" would say which way the hidden figure lies: no peak is named.
    assert published.sentence() == "*"
    assert published.fragments()["peak"] == "" and published.to_json()["peak"] is None
