"""The calendar arithmetic the engine relies on, checked against the libraries the spec names
(numpy.busday_count, dateutil.relativedelta) over every day of several years."""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import numpy as np
import pytest
from dateutil.relativedelta import relativedelta

from careassure.measures.calendar import (
    GridDate,
    add_months,
    build_calendar,
    last_day_before,
    plus_months,
    series_dates,
    single_date,
)

FIRST, LAST = date(2019, 1, 1), date(2026, 12, 31)
DAYS = [FIRST + timedelta(days=i) for i in range((LAST - FIRST).days + 1)]


def test_working_day_index_matches_busday_count() -> None:
    calendar = build_calendar(FIRST, LAST)
    bank = np.array(sorted(holidays.UK(subdiv="ENG", years=range(2019, 2027))), "datetime64[D]")
    rng = np.random.default_rng(7)
    for _ in range(2000):
        a, b = sorted(rng.choice(len(DAYS), 2))
        expected = np.busday_count(DAYS[a], DAYS[b], holidays=bank)
        got = calendar.working_day_index(DAYS[b]) - calendar.working_day_index(DAYS[a])
        assert got == expected, (DAYS[a], DAYS[b])


def test_working_days_skip_christmas_easter_and_one_off_holidays() -> None:
    calendar = build_calendar(date(2022, 1, 1), date(2025, 12, 31))
    wd = calendar.working_day_index
    # Mon 23/12/2024 -> Mon 30/12/2024: Tue 24 and Fri 27 only (25, 26 bank holidays).
    assert wd(date(2024, 12, 30)) - wd(date(2024, 12, 23)) == 3
    # Thu 17/04/2025 -> Wed 23/04/2025: Thu 17, Tue 22 (Good Friday 18, Easter Monday 21).
    assert wd(date(2025, 4, 23)) - wd(date(2025, 4, 17)) == 2
    # Mon 19/09/2022 was the State Funeral bank holiday.
    assert wd(date(2022, 9, 20)) - wd(date(2022, 9, 19)) == 0


def test_month_columns_match_relativedelta() -> None:
    frame = build_calendar(FIRST, LAST).frame
    for row in frame.to_pylist():
        day = row["day"]
        assert row["plus_3m"] == day + relativedelta(months=3)
        assert row["plus_12m"] == day + relativedelta(months=12)
        assert row["plus_12m_6m"] == day + relativedelta(months=12) + relativedelta(months=6)
        assert row["minus_3m"] == day - relativedelta(months=3)
        assert row["minus_12m"] == day - relativedelta(months=12)


def test_add_months_clamps_to_month_end() -> None:
    days = np.array(["2024-02-29", "2023-08-31", "2024-01-31", "2024-11-30"], "datetime64[D]")
    assert add_months(days, 12).astype(str).tolist() == [
        "2025-02-28", "2024-08-31", "2025-01-31", "2025-11-30",
    ]
    assert add_months(days, 1).astype(str).tolist() == [
        "2024-03-29", "2023-09-30", "2024-02-29", "2024-12-30",
    ]


@pytest.mark.parametrize("months", [3, 6, 12])
def test_last_day_before_is_the_exact_threshold(months: int) -> None:
    for deadline in DAYS[::3]:
        t = last_day_before(deadline, months)
        assert plus_months(t, months) < deadline <= plus_months(t + timedelta(days=1), months)


def test_single_date_defaults_to_three_months() -> None:
    assert single_date(date(2025, 5, 31)) == [GridDate(date(2025, 5, 31), date(2025, 2, 28))]
    with pytest.raises(ValueError, match="before the as-of date"):
        single_date(date(2025, 5, 31), date(2025, 5, 31))


def test_weekly_series_steps_seven_days_with_the_default_three_month_period() -> None:
    # The step says how often to look; each flow is over the 3 months to its date, as compute.
    grid = series_dates(date(2025, 1, 5), date(2025, 1, 25), "week")
    assert [g.as_of for g in grid] == [date(2025, 1, 5), date(2025, 1, 12), date(2025, 1, 19)]
    assert [g.period_start for g in grid] == [
        date(2024, 10, 5), date(2024, 10, 12), date(2024, 10, 19),
    ]
    assert all(single_date(g.as_of) == [g] for g in grid)


def test_monthly_series_uses_month_ends_inside_the_range() -> None:
    grid = series_dates(date(2024, 1, 15), date(2024, 4, 29), "month")
    assert grid == [
        GridDate(date(2024, 1, 31), date(2023, 10, 31)),
        GridDate(date(2024, 2, 29), date(2023, 11, 30)),
        GridDate(date(2024, 3, 31), date(2023, 12, 31)),
    ]
    assert series_dates(date(2024, 5, 2), date(2024, 5, 20), "month") == []
    with pytest.raises(ValueError, match="before its start"):
        series_dates(date(2024, 5, 2), date(2024, 5, 1), "week")


def test_extra_dates_join_the_grid_in_order_with_the_default_period() -> None:
    # A plan baseline between month ends is evaluated on its own day, over the 3 months to it.
    grid = series_dates(date(2024, 11, 30), date(2025, 1, 31), "month",
                        also_at=[date(2024, 12, 29), date(2024, 12, 31), date(2025, 3, 1)])
    assert grid == [
        GridDate(date(2024, 11, 30), date(2024, 8, 31)),
        GridDate(date(2024, 12, 29), date(2024, 9, 29)),
        GridDate(date(2024, 12, 31), date(2024, 9, 30)),
        GridDate(date(2025, 1, 31), date(2024, 10, 31)),
    ]
    weekly = series_dates(date(2025, 1, 5), date(2025, 1, 12), "week", also_at=[date(2025, 1, 8)])
    assert weekly[1] == GridDate(date(2025, 1, 8), date(2024, 10, 8))


def test_quarterly_series_uses_calendar_quarter_ends() -> None:
    # DHSC's quarters: January-March, April-June...; each flows over its own three months.
    grid = series_dates(date(2023, 4, 1), date(2024, 3, 30), "quarter")
    assert grid == [
        GridDate(date(2023, 6, 30), date(2023, 3, 31)),
        GridDate(date(2023, 9, 30), date(2023, 6, 30)),
        GridDate(date(2023, 12, 31), date(2023, 9, 30)),
    ]
    assert series_dates(date(2024, 3, 31), date(2024, 3, 31), "quarter") == [
        GridDate(date(2024, 3, 31), date(2023, 12, 31))]
    with pytest.raises(ValueError, match="'week', 'month' or 'quarter'"):
        series_dates(date(2024, 1, 1), date(2024, 3, 31), "year")  # type: ignore[arg-type]
