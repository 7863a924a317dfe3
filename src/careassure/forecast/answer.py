"""The planner's whole answer from the store: the plan and, beside it, a back-test of the same
projection on the council's own history, so the reader sees how far to trust it.

The back-test stands at the as-at date two quarters earlier, learns from the weeks before it
exactly as the plan does, projects the current staffing forward with the plan's order and
assumptions, and sets the projection (median run and the 10%-90% band) against what the records
then showed at the end of each of the two quarters: number waiting, median wait and longest wait.
The command line and the web app both call :func:`answer`, so they print the same figures.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np

from careassure.forecast.observed import ForecastInputError, QueueObservation, observe_queue
from careassure.forecast.planner import PlanRequest, plan, projector
from careassure.forecast.simulate import Staffing

if TYPE_CHECKING:
    from careassure.records.store import Store

QUARTER_WEEKS = 13
BACKTEST_QUARTERS = 2
BACKTEST_RUNS = 300


def answer(
    store: Store,
    queue: str,
    team: str | None,
    request: PlanRequest,
    *,
    as_of: date | None = None,
    history_weeks: int,
) -> dict[str, Any]:
    """``plan(...).to_json()`` for the queue with its ``backtest`` added."""
    observation = observe_queue(store, queue, team, as_of=as_of, history_weeks=history_weeks)
    result = plan(observation, request).to_json()
    then = observation.end - timedelta(weeks=QUARTER_WEEKS * BACKTEST_QUARTERS)
    try:
        earlier = observe_queue(store, queue, team, as_of=then, history_weeks=history_weeks)
        span = QUARTER_WEEKS * BACKTEST_QUARTERS
        record = observation if observation.weeks >= span else observe_queue(
            store, queue, team, as_of=observation.end, history_weeks=span
        )
        result["backtest"] = backtest(earlier, record, request)
    except ForecastInputError as exc:
        result["backtest"] = {"as_of": then.isoformat(), "unavailable": str(exc)}
    return result


def backtest(
    earlier: QueueObservation, later: QueueObservation, request: PlanRequest
) -> dict[str, Any]:
    """Project ``earlier``'s list at its current staffing and compare with ``later``'s daily
    figures at each quarter end both cover."""
    weeks = (later.end - earlier.end).days // 7
    if weeks < QUARTER_WEEKS:
        raise ForecastInputError("less than a quarter between the back-test and the plan")
    cpf = request.cases_per_fte_week
    capacity = earlier.removal_stats.per_week.mean
    project = projector(earlier, request)
    sim = project(Staffing(capacity / cpf, cpf), 7 * weeks, min(request.runs, BACKTEST_RUNS))
    observed = dict(zip(later.dates.astype(str), range(len(later.dates)), strict=True))
    series = {"queue_size": later.waiting, "median_wait": later.median_wait,
              "max_wait": later.max_wait}
    rows = []
    for quarter in range(1, BACKTEST_QUARTERS + 1):
        week = QUARTER_WEEKS * quarter - 1
        if week >= weeks:
            break
        day = str(sim.week_ends[week])
        if day not in observed:
            continue
        i = observed[day]
        row: dict[str, Any] = {"date": day}
        for name, values in (
            ("queue_size", sim.queue_size), ("median_wait", sim.median_wait),
            ("max_wait", sim.max_wait),
        ):
            low, mid, high = np.percentile(np.nan_to_num(values[:, week]), (10, 50, 90))
            seen = series[name][i]
            value = None if np.isnan(seen) else float(seen)
            row[name] = {
                "projected": {"p10": round(float(low), 1), "p50": round(float(mid), 1),
                              "p90": round(float(high), 1)},
                "observed": value,
                "within_band": None if value is None else bool(low <= value <= high),
            }
        rows.append(row)
    return {
        "as_of": earlier.end.isoformat(),
        "capacity_per_week": round(capacity, 1),
        "runs": sim.runs,
        "quarters": rows,
    }
