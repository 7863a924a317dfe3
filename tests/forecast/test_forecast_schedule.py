"""The NHSRwaitinglist-compatible scheduler against hand-checked cases and the literal rules."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from careassure.forecast.schedule import compatible_slots
from careassure.forecast.simulate import fcfs_schedule

NAT = np.datetime64("NaT", "D")


def days(*values: str | None) -> np.ndarray:
    return np.array([NAT if v is None else np.datetime64(v) for v in values], "datetime64[D]")


def offsets(start: str, end: str, capacity: float) -> list[int]:
    gaps = compatible_slots(start, end, capacity) - np.datetime64(start, "D")
    return gaps.astype(int).tolist()


def test_one_slot_a_day_strictly_after_referral() -> None:
    # capacity 7 a week: slots on 01/01 .. 07/01. The 01/01 slot is lost (nobody referred
    # before 01/01); the two 01/01 referrals go on 02/01 and 03/01, the 03/01 one on 04/01.
    removals = fcfs_schedule(days("2024-01-01", "2024-01-01", "2024-01-03"), "2024-01-01",
                             "2024-01-08", 7)
    np.testing.assert_array_equal(removals, days("2024-01-02", "2024-01-03", "2024-01-04"))


def test_input_order_is_kept_and_ties_go_in_input_order() -> None:
    # capacity 3.5 a week: by = 2, slots 01, 03, 05, 07, 09, 11, 13 January. Sorted: the two
    # 02/01 referrals (input rows 1 then 2), then 05/01 (row 0). 01/01 is lost, 03/01 -> row 1,
    # 05/01 -> row 2 (05 > 02), 07/01 -> row 0 (07 > 05).
    referrals = days("2024-01-05", "2024-01-02", "2024-01-02")
    removals = fcfs_schedule(referrals, "2024-01-01", "2024-01-15", 3.5)
    np.testing.assert_array_equal(removals, days("2024-01-07", "2024-01-03", "2024-01-05"))


def test_a_slot_on_the_referral_day_is_lost_not_passed_on() -> None:
    # capacity 3.5: slots 01, 03, 05, 07 January. The 03/01 referral cannot take the 03/01 slot,
    # and nobody behind it can either (they were referred later): lost. It takes 05/01; 06/01
    # takes 07/01; 08/01's referral is never removed (period ends 08/01).
    referrals = days("2024-01-06", "2024-01-03", "2024-01-08")
    removals = fcfs_schedule(referrals, "2024-01-01", "2024-01-08", 3.5)
    np.testing.assert_array_equal(removals, days("2024-01-07", "2024-01-05", None))


def test_referrals_before_the_start_are_served_from_the_first_slot() -> None:
    removals = fcfs_schedule(days("2023-12-01", "2023-12-31"), "2024-01-01", "2024-01-03", 7)
    np.testing.assert_array_equal(removals, days("2024-01-01", "2024-01-02"))


def test_several_slots_a_day() -> None:
    # capacity 21 a week: by = 1/3, three slots a day: 0, 1, 1, 1, 2, 2, 2 for k = 0..6 when the
    # period has 3 days (k up to floor(2 / (1/3)) = 6).
    assert offsets("2024-01-01", "2024-01-04", 21) == [0, 1, 1, 1, 2, 2, 2]
    referrals = days(*["2024-01-01"] * 5)
    removals = fcfs_schedule(referrals, "2024-01-01", "2024-01-04", 21)
    np.testing.assert_array_equal(removals, days(*["2024-01-02"] * 3, *["2024-01-03"] * 2))


def test_fractional_slots_floating_point() -> None:
    # capacity 10: daily 10/7, by = 1/(10/7) = 0.7 (as a double); k * by for k = 0..11 is
    # 0, .7, 1.4, 2.1, 2.8, 3.5, 4.2, 4.9, 5.6, 6.3, 7.0, 7.7 and the ceilings are:
    assert offsets("2024-01-01", "2024-01-10", 10)[:12] == [0, 1, 2, 3, 3, 4, 5, 5, 6, 7, 7, 8]


def test_boundary_days_follow_the_order_of_computation() -> None:
    # capacity 0.3: daily_capacity = 0.3 / 7 then by = 1 / daily_capacity = 23.333333333333332,
    # and 9 * by is exactly 210.0 (7 / 0.3 = 23.333333333333336 would give 210.00000000000003,
    # slot day 211). Likewise 3 * by = 70.0, 6 * by = 140.0, 12 * by = 280.0, 15 * by = 350.0.
    assert 1 / (0.3 / 7) != 7 / 0.3
    expected = [0, 24, 47, 70, 94, 117, 140, 164, 187, 210, 234, 257, 280, 304, 327, 350]
    assert offsets("2024-01-01", "2024-12-31", 0.3) == expected


def test_slot_count_uses_floor_of_days_minus_one_over_by() -> None:
    # capacity 4.25 over 365 days: by = 1.647058823529412 and 364 / by = 220.99999999999997,
    # so k runs 0..220: 221 slots, the last on day ceil(220 * by) = ceil(362.3529...) = 363.
    slots = offsets("2024-01-01", "2024-12-31", 4.25)
    assert len(slots) == 221 and slots[-1] == 363


def test_no_capacity_or_no_period_removes_nobody() -> None:
    referrals = days("2024-01-01", "2024-01-02")
    for capacity, end in ((0, "2024-02-01"), (-5, "2024-02-01"), (7, "2024-01-01")):
        assert np.isnat(fcfs_schedule(referrals, "2024-01-01", end, capacity)).all()
    assert len(fcfs_schedule(days(), "2024-01-01", "2024-02-01", 7)) == 0


def test_bad_input() -> None:
    with pytest.raises(ValueError, match=r"referral_dates\[1\] is NaT"):
        fcfs_schedule(days("2024-01-01", None), "2024-01-01", "2024-02-01", 7)
    with pytest.raises(ValueError, match="one-dimensional"):
        fcfs_schedule(days("2024-01-01").reshape(1, 1), "2024-01-01", "2024-02-01", 7)


def _literal_rules(referrals: list[int], n_days: int, capacity: float) -> list[int | None]:
    """The reference note's rules, slot by slot: the oracle for the vectorised scheduler."""
    daily_capacity = capacity / 7
    if not daily_capacity > 0 or n_days < 1:
        return [None] * len(referrals)
    by = 1 / daily_capacity
    slots = [math.ceil(k * by) for k in range(math.floor((n_days - 1) / by) + 1)]
    order = sorted(range(len(referrals)), key=lambda i: referrals[i])  # stable: ties in input
    removal: list[int | None] = [None] * len(referrals)
    nxt = 0
    for slot in slots:
        if nxt < len(order) and slot > referrals[order[nxt]]:
            removal[order[nxt]] = slot
            nxt += 1
    return removal


def test_matches_the_literal_rules_on_random_lists() -> None:
    rng = random.Random(20240101)
    start = np.datetime64("2024-01-01")
    for _ in range(300):
        n_days = rng.randint(0, 90)
        capacity = rng.choice([0.3, 1, 3.5, 7, 10, 14.7, 21, 70, rng.uniform(0.1, 60)])
        referrals = [rng.randint(-10, n_days + 5) for _ in range(rng.randint(0, 60))]
        got = fcfs_schedule(start + np.array(referrals, dtype="timedelta64[D]"), start,
                            start + n_days, capacity)
        expected = [
            NAT if r is None else start + r for r in _literal_rules(referrals, n_days, capacity)
        ]
        np.testing.assert_array_equal(got, np.array(expected, dtype="datetime64[D]"))
