"""The generator's clock: one integer day index, working days, and time series given as knots.

Every stream is simulated on the same day grid, from a warm-up start (so queues are already
populated when the extract window opens) to the extract date. Working days follow the England and
Wales bank holidays, as the measures do, so a simulated "5 working days" means what the measure
means.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import holidays
import numpy as np

# Queues and stocks are simulated from here so that the extract window does not open on an empty,
# unnaturally fast system.
SIM_START = date(2021, 10, 1)
# The extract window: episodes received in it (plus work still open when it opens) are returned.
WINDOW_START = date(2022, 4, 1)
# The extract date: anything after it has not happened yet, so its dates are NULL.
EXTRACT_DATE = date(2026, 9, 30)
# Long-term support (and its reviews) can date back decades; bank holidays are known from here.
EARLIEST_YEAR = 1990

SIM_START_D = np.datetime64(SIM_START, "D")
N_DAYS = int((np.datetime64(EXTRACT_DATE, "D") - SIM_START_D).astype(int)) + 1
WINDOW_START_DAY = int((np.datetime64(WINDOW_START, "D") - SIM_START_D).astype(int))
LAST_DAY = N_DAYS - 1
# "No date" (NULL) as a day index. Real day indices can be negative (support that started before
# the simulation), so NULL is a value no real date takes.
NO_DATE = -1_000_000


def day_of(d: str | date) -> int:
    """Day index of an ISO date (or date) on the simulation grid."""
    return int((np.datetime64(d, "D") - SIM_START_D).astype(int))


def to_datetime64(days: np.ndarray) -> np.ndarray:
    """Day indices to ``datetime64[s]``, NaT for ``NO_DATE``."""
    null = days == NO_DATE
    out = (SIM_START_D + np.where(null, 0, days).astype("timedelta64[D]")).astype(
        "datetime64[s]"
    )
    out[null] = np.datetime64("NaT")
    return out


@dataclass(frozen=True)
class Calendar:
    """Per-day facts of the grid, computed once per run."""

    dates: np.ndarray  # datetime64[D], one per day index
    weekday: np.ndarray  # 0 = Monday
    working: np.ndarray  # bool: not weekend, not an England and Wales bank holiday
    holiday_dates: np.ndarray  # datetime64[D], for numpy.busday_* calls

    @classmethod
    def build(cls) -> Calendar:
        dates = SIM_START_D + np.arange(N_DAYS).astype("timedelta64[D]")
        years = range(EARLIEST_YEAR, EXTRACT_DATE.year + 2)
        holiday_dates = np.array(
            sorted(holidays.UK(subdiv="ENG", years=years)), dtype="datetime64[D]"
        )
        weekday = ((dates - np.datetime64("1970-01-05", "D")).astype(int)) % 7
        working = np.is_busday(dates, holidays=holiday_dates)
        return cls(dates, weekday, working, holiday_dates)

    def month_day(self) -> tuple[np.ndarray, np.ndarray]:
        """Calendar month (1-12) and day of month of every day index."""
        months = self.dates.astype("datetime64[M]")
        month = months.astype(int) % 12 + 1
        day = (self.dates - months.astype("datetime64[D]")).astype(int) + 1
        return month, day

    def next_working_day(self, days: np.ndarray) -> np.ndarray:
        """Each day index rolled forward to the first working day on or after it."""
        rolled = np.busday_offset(
            SIM_START_D + days.astype("timedelta64[D]"), 0, roll="forward",
            holidays=self.holiday_dates,
        )
        return (rolled - SIM_START_D).astype(int)

    def add_working_days(self, days: np.ndarray, n: np.ndarray) -> np.ndarray:
        """Day index ``n`` working days after each day (rolled forward to a working day first)."""
        moved = np.busday_offset(
            SIM_START_D + days.astype("timedelta64[D]"), n.astype(int), roll="forward",
            holidays=self.holiday_dates,
        )
        return (moved - SIM_START_D).astype(int)


@dataclass(frozen=True)
class Series:
    """A time series given as (ISO date, value) knots, linear between knots and flat outside.

    Story changes (temporary capacity arriving, a service starting) are written as two knots a
    few days apart, so every figure the story depends on reads as a date and a value.
    """

    knots: tuple[tuple[str, float], ...]

    def values(self, days: np.ndarray | None = None) -> np.ndarray:
        grid = np.arange(N_DAYS) if days is None else days
        xs = np.array([day_of(d) for d, _ in self.knots], dtype=float)
        ys = np.array([v for _, v in self.knots], dtype=float)
        return np.interp(grid, xs, ys)
