"""Working days in England and Wales, as NumPy day arrays.

Teams assess on working days: capacity is delivered Monday to Friday except bank holidays, and
financial assessment waits are counted in working days (``measures-spec.md``). The bank holidays
come from the ``holidays`` package (``holidays.UK(subdiv="ENG")``, which includes the holidays
Wales shares with England).
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import numpy as np

DAY = np.timedelta64(1, "D")


@lru_cache(maxsize=64)
def _bank_holidays_in_years(first_year: int, last_year: int) -> np.ndarray:
    """Building the ``holidays`` calendar is slow (tenths of a second), so it is built once."""
    import holidays

    calendar = holidays.UK(subdiv="ENG", years=range(first_year, last_year + 1))
    days = np.array(sorted(calendar), dtype="datetime64[D]")
    days.flags.writeable = False
    return days


def bank_holidays(first: np.datetime64, last: np.datetime64) -> np.ndarray:
    """England and Wales bank holidays from ``first`` to ``last`` inclusive, as datetime64[D]."""
    first_year = int(str(first.astype("datetime64[Y]")))
    last_year = int(str(last.astype("datetime64[Y]")))
    days = _bank_holidays_in_years(first_year, last_year)
    return days[(days >= first) & (days <= last)]


def as_day(value: date | str | np.datetime64) -> np.datetime64:
    """``value`` as a datetime64[D] (a datetime64 of another unit is truncated to its day)."""
    if isinstance(value, np.datetime64):
        return value.astype("datetime64[D]")
    return np.datetime64(value, "D")


def day_range(start: date | np.datetime64, days: int) -> np.ndarray:
    """``days`` consecutive dates from ``start``, as datetime64[D]."""
    return as_day(start) + np.arange(days)


def day_types(dates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(weekday 0 = Monday .. 6 = Sunday, is-bank-holiday) for each date."""
    if len(dates) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
    weekday = (dates.astype("datetime64[D]").astype(np.int64) + 3) % 7  # 1970-01-01 was Thursday
    holiday = np.isin(dates, bank_holidays(dates.min(), dates.max()))
    return weekday, holiday


def is_working_day(dates: np.ndarray) -> np.ndarray:
    """True for Monday to Friday dates that are not bank holidays."""
    weekday, holiday = day_types(dates)
    return (weekday < 5) & ~holiday


def working_day_index(dates: np.ndarray, origin: np.datetime64) -> np.ndarray:
    """Working days in [origin, date) for each date (negative before origin).

    The difference of two indexes is ``numpy.busday_count`` between the dates with England and
    Wales holidays, which is how the measures count financial assessment waits.
    """
    if len(dates) == 0:
        return np.zeros(0, dtype=np.int64)
    first = min(dates.min(), origin)
    last = max(dates.max(), origin)
    holidays = bank_holidays(first, last)
    return np.busday_count(origin, dates, holidays=holidays).astype(np.int64)


def working_day_density(dates: np.ndarray) -> float:
    """Working days per calendar day over the whole calendar years the dates span.

    Used to spread a weekly capacity over working days so that an average week delivers it: whole
    years make the figure independent of where a short horizon happens to fall.
    """
    first_year = dates.min().astype("datetime64[Y]")
    last_year = dates.max().astype("datetime64[Y]") + 1
    first = first_year.astype("datetime64[D]")
    end = last_year.astype("datetime64[D]")
    holidays = bank_holidays(first, end - DAY)
    return float(np.busday_count(first, end, holidays=holidays)) / float((end - first) / DAY)
