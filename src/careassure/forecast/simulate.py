"""Monte Carlo waiting-list simulation, vectorised across runs.

The model, one calendar day at a time (all runs at once):

1. withdrawals (optional): everyone waiting since before today leaves without being seen with
   probability ``withdrawal_rate``; they use no capacity;
2. removals: today's capacity (slots) goes to the people waiting longest, highest priority class
   first; people referred today cannot be removed today; slots nobody can use are lost;
3. referrals: today's referrals join the list;
4. at the end of every seventh day: a snapshot of the list (size, median and maximum wait so far,
   as ``measures-spec.md`` defines them for people waiting).

The list is held as counts per referral day ("cohorts"), not as people: a run's state is one row
of an integer matrix, and a day's removals for all runs are a cumulative sum and a clip over the
cohorts still occupied. Within a cohort everybody is alike (same referral day, same withdrawal
hazard), so counts lose nothing and the cost does not grow with the number of referrals.

Demand is Poisson (with weekday and bank holiday profile and annual growth) or a bootstrap of
observed daily counts; capacity is a time series in expected cases per day, from staffing (FTE x
cases per FTE per week, delivered on working days, temporary staff with start and end dates) or
given directly. Random streams are keyed by purpose, so two scenarios with the same seed share
their referrals exactly and each capacity component draws from its own stream: adding staff adds
slots on top of the same base slots (common random numbers).

The NHSRwaitinglist-compatible scheduler is :func:`fcfs_schedule` (re-exported from
:mod:`careassure.forecast.schedule`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal, Protocol

import numpy as np

from careassure.forecast.schedule import fcfs_schedule
from careassure.forecast.workdays import (
    DAY,
    as_day,
    day_range,
    day_types,
    is_working_day,
    working_day_density,
    working_day_index,
)

__all__ = [
    "BootstrapDemand",
    "Demand",
    "PoissonDemand",
    "Simulation",
    "Staffing",
    "TemporaryStaff",
    "fcfs_schedule",
    "growth_multiplier",
    "simulate",
]

CapacityNoise = Literal["poisson", "even"]
WaitUnit = Literal["days", "working_days"]
BANDS = (10, 50, 90)
DAYS_PER_YEAR = 365.25

# Spawn keys of the independent random streams (see the module docstring).
_DEMAND, _WITHDRAWALS, _CLASSES, _CAPACITY, _ORDER = 0, 1, 2, 3, 4


class Demand(Protocol):
    """Anything that draws referrals per run and day: (runs, len(dates)) non-negative ints."""

    def sample(self, rng: np.random.Generator, dates: np.ndarray, runs: int) -> np.ndarray: ...


def growth_multiplier(dates: np.ndarray, growth_per_year: float) -> np.ndarray:
    """Demand multiplier on each date for compound annual growth from the first date."""
    if growth_per_year <= -1:
        raise ValueError(f"growth_per_year must be above -100% (got {growth_per_year:.1%})")
    years = (dates - dates[0]) / DAY / DAYS_PER_YEAR
    return (1.0 + growth_per_year) ** years


@dataclass(frozen=True)
class PoissonDemand:
    """Poisson referrals: ``per_week`` in an ordinary week at the start, shaped by weekday.

    weekday_profile: relative referral rates Monday..Sunday (normalised to mean 1); holiday_factor:
    the rate on a bank holiday relative to an average day (None: the weekday's own rate);
    growth_per_year: compound annual growth of demand (0.021 for 2.1% a year).
    """

    per_week: float
    weekday_profile: tuple[float, ...] = (1.0,) * 7
    holiday_factor: float | None = None
    growth_per_year: float = 0.0

    def __post_init__(self) -> None:
        profile = np.asarray(self.weekday_profile, dtype=float)
        if profile.shape != (7,) or np.any(profile < 0) or profile.sum() <= 0:
            raise ValueError("weekday_profile needs 7 non-negative rates, not all 0")
        if not self.per_week >= 0:
            raise ValueError(f"per_week must be 0 or more (got {self.per_week})")
        if self.holiday_factor is not None and self.holiday_factor < 0:
            raise ValueError(f"holiday_factor must be 0 or more (got {self.holiday_factor})")

    def expected(self, dates: np.ndarray) -> np.ndarray:
        """Expected referrals on each date."""
        profile = np.asarray(self.weekday_profile, dtype=float)
        profile = profile / profile.mean()
        weekday, holiday = day_types(dates)
        relative = profile[weekday]
        if self.holiday_factor is not None:
            relative = np.where(holiday, self.holiday_factor, relative)
        return self.per_week / 7 * relative * growth_multiplier(dates, self.growth_per_year)

    def sample(self, rng: np.random.Generator, dates: np.ndarray, runs: int) -> np.ndarray:
        return rng.poisson(self.expected(dates), size=(runs, len(dates)))


@dataclass(frozen=True, eq=False)
class BootstrapDemand:
    """Referrals resampled from observed daily counts, day type by day type.

    Each simulated day draws the count of a random observed day of the same type (bank holiday, or
    the same weekday otherwise; any observed day when no day of that type was observed), so the
    weekly shape, bank holiday dips and over-dispersion of the real series carry over. Growth is
    applied by thinning (below 1) or Poisson top-up (above 1) of the drawn count.
    """

    dates: np.ndarray
    counts: np.ndarray
    growth_per_year: float = 0.0

    def __post_init__(self) -> None:
        if len(self.dates) == 0 or len(self.dates) != len(self.counts):
            raise ValueError("BootstrapDemand needs one count per observed date, at least one")
        if np.any(np.asarray(self.counts) < 0):
            raise ValueError("observed referral counts must be 0 or more")

    @staticmethod
    def _types(dates: np.ndarray) -> np.ndarray:
        weekday, holiday = day_types(dates)
        return np.where(holiday, 7, weekday)

    def sample(self, rng: np.random.Generator, dates: np.ndarray, runs: int) -> np.ndarray:
        observed_types = self._types(np.asarray(self.dates, dtype="datetime64[D]"))
        counts = np.asarray(self.counts, dtype=np.int64)
        simulated_types = self._types(dates)
        out = np.empty((runs, len(dates)), dtype=np.int64)
        for day_type in np.unique(simulated_types):
            pool = counts[observed_types == day_type]
            if len(pool) == 0:
                pool = counts
            where = np.flatnonzero(simulated_types == day_type)
            out[:, where] = pool[rng.integers(len(pool), size=(runs, len(where)))]
        multiplier = growth_multiplier(dates, self.growth_per_year)
        more = np.maximum(multiplier - 1.0, 0.0)
        kept = rng.binomial(out, np.minimum(multiplier, 1.0))
        return kept + rng.poisson(out * more)


@dataclass(frozen=True)
class TemporaryStaff:
    """Extra staff from ``start`` to ``end`` inclusive (agency, secondment, overtime)."""

    fte: float
    start: date
    end: date

    def __post_init__(self) -> None:
        if not self.fte >= 0:
            raise ValueError(f"temporary FTE must be 0 or more (got {self.fte})")
        if self.end < self.start:
            raise ValueError(f"temporary staff end {self.end} is before their start {self.start}")


@dataclass(frozen=True)
class Staffing:
    """Capacity from staffing: ``fte`` permanent staff plus temporary staff.

    cases_per_fte_week: cases one full-time worker removes from the list in an average week
    (bank holidays included). Capacity is delivered on working days only, at the same rate per
    working day all year, so a bank holiday week delivers less and an average week delivers
    exactly ``fte * cases_per_fte_week``.
    """

    fte: float
    cases_per_fte_week: float
    temporary: tuple[TemporaryStaff, ...] = ()

    def __post_init__(self) -> None:
        if not self.fte >= 0 or not self.cases_per_fte_week > 0:
            raise ValueError("fte must be 0 or more and cases_per_fte_week more than 0")

    def components(self, dates: np.ndarray) -> list[np.ndarray]:
        """Expected cases per calendar day: the permanent staff, then each temporary group."""
        working = is_working_day(dates)
        per_fte_day = self.cases_per_fte_week / 7 / working_day_density(dates)
        parts = [np.where(working, self.fte * per_fte_day, 0.0)]
        for extra in self.temporary:
            active = working & (dates >= np.datetime64(extra.start, "D"))
            active &= dates <= np.datetime64(extra.end, "D")
            parts.append(np.where(active, extra.fte * per_fte_day, 0.0))
        return parts


@dataclass(frozen=True, eq=False)
class Simulation:
    """What :func:`simulate` returns: weekly snapshots per run and per-run totals.

    Weekly arrays have shape (runs, weeks); week ``w`` is the list at the end of day ``7w + 6``.
    Waits are in ``wait_unit`` and are NaN when nobody is waiting. ``backlog_cleared`` is the day
    index on which the last person already waiting at the start left the list (-1: not within
    the simulation; 0 with no initial list).
    """

    start: np.datetime64
    days: int
    wait_unit: str
    week_ends: np.ndarray
    queue_size: np.ndarray
    median_wait: np.ndarray
    max_wait: np.ndarray
    initial: int
    arrivals: np.ndarray
    removed: np.ndarray
    withdrawn: np.ndarray
    waiting: np.ndarray
    removed_wait_total: np.ndarray
    backlog_cleared: np.ndarray

    @property
    def runs(self) -> int:
        return len(self.arrivals)

    def mean_wait_at_removal(self) -> np.ndarray:
        """Mean wait (``wait_unit``) of the people removed by capacity, per run."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return self.removed_wait_total / self.removed

    def bands(self, percentiles: Sequence[float] = BANDS) -> dict[str, np.ndarray]:
        """Percentiles across runs, per week, of queue size, median wait and maximum wait.

        Each value has shape (len(percentiles), weeks). A run with nobody waiting counts as wait
        0 here: across runs "the list was empty" is the best outcome, not a missing one.
        """
        return {
            "queue_size": np.percentile(self.queue_size, percentiles, axis=0),
            "median_wait": np.percentile(np.nan_to_num(self.median_wait), percentiles, axis=0),
            "max_wait": np.percentile(np.nan_to_num(self.max_wait), percentiles, axis=0),
        }

    def first_week_meeting(self, median_target: float, max_target: float) -> np.ndarray:
        """Per run, the first week whose snapshot has median wait <= median_target and maximum
        wait <= max_target (an empty list meets both); -1 when no week does."""
        met = (np.nan_to_num(self.median_wait) <= median_target) & (
            np.nan_to_num(self.max_wait) <= max_target
        )
        return np.where(met.any(axis=1), met.argmax(axis=1), -1)


def _capacity_slots(
    components: Sequence[np.ndarray],
    seed: int,
    runs: int,
    noise: CapacityNoise,
) -> np.ndarray:
    """Integer slots per run and day. Poisson: each component draws from its own stream, so a
    scenario with an extra component has at least the base scenario's slots every day."""
    days = len(components[0])
    if noise == "even":
        cumulative = np.floor(np.cumsum(np.sum(components, axis=0)) + 0.5).astype(np.int64)
        slots = np.diff(cumulative, prepend=0)
        return np.broadcast_to(slots, (runs, days))
    total = np.zeros((runs, days), dtype=np.int64)
    for index, rate in enumerate(components):
        if np.any(rate > 0):
            rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(_CAPACITY, index)))
            total += rng.poisson(rate, size=(runs, days))
    return total


def _split_classes(
    counts: np.ndarray, shares: np.ndarray, rng: np.random.Generator
) -> list[np.ndarray]:
    """Split counts between priority classes with the given shares (multinomially)."""
    parts = []
    remaining = counts
    left = 1.0
    for share in shares[:-1]:
        part = rng.binomial(remaining, min(share / left, 1.0)) if left > 0 else 0 * remaining
        parts.append(part)
        remaining = remaining - part
        left -= share
    parts.append(remaining)
    return parts


def _checked_components(
    capacity: Staffing | np.ndarray | Sequence[np.ndarray], dates: np.ndarray
) -> list[np.ndarray]:
    if isinstance(capacity, Staffing):
        return capacity.components(dates)
    parts = [capacity] if isinstance(capacity, np.ndarray) else list(capacity)
    parts = [np.asarray(part, dtype=float) for part in parts]
    for part in parts:
        if part.shape != dates.shape:
            raise ValueError(f"capacity series has {part.shape} values, need {dates.shape}")
        if np.any(~(part >= 0)):
            raise ValueError("capacity must be 0 or more cases on every day")
    return parts


def _snapshot(counts: np.ndarray, waits: np.ndarray) -> tuple[np.ndarray, ...]:
    """List size, median and maximum wait per run from counts per referral day (oldest first)
    and those days' waits. Waits fall as the referral day rises, so the k-th longest wait is the
    wait of the first day whose cumulative count reaches k; the median is the mean of the two
    middle waits (one when the count is odd). NaN when nobody waits."""
    size = counts.sum(axis=1)
    cumulative = np.cumsum(counts, axis=1)
    lower = (cumulative >= ((size + 1) // 2)[:, None]).argmax(axis=1)
    upper = (cumulative >= (size // 2 + 1)[:, None]).argmax(axis=1)
    oldest = (counts > 0).argmax(axis=1)
    empty = size == 0
    median = np.where(empty, np.nan, (waits[lower] + waits[upper]) / 2)
    maximum = np.where(empty, np.nan, waits[oldest].astype(float))
    return size, median, maximum


def simulate(
    start: date | np.datetime64,
    days: int,
    demand: Demand,
    capacity: Staffing | np.ndarray | Sequence[np.ndarray],
    *,
    runs: int = 1000,
    waiting_since: np.ndarray | None = None,
    withdrawal_rate: float = 0.0,
    priority_shares: Sequence[float] = (1.0,),
    capacity_noise: CapacityNoise = "poisson",
    wait_unit: WaitUnit = "days",
    random_order: bool = False,
    seed: int = 0,
) -> Simulation:
    """Simulate the list for ``days`` days from ``start``, ``runs`` times.

    capacity: a :class:`Staffing`, or expected cases per calendar day (one array of ``days``
    values, or several components that add up); capacity_noise: "poisson" (each day's slots are
    Poisson, the variability the planning formulas assume with cv 1) or "even" (the expected
    capacity rounded into whole slots, no randomness). waiting_since: referral dates of the people
    already waiting at the start. withdrawal_rate: daily probability that a waiting person leaves
    unseen (0 to 1). priority_shares: share of referrals in each priority class, highest priority
    first; (1.0,) is first-come-first-served. wait_unit: "working_days" counts waits as
    ``numpy.busday_count`` with England and Wales bank holidays. random_order: within a priority
    class, today's slots go to people drawn at random from those waiting (each cohort is thinned
    binomially at slots / waiting, so a day's removals match its slots on average rather than
    exactly) instead of to the longest waiting: the order a list is worked in practice when it is
    not worked in referral order, and the reason real longest waits run above a first-come,
    first-served projection.
    """
    if days < 1 or runs < 1:
        raise ValueError("days and runs must be at least 1")
    if not 0 <= withdrawal_rate <= 1:
        raise ValueError(f"withdrawal_rate must be between 0 and 1 (got {withdrawal_rate})")
    shares = np.asarray(priority_shares, dtype=float)
    if shares.ndim != 1 or len(shares) == 0 or np.any(shares < 0) or shares.sum() <= 0:
        raise ValueError("priority_shares needs one non-negative share per class, not all 0")
    shares = shares / shares.sum()
    if capacity_noise not in ("poisson", "even"):
        raise ValueError(f"capacity_noise must be 'poisson' or 'even' (got {capacity_noise!r})")
    if wait_unit not in ("days", "working_days"):
        raise ValueError(f"wait_unit must be 'days' or 'working_days' (got {wait_unit!r})")

    start_day = as_day(start)
    dates = day_range(start_day, days)
    backlog = np.zeros(0, dtype="datetime64[D]")
    if waiting_since is not None and len(waiting_since):
        backlog = np.asarray(waiting_since).astype("datetime64[D]")
        if np.isnat(backlog).any() or backlog.max() >= start_day:
            raise ValueError("waiting_since must hold dates before the start of the simulation")
    n_back = int((start_day - backlog.min()) / DAY) if len(backlog) else 0
    cohort_dates = day_range(start_day - n_back, n_back + days)
    if wait_unit == "days":
        age_index = np.arange(-n_back, days, dtype=np.int64)
    else:
        age_index = working_day_index(cohort_dates, start_day)

    def stream(key: int) -> np.random.Generator:
        return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(key,)))

    class_rng = stream(_CLASSES)
    arrivals = np.asarray(demand.sample(stream(_DEMAND), dates, runs))
    if arrivals.shape != (runs, days) or np.any(arrivals < 0):
        raise ValueError(f"demand must give (runs, days) = {(runs, days)} counts of 0 or more")
    arrivals = arrivals.astype(np.int32)
    slots = _capacity_slots(_checked_components(capacity, dates), seed, runs, capacity_noise)

    classes = len(shares)
    queue = np.zeros((classes, runs, n_back + days), dtype=np.int32)
    initial_counts = np.bincount(
        ((backlog - cohort_dates[0]) / DAY).astype(np.int64), minlength=n_back
    )
    initial_by_run = np.broadcast_to(initial_counts.astype(np.int64), (runs, n_back))
    arrivals_by_class = _split_classes(arrivals, shares, class_rng)
    for cls, part in enumerate(_split_classes(initial_by_run, shares, class_rng)):
        queue[cls, :, :n_back] = part

    weeks = days // 7
    queue_size = np.zeros((runs, weeks), dtype=np.int64)
    median_wait = np.full((runs, weeks), np.nan)
    max_wait = np.full((runs, weeks), np.nan)
    removed = np.zeros(runs, dtype=np.int64)
    withdrawn = np.zeros(runs, dtype=np.int64)
    removed_wait_total = np.zeros(runs, dtype=np.int64)
    backlog_cleared = np.full(runs, -1 if n_back else 0, dtype=np.int64)
    withdrawal_rng = stream(_WITHDRAWALS)
    order_rng = stream(_ORDER)

    lo = 0  # first cohort occupied in any run and class
    while lo < n_back and not queue[:, :, lo].any():
        lo += 1
    for day in range(days):
        today = n_back + day
        if withdrawal_rate > 0 and today > lo:
            block = queue[:, :, lo:today]
            leaving = withdrawal_rng.binomial(block, withdrawal_rate)
            block -= leaving.astype(np.int32)
            withdrawn += leaving.sum(axis=(0, 2))
        free = slots[:, day].astype(np.int64)
        ages = age_index[today] - age_index[lo:today]
        for cls in range(classes):
            block = queue[cls, :, lo:today]
            if random_order:
                size = block.sum(axis=1, dtype=np.int64)
                share = np.divide(free, size, out=np.ones(runs), where=size > 0)
                taken = order_rng.binomial(block, np.minimum(share, 1.0)[:, None])
                taken = taken.astype(np.int32)
            else:
                ahead = np.cumsum(block, axis=1, dtype=np.int64) - block
                taken = np.clip(free[:, None] - ahead, 0, block).astype(np.int32)
            block -= taken
            served = taken.sum(axis=1, dtype=np.int64)
            free = np.maximum(free - served, 0)
            removed += served
            removed_wait_total += taken @ ages
        for cls in range(classes):
            queue[cls, :, today] = arrivals_by_class[cls][:, day]
        if lo < n_back:
            still = queue[:, :, lo:n_back].sum(axis=(0, 2))
            backlog_cleared[(still == 0) & (backlog_cleared < 0)] = day
        while lo < today and not queue[:, :, lo].any():
            lo += 1
        if day % 7 == 6:
            week = day // 7
            queue_size[:, week], median_wait[:, week], max_wait[:, week] = _snapshot(
                queue[:, :, lo : today + 1].sum(axis=0),
                age_index[today] - age_index[lo : today + 1],
            )
    waiting = queue.sum(axis=(0, 2), dtype=np.int64)
    return Simulation(
        start=start_day,
        days=days,
        wait_unit=wait_unit,
        week_ends=start_day + 7 * np.arange(weeks) + 6,
        queue_size=queue_size,
        median_wait=median_wait,
        max_wait=max_wait,
        initial=len(backlog),
        arrivals=arrivals.sum(axis=1, dtype=np.int64),
        removed=removed,
        withdrawn=withdrawn,
        waiting=waiting,
        removed_wait_total=removed_wait_total,
        backlog_cleared=backlog_cleared,
    )
