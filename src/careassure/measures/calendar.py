"""Dates the measures are evaluated at, and the calendar arithmetic they need, made portable.

Two rules in the spec are awkward in SQL and differ between engines if left to them:

* working days (``numpy.busday_count`` with England and Wales bank holidays) become a small
  calendar table of ``(date, wd)`` where ``wd`` is the number of working days before the date, so
  ``busday_count(a, b) = wd(b) - wd(a)`` is one equality join and a subtraction on any engine;
* "plus / minus N calendar months" with end-of-month clamping (``dateutil.relativedelta``) is
  worked out here, in Python: for an evaluation date once per date, as plain date columns of
  the date grid; for a data column (received + 3 months, a review's due date) as columns of the
  same calendar table, looked up with the same join. No engine date-interval arithmetic is used,
  so engines cannot disagree about 29 February.

The date grid has one row per evaluation date, so a single date and a weekly series run through
exactly the same queries: a series is a join to a longer grid, never a loop over dates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import TYPE_CHECKING, Literal

from dateutil.relativedelta import relativedelta

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

# holidays, NumPy and Arrow are imported by the functions that build the calendar: the catalogue
# imports this module, and a command that only lists measures or reads kept figures should not
# pay for them (holidays alone loads every country's calendar).

Every = Literal["week", "month", "quarter"]

# Stands for "no end yet" in interval comparisons; never has months added to it.
FAR_FUTURE = date(9999, 12, 31)

# Every flow measure's period: the three calendar months to the evaluation date, on every page,
# export, report and series (docs/measures.md, "Periods"). One rolling length for all dates, so
# a series, a baseline, a peak and a "change since" compare like with like, and a quarter-end
# date gives the quarter DHSC and committee papers quote.
FLOW_PERIOD_MONTHS = 3


def plus_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months, clamped to month end (29 Feb + 12 -> 28 Feb)."""
    return day + relativedelta(months=months)


def last_day_before(deadline: date, months: int) -> date:
    """The latest day x with ``x + months < deadline``: "received + 6 months < D" becomes
    "received <= last_day_before(D, 6)", exact under clamping, with no month arithmetic per row.
    """
    day = deadline - relativedelta(months=months) + timedelta(days=7)
    while plus_months(day, months) >= deadline:
        day -= timedelta(days=1)
    return day


@dataclass(frozen=True)
class GridDate:
    """One evaluation date: snapshots at the end of ``as_of``, flows over (period_start, as_of]."""

    as_of: date
    period_start: date


def default_period_start(as_of: date) -> date:
    """The start (exclusive) of a flow's default period: the 3 calendar months to ``as_of``.

    At a month end the period is three whole calendar months (30/06 -> after 31/03: April to
    June, the quarter), not "30/06 minus 3 months" (30/03), which would add 31 March."""
    if (as_of + timedelta(days=1)).day == 1:
        return as_of.replace(day=1) - relativedelta(months=FLOW_PERIOD_MONTHS - 1, days=1)
    return plus_months(as_of, -FLOW_PERIOD_MONTHS)


def single_date(as_of: date, period_start: date | None = None) -> list[GridDate]:
    """The grid of one date; the flow period defaults to the 3 months ending at ``as_of``."""
    start = period_start if period_start is not None else default_period_start(as_of)
    if start >= as_of:
        raise ValueError(
            f"the period start {start:%d/%m/%Y} must be before the as-of date {as_of:%d/%m/%Y}"
        )
    return [GridDate(as_of, start)]


def series_dates(
    start: date, end: date, every: Every, also_at: Sequence[date] = ()
) -> list[GridDate]:
    """Weekly dates from ``start``, or the month ends (quarter ends: 31/03, 30/06, 30/09, 31/12)
    in [start, end]. Every flow is over its default period, the 3 months to each date, whatever
    the step: the step says how often to look, not what a figure means, so a series point is the
    figure ``compute`` gives at that date.

    ``also_at`` adds dates off the regular grid (a plan outcome's baseline date, so its figure is
    the one on that day rather than at the grid date before it), each in [start, end]; the grid
    stays sorted, without duplicates.
    """
    days = _regular_dates(start, end, every)
    extra = sorted(set(also_at) - set(days))
    days += [d for d in extra if start <= d <= end]
    return [GridDate(d, default_period_start(d)) for d in sorted(days)]


def _regular_dates(start: date, end: date, every: Every) -> list[date]:
    if end < start:
        raise ValueError(f"the series end {end:%d/%m/%Y} is before its start {start:%d/%m/%Y}")
    if every == "week":
        count = (end - start).days // 7 + 1
        return [start + timedelta(weeks=i) for i in range(count)]
    if every in ("month", "quarter"):
        step = 1 if every == "month" else 3
        grid = []
        month = date(start.year, start.month, 1)
        while month <= end:
            if month.month % step == 0:
                month_end = month + relativedelta(months=1, days=-1)
                if start <= month_end <= end:
                    grid.append(month_end)
            month += relativedelta(months=1)
        return grid
    raise ValueError(f"every must be 'week', 'month' or 'quarter', not {every!r}")


def add_months(days: np.ndarray, months: int) -> np.ndarray:
    """Vectorised :func:`plus_months` over an array of ``datetime64[D]``."""
    import numpy as np

    month_starts = days.astype("datetime64[M]")
    day_index = (days - month_starts.astype("datetime64[D]")).astype(np.int64)
    target = month_starts + months
    month_length = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(
        np.int64
    )
    return target.astype("datetime64[D]") + np.minimum(day_index, month_length - 1)


@dataclass(frozen=True)
class Calendar:
    """Every day in [first, last] with what the measures look up about it.

    Columns: ``day``; ``wd`` = working days before the day (weekends and England and Wales bank
    holidays excluded); ``plus_3m`` = day + 3 months; ``plus_12m`` = day + 12 months;
    ``plus_12m_6m`` = (day + 12 months) + 6 months (a review's due date, then 6 months after it:
    not the same as + 18 months when the due date was clamped to 28 February); ``plus_12m_24m``
    = (day + 12 months) + 24 months (two years past that due date); ``minus_3m`` and
    ``minus_12m`` = day - 3 and - 12 months (DHSC's "existing client" look-back).
    """

    first: date
    last: date
    frame: pa.Table

    def working_day_index(self, day: date) -> int:
        return int(self.frame["wd"][(day - self.first).days].as_py())


# The engine-side types of the date grid's and the calendar's columns (Ibis type names).
GRID_COLUMNS = {
    "as_of": "date",
    "period_start": "date",
    "back_12m": "date",
    "before_6m": "date",
    "wd_as_of": "int64",
}
CALENDAR_COLUMNS = {
    "day": "date",
    "wd": "int64",
    "plus_3m": "date",
    "plus_12m": "date",
    "plus_12m_6m": "date",
    "plus_12m_24m": "date",
    "minus_3m": "date",
    "minus_12m": "date",
}

@cache
def _bank_holidays(first_year: int, last_year: int) -> np.ndarray:
    import holidays
    import numpy as np

    bank_holidays = holidays.UK(subdiv="ENG", years=range(first_year, last_year + 1))
    return np.array(sorted(bank_holidays), dtype="datetime64[D]")


def build_calendar(first: date, last: date) -> Calendar:
    """The calendar over [first, last]; ``wd`` matches ``numpy.busday_count`` for any two days
    in the range: busday_count(a, b) = wd(b) - wd(a)."""
    import numpy as np
    import pyarrow as pa

    days = np.arange(np.datetime64(first, "D"), np.datetime64(last, "D") + 1)
    busy = np.is_busday(days, holidays=_bank_holidays(first.year, last.year))
    before = np.concatenate(([0], np.cumsum(busy, dtype=np.int64)[:-1]))
    plus_12m = add_months(days, 12)
    # Arrow, not pandas: the measures never need pandas, and importing it costs a command-line
    # run more time than evaluating one measure.
    frame = pa.table(
        {
            "day": days,
            "wd": before,
            "plus_3m": add_months(days, 3),
            "plus_12m": plus_12m,
            "plus_12m_6m": add_months(plus_12m, 6),
            "plus_12m_24m": add_months(plus_12m, 24),
            "minus_3m": add_months(days, -3),
            "minus_12m": add_months(days, -12),
        },
        schema=_arrow_schema(CALENDAR_COLUMNS),
    )
    return Calendar(first, last, frame)


def grid_frame(dates: Sequence[GridDate], calendar: Calendar) -> pa.Table:
    """The date grid as a table: the dates plus every per-date threshold the measures compare
    data columns with, so that no month arithmetic on D happens inside the engine."""
    import pyarrow as pa

    return pa.table(
        {
            "as_of": [g.as_of for g in dates],
            "period_start": [g.period_start for g in dates],
            # "last review after D - 12 months", "LTS start at least 12 months before D"
            "back_12m": [plus_months(g.as_of, -12) for g in dates],
            # "received_date + 6 months < D"  <=>  received_date <= before_6m
            "before_6m": [last_day_before(g.as_of, 6) for g in dates],
            "wd_as_of": [calendar.working_day_index(g.as_of) for g in dates],
        },
        schema=_arrow_schema(GRID_COLUMNS),
    )


def _arrow_schema(columns: dict[str, str]) -> pa.Schema:
    import pyarrow as pa

    return pa.schema([(name, pa.int64() if kind == "int64" else pa.date32())
                      for name, kind in columns.items()])
