"""The capacity planner: what capacity meets a median and maximum wait target, and what a staffing
plan (temporary extra FTE) does to the list. Pure: takes a :class:`QueueObservation`, returns a
:class:`CapacityPlan` whose ``to_json()`` is the contract of ``careassure capacity --format json``
and of the web app's planner page.

How the targets map onto the formulas (waits assumed roughly exponential, as in Fong et al.):

- a target median M: the median of exponential waits is the mean x ln 2, so the mean wait must
  not exceed M / ln 2 (``factor_for_proportion(0.5)`` = ln 2);
- a target maximum X: no finite capacity guarantees a maximum under exponential waits, so X is
  read as "a proportion p waits less than X" with the factor f = -ln(1 - p) (default f = 4, the
  paper's choice: 98.2% within X), so the mean wait must not exceed X / f;
- the target mean wait W* is the smaller of the two; the binding target and the equivalent
  factor relative to X (f_eff = X / W*) are reported. Then L* = demand x W* (Little's law), the
  steady-state capacity is Kingman's mu* = demand + ((c_a^2 + c_s^2) / 2) / W*, and the relief
  capacity brings the list to L* within the chosen time.

The formulas are steady-state approximations used only for the capacity that holds the targets
once the list has settled. Every other answer comes from the simulation, which plays each scenario
forward from the actual list, day by day, with bands across runs, and judges it with one test,
:meth:`Targets.met`: the targets in force (``careassure.forecast.targets``) in the measures' own
terms, so the "maximum" there is the longest wait of anyone waiting, not a percentile. The time to
target is read off the trajectory the chart and table show; the least extra capacity that meets the
targets by a date is solved by simulation too (:func:`least_extra_capacity`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

import numpy as np

from careassure.forecast import formulas
from careassure.forecast.assumptions import DEFAULT_CASES_PER_FTE_WEEK
from careassure.forecast.observed import ForecastInputError, QueueObservation
from careassure.forecast.simulate import (
    BootstrapDemand,
    PoissonDemand,
    Simulation,
    Staffing,
    TemporaryStaff,
    simulate,
)
from careassure.forecast.workdays import day_range, day_types, working_day_density

DEFAULT_MAX_FACTOR = formulas.DEFAULT_FACTOR
DEFAULT_CLEAR_WITHIN_WEEKS = 26
DEFAULT_HORIZON_WEEKS = 52
DEFAULT_RUNS = 1000
# Demand growth beyond doubling in a year is a typing slip ("500" for 5%), not a planning case.
MAX_DEMAND_GROWTH = 1.0
WEEKS_PER_YEAR = 365.25 / 7
DemandModel = Literal["poisson", "bootstrap"]
Order = Literal["fcfs", "priority", "random"]
# How the list is worked, in words (the same words on the page, in the CLI and in the docs).
ORDERS: dict[str, str] = {
    "fcfs": "first come, first served (the longest waiting first)",
    "priority": "priority classes from the records (those the records show seen within a week "
    "go first), then the longest waiting",
    "random": "in no set order (anyone waiting equally likely to be seen next)",
}
# The inverse question: runs per level, levels per grid, and how often the grid may double.
INVERSE_RUNS = 300
INVERSE_LEVELS = 9
INVERSE_DOUBLINGS = 4


@dataclass(frozen=True)
class Targets:
    """Wait targets in the queue's wait unit (days, or working days for financial assessments).

    median: the median wait so far of those waiting; maximum: the longest wait so far of anyone
    waiting (a true maximum, as the ``<queue>.max_wait`` measure defines it); waiting: the number
    waiting (None: no list-size target). :meth:`met` is the one test of "targets met" that every
    figure of the planner uses. max_factor only maps the maximum onto a mean wait for the
    steady-state formulas (see the module docstring). sources: (figure, where its value came from).
    """

    median: float
    maximum: float
    max_factor: float = DEFAULT_MAX_FACTOR
    waiting: float | None = None
    sources: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if not (self.median > 0 and self.maximum > 0 and self.max_factor > 0):
            raise ForecastInputError("targets and the maximum's factor must be greater than 0")
        if self.waiting is not None and self.waiting < 0:
            raise ForecastInputError("the target number waiting must be 0 or more")
        if self.median > self.maximum:
            raise ForecastInputError(
                f"the target median ({self.median:g}) is above the target maximum "
                f"({self.maximum:g})"
            )

    def met(self, median_wait: Any, max_wait: Any, queue_size: Any) -> np.ndarray:
        """Whether the targets are met: median wait <= median target, longest wait <= maximum
        target and, when there is one, number waiting <= its target. An empty list meets all."""
        met = (np.nan_to_num(np.asarray(median_wait, dtype=float)) <= self.median) & (
            np.nan_to_num(np.asarray(max_wait, dtype=float)) <= self.maximum
        )
        if self.waiting is not None:
            met &= np.asarray(queue_size, dtype=float) <= self.waiting
        return met

    @property
    def mean_from_median(self) -> float:
        return self.median / float(formulas.factor_for_proportion(0.5))

    @property
    def mean_from_maximum(self) -> float:
        return float(formulas.target_mean_wait(self.maximum, self.max_factor))

    @property
    def mean_wait(self) -> float:
        """W*, the target mean wait both targets allow."""
        return min(self.mean_from_median, self.mean_from_maximum)

    @property
    def binding(self) -> str:
        return "maximum" if self.mean_from_maximum <= self.mean_from_median else "median"

    @property
    def effective_factor(self) -> float:
        """The factor relative to the maximum that gives W*: maximum / W*."""
        return self.maximum / self.mean_wait


@dataclass(frozen=True)
class PlanRequest:
    """The question: targets, the scenarios to compare, the inverse question and the settings.

    Scenarios beside the current staffing: ``permanent_fte`` extra staff from the start;
    ``extra_fte`` temporary staff from ``extra_from`` to ``extra_until``; ``outsourced_per_week``
    cases a week bought in for ``outsourced_weeks`` weeks from the start (0: the whole horizon).
    ``by``: the date by which the least extra capacity must meet the targets (None: not asked).
    ``order``: how the list is worked (see ``ORDERS``).
    """

    targets: Targets
    extra_fte: float = 0.0
    extra_from: date | None = None
    extra_until: date | None = None
    permanent_fte: float = 0.0
    outsourced_per_week: float = 0.0
    outsourced_weeks: float = 0.0
    by: date | None = None
    order: Order = "fcfs"
    horizon_weeks: int = DEFAULT_HORIZON_WEEKS
    runs: int = DEFAULT_RUNS
    cases_per_fte_week: float = DEFAULT_CASES_PER_FTE_WEEK
    demand_growth: float = 0.0
    clear_within_weeks: float = DEFAULT_CLEAR_WITHIN_WEEKS
    demand_model: DemandModel = "poisson"
    seed: int = 0

    def __post_init__(self) -> None:
        if self.extra_fte < 0:
            raise ForecastInputError(f"--extra-fte must be 0 or more (got {self.extra_fte:g})")
        if self.permanent_fte < 0 or self.outsourced_per_week < 0 or self.outsourced_weeks < 0:
            raise ForecastInputError(
                "permanent staff, outsourced cases and their weeks must be 0 or more"
            )
        if self.order not in ORDERS:
            raise ForecastInputError(
                f"unknown order {self.order!r}: choose one of {', '.join(ORDERS)}"
            )
        if self.horizon_weeks < 1 or self.runs < 1:
            raise ForecastInputError("the horizon and the number of runs must be at least 1")
        if not self.cases_per_fte_week > 0:
            raise ForecastInputError("cases per FTE per week must be greater than 0")
        if not self.clear_within_weeks > 0:
            raise ForecastInputError("the time to clear the backlog must be greater than 0")
        if self.demand_growth <= -1:
            raise ForecastInputError("demand growth must be above -100% a year")
        if self.demand_growth > MAX_DEMAND_GROWTH:
            raise ForecastInputError(
                f"demand growth of {self.demand_growth:.0%} a year is beyond any planning case "
                f"(at most {MAX_DEMAND_GROWTH:.0%}): a rate is written 2.1% or 0.021"
            )
        if (self.extra_from or self.extra_until) and not self.extra_fte:
            raise ForecastInputError("--from and --until date the extra staff: give --extra-fte")
        if self.extra_from and self.extra_until and self.extra_until < self.extra_from:
            raise ForecastInputError(
                f"the extra staff's --until ({self.extra_until:%d/%m/%Y}) is before their --from "
                f"({self.extra_from:%d/%m/%Y})"
            )


@dataclass(frozen=True, eq=False)
class Scenario:
    """One simulated capacity plan."""

    name: str
    description: str
    staffing: Staffing
    simulation: Simulation
    targets: Targets = field(repr=False)

    def summary(self) -> dict[str, Any]:
        """The scenario's figures. The trajectory is what the chart and table show; the time to
        target is read from it (the first week whose median-run figures all meet the targets),
        so the answer and the chart cannot disagree."""
        sim = self.simulation
        bands = sim.bands()
        trajectory: list[dict[str, Any]] = [
            {"week_ending": str(week_end)}
            | {name: _band(values[:, w]) for name, values in bands.items()}
            for w, week_end in enumerate(sim.week_ends)
        ]
        shown = self.targets.met(
            [row["median_wait"]["p50"] for row in trajectory],
            [row["max_wait"]["p50"] for row in trajectory],
            [row["queue_size"]["p50"] for row in trajectory],
        )
        runs_met = self.targets.met(sim.median_wait, sim.max_wait, sim.queue_size)
        week = int(shown.argmax()) if shown.any() else None
        cleared = np.where(sim.backlog_cleared >= 0, sim.backlog_cleared, np.inf)
        return {
            "name": self.name,
            "description": self.description,
            "capacity_per_week": _round(self.staffing.fte * self.staffing.cases_per_fte_week),
            "fte": _round(self.staffing.fte),
            "temporary": [
                {
                    "fte": _round(t.fte),
                    "cases_per_week": _round(t.fte * self.staffing.cases_per_fte_week),
                    "from": t.start.isoformat(),
                    "until": t.end.isoformat(),
                }
                for t in self.staffing.temporary
            ],
            "backlog_cleared": _date_bands(cleared, sim.start),
            "share_backlog_cleared": _round(float(np.mean(sim.backlog_cleared >= 0))),
            "time_to_target": {
                "week_ending": None if week is None else trajectory[week]["week_ending"],
                "weeks": None if week is None else week + 1,
                "share_of_runs_meeting": None
                if week is None
                else _round(float(runs_met[:, week].mean())),
            },
            "share_meeting_targets_final_week": _round(float(runs_met[:, -1].mean())),
            "trajectory": trajectory,
        }


@dataclass(frozen=True, eq=False)
class CapacityPlan:
    """The planner's answer; see :func:`plan`."""

    observation: QueueObservation
    request: PlanRequest
    start: date
    demand_per_week: float
    demand_per_week_end: float
    capacity_per_week: float
    cv_demand: float
    cv_capacity: float
    cv_assumed: tuple[str, ...]
    units_per_week: float
    formulas: dict[str, float]
    scenarios: tuple[Scenario, ...]
    least: dict[str, Any] | None
    notes: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        obs, req, t = self.observation, self.request, self.request.targets
        return {
            "queue": obs.queue,
            "team": obs.team,
            "as_of": obs.end.isoformat(),
            "simulation_start": self.start.isoformat(),
            "wait_unit": obs.wait_unit,
            "observed": obs.to_json(),
            "targets": {
                "median": t.median,
                "maximum": t.maximum,
                "waiting": t.waiting,
                "sources": dict(t.sources),
                "max_factor": t.max_factor,
                "max_proportion": _round(float(formulas.proportion_for_factor(t.max_factor))),
                "mean_wait_from_median": _round(t.mean_from_median),
                "mean_wait_from_maximum": _round(t.mean_from_maximum),
                "target_mean_wait": _round(t.mean_wait),
                "binding": t.binding,
                "effective_factor": _round(t.effective_factor),
            },
            "assumptions": {
                "cases_per_fte_week": req.cases_per_fte_week,
                "cases_per_fte_week_is_default": req.cases_per_fte_week
                == DEFAULT_CASES_PER_FTE_WEEK,
                "demand_growth_per_year": req.demand_growth,
                "demand_model": req.demand_model,
                "capacity_noise": "poisson",
                "cv_demand": _round(self.cv_demand),
                "cv_capacity": _round(self.cv_capacity),
                "cv_assumed": list(self.cv_assumed),
                "wait_units_per_week": _round(self.units_per_week),
                "withdrawal_rate_per_day": obs.withdrawal_rate,
                "order": req.order,
                "order_text": ORDERS[req.order],
                "urgent_share": _round(obs.urgent_share),
                "horizon_weeks": req.horizon_weeks,
                "runs": req.runs,
                "seed": req.seed,
                "clear_within_weeks": req.clear_within_weeks,
            },
            "rates": {
                "demand_per_week": _round(self.demand_per_week),
                "demand_per_week_at_horizon": _round(self.demand_per_week_end),
                "capacity_per_week": _round(self.capacity_per_week),
                "current_fte_equivalent": _round(
                    self.capacity_per_week / req.cases_per_fte_week
                ),
            },
            "formulas": {key: _round(value) for key, value in self.formulas.items()}
            | self._list_flags(),
            "scenarios": [scenario.summary() for scenario in self.scenarios],
            "least_extra_capacity": self.least,
            "notes": list(self.notes),
        }


    def _list_flags(self) -> dict[str, bool]:
        """relief_needed: the list is above its target size (relief capacity means something);
        too_big: above twice it (the paper's threshold for a list steady running cannot fix)."""
        size, target = self.formulas["queue_size"], self.formulas["steady_queue_size"]
        return {"relief_needed": size > target, "too_big": size > 2 * target}


def _round(value: float | None, places: int = 4) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), places)


def _band(values: np.ndarray) -> dict[str, float | None]:
    """One week's 10th, 50th and 90th percentiles, to one decimal place."""
    return {name: _round(v, 1) for name, v in zip(("p10", "p50", "p90"), values, strict=True)}


def _date_bands(days: np.ndarray, start: np.datetime64) -> dict[str, str | None]:
    """10th, 50th and 90th percentile of per-run day offsets as dates (None: beyond horizon)."""
    quantiles = np.quantile(days, (0.1, 0.5, 0.9), method="inverted_cdf")
    return {
        name: None if not np.isfinite(q) else str(start + int(q))
        for name, q in zip(("p10", "p50", "p90"), quantiles, strict=True)
    }


def demand_model(
    observation: QueueObservation, growth: float, model: DemandModel = "poisson"
) -> PoissonDemand | BootstrapDemand:
    """Demand as observed (referrals less same-day closures), with its weekday shape and bank
    holiday dip.

    Poisson: an ordinary week's mean demand with the observed weekday profile and holiday factor.
    Bootstrap: resampled observed daily counts.
    """
    if model == "bootstrap":
        return BootstrapDemand(observation.dates, observation.demand, growth)
    weekday, holiday = day_types(observation.dates)
    counts = observation.demand.astype(float)
    ordinary = ~holiday
    by_weekday = np.array(
        [counts[ordinary & (weekday == w)].mean() if np.any(ordinary & (weekday == w)) else 0.0
         for w in range(7)]
    )
    if by_weekday.sum() <= 0:
        return PoissonDemand(per_week=0.0, growth_per_year=growth)
    mean_day = by_weekday.mean()
    holiday_factor = float(counts[holiday].mean() / mean_day) if holiday.any() else None
    return PoissonDemand(
        per_week=float(by_weekday.sum()),
        weekday_profile=tuple(float(x) for x in by_weekday),
        holiday_factor=holiday_factor,
        growth_per_year=growth,
    )




def plan(observation: QueueObservation, request: PlanRequest) -> CapacityPlan:
    """Answer the planning question for one observed queue."""
    targets = request.targets
    start = observation.end + timedelta(days=1)
    days = 7 * request.horizon_weeks
    horizon = day_range(start, days)
    notes: list[str] = []

    # Waits are counted in days (or working days); the formulas run in weeks.
    if observation.wait_unit == "working_days":
        units_per_week = 7 * working_day_density(horizon)
        notes.append(
            f"Waits are in working days; the formulas convert them at {units_per_week:.2f} "
            "working days a week, the simulation counts them exactly."
        )
    else:
        units_per_week = 7.0
    cpf = request.cases_per_fte_week
    lam = observation.demand_stats.per_week.mean
    lam_end = lam * (1 + request.demand_growth) ** (request.horizon_weeks / WEEKS_PER_YEAR)
    mu = observation.removal_stats.per_week.mean
    # Too few weeks (or none with any events) to measure variability: assume Poisson (cv 1).
    cv_assumed: list[str] = []
    cv_demand = observation.demand_stats.per_week.process_cv
    if cv_demand is None:
        cv_demand = 1.0
        cv_assumed.append("demand")
    cv_capacity = observation.removal_stats.per_week.process_cv
    if cv_capacity is None:
        cv_capacity = 1.0
        cv_assumed.append("capacity")
    if observation.busy_weeks < observation.weeks:
        notes.append(
            f"The list was empty at some point in {observation.weeks - observation.busy_weeks} "
            f"of {observation.weeks} observed weeks, so observed removals understate capacity."
        )
    if lam <= 0:
        raise ForecastInputError(
            f"no {observation.queue} referrals between {observation.start:%d/%m/%Y} and "
            f"{observation.end:%d/%m/%Y}: nothing to plan for"
        )

    max_weeks = targets.maximum / units_per_week
    factor = targets.effective_factor
    size = observation.waiting_now
    target_size = float(formulas.target_queue_size(lam, max_weeks, factor))
    hold_now = float(formulas.target_capacity(lam, max_weeks, factor, cv_demand, cv_capacity))
    hold_end = float(formulas.target_capacity(lam_end, max_weeks, factor, cv_demand, cv_capacity))
    relief = float(formulas.relief_capacity(lam, size, target_size, request.clear_within_weeks))
    values = {
        "load": float(formulas.queue_load(lam, mu)),
        "target_mean_wait_weeks": float(formulas.target_mean_wait(max_weeks, factor)),
        "steady_queue_size": target_size,
        "queue_size": float(size),
        "target_capacity_per_week": hold_now,
        "target_capacity_per_week_at_horizon": hold_end,
        "target_capacity_fte": hold_now / cpf,
        "target_capacity_fte_at_horizon": hold_end / cpf,
        "relief_capacity_per_week": relief,
        "relief_capacity_fte": relief / cpf,
        "extra_fte_to_hold_targets": max(hold_end - mu, 0.0) / cpf,
        "extra_fte_for_relief": max(relief - mu, 0.0) / cpf,
    }
    if observation.mean_wait_now is not None:
        values["pressure"] = float(formulas.waiting_list_pressure(
            observation.mean_wait_now, targets.maximum
        ))

    project = projector(observation, request)
    last_day = start + timedelta(days=days - 1)

    def scenario(name: str, description: str, temporary: tuple[TemporaryStaff, ...]) -> Scenario:
        staffing = Staffing(mu / cpf, cpf, temporary)
        return Scenario(name, description, staffing, project(staffing, days), targets)

    scenarios = [scenario("current", "current staffing, unchanged", ())]
    if request.permanent_fte > 0:
        scenarios.append(
            scenario(
                "permanent",
                f"{request.permanent_fte:g} more FTE from {start:%d/%m/%Y}",
                (TemporaryStaff(request.permanent_fte, start, last_day),),
            )
        )
    if request.extra_fte > 0:
        first = max(request.extra_from or start, start)
        until = min(request.extra_until or last_day, last_day)
        if first > last_day:
            raise ForecastInputError(
                f"the extra staff start ({first:%d/%m/%Y}) after the projection ends "
                f"({last_day:%d/%m/%Y}): lengthen --horizon"
            )
        if until < first:
            raise ForecastInputError(
                f"the extra staff's period ends ({until:%d/%m/%Y}) before the simulation starts "
                f"({start:%d/%m/%Y}, the day after the as-at date)"
            )
        scenarios.append(
            scenario(
                "temporary",
                f"{request.extra_fte:g} temporary FTE from {first:%d/%m/%Y} to {until:%d/%m/%Y}",
                (TemporaryStaff(request.extra_fte, first, until),),
            )
        )
    if request.outsourced_per_week > 0:
        weeks = request.outsourced_weeks or request.horizon_weeks
        until = min(start + timedelta(days=round(7 * weeks) - 1), last_day)
        scenarios.append(
            scenario(
                "outsourcing",
                f"{request.outsourced_per_week:g} cases a week outsourced to {until:%d/%m/%Y}",
                (TemporaryStaff(request.outsourced_per_week / cpf, start, until),),
            )
        )
    least = None
    if request.by is not None:
        least = least_extra_capacity(observation, request, project, lam, mu)
        extra = least["cases_per_week"]["p50"]
        if extra is not None:
            scenarios.append(
                scenario(
                    "least",
                    f"the least extra capacity meeting the targets by {request.by:%d/%m/%Y} "
                    f"in half the runs: {extra:g} cases a week ({extra / cpf:.1f} FTE)",
                    (TemporaryStaff(extra / cpf, start, last_day),) if extra > 0 else (),
                )
            )
    return CapacityPlan(
        observation=observation,
        request=request,
        start=start,
        demand_per_week=lam,
        demand_per_week_end=lam_end,
        capacity_per_week=mu,
        cv_demand=cv_demand,
        cv_capacity=cv_capacity,
        cv_assumed=tuple(cv_assumed),
        units_per_week=units_per_week,
        formulas=values,
        scenarios=tuple(scenarios),
        least=least,
        notes=tuple(notes),
    )


Projector = Callable[..., Simulation]


def projector(observation: QueueObservation, request: PlanRequest) -> Projector:
    """A function (staffing, days, runs=request.runs) -> Simulation of ``observation``'s list from
    the day after it, with the request's demand, order and seed: every scenario, the inverse
    question and the back-test project the same way."""
    demand = demand_model(observation, request.demand_growth, request.demand_model)
    start = observation.end + timedelta(days=1)
    shares = (
        (observation.urgent_share, 1 - observation.urgent_share)
        if request.order == "priority" and 0 < observation.urgent_share < 1
        else (1.0,)
    )

    def project(staffing: Staffing, days: int, runs: int = request.runs) -> Simulation:
        return simulate(
            start,
            days,
            demand,
            staffing,
            runs=runs,
            waiting_since=observation.waiting_since,
            withdrawal_rate=observation.withdrawal_rate,
            priority_shares=shares,
            wait_unit=observation.wait_unit,  # type: ignore[arg-type]
            random_order=request.order == "random",
            seed=request.seed,
        )

    return project


def least_extra_capacity(
    observation: QueueObservation,
    request: PlanRequest,
    project: Projector,
    demand: float,
    capacity: float,
) -> dict[str, Any]:
    """The inverse question: the least extra capacity (cases a week from the start, on top of
    today's) with which the targets are met at the last weekly snapshot on or before
    ``request.by``, per run, as 10th, 50th and 90th percentiles across runs.

    Runs share their referrals and base capacity at every level (common random numbers), so a
    run's answer is the first level of a grid at which it meets the targets: a coarse grid, then
    a finer one over the levels the 10th to 90th percentile runs needed. A run still short at the
    top of the grid (doubled up to three times) counts as needing more than the grid holds.
    """
    assert request.by is not None
    start = observation.end + timedelta(days=1)
    week = ((request.by - start).days + 1) // 7 - 1
    if week < 0:
        raise ForecastInputError(
            f"the date to meet the targets by ({request.by:%d/%m/%Y}) is less than a week after "
            f"the simulation starts ({start:%d/%m/%Y})"
        )
    if week >= request.horizon_weeks:
        raise ForecastInputError(
            f"the date to meet the targets by ({request.by:%d/%m/%Y}) is after the horizon: "
            "lengthen the horizon"
        )
    days, runs, cpf = 7 * (week + 1), min(request.runs, INVERSE_RUNS), request.cases_per_fte_week
    last = start + timedelta(days=days - 1)
    backlog = observation.waiting_now / (week + 1)

    def meets(levels: np.ndarray) -> np.ndarray:
        out = np.empty((len(levels), runs), dtype=bool)
        for i, level in enumerate(levels):
            extra = (TemporaryStaff(level / cpf, start, last),) if level > 0 else ()
            sim = project(Staffing(capacity / cpf, cpf, extra), days, runs)
            out[i] = request.targets.met(
                sim.median_wait[:, week], sim.max_wait[:, week], sim.queue_size[:, week]
            )
        return out

    def first_level(levels: np.ndarray, met: np.ndarray) -> np.ndarray:
        return np.where(met.any(axis=0), levels[met.argmax(axis=0)], np.inf)

    upper = 2 * max(demand - capacity + backlog, demand / 4, 1.0)
    for _ in range(INVERSE_DOUBLINGS):
        levels = np.linspace(0.0, upper, INVERSE_LEVELS)
        need = first_level(levels, meets(levels))
        if np.mean(np.isfinite(need)) >= 0.9:
            break
        upper *= 2
    finite = need[np.isfinite(need)]
    if len(finite):
        step = levels[1]
        low = max(float(np.quantile(finite, 0.1, method="inverted_cdf")) - step, 0.0)
        high = float(np.quantile(finite, 0.9, method="inverted_cdf"))
        if high > low:
            fine = np.linspace(low, high, INVERSE_LEVELS)
            refined = first_level(fine, meets(fine))
            need = np.where(np.isfinite(refined) & (need > low), refined, need)
    bands = np.quantile(need, (0.1, 0.5, 0.9), method="inverted_cdf")
    names = ("p10", "p50", "p90")
    return {
        "by": request.by.isoformat(),
        "snapshot": str(np.datetime64(last)),
        "runs": runs,
        "cases_per_week": {n: _round(float(b), 1) for n, b in zip(names, bands, strict=True)},
        "fte": {n: _round(float(b) / cpf, 1) for n, b in zip(names, bands, strict=True)},
        "grid_top_per_week": _round(float(levels[-1]), 1),
    }
