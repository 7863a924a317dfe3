"""Calls by category: what share of the calls received in the period were about each thing.

The committee asked how many calls are people trying to reach their allocated worker ("30% of
calls"), because those calls are avoidable when people know how to reach their worker. Calls
without a category are left out of the shares (as unknown ethnicity is left out of
representation); a category code outside the reported list counts in the denominator only.
Calls are counted per day and category first, as in :mod:`careassure.measures.contacts`.
"""

from __future__ import annotations

from datetime import date

from careassure.measures.context import Cells, Context, aggregate
from careassure.measures.outcome_catalogue import CALL_CATEGORIES, CALL_CATEGORY_PREFIX
from careassure.measures.values import percent_cell


def categories(ctx: Context, wanted: set[str]) -> Cells:
    contacts = ctx.tables["contacts"]
    known = contacts.filter(contacts.category.notnull())
    days = known.group_by(day=known.received_at.date(), category=known.category).aggregate(
        calls=known.count()
    )
    grid = ctx.grid
    units = days.join(grid, [days.day > grid.period_start, days.day <= grid.as_of])
    rows = aggregate(units, ["category"], {"calls": lambda u: u.calls.sum()}, grouped=False)
    totals: dict[date, int] = {}
    for (as_of, _category, _grp), row in rows.items():
        totals[as_of] = totals.get(as_of, 0) + int(row["calls"])
    cells: Cells = {}
    for as_of, grp in ctx.keys(False):
        for category in CALL_CATEGORIES:
            measure = f"{CALL_CATEGORY_PREFIX}{category}"
            if measure in wanted:
                row = rows.get((as_of, category, grp), {})
                cells[(measure, as_of, grp)] = percent_cell(row.get("calls"), totals.get(as_of))
    return cells
