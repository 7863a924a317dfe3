"""The closed forms reproduce the paper's worked example and the reference package's tests."""

from __future__ import annotations

import math

import numpy as np
import pytest

from careassure.forecast import formulas as f

# The paper's ENT example, in weeks: demand 30, capacity 27, list 1200, target 52, mean wait 63.
DEMAND, CAPACITY, LIST, TARGET, MEAN_WAIT = 30.0, 27.0, 1200.0, 52.0, 63.0


def test_worked_example_to_four_decimals() -> None:
    assert round(f.queue_load(DEMAND, CAPACITY), 4) == 1.1111
    assert round(f.target_mean_wait(TARGET), 4) == 13.0
    assert round(f.target_queue_size(DEMAND, TARGET), 4) == 390.0
    assert round(f.relief_capacity(DEMAND, LIST, 390.0, 26), 4) == 61.1538
    assert round(f.target_capacity(DEMAND, TARGET), 4) == 30.0769
    assert round(f.target_capacity(DEMAND, TARGET, factor=1), 4) == 30.0192
    assert round(f.waiting_list_pressure(MEAN_WAIT, TARGET), 4) == 2.4231
    assert round(f.target_capacity(DEMAND, TARGET, 3, 1.1, 1.2), 4) == 30.0764


def test_reference_package_expectations() -> None:
    # calc_target_capacity(30, 52, 3, 1.1, 1.2) == 30.076442 and its arithmetic form
    assert f.target_capacity(30, 52, 3, 1.1, 1.2) == pytest.approx(
        30 + ((1.1**2 + 1.2**2) / 2) * (3 / 52)
    )
    assert f.target_capacity(30, 52, 3, 1.1, 1.2) == pytest.approx(30.076442, abs=1e-6)
    # relief_capacity, single and vector forms
    assert f.relief_capacity(30, 1200, 390, 26) == pytest.approx(30 + (1200 - 390) / 26)
    np.testing.assert_allclose(
        f.relief_capacity([30, 33, 35], [1200, 800, 250], [390, 200, 100], [26, 30, 15]),
        [61.153846, 53, 45],
        atol=1e-6,
    )


def test_factor_for_proportion() -> None:
    assert round(f.factor_for_proportion(0.92), 4) == 2.5257
    assert f.factor_for_proportion(0.5) == pytest.approx(math.log(2))
    # f = 4 leaves e^-4 = 1.8% over target
    assert round(1 - f.proportion_for_factor(4), 3) == 0.018
    assert f.factor_for_proportion(f.proportion_for_factor(2.5)) == pytest.approx(2.5)
    for bad in (0, 1, -0.1, 1.5):
        with pytest.raises(ValueError, match="strictly between 0 and 1"):
            f.factor_for_proportion(bad)


def test_a_proportion_target_is_a_factor_target() -> None:
    # "92% within 18 weeks" is the factor 2.5257: the target mean wait is 18 / 2.5257
    factor = f.factor_for_proportion(0.92)
    assert f.target_mean_wait(18, factor) == pytest.approx(18 / 2.5257, rel=1e-4)
    assert f.target_queue_size(DEMAND, 18, factor) == pytest.approx(DEMAND * 18 / factor)


def test_vectorised_over_arrays_with_broadcasting() -> None:
    demand = np.array([30.0, 42.0, 35.0])
    out = f.target_capacity(demand, np.array([52.0, 65.0, 50.0]), np.array([3.0, 2.0, 1.0]))
    assert isinstance(out, np.ndarray) and out.shape == (3,)
    np.testing.assert_allclose(out, demand + np.array([3 / 52, 2 / 65, 1 / 50]))
    grid = f.queue_load(demand[:, None], np.array([27.0, 30.0, 33.0])[None, :])
    assert grid.shape == (3, 3)
    assert grid[0, 1] == pytest.approx(1.0)
    assert isinstance(f.queue_load(30, 27), float)


def test_units_are_the_callers_choice() -> None:
    # The same list in days instead of weeks: rates / 7, times x 7, capacity per day.
    per_day = f.target_capacity(DEMAND / 7, TARGET * 7)
    assert per_day * 7 == pytest.approx(f.target_capacity(DEMAND, TARGET))
    assert f.target_queue_size(DEMAND / 7, TARGET * 7) == pytest.approx(390.0)


def test_time_to_clear() -> None:
    # 1200 down to 390 at capacity 61.1538 takes the 26 weeks relief capacity was sized for
    relief = f.relief_capacity(DEMAND, LIST, 390, 26)
    assert f.time_to_clear(DEMAND, relief, LIST, 390) == pytest.approx(26)
    assert f.time_to_clear(DEMAND, CAPACITY, LIST, 390) == math.inf
    assert f.time_to_clear(DEMAND, CAPACITY, 300, 390) == 0.0
    np.testing.assert_allclose(
        f.time_to_clear(30, [40, 30, 20], [130, 130, 130]), [13.0, np.inf, np.inf]
    )


def test_degenerate_inputs() -> None:
    assert f.queue_load(30, 0) == math.inf
    with pytest.raises(ValueError, match="factor"):
        f.target_mean_wait(52, 0)
    with pytest.raises(ValueError, match="target_wait"):
        f.target_capacity(30, 0)
    with pytest.raises(ValueError, match="time_to_target"):
        f.relief_capacity(30, 1200, 390, [26, 0])
