"""Demand from the records: hand-counted service users and costs, growth rates and projection.

The same rows go to DuckDB and (marked slow) PySpark, so each test proves the engines agree.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from measure_spec import person, service

from careassure.budget.demand import ALL, DemandCell, DemandSeries, demand_series, month_ends
from careassure.budget.model import BudgetError, LineSpec, VersionSpec
from careassure.budget.projection import (
    DEMO_POPULATION,
    annualised_growth,
    growth_periods,
    project,
    read_population,
)

JAN, FEB, MAR, MAY = date(2023, 1, 31), date(2023, 2, 28), date(2023, 3, 31), date(2023, 5, 31)
APR_2024 = date(2024, 4, 30)


def _records() -> dict[str, list[dict[str, Any]]]:
    return {
        "people": [
            person("P1", birth_month="1950-01", primary_support_reason="physical_support"),
            person("P2", birth_month="1980-06", primary_support_reason="learning_disability"),
            person("P3", birth_month="1990-01", primary_support_reason="mental_health"),
            # 65 in April 2024: physical disability until then, an older person from then.
            person("P4", birth_month="1959-04", primary_support_reason="physical_support"),
            person("P5", birth_month="1940-01"),
            person("P6", birth_month="1940-01"),
        ],
        "services": [
            service("P1", "2023-01-15", setting="home_care", weekly_cost=300),
            # Ends (first day without it) 1 May 2023: counted at the end of March, not May.
            service("P2", "2023-02-01", "2023-05-01", setting="supported_living",
                    weekly_cost=1000),
            service("P3", "2023-03-31", setting="direct_payment", weekly_cost=200),
            service("P3", "2023-03-01", setting="day_care"),  # no cost recorded
            service("P4", "2023-01-01", setting="nursing", weekly_cost=700),
            service("P5", "2023-01-01", setting="home_care", support_type="short_term",
                    weekly_cost=999),
            service("P6", "2023-01-01", setting="other_community", weekly_cost=999),
        ],
    }


def test_service_users_by_setting_and_client_group(store: Callable[..., Any]) -> None:
    series = demand_series(store(**_records()), [JAN, FEB, MAR, MAY, APR_2024])
    assert series.people() == {JAN: 2, FEB: 3, MAR: 4, MAY: 3, APR_2024: 3}
    # End of March: P1 home care (older), P2 supported living (LD), P3 cash payments and a day
    # service (MH, once in the total), P4 nursing (physical disability, 63).
    assert series.cell(MAR, "residential", "physical_disability").people == 1
    assert series.cell(MAR, "community_life_choices", ALL).people == 1
    assert series.cell(MAR, ALL, "mental_health").people == 1
    assert series.people(ALL, "older_people") == {JAN: 1, FEB: 1, MAR: 1, MAY: 1, APR_2024: 2}
    # The day service has no cost: its setting has no average, and P3 counts in the total's
    # cost once, at 200.
    assert series.cell(MAR, "community_life_choices").average_weekly_cost is None
    assert series.cell(MAR).weekly_cost == 300 + 1000 + 200 + 700
    assert series.cell(MAR).costed_people == 4
    assert series.cell(MAR).average_weekly_cost == 2200 / 4
    # April 2024: P4 is 65, so older people are P1 (300) and P4 (700): 500 a week on average.
    assert series.cell(APR_2024, ALL, "older_people").average_weekly_cost == 500


def test_month_ends() -> None:
    assert month_ends(date(2023, 1, 15), date(2023, 4, 29)) == [JAN, FEB, MAR]
    assert month_ends(date(2023, 12, 31), date(2024, 1, 31)) == [date(2023, 12, 31),
                                                                 date(2024, 1, 31)]


def test_growth_before_and_since_a_policy_date() -> None:
    counts = {JAN: 2, FEB: 3, MAR: 4, MAY: 3}
    before, since = growth_periods(counts, date(2023, 3, 15))
    # Before: 2 -> 3 in one month, annualised (3/2)^12 - 1. Since: the last month end before
    # the policy date (February) to May, 3 -> 3: no growth.
    assert (before.start, before.end, before.months) == (JAN, FEB, 1)
    assert before.annual_rate == pytest.approx(1.5 ** 12 - 1)
    assert (since.start, since.end, since.first, since.last) == (FEB, MAY, 3, 3)
    assert since.annual_rate == 0
    # 3.6% a year over two years is 1.036^2 = 1.073296 times the start.
    assert annualised_growth(1_000_000, 1_073_296, 24) == pytest.approx(0.036)
    assert annualised_growth(0, 5, 12) is None


def _series(counts: dict[date, int], weekly: float) -> DemandSeries:
    cells = {(d, ALL, "older_people"): DemandCell(d, ALL, "older_people", n, n, n * weekly)
             for d, n in counts.items()}
    return DemandSeries(tuple(sorted(counts)), cells)


def test_projection_replaces_past_demography_with_the_projected() -> None:
    series = _series({date(2023, 8, 31): 100, date(2025, 8, 31): 121}, 700.0)
    population = {(2023, "65+"): 1000, (2025, "65+"): 1210, (2026, "65+"): 1300,
                  (2027, "65+"): 1365, (2028, "65+"): 1365}
    population |= {(y, "18-64"): 5000 for y in range(2023, 2029)}
    version = VersionSpec(
        key="v", title="t", department="d", first_year=2026, years=2, status="s",
        published_on=date(2025, 12, 1), prior_year_budget=0,
        lines=(LineSpec("G7", "growth", "Older people", (200, 400),
                        client_group="older_people"),),
    )
    older = next(p for p in project(series, version, population, date(2023, 9, 1))
                 if p.client_group == "older_people")
    # Trend since August 2023: (121/100)^(12/24) - 1 = 10%; the 65+ grew (1210/1000)^(1/2) - 1
    # = 10% a year over 2023-2025; 2026/27 adds 1365/1300 - 1 = 5%: 10% - 10% + 5% = 5%.
    first, second = older.years
    assert older.trend == pytest.approx(0.10)
    assert older.past_population_growth == pytest.approx(0.10)
    assert first.rate == pytest.approx(0.05)
    assert first.people == pytest.approx(121 * 1.05)
    # 6.05 more people at 700 a week for 365/7 weeks: 6.05 * 36,500 = 220,825 pounds.
    assert first.extra_cost == pytest.approx(220.825)
    assert first.mtfs_growth == 200
    # 2027/28: no population growth, so the rate is the trend less past demography: 0.
    assert second.rate == pytest.approx(0.0)
    assert second.people == pytest.approx(121 * 1.05)


def test_population_file_errors_name_row_and_column(tmp_path: Any) -> None:
    assert read_population(DEMO_POPULATION)[(2025, "65+")] > 0
    bad = tmp_path / "population.csv"
    bad.write_text("year,age_band,population\n2025,65+,100\n2026,over 65,100\n")
    with pytest.raises(BudgetError, match="population.csv row 3 column 'age_band'"):
        read_population(bad)


# The budget's settings the catalogue has one-to-one (docs/budget.md): the record setting each
# reads. Residential care in the budget is the catalogue's residential and nursing together.
SHARED_SETTINGS = {"home_care": "home_care", "supported_living": "supported_living",
                   "cash_payments": "direct_payment", "community_life_choices": "day_care"}

# The catalogue measures compared (only these are computed: every measure on Spark is minutes).
COMPARED = [
    "long_term_support.service_users.home_care", "long_term_support.mean_weekly_cost.home_care",
    "long_term_support.service_users.supported_living",
    "long_term_support.mean_weekly_cost.supported_living",
    "long_term_support.service_users.direct_payment",
    "long_term_support.mean_weekly_cost.direct_payment",
    "long_term_support.service_users.day_care", "long_term_support.mean_weekly_cost.day_care",
    "long_term_support.service_users.residential", "long_term_support.service_users.nursing",
]


def test_the_budget_s_settings_agree_with_the_catalogue_measures(
        store: Callable[..., Any]) -> None:
    """One figure: where the budget and the catalogue's long_term_support measures count the
    same setting, service users and average weekly cost are the same at the same date."""
    from careassure.measures import compute

    backend = store(**_records())
    series = demand_series(backend, [MAR])
    values = {v.measure: v for v in compute(backend, MAR, measures=COMPARED)
              if v.breakdown is None}
    for setting, record_setting in SHARED_SETTINGS.items():
        cell = series.cell(MAR, setting)
        users = values[f"long_term_support.service_users.{record_setting}"]
        cost = values[f"long_term_support.mean_weekly_cost.{record_setting}"]
        assert users.value == cell.people, setting
        expected = cell.average_weekly_cost
        assert cost.value == (None if expected is None else round(expected, 2)), setting
    residential = (values["long_term_support.service_users.residential"].value or 0) \
        + (values["long_term_support.service_users.nursing"].value or 0)
    assert series.cell(MAR, "residential").people == residential == 1  # nobody has both here
