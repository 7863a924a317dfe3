"""The plan judged on live figures: one measure-series query for the whole plan, then the rules.

This is what the web pages, the committee report and the DHSC return call. Every measured
outcome needs its latest value and its value at its baseline date, so the measures are fetched as
one series from the earliest baseline to the as-of date in a single ``careassure.measures.series``
call (one more per breakdown column when outcomes are narrowed to a group: the engine computes
one breakdown column per call), never one query per outcome.

The series runs weekly, ending exactly on the as-of date, or monthly at month ends, and each
baseline date off that grid is evaluated too, in the same query, so "down from 45 days on
29/12/2024" quotes the figure on the baseline date itself, never the grid date before it:

* ``week``: the latest value is the as-of date's; a flow measure (calls answered, equipment
  delivered in time) is over the 7 days to each date;
* ``month``: cheaper over long spans; values are at month ends, so the latest value is the last
  month end on or before the as-of date, and flows are over calendar months (as committee papers
  quote them: "in December 81% of calls were accepted");
* ``auto`` (the default): ``month`` when the as-of date is a month end, else ``week``, so the
  latest value is always the as-of date's.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal

from careassure.measures import MeasureValue
from careassure.measures.reported import PREFIX as REPORTED_PREFIX
from careassure.measures.reported import ReportedValue
from careassure.plan.model import PlanSpec
from careassure.plan.status import PlanStatus, evaluate
from careassure.plan.wording import uk_date

Every = Literal["auto", "week", "month"]
Which = Literal["all", "computed", "reported"]
DEFAULT_LOOKBACK = timedelta(days=364)  # when no outcome has a baseline: 52 weeks


def is_month_end(day: date) -> bool:
    return (day + timedelta(days=1)).day == 1


def series_grid(plan: PlanSpec, as_of: date, every: Every = "auto") -> tuple[date, str]:
    """The series start and step that cover every baseline and end on (or just before) as_of.

    Weekly starts a whole number of weeks before ``as_of`` so that the last date is ``as_of``
    itself; monthly starts at the month end on or before the earliest baseline, so the trend
    starts before any baseline (the baseline dates themselves are added by :func:`fetch_points`).
    """
    step = ("month" if is_month_end(as_of) else "week") if every == "auto" else every
    if step not in ("week", "month"):
        raise ValueError(f"every must be auto, week or month, not {every!r}")
    baselines = [
        o.measured.baseline_on
        for area in plan.areas
        for action in area.actions
        for o in action.outcomes
        if o.measured is not None and o.measured.baseline_on is not None
    ]
    earliest = min(min(baselines) if baselines else as_of - DEFAULT_LOOKBACK, as_of)
    if step == "week":
        weeks = -(-(as_of - earliest).days // 7)
        return as_of - timedelta(weeks=weeks), step
    return date(earliest.year, earliest.month, 1) - timedelta(days=1), step


def _wanted(measure_id: str, which: Which) -> bool:
    if which == "all":
        return True
    return measure_id.startswith(REPORTED_PREFIX) == (which == "reported")


def fetch_points(
    backend: Any, plan: PlanSpec, as_of: date, every: Every = "auto",
    reported: Sequence[ReportedValue] = (), which: Which = "all",
) -> list[MeasureValue]:
    """Every point the plan's measured outcomes need, from a store (or any Ibis backend);
    ``reported`` holds the reported measures' values (from the application database).

    ``which`` narrows the points to the computed or the reported measures: the web app caches
    the computed points per data version and adds the reported ones, which take no store and
    microseconds, so entering a value does not recompute the plan's figures. The reported points
    need no ``backend`` (None will do)."""
    from careassure.measures import series
    from careassure.measures.calendar import series_dates

    by_column: dict[str | None, set[str]] = {}
    baselines: set[tuple[str, date]] = set()  # (measure, baseline date) an outcome quotes
    for area in plan.areas:
        for action in area.actions:
            for outcome in action.outcomes:
                if outcome.measured is None or not _wanted(outcome.measured.measure_id, which):
                    continue
                breakdown = outcome.measured.breakdown
                column = next(iter(breakdown)) if breakdown else None
                by_column.setdefault(column, set()).add(outcome.measured.measure_id)
                if outcome.measured.baseline_on is not None:
                    baselines.add((outcome.measured.measure_id, outcome.measured.baseline_on))
    if not by_column:
        return []
    start, step = series_grid(plan, as_of, every)
    regular = {g.as_of for g in series_dates(start, as_of, step)}  # type: ignore[arg-type]
    also_at = sorted({day for _, day in baselines} - regular)
    order = plan.measure_ids()
    points: list[MeasureValue] = []
    for column, measure_ids in by_column.items():
        wanted = [m for m in order if m in measure_ids]
        points += series(backend, start, as_of, step, measures=wanted, by=column,
                         also_at=also_at, reported=reported)
    # A baseline date off the grid is kept only for the measures whose outcomes start there.
    return [p for p in points if p.as_of in regular or (p.measure, p.as_of) in baselines]


def plan_status(
    plan: PlanSpec,
    as_of: date,
    *,
    store: str | Path | None = None,
    backend: Any = None,
    every: Every = "auto",
    publish: bool = False,
    reported: Sequence[ReportedValue] = (),
) -> PlanStatus:
    """The plan judged at ``as_of`` on figures from the store (default ``$CAREASSURE_STORE``).

    Give ``backend`` (an open :class:`careassure.records.store.Store` or Ibis backend) to reuse a
    connection, as the web app does. Without a store on disk the plan is still judged: measured
    outcomes show "no data" and the note says why, so the plan is usable before any data is loaded.
    ``publish`` writes values in their published form (small counts suppressed). ``reported``:
    the reported measures' values (:func:`careassure.reported.service.stored_values`).
    """
    if backend is not None:
        points = fetch_points(backend, plan, as_of, every, reported)
        note = f"measures computed as at {uk_date(as_of)}"
        return evaluate(plan, points, as_of, note=note, publish=publish)
    from careassure.config import default_store_path
    from careassure.records.store import open_store

    path = Path(store) if store is not None else default_store_path()
    if not path.exists():
        note = f"no store at {path}: measured outcomes have no data until an extract is loaded"
        return evaluate(plan, [], as_of, note=note, publish=publish)
    with open_store(path) as opened:
        points = fetch_points(opened, plan, as_of, every, reported)
    note = f"measures computed from {path} as at {uk_date(as_of)}"
    return evaluate(plan, points, as_of, note=note, publish=publish)

