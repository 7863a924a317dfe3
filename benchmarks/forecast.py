"""How fast the waiting-list simulation is: 1,000 runs of a two-year list at about 50 referrals a
day (goal: under 2 s on 2 cores).

Baseline (same run, same machine): the same first-come-first-served list written the
straightforward way, a Python loop over days that moves people one by one (a deque of referral
days) and lists the waits of everyone waiting at each weekly snapshot; it runs a few times and
is scaled to 1,000 runs. The ratio is baseline / careassure. For scale, not measured here: one run
of NHSRwaitinglist's wl_simulator at this size takes about 5 s in R.
"""

from __future__ import annotations

import time
from collections import deque
from datetime import date

import numpy as np

from careassure.forecast.simulate import PoissonDemand, Staffing, simulate
from careassure.forecast.workdays import day_range

RUNS = 1000
DAYS = 730
BASELINE_RUNS = 3
START = date(2026, 1, 5)
SEED = 2026
# About 50 referrals a day (more on weekdays), 52 removals a day's worth of staff, and a list of
# 400 people already waiting up to four months.
DEMAND = PoissonDemand(per_week=350, weekday_profile=(1.3, 1.25, 1.2, 1.15, 1.1, 0.5, 0.5))
STAFFING = Staffing(fte=146.0, cases_per_fte_week=2.5)
GOAL_SECONDS = 2.0
WITHDRAWAL_RATE = 0.002


def _backlog() -> np.ndarray:
    rng = np.random.default_rng(SEED)
    return np.datetime64(START, "D") - rng.integers(1, 120, size=400)


def _baseline_run(rng: np.random.Generator, backlog: np.ndarray) -> tuple[int, float]:
    """One run, person by person: returns (people removed, mean of the weekly median waits)."""
    dates = day_range(START, DAYS)
    arrivals = DEMAND.sample(rng, dates, 1)[0]
    (capacity,) = STAFFING.components(dates)
    slots = rng.poisson(capacity)
    start = np.datetime64(START, "D")
    waiting = deque(sorted(int((d - start) / np.timedelta64(1, "D")) for d in backlog))
    removed = 0
    medians = []
    for day in range(DAYS):
        for _ in range(slots[day]):
            if not waiting or waiting[0] >= day:
                break
            waiting.popleft()
            removed += 1
        waiting.extend([day] * int(arrivals[day]))
        if day % 7 == 6:
            waits = sorted(day - referred for referred in waiting)
            if waits:
                middle = len(waits) // 2
                medians.append(
                    waits[middle] if len(waits) % 2 else (waits[middle - 1] + waits[middle]) / 2
                )
    return removed, float(np.mean(medians))


def main() -> None:
    backlog = _backlog()
    simulate(START, 14, DEMAND, STAFFING, runs=10, waiting_since=backlog)  # warm caches
    started = time.perf_counter()
    result = simulate(START, DAYS, DEMAND, STAFFING, runs=RUNS, waiting_since=backlog, seed=SEED)
    seconds = time.perf_counter() - started
    referrals = result.arrivals.mean() / DAYS

    started = time.perf_counter()
    simulate(START, DAYS, DEMAND, STAFFING, runs=RUNS, waiting_since=backlog, seed=SEED,
             withdrawal_rate=WITHDRAWAL_RATE)
    with_withdrawals = time.perf_counter() - started

    rng = np.random.default_rng(SEED)
    started = time.perf_counter()
    baseline = [_baseline_run(rng, backlog) for _ in range(BASELINE_RUNS)]
    baseline_per_run = (time.perf_counter() - started) / BASELINE_RUNS
    baseline_total = baseline_per_run * RUNS

    medians = np.nanmean(result.median_wait, axis=1)
    print(f"list: {DAYS} days, {referrals:.1f} referrals a day, {result.initial} waiting at the "
          f"start, {RUNS:,} runs")
    print(f"careassure:  {seconds:8.2f} s for {RUNS:,} runs ({1000 * seconds / RUNS:.2f} ms a run)"
          f"  goal < {GOAL_SECONDS:g} s: {'met' if seconds < GOAL_SECONDS else 'NOT met'}")
    print(f"  with withdrawals ({WITHDRAWAL_RATE:.1%} of those waiting a day): "
          f"{with_withdrawals:.2f} s")
    print(f"baseline:    {baseline_total:8.1f} s for {RUNS:,} runs (measured "
          f"{baseline_per_run:.3f} s a run over {BASELINE_RUNS} runs)")
    print(f"x baseline:  {baseline_total / seconds:8.0f}")
    print(f"check: mean weekly median wait {medians.mean():.2f} days (careassure) vs "
          f"{np.mean([m for _, m in baseline]):.2f} (baseline); removed a run "
          f"{result.removed.mean():,.0f} vs {np.mean([r for r, _ in baseline]):,.0f}")


if __name__ == "__main__":
    main()
