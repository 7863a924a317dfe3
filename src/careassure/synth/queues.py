"""Arrivals and queues, vectorised: the engine behind every simulated waiting list.

A queue is simulated in two steps. First the daily count of allocations follows the Lindley
recursion ``q[t] = max(0, q[t-1] + a[t] - c[t])`` over the ~1,800 days (a per-day loop, never a
per-item one). Then queued items are served in order of a priority key (received day plus a
per-item deferral: a few days of noise, longer for work that waits on something), the n-th item in
key order taking the day on which the cumulative number of allocations first reaches n
(``searchsorted``). Urgent work (hospital discharges, risk) is fast-tracked: it starts within days
and uses that day's capacity before the queue does. This is first-come-first-served with realistic
noise, and it makes capacity step changes show up in waits exactly as they do in the seeds'
waiting-list figures.

Withdrawn items (people who leave the list before allocation) do not use capacity; they leave at a
random point of the wait they would have had.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from careassure.synth.calendar import N_DAYS, NO_DATE, Calendar, Series

# Relative arrival volume by weekday (Monday first): referrals bunch on Mondays and almost stop at
# weekends, when only the out-of-hours service and hospital discharges generate work.
WEEKDAY_ARRIVALS = np.array([1.18, 1.05, 1.0, 1.0, 0.86, 0.07, 0.04])
BANK_HOLIDAY_ARRIVALS = 0.1
# Share of the gap between the real and the planned queue that managers close each working day.
FLEX_GAIN = 0.04
# Share of staff at work over Christmas (20 December to 3 January) and in August.
CHRISTMAS_STAFFING = 0.55
AUGUST_STAFFING = 0.85


def leave_factor(cal: Calendar) -> np.ndarray:
    """Share of staff at work each day: Christmas and August leave slow allocation down."""
    month, day = cal.month_day()
    factor = np.ones(N_DAYS)
    factor[((month == 12) & (day >= 20)) | ((month == 1) & (day <= 3))] = CHRISTMAS_STAFFING
    factor[month == 8] = AUGUST_STAFFING
    return factor


def expected_arrivals(cal: Calendar, rate: Series, scale: float,
                      weekday_profile: np.ndarray = WEEKDAY_ARRIVALS) -> np.ndarray:
    """Expected arrivals per day index at ``scale``: the rate shaped by weekday and bank holiday.

    ``rate`` is the expected number per ordinary working day at scale 1.
    """
    rate_values = rate.values() * scale
    expected = rate_values * weekday_profile[cal.weekday]
    bank_holiday = (cal.weekday < 5) & ~cal.working
    expected[bank_holiday] = rate_values[bank_holiday] * BANK_HOLIDAY_ARRIVALS
    return expected


def daily_arrivals(expected: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Received day index of each arriving item (sorted): Poisson counts around ``expected``."""
    return np.repeat(np.arange(N_DAYS), rng.poisson(expected))


def planned_capacity(cal: Calendar, capacity: Series, scale: float) -> np.ndarray:
    """Allocations planned each day: the capacity series on working days, less staff leave."""
    return capacity.values() * scale * cal.working * leave_factor(cal)


@dataclass(frozen=True)
class QueueResult:
    """Day indices per item; ``NO_DATE`` where the event has not happened by the end of the grid."""

    allocated: np.ndarray
    withdrawn: np.ndarray


def _served_per_day(
    arrivals: np.ndarray, capacity: np.ndarray, expected: np.ndarray, fast_used: np.ndarray
) -> np.ndarray:
    """Allocations from the queue per day (Lindley recursion), capacity flexing toward the plan.

    ``expected`` is the arrivals the plan expected; the queue it implies is the plan. Each working
    day managers close ``FLEX_GAIN`` of the gap between the real queue and the plan (overtime,
    agency staff, or fewer allocations when the list is short), which keeps the list near the
    story instead of letting Poisson noise random-walk it away over four years. Fast-tracked work
    (``fast_used`` per day) is served first from the same capacity.
    """
    planned_queue = np.empty(N_DAYS)
    queued_plan = 0.0
    for t in range(N_DAYS):
        queued_plan = max(0.0, queued_plan + expected[t] - capacity[t])
        planned_queue[t] = queued_plan
    plan_before = np.concatenate(([0.0], planned_queue[:-1]))
    served = np.zeros(N_DAYS, dtype=np.int64)
    carry = 0.0
    queued = 0
    for t in range(N_DAYS):
        available = queued + arrivals[t]
        if capacity[t] > 0:
            flexed = max(0.0, capacity[t] + FLEX_GAIN * (queued - plan_before[t]) + carry)
            today = int(flexed)
            carry = flexed - today
            served[t] = min(max(today - fast_used[t], 0), available)
        queued = available - served[t]
    return served


def run_queue(
    received: np.ndarray,
    deferral: np.ndarray,
    fast_start: np.ndarray,
    withdraws: np.ndarray,
    capacity: np.ndarray,
    expected: np.ndarray,
    rng: np.random.Generator,
) -> QueueResult:
    """Serve items under a daily capacity; see the module docstring.

    ``deferral`` (days, added to the received day to give the priority key) must be small or
    positive: a large negative key would borrow capacity from days before the item arrived. Work
    that jumps the queue is given instead as ``fast_start`` (its start day; ``NO_DATE`` for queued
    work), and uses capacity on that day. ``withdraws`` marks queued items that leave before
    allocation.
    ``capacity`` is the planned allocations per day and ``expected`` the expected arrivals per day
    that use capacity (fast-tracked or queued, not withdrawn).
    """
    n = received.size
    fast = fast_start != NO_DATE
    queued_items = ~fast & ~withdraws
    arrivals = np.bincount(received[queued_items], minlength=N_DAYS)
    fast_used = np.bincount(fast_start[fast], minlength=N_DAYS)[:N_DAYS]
    cumulative = np.cumsum(_served_per_day(arrivals, capacity, expected, fast_used))

    key = received + deferral
    allocated = np.where(fast & (fast_start < N_DAYS), fast_start, NO_DATE).astype(np.int64)
    stay_idx = np.flatnonzero(queued_items)
    order = stay_idx[np.argsort(key[stay_idx], kind="stable")]
    slot = np.searchsorted(cumulative, np.arange(1, order.size + 1), side="left")
    # Work is never started before it arrives, nor before the day its key defers it to.
    start = np.maximum(np.maximum(slot, received[order]), np.floor(key[order]).astype(np.int64))
    allocated[order] = np.where(start < N_DAYS, start, NO_DATE)

    # A withdrawn item leaves part-way through the wait it would have had in its place in line.
    withdrawn = np.full(n, NO_DATE, dtype=np.int64)
    gone = np.flatnonzero(withdraws & ~fast)
    place = np.searchsorted(key[order], key[gone], side="left")
    would_be = np.searchsorted(cumulative, place + 1, side="left")
    # Past the end of the grid the wait is unknown; a month beyond it is as good a guess as any.
    would_be = np.maximum(np.minimum(would_be, N_DAYS + 30), np.floor(key[gone]))
    wait = np.maximum(would_be - received[gone], 0)
    left = received[gone] + np.floor(rng.uniform(0.15, 0.95, gone.size) * wait).astype(np.int64)
    withdrawn[gone] = np.where(left < N_DAYS, left, NO_DATE)
    return QueueResult(allocated, withdrawn)
