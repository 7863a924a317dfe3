"""Control charts (careassure.measures.spc) on hand-worked series."""

from __future__ import annotations

import pytest

from careassure.measures.spc import control_chart


def test_mean_moving_range_and_limits_by_hand() -> None:
    # 12 points alternating 10, 12: mean 11; every moving range is 2, so mR-bar = 2;
    # limits 11 +/- 2.66 x 2 = 5.68 and 16.32. No rule is broken (no run: sides alternate).
    chart = control_chart([10, 12] * 6)
    assert chart is not None
    assert chart.mean == 11 and chart.moving_range == 2
    assert chart.upper == pytest.approx(16.32) and chart.lower == pytest.approx(5.68)
    assert chart.flags == [()] * 12


def test_a_point_outside_the_limits() -> None:
    # 11 points alternating 10, 12 then 40: mean (5*10 + 6*12 ... ) worked below.
    values = [10, 12] * 5 + [10, 40]
    # mean = (6*10 + 5*12 + 40) / 12 = 160/12 = 13.33; ranges: ten 2s, then |40-10| = 30:
    # mR-bar = (10*2 + 2 + 30)/11 -> the 11 ranges are 2 x 10 and 30: (20 + 30)/11 = 4.545;
    # upper = 13.33 + 2.66 x 4.545 = 25.42: 40 is outside.
    chart = control_chart(values)
    assert chart is not None
    assert chart.mean == pytest.approx(160 / 12)
    assert chart.moving_range == pytest.approx(50 / 11)
    assert chart.upper == pytest.approx(160 / 12 + 2.66 * 50 / 11)
    assert "outside the limits" in chart.flags[11]
    assert all("outside the limits" not in f for f in chart.flags[:11])


def test_a_shift_of_seven_above_the_mean() -> None:
    # 6 points at 10/9 below, then 7 at 12/13 above: the mean is 11.08 (144/13), so the last
    # seven are a shift; six below are one short of a run.
    values = [10, 9, 10, 9, 10, 9, 12, 13, 12, 13, 12, 13, 12]
    chart = control_chart(values)
    assert chart is not None
    assert [("shift" in f) for f in chart.flags] == [False] * 6 + [True] * 7


def test_a_trend_of_six_rising_points() -> None:
    # 1..6 rising (five rises), then a flat, alternating tail.
    values = [1, 2, 3, 4, 5, 6, 4, 5, 4, 5, 4, 5]
    chart = control_chart(values)
    assert chart is not None
    assert [("trend" in f) for f in chart.flags] == [True] * 6 + [False] * 6


def test_five_rising_points_are_not_a_trend() -> None:
    values = [1, 2, 3, 4, 5, 3, 4, 3, 4, 3, 4, 3]
    chart = control_chart(values)
    assert chart is not None
    assert not any("trend" in f for f in chart.flags)


def test_two_of_three_near_the_upper_limit() -> None:
    # 18 points alternating 10, 12, then 17, 11, 17, 12 (22 points). Sum 255: mean 255/22 =
    # 11.591. Moving ranges: 17 of 2 (34), then 5, 6, 6, 5 (22): mR-bar 56/21 = 2.667.
    # Upper limit 11.591 + 2.66 x 2.667 = 18.684; two thirds of the way 16.320: both 17s are
    # near the limit, inside it, two of three in a row.
    values = [10, 12] * 9 + [17, 11, 17, 12]
    chart = control_chart(values)
    assert chart is not None
    assert chart.mean == pytest.approx(255 / 22)
    assert chart.moving_range == pytest.approx(56 / 21)
    assert chart.upper == pytest.approx(255 / 22 + 2.66 * 56 / 21)
    assert chart.flags[18] == chart.flags[20] == ("two of three near a limit",)
    assert chart.flags[19] == chart.flags[21] == ()
    assert not any(chart.flags[:18])


def test_gaps_are_left_out_and_short_series_have_no_chart() -> None:
    assert control_chart([1.0] * 11) is None
    chart = control_chart([10, None, 12, 10, 12, 10, 12, 10, 12, 10, 12, 10, 12])
    assert chart is not None and chart.mean == 11 and chart.flags[1] == ()
