"""Observed queue statistics from tiny hand-made stores, checked by hand."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from careassure.forecast.observed import ForecastInputError, observe_queue
from careassure.records.store import open_store

CARE = "care_act_assessment"

# Window: the four weeks 01/01/2024 (Monday) to 28/01/2024. (id, kind, team, received,
# allocated, completed, closed)
EPISODES = [
    ("e0", CARE, "B", "2023-11-01", "2023-11-02", None, None),  # long gone: team B's history
    ("e1", CARE, "A", "2023-12-20", "2024-01-03", None, None),  # waiting before; removed 03/01
    ("e2", CARE, "A", "2024-01-02", None, None, "2024-01-05"),  # withdrawn 05/01
    ("e3", CARE, "A", "2024-01-02", None, None, "2024-01-02"),  # closed the day received
    ("e4", CARE, "B", "2024-01-04", None, "2024-01-09", None),  # completed 09/01
    ("e5", CARE, "B", "2024-01-08", "2024-01-08", None, None),  # allocated the day received
    ("e6", CARE, "A", "2024-01-10", None, None, None),  # still waiting
    ("e7", CARE, "B", "2024-01-15", "2024-01-30", None, None),  # waiting on 28/01
    ("e8", CARE, "A", "2024-01-20", "2024-01-22", "2024-01-25", None),  # removed 22/01
    ("e9", CARE, "A", "2024-01-12", "2024-01-12", None, "2024-01-12"),  # allocated: removal
    ("c1", "carer_assessment", "A", "2024-01-05", None, None, None),  # another queue
]
# End-of-day list from 01/01 to 28/01 (31/12 had 1: e1)
WAITING = [1, 2, 1, 2, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 2, 2, 2, 2, 2, 2, 2]


def day(text: str) -> np.datetime64:
    return np.datetime64(text, "D")


@pytest.fixture
def store_path(make_store: Callable[..., Path]) -> Path:
    return make_store(EPISODES)


def test_daily_list_and_flows(store_path: Path) -> None:
    with open_store(store_path) as store:
        obs = observe_queue(store, CARE, as_of=date(2024, 1, 28), history_weeks=4)
    assert (obs.start, obs.end, obs.weeks) == (date(2024, 1, 1), date(2024, 1, 28), 4)
    assert obs.dates[0] == day("2024-01-01") and len(obs.dates) == 28
    assert obs.waiting.tolist() == WAITING

    def on(values: np.ndarray) -> dict[str, int]:
        return {str(d)[5:]: int(v) for d, v in zip(obs.dates, values, strict=True) if v}

    assert on(obs.referrals) == {
        "01-02": 2, "01-04": 1, "01-08": 1, "01-10": 1, "01-12": 1, "01-15": 1, "01-20": 1
    }
    assert on(obs.closed_same_day) == {"01-02": 1}
    assert on(obs.removals) == {"01-03": 1, "01-08": 1, "01-09": 1, "01-12": 1, "01-22": 1}
    assert on(obs.withdrawals) == {"01-05": 1}
    # the list changes by demand less removals and withdrawals, day by day
    before = np.concatenate([[1], obs.waiting[:-1]])
    np.testing.assert_array_equal(
        obs.waiting - before, obs.demand - obs.removals - obs.withdrawals
    )


def test_waits_of_those_waiting(store_path: Path) -> None:
    with open_store(store_path) as store:
        obs = observe_queue(store, CARE, as_of=date(2024, 1, 28), history_weeks=4)
    # 28/01: e6 (10/01, 18 days) and e7 (15/01, 13 days)
    assert (obs.mean_wait_now, obs.median_wait_now, obs.max_wait_now) == (15.5, 15.5, 18.0)
    np.testing.assert_array_equal(obs.waiting_since, [day("2024-01-10"), day("2024-01-15")])
    # 09/01 nobody waits: NaN, not 0
    assert np.isnan(obs.median_wait[8]) and np.isnan(obs.mean_wait[8])
    # 02/01: e1 (13 days) and e2 (0 days)
    assert (obs.mean_wait[1], obs.median_wait[1], obs.max_wait[1]) == (6.5, 6.5, 13.0)


def test_rates_and_variability_come_from_counts(store_path: Path) -> None:
    with open_store(store_path) as store:
        obs = observe_queue(store, CARE, as_of=date(2024, 1, 28), history_weeks=4)
    # referrals per week 3, 3, 2, 0: mean 2, sd sqrt(2), dispersion 1
    weekly = obs.referral_stats.per_week
    assert (weekly.periods, weekly.mean) == (4, 2.0)
    assert weekly.sd == pytest.approx(2**0.5) and weekly.cv == pytest.approx(2**0.5 / 2)
    assert weekly.dispersion == pytest.approx(1.0) and weekly.process_cv == pytest.approx(1.0)
    # demand (less the same-day closure) 2, 3, 2, 0
    assert obs.demand_stats.per_week.mean == 1.75
    assert obs.demand_stats.per_week.dispersion == pytest.approx((4.75 / 3) / 1.75)
    assert obs.demand_stats.per_day.mean == pytest.approx(7 / 28)
    # 09/01 empty: week 2 is not busy; removals in busy weeks 1, 3, 4 are 1, 0, 1
    assert obs.busy_week_mask.tolist() == [True, False, True, True]
    removals = obs.removal_stats.per_week
    assert (removals.periods, removals.mean) == (3, pytest.approx(2 / 3))
    assert removals.dispersion == pytest.approx((1 / 3) / (2 / 3))
    assert obs.removal_stats.total == 5
    # one withdrawal over 44 person-days waiting (end-of-day lists 31/12 .. 27/01)
    assert obs.withdrawal_rate == pytest.approx(1 / 44)


def test_many_referrals_a_day_give_a_sensible_cv(make_store: Callable[..., Path]) -> None:
    """Exactly 20 referrals every day: the counts do not vary at all. (The gaps between
    day-resolution dates are 0 nineteen times in twenty, and their CV would be about 4.4.)"""
    rows = [
        (f"e{d}-{i}", CARE, None, str(day("2024-01-01") + d), None, None, None)
        for d in range(28)
        for i in range(20)
    ]
    with open_store(make_store(rows)) as store:
        obs = observe_queue(store, CARE)
    assert obs.end == date(2024, 1, 28)  # the latest date in the data
    assert obs.demand_stats.per_day.mean == 20 and obs.demand_stats.per_day.cv == 0
    assert obs.demand_stats.per_week.process_cv == 0
    assert obs.waiting_now == 560


def test_team_filter(store_path: Path) -> None:
    with open_store(store_path) as store:
        team_a = observe_queue(store, CARE, "A", as_of=date(2024, 1, 28), history_weeks=4)
        team_b = observe_queue(store, CARE, "B", as_of=date(2024, 1, 28), history_weeks=4)
    assert team_a.waiting_now == 1 and team_b.waiting_now == 1
    np.testing.assert_array_equal(team_a.waiting + team_b.waiting, WAITING)
    assert team_a.referrals.sum() + team_b.referrals.sum() == 8


def test_financial_waits_are_working_days(make_store: Callable[..., Path]) -> None:
    fin = "financial_assessment"
    rows = [
        ("f1", fin, None, "2024-01-03", None, None, None),
        ("f2", fin, None, "2024-01-26", None, None, None),
    ]
    with open_store(make_store(rows)) as store:
        obs = observe_queue(store, fin, as_of=date(2024, 2, 4))
    # busday_count(03/01, 04/02) = 23 (01/01 is a bank holiday but before); (26/01, 04/02) = 6
    assert obs.wait_unit == "working_days"
    assert (obs.max_wait_now, obs.median_wait_now) == (23.0, 14.5)
    # four whole weeks fit between the first referral (03/01) and 04/02
    assert obs.start == date(2024, 1, 8)


def test_expected_problems_are_clear(store_path: Path) -> None:
    with open_store(store_path) as store:
        with pytest.raises(ForecastInputError, match="unknown queue 'reviews'"):
            observe_queue(store, "reviews")
        with pytest.raises(ForecastInputError, match=r"team 'C' \(teams with .*: A, B\)"):
            observe_queue(store, CARE, "C")
        with pytest.raises(ForecastInputError, match="no ot_assessment episodes"):
            observe_queue(store, "ot_assessment")
        with pytest.raises(ForecastInputError, match="at least 4 weeks"):
            observe_queue(store, CARE, as_of=date(2023, 11, 20))
        assert observe_queue(store, CARE).end == date(2024, 1, 30)  # e7's allocation
