"""The NHSRwaitinglist-compatible scheduler: even daily slots, strict first-come-first-served.

Its rules (``waiting-lists.md``), reproduced exactly so that fed the same referral dates it gives
the same removal dates as the R package's simulator:

- slots: ``daily_capacity = capacity_per_week / 7`` then ``by = 1 / daily_capacity`` (in that
  order: floating point decides the boundary days); slot days are ``start + ceil(k * by)`` for
  ``k = 0 .. floor((days - 1) / by)`` with ``days = end - start``;
- slots are taken in date order; each goes to the earliest-referred patient not yet scheduled
  (ties in input order), only if the slot day is strictly after that patient's referral day;
  otherwise the slot is lost (nobody later in the queue can use it either);
- no capacity when ``capacity_per_week`` is not positive.

The R implementation walks the slots one by one; here the whole schedule is one cumulative
minimum. With ``E_j`` the number of patients referred strictly before slot ``j``, the number
scheduled after slot ``j`` obeys ``S_j = min(S_(j-1) + 1, E_j)`` (``E`` never decreases), whose
solution is ``S_j = j + min(0, min over l <= j of (E_l - l))``.
"""

from __future__ import annotations

import math
from datetime import date

import numpy as np

from careassure.forecast.workdays import as_day

DAY = np.timedelta64(1, "D")
# A slot array beyond this is a mistyped capacity, not a plan: refuse rather than exhaust memory.
MAX_SLOTS = 50_000_000


def compatible_slots(
    start_date: date | str | np.datetime64,
    end_date: date | str | np.datetime64,
    capacity_per_week: float,
) -> np.ndarray:
    """Slot days (datetime64[D], ascending, repeated when several fall on one day)."""
    start = as_day(start_date)
    end = as_day(end_date)
    days = int((end - start) / DAY)
    daily_capacity = capacity_per_week / 7
    if not daily_capacity > 0 or days < 1:
        return np.zeros(0, dtype="datetime64[D]")
    by = 1 / daily_capacity
    last = math.floor((days - 1) / by)
    if last + 1 > MAX_SLOTS:
        raise ValueError(
            f"capacity_per_week {capacity_per_week} over {days} days gives {last + 1} slots, "
            f"more than {MAX_SLOTS}"
        )
    offsets = np.ceil(np.arange(last + 1, dtype=np.float64) * by).astype(np.int64)
    return start + offsets


def fcfs_schedule(
    referral_dates: np.ndarray,
    start_date: date | str | np.datetime64,
    end_date: date | str | np.datetime64,
    capacity_per_week: float,
) -> np.ndarray:
    """Removal dates (datetime64[D], NaT where never removed) for each referral, in input order.

    referral_dates: one datetime64[D] per patient (no NaT); capacity_per_week: removals per week,
    spread over [start_date, end_date) as even daily slots.
    """
    referrals = np.asarray(referral_dates)
    if referrals.ndim != 1:
        raise ValueError("referral_dates must be a one-dimensional array of dates")
    referrals = referrals.astype("datetime64[D]")
    if np.isnat(referrals).any():
        position = int(np.flatnonzero(np.isnat(referrals))[0])
        raise ValueError(f"referral_dates[{position}] is NaT: every patient needs a referral date")
    slots = compatible_slots(start_date, end_date, capacity_per_week)
    removals = np.full(len(referrals), np.datetime64("NaT"), dtype="datetime64[D]")
    if len(slots) == 0 or len(referrals) == 0:
        return removals
    order = np.argsort(referrals, kind="stable")  # ties keep input order
    eligible = np.searchsorted(referrals[order], slots, side="left")  # referred strictly before
    j = np.arange(1, len(slots) + 1)
    scheduled = j + np.minimum(0, np.minimum.accumulate(eligible - j))
    used = np.diff(scheduled, prepend=0) > 0
    removals[order[scheduled[used] - 1]] = slots[used]
    return removals
