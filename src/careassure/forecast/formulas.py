"""Closed-form waiting-list planning formulas (Fong et al., "Understanding Waiting Lists
Pressures", medRxiv 2022, doi:10.1101/2022.08.23.22279117), written from the published formulas.

Every function is vectorised: arguments may be Python numbers or NumPy arrays (broadcast against
each other), and the result is a float for scalar arguments, else an array. The formulas do not
care which time unit is used, but ONE unit must be used throughout a calculation: if demand is in
referrals per week, targets and waits are in weeks and capacities come out in removals per week.
Each docstring names the units with "per unit time" and "time units" for that reason.

The exponential-wait reading behind the factor: if waits are roughly exponential with mean W, the
share waiting longer than T is e^(-T/W); a target "mean wait W* = T / f" therefore means a share
e^(-f) over T (f = 4: 1.8%), and "a proportion p within T" is the factor f = -ln(1 - p).
"""

from __future__ import annotations

from typing import TypeAlias

import numpy as np
import numpy.typing as npt

Number: TypeAlias = float | np.ndarray
ArrayLike: TypeAlias = npt.ArrayLike

DEFAULT_FACTOR = 4.0
DEFAULT_TIME_TO_TARGET = 26.0


def _arrays(*values: ArrayLike) -> list[np.ndarray]:
    return [np.asarray(v, dtype=float) for v in values]


def _result(value: np.ndarray) -> Number:
    """A plain float for 0-d results, so scalar callers get scalars back."""
    return float(value) if np.ndim(value) == 0 else value


def _require_positive(name: str, value: np.ndarray) -> None:
    if np.any(~(value > 0)):
        raise ValueError(f"{name} must be greater than 0 (got {value.tolist()})")


def queue_load(demand: ArrayLike, capacity: ArrayLike) -> Number:
    """Queue load rho = demand / capacity (no unit).

    demand: referrals per unit time; capacity: removals per unit time while the list is not
    empty, in the same unit. rho >= 1 means the list grows by about demand - capacity per unit
    time; capacity 0 gives infinity.
    """
    lam, mu = _arrays(demand, capacity)
    with np.errstate(divide="ignore", invalid="ignore"):
        return _result(lam / mu)


def target_mean_wait(target_wait: ArrayLike, factor: ArrayLike = DEFAULT_FACTOR) -> Number:
    """Target mean wait W* = T / f, in the time units of ``target_wait``.

    The mean wait at which, with exponential waits, a share e^(-f) waits longer than T.
    """
    target, f = _arrays(target_wait, factor)
    _require_positive("factor", f)
    return _result(target / f)


def target_queue_size(
    demand: ArrayLike, target_wait: ArrayLike, factor: ArrayLike = DEFAULT_FACTOR
) -> Number:
    """Target list size L* = demand * T / f (Little's law: list size = arrival rate x mean wait).

    demand: referrals per unit time; target_wait: time units. A list more than twice this size is
    "too big" to hit the target by steady running alone.
    """
    lam, target, f = _arrays(demand, target_wait, factor)
    _require_positive("factor", f)
    return _result(lam * target / f)


def relief_capacity(
    demand: ArrayLike,
    queue_size: ArrayLike,
    target_queue_size: ArrayLike,
    time_to_target: ArrayLike = DEFAULT_TIME_TO_TARGET,
) -> Number:
    """Capacity that brings the list from L to L* within t: mu_relief = demand + (L - L*) / t.

    demand: referrals per unit time; queue sizes: people; time_to_target: time units (26 = six
    months when the unit is weeks). Result in removals per unit time.
    """
    lam, size, target, t = _arrays(demand, queue_size, target_queue_size, time_to_target)
    _require_positive("time_to_target", t)
    return _result(lam + (size - target) / t)


def target_capacity(
    demand: ArrayLike,
    target_wait: ArrayLike,
    factor: ArrayLike = DEFAULT_FACTOR,
    cv_demand: ArrayLike = 1.0,
    cv_capacity: ArrayLike = 1.0,
) -> Number:
    """Capacity that holds the mean wait at T / f in steady state (Kingman's approximation):
    mu* = demand + ((c_a^2 + c_s^2) / 2) * f / T.

    demand: referrals per unit time; target_wait: time units; cv_demand and cv_capacity: the
    coefficients of variation of the arrival and service processes (1 for Poisson arrivals and
    exponential service). Result in removals per unit time. The "/ 2" follows the paper and the
    reference implementation (see docs/forecast.md).
    """
    lam, target, f, ca, cs = _arrays(demand, target_wait, factor, cv_demand, cv_capacity)
    _require_positive("target_wait", target)
    _require_positive("factor", f)
    return _result(lam + ((ca**2 + cs**2) / 2.0) * f / target)


def waiting_list_pressure(mean_wait: ArrayLike, target_wait: ArrayLike) -> Number:
    """Waiting-list pressure P = 2 * mean wait / T (no unit; both arguments in the same unit).

    0.5 when a list with factor 4 sits on target; above 1 the list is under pressure.
    """
    wait, target = _arrays(mean_wait, target_wait)
    _require_positive("target_wait", target)
    return _result(2.0 * wait / target)


def factor_for_proportion(p: ArrayLike) -> Number:
    """Factor f for the target "a proportion p seen within T": f = -ln(1 - p), 0 < p < 1.

    p = 0.92 gives 2.5257; p = 0.5 gives ln 2, which turns a target median into a mean.
    """
    (prop,) = _arrays(p)
    if np.any(~((prop > 0) & (prop < 1))):
        raise ValueError(f"p must be strictly between 0 and 1 (got {prop.tolist()})")
    return _result(-np.log1p(-prop))


def proportion_for_factor(factor: ArrayLike) -> Number:
    """The proportion within T implied by a factor: p = 1 - e^(-f) (f = 4 gives 0.9817)."""
    (f,) = _arrays(factor)
    _require_positive("factor", f)
    return _result(-np.expm1(-f))


def time_to_clear(
    demand: ArrayLike,
    capacity: ArrayLike,
    queue_size: ArrayLike,
    target_queue_size: ArrayLike = 0.0,
) -> Number:
    """Time for the list to fall from L to L* at capacity mu > demand: t = (L - L*) / (mu - demand).

    demand and capacity: per unit time; result in time units. 0 where the list is already at or
    below L*; infinity where capacity does not exceed demand (the list never gets there).
    """
    lam, mu, size, target = _arrays(demand, capacity, queue_size, target_queue_size)
    excess = size - target
    headroom = mu - lam
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(excess <= 0, 0.0, np.where(headroom > 0, excess / headroom, np.inf))
    return _result(t)
