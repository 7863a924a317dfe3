"""Demand from the records: service users and weekly cost by setting and client group.

The MTFS's growth lines (G7-G10) rest on the council's own trend: how many people draw on
long-term support in residential care, home care, supported living, cash payments and community
life choices, and what that support costs a week. This module counts them at each month end from
the ``services`` and ``people`` record tables, in Ibis, so the same code runs on DuckDB and
PySpark; the growth rates and the projection (:mod:`careassure.budget.projection`) are arithmetic
on the few numbers it returns.

Definitions (docs/budget.md):

* a person is a **service user in a setting at D** when they have a long-term service in that
  setting with ``start_date <= D`` and no ``end_date`` or ``end_date > D`` (the end date is the
  first day without the service); settings are the paper's five, residential including nursing;
* their **client group at D** is older people when aged 65 or over at D (from the birth month),
  otherwise learning disability, mental health or physical disability (physical or sensory
  support) by primary support reason, otherwise "other";
* the **average weekly cost** of a setting (or client group) at D is the sum of the gross weekly
  costs of those services at D, over the number of people with a costed one (people whose
  services have no cost recorded are left out of both).

People are counted once per setting and once in the total: someone in home care and in a day
service counts in both settings, and once in the total.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import ibis
import ibis.expr.types as ir

from careassure.measures.breakdowns import age_in_months
from careassure.measures.calendar import FAR_FUTURE

# Record setting -> the paper's demand setting.
SETTINGS = {
    "residential": "residential",
    "nursing": "residential",
    "home_care": "home_care",
    "supported_living": "supported_living",
    "direct_payment": "cash_payments",
    "day_care": "community_life_choices",
}
DEMAND_SETTINGS = tuple(dict.fromkeys(SETTINGS.values()))
SETTING_LABELS = {
    "residential": "Residential and nursing care",
    "home_care": "Home care",
    "supported_living": "Supported living",
    "cash_payments": "Cash payments",
    "community_life_choices": "Community life choices",
}
CLIENT_GROUPS = ("older_people", "learning_disability", "mental_health", "physical_disability",
                 "other")
GROUP_LABELS = {
    "older_people": "Older people",
    "learning_disability": "Learning disability",
    "mental_health": "Mental health",
    "physical_disability": "Physical disability",
    "other": "Other",
}
ALL = "all"


def month_ends(first: date, last: date) -> list[date]:
    """Every month end from ``first``'s month to ``last``'s, both included when month ends."""
    out: list[date] = []
    year, month = first.year, first.month
    while True:
        following = date(year + month // 12, month % 12 + 1, 1)
        end = following - timedelta(days=1)
        if end > last:
            return out
        if end >= first:
            out.append(end)
        year, month = following.year, following.month


@dataclass(frozen=True)
class DemandCell:
    """Service users at one month end in one setting (``all``: any) and client group (``all``)."""

    as_of: date
    setting: str
    client_group: str
    people: int
    costed_people: int
    weekly_cost: float

    @property
    def average_weekly_cost(self) -> float | None:
        return self.weekly_cost / self.costed_people if self.costed_people else None


@dataclass(frozen=True)
class DemandSeries:
    """The counts at each month end, addressable by date, setting and client group."""

    dates: tuple[date, ...]
    cells: dict[tuple[date, str, str], DemandCell]

    def cell(self, as_of: date, setting: str = ALL, client_group: str = ALL) -> DemandCell:
        found = self.cells.get((as_of, setting, client_group))
        return found or DemandCell(as_of, setting, client_group, 0, 0, 0.0)

    def people(self, setting: str = ALL, client_group: str = ALL) -> dict[date, int]:
        return {d: self.cell(d, setting, client_group).people for d in self.dates}


def _units(tables: Any, dates: Sequence[date]) -> ir.Table:
    services = tables["services"]
    people = tables["people"]
    far = ibis.date(FAR_FUTURE)
    setting = ibis.cases(*((services.setting == k, v) for k, v in SETTINGS.items()))
    s = services.filter(
        (services.support_type == "long_term") & services.setting.isin(list(SETTINGS))
    ).select(
        "person_id",
        setting=setting,
        start="start_date",
        end=services.end_date.fill_null(far),
        cost=services.weekly_cost.cast("float64"),
    )
    grid = ibis.memtable({"as_of": list(dates)}, schema={"as_of": "date"})
    units = s.join(grid, [s.start <= grid.as_of, s.end > grid.as_of])
    p = people.select(p_person="person_id", birth_month="birth_month",
                      reason="primary_support_reason")
    units = units.left_join(p, units.person_id == p.p_person)
    months = age_in_months(units.birth_month, units.as_of)
    group = ibis.cases(
        (units.birth_month.notnull() & (months >= 65 * 12), "older_people"),
        (units.reason == "learning_disability", "learning_disability"),
        (units.reason == "mental_health", "mental_health"),
        (units.reason.isin(["physical_support", "sensory_support"]), "physical_disability"),
        else_="other",
    )
    return units.select(
        "person_id", "as_of", "setting", "cost", client_group=group,
        costed_person=units.cost.notnull().ifelse(units.person_id, ibis.null().cast("string")),
    )


def _aggregate(units: ir.Table, keys: list[str]) -> list[dict[str, Any]]:
    result = units.group_by(keys).aggregate(
        people=units.person_id.nunique(),
        costed_people=units.costed_person.nunique(),
        weekly_cost=units.cost.sum(),
    )
    return result.to_pyarrow().to_pylist()


def demand_series(backend: Any, dates: Sequence[date]) -> DemandSeries:
    """Service users and weekly cost at each of ``dates`` (month ends) by setting and client
    group, with ``all`` totals; ``backend`` is an Ibis backend holding the record tables or a
    careassure Store."""
    if hasattr(backend, "ibis") and callable(backend.ibis):
        backend = backend.ibis()
    tables = {name: backend.table(name) for name in ("services", "people")}
    units = _units(tables, dates)
    cells: dict[tuple[date, str, str], DemandCell] = {}
    by_setting = _aggregate(units, ["as_of", "setting", "client_group"])
    total = _aggregate(units, ["as_of", "client_group"])
    for row in by_setting:
        row_setting = row["setting"]
        cells[(row["as_of"], row_setting, row["client_group"])] = DemandCell(
            row["as_of"], row_setting, row["client_group"], row["people"],
            row["costed_people"], float(row["weekly_cost"] or 0.0))
    for row in total:
        cells[(row["as_of"], ALL, row["client_group"])] = DemandCell(
            row["as_of"], ALL, row["client_group"], row["people"], row["costed_people"],
            float(row["weekly_cost"] or 0.0))
    # Client groups are disjoint at a date (a person has one age and one reason), so the
    # all-groups figures are sums over the groups.
    sums: dict[tuple[date, str], tuple[int, int, float]] = {}
    for (as_of, setting, _group), cell in cells.items():
        people, costed, cost = sums.get((as_of, setting), (0, 0, 0.0))
        sums[(as_of, setting)] = (people + cell.people, costed + cell.costed_people,
                                  cost + cell.weekly_cost)
    for (as_of, setting), (people, costed, cost) in sums.items():
        cells[(as_of, setting, ALL)] = DemandCell(as_of, setting, ALL, people, costed, cost)
    return DemandSeries(tuple(sorted(dates)), cells)
