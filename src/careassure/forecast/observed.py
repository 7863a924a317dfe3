"""What the store says about one queue: its daily list size, flows and waits.

Definitions follow ``measures-spec.md``: a person is waiting at the end of day D when
``received_date <= D`` and none of allocated, completed or closed has happened by D. They leave
the list on the first of those dates. Each day's flows:

- referrals: episodes received that day;
- closed the same day: referrals closed, unallocated, on the day received (never on the list, no
  capacity used); demand is the referrals less these;
- removals: episodes leaving by allocation or completion (capacity used), same-day ones included;
- withdrawals: episodes leaving by closure before any allocation or completion, after waiting at
  least one night (capacity freed).

So the list at the end of day D is the list at the end of D - 1 plus the day's demand less its
removals and withdrawals. Waits are calendar days, or working days (England and Wales) for
financial assessments.

Variability is estimated from COUNTS per day and per week, never from gaps between dates: at tens
of referrals a day most gaps between day-resolution dates are 0, and their coefficient of
variation says nothing about the process (the reference implementation's mistake). For the
planning formulas the useful figure is the index of dispersion of weekly counts, variance / mean:
for a renewal process it tends to c^2, the squared coefficient of variation of the gaps, that
Kingman's formula asks for (1 for Poisson referrals), and weekly counts are free of the weekday
pattern that would inflate daily ones.

Everything is computed by one SQL query over the date grid (DuckDB), not by a loop over dates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np

from careassure.forecast.workdays import working_day_index
from careassure.records.schema import QUEUE_KINDS

if TYPE_CHECKING:
    from careassure.records.store import Store

WORKING_DAY_QUEUES = frozenset({"financial_assessment"})
DEFAULT_HISTORY_WEEKS = 26
MIN_HISTORY_WEEKS = 4
# A removal within this many days of referral counts as seen urgently (the priority class).
URGENT_DAYS = 7
_FAR_FUTURE = "DATE '9999-12-31'"
_CALENDAR_VIEW = "careassure_forecast_calendar"


class ForecastInputError(ValueError):
    """An expected problem with the question asked (unknown queue, no data, bad option)."""


def wait_unit(queue: str) -> str:
    """"working_days" for queues whose waits the measures count in working days, else "days"."""
    return "working_days" if queue in WORKING_DAY_QUEUES else "days"


@dataclass(frozen=True)
class CountStats:
    """Summary of event counts per period (day or week).

    cv: standard deviation / mean of the counts (descriptive). dispersion: variance / mean, the
    renewal-process estimate of c^2 for the planning formulas; process_cv is its square root.
    Both are None when the mean is 0 or there are fewer than two periods.
    """

    periods: int
    mean: float
    sd: float | None
    cv: float | None
    dispersion: float | None

    @classmethod
    def of(cls, counts: np.ndarray) -> CountStats:
        counts = np.asarray(counts, dtype=float)
        mean = float(counts.mean()) if len(counts) else 0.0
        if len(counts) < 2:
            return cls(len(counts), mean, None, None, None)
        sd = float(counts.std(ddof=1))
        if mean <= 0:
            return cls(len(counts), mean, sd, None, None)
        return cls(len(counts), mean, sd, sd / mean, sd * sd / mean)

    @property
    def process_cv(self) -> float | None:
        return None if self.dispersion is None else math.sqrt(self.dispersion)

    def to_json(self) -> dict[str, Any]:
        return {
            "periods": self.periods,
            "mean": self.mean,
            "sd": self.sd,
            "cv": self.cv,
            "dispersion": self.dispersion,
            "process_cv": self.process_cv,
        }


@dataclass(frozen=True)
class FlowStats:
    """One flow (referrals, removals or withdrawals) over the window."""

    total: int
    per_day: CountStats
    per_week: CountStats

    @classmethod
    def of(cls, daily: np.ndarray, weekly_rows: np.ndarray | None = None) -> FlowStats:
        weekly = daily.reshape(-1, 7).sum(axis=1)
        chosen = weekly if weekly_rows is None else weekly[weekly_rows]
        return cls(int(daily.sum()), CountStats.of(daily), CountStats.of(chosen))

    def to_json(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "per_day": self.per_day.to_json(),
            "per_week": self.per_week.to_json(),
        }


@dataclass(frozen=True, eq=False)
class QueueObservation:
    """A queue observed over whole weeks ending on ``end`` (the as-at date).

    Daily arrays run from ``start`` to ``end``: waiting is the list at the end of each day,
    mean_wait, median_wait and max_wait its waits so far (NaN when empty); referrals,
    closed_same_day, removals and withdrawals the day's flows (see the module docstring).
    ``waiting_since`` holds the referral dates of the people waiting at ``end`` (dates only:
    nothing that identifies anyone). removal_stats per week use only busy weeks
    (``busy_week_mask``: someone waiting at the end of every day of the week and of the day
    before), when capacity rather than demand limited removals (all weeks if none was busy).
    withdrawal_rate is the daily probability that someone waiting leaves unseen. urgent_share is
    the share of the window's removals that came within ``URGENT_DAYS`` days of referral: the
    records hold no priority field, so this is the priority class the records show (the planner's
    "priority classes" order serves that share of referrals first).
    """

    queue: str
    team: str | None
    start: date
    end: date
    wait_unit: str
    dates: np.ndarray
    waiting: np.ndarray
    mean_wait: np.ndarray
    median_wait: np.ndarray
    max_wait: np.ndarray
    referrals: np.ndarray
    closed_same_day: np.ndarray
    removals: np.ndarray
    withdrawals: np.ndarray
    busy_week_mask: np.ndarray
    withdrawal_rate: float
    waiting_since: np.ndarray
    urgent_share: float = 0.0

    @property
    def demand(self) -> np.ndarray:
        """Referrals per day that joined the list (or were allocated the same day)."""
        return self.referrals - self.closed_same_day

    @property
    def referral_stats(self) -> FlowStats:
        return FlowStats.of(self.referrals)

    @property
    def demand_stats(self) -> FlowStats:
        return FlowStats.of(self.demand)

    @property
    def removal_stats(self) -> FlowStats:
        weeks = self.busy_week_mask
        return FlowStats.of(self.removals, weeks if weeks.any() else None)

    @property
    def withdrawal_stats(self) -> FlowStats:
        return FlowStats.of(self.withdrawals)

    @property
    def busy_weeks(self) -> int:
        return int(self.busy_week_mask.sum())

    @property
    def weeks(self) -> int:
        return len(self.dates) // 7

    @property
    def waiting_now(self) -> int:
        return int(self.waiting[-1])

    @property
    def mean_wait_now(self) -> float | None:
        return None if np.isnan(self.mean_wait[-1]) else float(self.mean_wait[-1])

    @property
    def median_wait_now(self) -> float | None:
        return None if np.isnan(self.median_wait[-1]) else float(self.median_wait[-1])

    @property
    def max_wait_now(self) -> float | None:
        return None if np.isnan(self.max_wait[-1]) else float(self.max_wait[-1])

    def to_json(self) -> dict[str, Any]:
        """Summary plus the daily series, for the web app's planner chart."""

        def series(values: np.ndarray) -> list[float | None]:
            return [None if np.isnan(v) else round(float(v), 1) for v in values]

        return {
            "queue": self.queue,
            "team": self.team,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "wait_unit": self.wait_unit,
            "waiting": self.waiting_now,
            "mean_wait": self.mean_wait_now,
            "median_wait": self.median_wait_now,
            "max_wait": self.max_wait_now,
            "referrals": self.referral_stats.to_json(),
            "closed_same_day": int(self.closed_same_day.sum()),
            "demand": self.demand_stats.to_json(),
            "removals": self.removal_stats.to_json(),
            "withdrawals": self.withdrawal_stats.to_json(),
            "busy_weeks": self.busy_weeks,
            "withdrawal_rate_per_day": self.withdrawal_rate,
            "urgent_share": self.urgent_share,
            "daily": {
                "date": [str(d) for d in self.dates],
                "waiting": self.waiting.tolist(),
                "mean_wait": series(self.mean_wait),
                "median_wait": series(self.median_wait),
                "max_wait": series(self.max_wait),
                "referrals": self.referrals.tolist(),
                "closed_same_day": self.closed_same_day.tolist(),
                "removals": self.removals.tolist(),
                "withdrawals": self.withdrawals.tolist(),
            },
        }


def _episodes_sql(team: str | None) -> str:
    """The queue's episodes as (r = received, l = left the list or NULL, withdrawn)."""
    team_filter = "AND team = $team" if team is not None else ""
    return f"""
        SELECT received_date AS r,
               CASE WHEN least(allocated_date, completed_date, closed_date) IS NULL THEN NULL
                    ELSE greatest(least(allocated_date, completed_date, closed_date),
                                  received_date) END AS l,
               coalesce(closed_date < coalesce(allocated_date, {_FAR_FUTURE})
                        AND closed_date < coalesce(completed_date, {_FAR_FUTURE}), false)
                   AS withdrawn
        FROM episodes
        WHERE kind = $kind AND received_date IS NOT NULL {team_filter}
    """


def _one(row: tuple[Any, ...] | None) -> tuple[Any, ...]:
    """The row of a query that always returns one (an aggregate without GROUP BY)."""
    if row is None:
        raise RuntimeError("an aggregate query returned no row")
    return row


def _check_question(store: Store, queue: str, team: str | None) -> date:
    """The latest event date of the queue (and team); raises ForecastInputError when absent."""
    if queue not in QUEUE_KINDS:
        raise ForecastInputError(f"unknown queue {queue!r}: choose one of {', '.join(QUEUE_KINDS)}")
    params: dict[str, Any] = {"kind": queue}
    if team is not None:
        params["team"] = team
    latest, rows = _one(store.connection.execute(
        f"""SELECT max(greatest(r, l)), count(*) FROM ({_episodes_sql(team)})""", params
    ).fetchone())
    if rows:
        return latest
    if team is None:
        raise ForecastInputError(f"the store holds no {queue} episodes")
    teams = [
        t
        for (t,) in store.connection.execute(
            "SELECT DISTINCT team FROM episodes WHERE kind = $kind AND team IS NOT NULL "
            "ORDER BY team",
            {"kind": queue},
        ).fetchall()
    ]
    known = f"teams with {queue} episodes: {', '.join(teams)}" if teams else "no team has any"
    raise ForecastInputError(f"no {queue} episodes for team {team!r} ({known})")


def observe_queue(
    store: Store,
    queue: str,
    team: str | None = None,
    *,
    as_of: date | None = None,
    history_weeks: int = DEFAULT_HISTORY_WEEKS,
) -> QueueObservation:
    """Observe ``queue`` (optionally one team's) over up to ``history_weeks`` whole weeks ending
    on ``as_of`` (default: the latest date any of its episodes records).

    The window is shortened to the whole weeks since the first referral when the data start
    later; fewer than four weeks is refused as too little to plan from.
    """
    if history_weeks < MIN_HISTORY_WEEKS:
        raise ForecastInputError(
            f"at least {MIN_HISTORY_WEEKS} weeks of history are needed (asked for {history_weeks})"
        )
    latest = _check_question(store, queue, team)
    end = as_of or latest
    params: dict[str, Any] = {"kind": queue}
    if team is not None:
        params["team"] = team
    episodes = _episodes_sql(team)
    (first,) = _one(
        store.connection.execute(f"SELECT min(r) FROM ({episodes})", params).fetchone()
    )
    available = (end - first).days + 1
    weeks = min(history_weeks, available // 7)
    if weeks < MIN_HISTORY_WEEKS:
        raise ForecastInputError(
            f"only {max(available, 0)} days of {queue} data up to {end:%d/%m/%Y}: "
            f"at least {MIN_HISTORY_WEEKS} weeks are needed"
        )
    start = end - timedelta(days=7 * weeks - 1)
    unit = wait_unit(queue)
    rows = _daily_rows(store, episodes, params, start, end, unit, first)

    waiting = rows["waiting"]
    # The daily withdrawal hazard: people who left unseen, per person waiting at the end of the
    # day before (same-day closures were never on the list and are not withdrawals).
    exposure = waiting[:-1].sum()
    withdrawals = rows["withdrawals"][1:]
    # A week is busy when the list was non-empty at the end of the day before it and of each of
    # its days: windows of 8 end-of-day counts, stepping by 7.
    busy = np.asarray(np.lib.stride_tricks.sliding_window_view(waiting > 0, 8)[::7].all(axis=1))
    (since,) = _one(store.connection.execute(
        f"SELECT list(r ORDER BY r) FROM ({episodes}) "
        f"WHERE r <= $end AND coalesce(l, {_FAR_FUTURE}) > $end",
        {**params, "end": end},
    ).fetchone())
    urgent, removed = _one(store.connection.execute(
        f"SELECT count(*) FILTER (WHERE datediff('day', r, l) <= {URGENT_DAYS}), count(*) "
        f"FROM ({episodes}) WHERE NOT withdrawn AND l BETWEEN $start AND $end",
        {**params, "start": start, "end": end},
    ).fetchone())
    return QueueObservation(
        queue=queue,
        team=team,
        start=start,
        end=end,
        wait_unit=unit,
        dates=rows["d"][1:],
        waiting=waiting[1:],
        mean_wait=rows["mean_wait"][1:],
        median_wait=rows["median_wait"][1:],
        max_wait=rows["max_wait"][1:],
        referrals=rows["referrals"][1:],
        closed_same_day=rows["closed_same_day"][1:],
        removals=rows["removals"][1:],
        withdrawals=withdrawals,
        busy_week_mask=busy,
        withdrawal_rate=float(withdrawals.sum() / exposure) if exposure else 0.0,
        waiting_since=np.array(since or [], dtype="datetime64[D]"),
        urgent_share=urgent / removed if removed else 0.0,
    )


def _daily_rows(
    store: Store,
    episodes: str,
    params: dict[str, Any],
    start: date,
    end: date,
    unit: str,
    first: date,
) -> dict[str, np.ndarray]:
    """One row per day from the day before ``start`` to ``end``: list size, mean, median and
    maximum wait of those waiting, and the day's flows."""
    grid_start = start - timedelta(days=1)
    con = store.connection
    if unit == "working_days":
        calendar_days = np.datetime64(first, "D") + np.arange((end - first).days + 1)
        index = working_day_index(calendar_days, calendar_days[0])
        import pyarrow as pa

        con.register(_CALENDAR_VIEW, pa.table({"d": calendar_days, "wd": index}))
        wait = "cg.wd - cr.wd"
        calendar_join = (
            f"JOIN {_CALENDAR_VIEW} cg ON cg.d = g.d JOIN {_CALENDAR_VIEW} cr ON cr.d = ep.r"
        )
    else:
        wait = "g.d - ep.r"
        calendar_join = ""
    sql = f"""
        WITH ep AS ({episodes}),
        grid AS (
            SELECT CAST(unnest(generate_series($start, $end, INTERVAL 1 DAY)) AS DATE) AS d
        ),
        waits AS (
            SELECT g.d, count(*) AS waiting, avg({wait}) AS mean_wait,
                   median({wait}) AS median_wait, max({wait}) AS max_wait
            FROM grid g
            JOIN ep ON ep.r <= g.d AND coalesce(ep.l, {_FAR_FUTURE}) > g.d
            {calendar_join}
            GROUP BY g.d
        ),
        arrived AS (SELECT r AS d, count(*) AS n FROM ep GROUP BY r),
        left_list AS (
            SELECT l AS d,
                   count(*) FILTER (WHERE NOT withdrawn) AS removals,
                   count(*) FILTER (WHERE withdrawn AND l > r) AS withdrawals,
                   count(*) FILTER (WHERE withdrawn AND l = r) AS closed_same_day
            FROM ep WHERE l IS NOT NULL GROUP BY l
        )
        SELECT g.d,
               coalesce(w.waiting, 0) AS waiting,
               coalesce(w.mean_wait, 'NaN'::DOUBLE) AS mean_wait,
               coalesce(w.median_wait, 'NaN'::DOUBLE) AS median_wait,
               coalesce(w.max_wait, 'NaN'::DOUBLE) AS max_wait,
               coalesce(a.n, 0) AS referrals,
               coalesce(x.removals, 0) AS removals,
               coalesce(x.withdrawals, 0) AS withdrawals,
               coalesce(x.closed_same_day, 0) AS closed_same_day
        FROM grid g
        LEFT JOIN waits w ON w.d = g.d
        LEFT JOIN arrived a ON a.d = g.d
        LEFT JOIN left_list x ON x.d = g.d
        ORDER BY g.d
    """
    try:
        result = con.execute(sql, {**params, "start": grid_start, "end": end}).fetchnumpy()
    finally:
        if unit == "working_days":
            con.unregister(_CALENDAR_VIEW)
    out = {name: np.asarray(values) for name, values in result.items()}
    out["d"] = out["d"].astype("datetime64[D]")
    for name in ("waiting", "referrals", "removals", "withdrawals", "closed_same_day"):
        out[name] = out[name].astype(np.int64)
    for name in ("mean_wait", "median_wait", "max_wait"):
        out[name] = out[name].astype(float)
    return out
