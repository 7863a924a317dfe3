"""Growth rates from the demand series and a projection for the MTFS years.

**Annualised growth** between two month ends ``a`` and ``b`` (``m`` months apart) with ``N(a)``
and ``N(b)`` service users is ``(N(b) / N(a)) ** (12 / m) - 1``. A policy date (the Fair Outcomes
Panel, September 2023) splits the series at the last month end before it: the growth *before* runs
from the first month end to that one, the growth *since* from that one to the last.

**Projection** for client group g (whose population is the 65+ for older people, the 18-64 for
the others) in MTFS year y::

    rate(g, y) = trend(g) - past_population_growth(band) + population_growth(band, y)
    N(g, y)    = N(g, y - 1) * (1 + rate(g, y))          N(g, 0) = the last month end's count

``trend`` is the group's annualised growth since the policy date; the population growth it
already contains (the band's annualised change between the calendar years the trend period
starts and ends in) is replaced by the projected growth for the year (population of the year
the financial year ends in over the one it starts in). The base count stands for the start of
the first MTFS year ("service needs as of the latest month, assumed to continue"); no price
inflation is added, as the MTFS budgets are built without it. The cost of the extra people in
£000 a year is ``(N(g, y) - N(g, 0)) * weekly cost(g) * 365 / 7 / 1000``, set beside the MTFS
growth lines for the same client group.

The population file (docs/budget.md): CSV with ``year,age_band,population``, ``age_band`` 18-64
or 65+, mid-year population (ONS sub-national population projections, or the council's own).
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from careassure.budget.demand import ALL, CLIENT_GROUPS, DemandSeries
from careassure.budget.model import BudgetError, VersionSpec, year_label

AGE_BANDS = ("18-64", "65+")
WEEKS_PER_YEAR = 365 / 7
# The demo's population file: illustrative figures for the synthetic county (see docs/budget.md).
DEMO_POPULATION = Path(__file__).with_name("demo_population.csv")


def band_of(client_group: str) -> str:
    """The population a client group grows with."""
    return "65+" if client_group == "older_people" else "18-64"


def months_between(a: date, b: date) -> int:
    return (b.year - a.year) * 12 + b.month - a.month


def annualised_growth(start: int, end: int, months: int) -> float | None:
    """``(end / start) ** (12 / months) - 1``; None when it cannot be computed."""
    if start <= 0 or end <= 0 or months <= 0:
        return None
    return float((end / start) ** (12 / months) - 1)


@dataclass(frozen=True)
class GrowthPeriod:
    """Growth between two month ends."""

    label: str
    start: date
    end: date
    first: int
    last: int

    @property
    def months(self) -> int:
        return months_between(self.start, self.end)

    @property
    def annual_rate(self) -> float | None:
        return annualised_growth(self.first, self.last, self.months)


def growth_periods(counts: Mapping[date, int], policy_date: date) -> list[GrowthPeriod]:
    """Growth before and since ``policy_date`` over a month-end series (each period needs two
    month ends; a period that has them not is left out)."""
    dates = sorted(counts)
    before = [d for d in dates if d < policy_date]
    periods = []
    if len(before) >= 2:
        periods.append(GrowthPeriod("before", before[0], before[-1], counts[before[0]],
                                    counts[before[-1]]))
    if before and dates[-1] > before[-1]:
        pivot = before[-1]
        periods.append(GrowthPeriod("since", pivot, dates[-1], counts[pivot], counts[dates[-1]]))
    elif not before and len(dates) >= 2:
        periods.append(GrowthPeriod("since", dates[0], dates[-1], counts[dates[0]],
                                    counts[dates[-1]]))
    return periods


def read_population(path: str | Path) -> dict[tuple[int, str], int]:
    """``(year, age_band) -> population`` from the population CSV; BudgetError naming the file,
    row and column of the first bad cell."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise BudgetError(f"{path.name}: cannot read ({exc})") from exc
    rows = list(csv.DictReader(text.splitlines()))
    header = rows[0].keys() if rows else []
    missing = [c for c in ("year", "age_band", "population") if c not in header]
    if missing:
        raise BudgetError(f"{path.name} row 1: missing column(s) {', '.join(missing)}")
    out: dict[tuple[int, str], int] = {}
    for number, row in enumerate(rows, start=2):
        try:
            year = int(row["year"])
        except ValueError:
            raise BudgetError(f"{path.name} row {number} column 'year': {row['year']!r} is not "
                              "a year") from None
        band = row["age_band"].strip()
        if band not in AGE_BANDS:
            raise BudgetError(f"{path.name} row {number} column 'age_band': {band!r} is not "
                              f"one of {', '.join(AGE_BANDS)}")
        try:
            population = int(row["population"].replace(",", ""))
        except ValueError:
            population = -1
        if population <= 0:
            raise BudgetError(f"{path.name} row {number} column 'population': "
                              f"{row['population']!r} is not a positive whole number")
        if (year, band) in out:
            raise BudgetError(f"{path.name} row {number}: {year} {band} given twice")
        out[(year, band)] = population
    return out


def _population(population: Mapping[tuple[int, str], int], year: int, band: str) -> int:
    try:
        return population[(year, band)]
    except KeyError:
        raise BudgetError(f"the population file has no {band} population for {year}") from None


@dataclass(frozen=True)
class ProjectedYear:
    """One client group in one MTFS year."""

    year: str
    rate: float
    people: float
    extra_cost: float  # £000 a year above the base
    mtfs_growth: int | None  # the MTFS growth lines for the group, cumulative £000


@dataclass(frozen=True)
class GroupProjection:
    client_group: str
    base_people: int
    weekly_cost: float | None
    trend: float | None
    past_population_growth: float
    years: tuple[ProjectedYear, ...]


def project(
    series: DemandSeries,
    version: VersionSpec,
    population: Mapping[tuple[int, str], int],
    policy_date: date,
) -> list[GroupProjection]:
    """The projection of every client group for the MTFS years of ``version``."""
    base = series.dates[-1]
    out = []
    for group in CLIENT_GROUPS:
        counts = series.people(ALL, group)
        since = [p for p in growth_periods(counts, policy_date) if p.label == "since"]
        trend = since[0].annual_rate if since else None
        band = band_of(group)
        past = 0.0
        if since and since[0].end.year > since[0].start.year:
            first_year, last_year = since[0].start.year, since[0].end.year
            past = (_population(population, last_year, band)
                    / _population(population, first_year, band)) ** (
                1 / (last_year - first_year)) - 1
        cell = series.cell(base, ALL, group)
        weekly = cell.average_weekly_cost
        lines = [line for line in version.lines_of("growth") if line.client_group == group]
        people = float(cell.people)
        years = []
        for i in range(version.years):
            start_year = version.first_year + i
            demography = (_population(population, start_year + 1, band)
                          / _population(population, start_year, band)) - 1
            rate = (trend if trend is not None else past) - past + demography
            people *= 1 + rate
            extra = (people - cell.people) * (weekly or 0.0) * WEEKS_PER_YEAR / 1000
            mtfs = sum(line.amounts[i] for line in lines) if lines else None
            years.append(ProjectedYear(year_label(start_year), rate, people, extra, mtfs))
        out.append(GroupProjection(group, cell.people, weekly, trend, past, tuple(years)))
    return out
