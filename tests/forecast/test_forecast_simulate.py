"""The Monte Carlo engine: exact against a per-patient oracle, conservation, monotonicity in
capacity, convergence to M/M/1, calendar effects."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import date

import numpy as np
import pytest

from careassure.forecast.simulate import (
    BootstrapDemand,
    PoissonDemand,
    Staffing,
    TemporaryStaff,
    growth_multiplier,
    simulate,
)
from careassure.forecast.workdays import day_range, is_working_day, working_day_index

START = np.datetime64("2026-01-05")  # a Monday


@dataclass(frozen=True)
class FixedDemand:
    """Referrals given in advance: the same for every seed."""

    counts: np.ndarray  # (runs, days)

    def sample(self, rng: np.random.Generator, dates: np.ndarray, runs: int) -> np.ndarray:
        return self.counts


def oracle(
    arrivals: np.ndarray,
    slots: np.ndarray,
    backlog_offsets: list[int],
    ages: dict[int, int],
) -> dict[str, np.ndarray]:
    """A person-by-person FCFS list: the rules of the engine written the slow, obvious way.

    arrivals: (runs, days) referrals; slots: slots per day (same every run); backlog_offsets:
    referral day offsets (< 0) of those waiting at the start; ages: day offset -> wait index."""
    runs, n_days = arrivals.shape
    out: dict[str, list] = {k: [] for k in ("size", "median", "max", "removed", "wait", "clear")}
    for run in range(runs):
        waiting = deque(sorted(backlog_offsets))
        removed = wait_total = 0
        cleared = -1 if backlog_offsets else 0
        sizes, medians, maxima = [], [], []
        for day in range(n_days):
            for _ in range(int(slots[day])):
                if not waiting or waiting[0] >= day:  # nobody referred before today
                    break
                referred = waiting.popleft()
                removed += 1
                wait_total += ages[day] - ages[referred]
            waiting.extend([day] * int(arrivals[run, day]))
            if cleared < 0 and (not waiting or waiting[0] >= 0):
                cleared = day
            if day % 7 == 6:
                waits = [ages[day] - ages[r] for r in waiting]
                sizes.append(len(waits))
                medians.append(float(np.median(waits)) if waits else np.nan)
                maxima.append(float(max(waits)) if waits else np.nan)
        for key, value in zip(
            out, (sizes, medians, maxima, removed, wait_total, cleared), strict=True
        ):
            out[key].append(value)
    return {key: np.array(value) for key, value in out.items()}


@pytest.mark.parametrize("wait_unit", ["days", "working_days"])
def test_engine_matches_a_person_by_person_oracle(wait_unit: str) -> None:
    rng = np.random.default_rng(11)
    runs, n_days = 6, 70
    arrivals = rng.poisson(3.0, size=(runs, n_days))
    capacity = np.where(is_working_day(day_range(START, n_days)), 4.2, 0.0)
    slots = np.diff(np.floor(np.cumsum(capacity) + 0.5).astype(int), prepend=0)
    backlog = [-40, -40, -13, -5, -5, -5, -1]
    cohort_dates = day_range(START - 40, 40 + n_days)
    if wait_unit == "days":
        ages = {o: o for o in range(-40, n_days)}
    else:
        index = working_day_index(cohort_dates, START)
        ages = dict(zip(range(-40, n_days), index.tolist(), strict=True))
    sim = simulate(
        START, n_days, FixedDemand(arrivals), capacity, runs=runs,
        waiting_since=START + np.array(backlog), capacity_noise="even", wait_unit=wait_unit,
    )
    expected = oracle(arrivals, slots, backlog, ages)
    np.testing.assert_array_equal(sim.queue_size, expected["size"])
    np.testing.assert_array_equal(sim.median_wait, expected["median"])
    np.testing.assert_array_equal(sim.max_wait, expected["max"])
    np.testing.assert_array_equal(sim.removed, expected["removed"])
    np.testing.assert_array_equal(sim.removed_wait_total, expected["wait"])
    np.testing.assert_array_equal(sim.backlog_cleared, expected["clear"])
    assert (sim.backlog_cleared > 0).all()


@pytest.mark.parametrize("noise", ["poisson", "even"])
@pytest.mark.parametrize("shares", [(1.0,), (0.3, 0.7), (0.2, 0.3, 0.5)])
def test_conservation(noise: str, shares: tuple[float, ...]) -> None:
    """arrivals + initial list = removed + withdrawn + still waiting, run by run."""
    sim = simulate(
        START, 140, PoissonDemand(per_week=70), np.full(140, 9.0), runs=50,
        waiting_since=START - 1 - np.arange(300) // 3, withdrawal_rate=0.01,
        priority_shares=shares, capacity_noise=noise, seed=5,
    )
    assert sim.initial == 300
    np.testing.assert_array_equal(
        sim.initial + sim.arrivals, sim.removed + sim.withdrawn + sim.waiting
    )
    assert (sim.withdrawn > 0).all() and (sim.removed > 0).all()
    np.testing.assert_array_equal(sim.queue_size[:, -1], sim.waiting)  # 140 days: 20 weeks


def test_priority_changes_who_waits_not_how_many_are_seen() -> None:
    """Without withdrawals, serving urgent referrals first removes exactly as many people as
    first-come-first-served (same referrals, same slots), and never shortens the longest wait."""
    common = dict(runs=40, waiting_since=START - np.arange(1, 120), seed=8)
    fifo = simulate(START, 182, PoissonDemand(per_week=60), np.full(182, 8.4), **common)
    urgent = simulate(START, 182, PoissonDemand(per_week=60), np.full(182, 8.4),
                      priority_shares=(0.25, 0.75), **common)
    np.testing.assert_array_equal(fifo.arrivals, urgent.arrivals)
    np.testing.assert_array_equal(fifo.removed, urgent.removed)
    np.testing.assert_array_equal(fifo.queue_size, urgent.queue_size)
    assert (urgent.max_wait >= fifo.max_wait).all()
    assert (urgent.max_wait > fifo.max_wait).any()


def test_more_capacity_never_lengthens_waits() -> None:
    """Common random numbers: the same referrals in every scenario, and each added group of staff
    draws its slots from its own stream, on top of the same base slots. Without withdrawals nobody
    can then be removed later, run by run; with withdrawals the waits still fall on average."""
    demand = PoissonDemand(per_week=100, weekday_profile=(1.3, 1.2, 1.1, 1.0, 1.0, 0.2, 0.2))
    backlog = START - 1 - np.arange(400) // 4
    groups = [
        TemporaryStaff(2.0, date(2026, 1, 5), date(2026, 12, 31)),
        TemporaryStaff(2.0, date(2026, 3, 2), date(2026, 6, 30)),
        TemporaryStaff(4.0, date(2026, 1, 5), date(2026, 12, 31)),
    ]
    for withdrawal_rate in (0.0, 0.005):
        previous = None
        for added in range(len(groups) + 1):
            staffing = Staffing(38.0, 2.5, tuple(groups[:added]))
            sim = simulate(START, 364, demand, staffing, runs=200, waiting_since=backlog,
                           withdrawal_rate=withdrawal_rate, seed=21)
            if previous is not None:
                if withdrawal_rate == 0:
                    assert (sim.queue_size <= previous.queue_size).all()
                    assert (np.nan_to_num(sim.max_wait) <= np.nan_to_num(previous.max_wait)).all()
                    assert (sim.removed >= previous.removed).all()
                assert sim.mean_wait_at_removal().mean() < previous.mean_wait_at_removal().mean()
                assert sim.queue_size.mean() < previous.queue_size.mean()
                assert np.nanmean(sim.max_wait) < np.nanmean(previous.max_wait)
            previous = sim


def test_stable_mm1_converges_to_the_analytic_mean_wait() -> None:
    """Poisson referrals (0.2 a day) and Poisson capacity (0.25 a day, every day): an M/M/1 list
    in daily steps. Its mean wait to removal is the M/M/1 sojourn time 1 / (mu - lambda) = 20
    days; daily steps (referrals wait for the next day) and the start from an empty list move it
    by well under a day, so 10% is a wide tolerance."""
    lam, mu, n_days = 0.2, 0.25, 3000
    sim = simulate(START, n_days, PoissonDemand(per_week=7 * lam), np.full(n_days, mu),
                   runs=300, seed=4)
    analytic = 1 / (mu - lam)
    pooled = sim.removed_wait_total.sum() / sim.removed.sum()
    assert pooled == pytest.approx(analytic, rel=0.10)
    # and Little's law on the weekly snapshots after the first year: L = lambda x W
    settled = sim.queue_size[:, 52:].mean()
    assert settled == pytest.approx(lam * analytic, rel=0.15)


def test_capacity_follows_working_days_and_bank_holidays() -> None:
    dates = day_range(np.datetime64("2026-01-01"), 365)
    base, extra = Staffing(10, 3.0, (TemporaryStaff(4, date(2026, 3, 2), date(2026, 3, 6)),)
                           ).components(dates)
    working = is_working_day(dates)
    assert (base[~working] == 0).all() and (base[working] > 0).all()
    assert base[dates == np.datetime64("2026-12-25")] == 0  # Christmas Day
    assert base[dates == np.datetime64("2026-04-03")] == 0  # Good Friday
    # an average week over the whole year delivers fte x cases per FTE
    assert base.sum() / (365 / 7) == pytest.approx(10 * 3.0)
    # temporary staff only on their working days: Monday 2 to Friday 6 March
    assert np.count_nonzero(extra) == 5
    assert extra.sum() == pytest.approx(4 / 10 * base[working][0] * 5)


def test_even_capacity_slots_add_up() -> None:
    capacity = np.where(is_working_day(day_range(START, 91)), 7.3, 0.0)
    sim = simulate(START, 91, PoissonDemand(per_week=500), capacity, runs=3,
                   capacity_noise="even", waiting_since=START - np.ones(2000, dtype=int))
    # the list never empties, so every slot is used: the removals are the rounded capacity
    assert (sim.removed == round(capacity.sum())).all()


def test_poisson_demand_shape_and_growth() -> None:
    dates = day_range(np.datetime64("2026-01-01"), 730)
    demand = PoissonDemand(per_week=70, weekday_profile=(2, 2, 2, 2, 2, 0.5, 0.5),
                           holiday_factor=0.1, growth_per_year=0.021)
    expected = demand.expected(dates)
    assert expected[dates == np.datetime64("2026-01-05")] == pytest.approx(
        10 * 2 / (11 / 7) * (1.021 ** (4 / 365.25))
    )
    assert expected[dates == np.datetime64("2026-12-25")] == pytest.approx(
        10 * 0.1 * 1.021 ** (358 / 365.25)
    )
    assert growth_multiplier(dates, 0.021)[-1] == pytest.approx(1.021 ** (729 / 365.25))
    sample = demand.sample(np.random.default_rng(1), dates, 400)
    assert sample.mean(axis=0).sum() == pytest.approx(expected.sum(), rel=0.01)


def test_bootstrap_demand_draws_from_the_same_kind_of_day() -> None:
    observed = day_range(np.datetime64("2025-11-03"), 70)  # Christmas to New Year's Day
    weekday = (observed.astype(int) + 3) % 7
    counts = np.where(weekday < 5, 40 + weekday, 3)
    holidays = np.isin(observed, np.array(["2025-12-25", "2025-12-26", "2026-01-01"], "M8[D]"))
    counts = np.where(holidays, 1, counts)
    demand = BootstrapDemand(observed, counts)
    future = day_range(np.datetime64("2026-01-05"), 28)
    drawn = demand.sample(np.random.default_rng(2), future, 50)
    future_weekday = (future.astype(int) + 3) % 7
    for w in range(7):
        values = np.unique(drawn[:, future_weekday == w])
        assert values.tolist() == ([40 + w] if w < 5 else [3])
    easter = day_range(np.datetime64("2026-04-03"), 4)  # Good Friday .. Easter Monday
    assert np.unique(demand.sample(np.random.default_rng(3), easter, 20)[:, [0, 3]]).tolist() == [1]
    grown = BootstrapDemand(observed, counts, growth_per_year=1.0).sample(
        np.random.default_rng(4), day_range(np.datetime64("2026-01-05"), 730), 20
    )
    assert grown[:, -140:].mean() > 1.8 * grown[:, :28].mean()


def test_bands_and_targets() -> None:
    sim = simulate(START, 56, PoissonDemand(per_week=35), np.full(56, 6.0), runs=100,
                   waiting_since=START - np.arange(1, 91), seed=2)
    bands = sim.bands()
    assert bands["queue_size"].shape == (3, 8)
    assert (np.diff(bands["max_wait"], axis=0) >= 0).all()
    week = sim.first_week_meeting(median_target=3, max_target=10)
    assert ((week >= -1) & (week < 8)).all() and (week >= 0).any()
    assert sim.week_ends[0] == START + 6 and len(sim.week_ends) == 8
    assert (sim.backlog_cleared >= 0).all()


def test_bad_arguments() -> None:
    demand = PoissonDemand(per_week=10)
    with pytest.raises(ValueError, match="before the start"):
        simulate(START, 10, demand, np.ones(10), waiting_since=np.array([START]))
    with pytest.raises(ValueError, match="capacity series"):
        simulate(START, 10, demand, np.ones(9))
    with pytest.raises(ValueError, match="withdrawal_rate"):
        simulate(START, 10, demand, np.ones(10), withdrawal_rate=1.5)
    with pytest.raises(ValueError, match="priority_shares"):
        simulate(START, 10, demand, np.ones(10), priority_shares=())
    with pytest.raises(ValueError, match="weekday_profile"):
        PoissonDemand(per_week=10, weekday_profile=(1, 2))
    with pytest.raises(ValueError, match="end"):
        TemporaryStaff(2, date(2026, 2, 1), date(2026, 1, 1))
