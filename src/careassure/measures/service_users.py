"""Service users and their average weekly cost, by the setting of their long-term support.

The budget papers quote both ("the overall number of service users ... across Residential Care,
Home Care, Supported Living, Cash Payments ...", "the average cost per service user"). A person
counts once in each setting they have an active long-term service in, and once in ``all``. The
average weekly cost of a setting is the sum of the weekly costs of its active services over the
people with a cost recorded on one of them: people whose services carry no cost are left out of
both, so a missing cost does not read as free care. The same rules as the MTFS demand figures
(docs/budget.md), on the record settings.
"""

from __future__ import annotations

from fractions import Fraction

import ibis

from careassure.measures.breakdowns import attach_group
from careassure.measures.catalogue import breakdowns_of
from careassure.measures.context import Cells, Context, aggregate, count_if
from careassure.measures.outcome_catalogue import (
    ALL_SETTINGS,
    COST_SETTINGS,
    SERVICE_USERS_PREFIX,
    WEEKLY_COST_PREFIX,
)
from careassure.measures.values import TWO_PLACES, Cell, count_cell, rounded

MEASURES = frozenset(
    f"{prefix}{setting}"
    for prefix in (SERVICE_USERS_PREFIX, WEEKLY_COST_PREFIX)
    for setting in COST_SETTINGS
)


def by_setting(ctx: Context, wanted: set[str]) -> Cells:
    grouped = ctx.applies(breakdowns_of(f"{SERVICE_USERS_PREFIX}{ALL_SETTINGS}"))
    services = ctx.tables["services"]
    lt = services.filter(services.support_type == "long_term")
    grid = ctx.grid
    active = lt.join(grid, [lt.start_date <= grid.as_of,
                            lt.end_date.isnull() | (lt.end_date > grid.as_of)])
    # One row per person, date and setting (and per person and date for "all").
    in_setting = active.group_by(["person_id", "as_of", "setting"]).aggregate(
        cost=active.weekly_cost.sum(), costed=active.weekly_cost.count()
    )
    in_any = active.group_by(["person_id", "as_of"]).aggregate(
        setting=ibis.literal(ALL_SETTINGS), cost=active.weekly_cost.sum(),
        costed=active.weekly_cost.count(),
    )
    units = ibis.union(in_setting, in_any.select(*in_setting.columns))
    units = attach_group(units, ctx.by if grouped else None, ctx.tables)
    rows = aggregate(
        units,
        ["setting"],
        {
            "people": lambda u: u.count(),
            "costed": lambda u: count_if(u.costed > 0),
            "cost": lambda u: u.cost.sum(),
        },
        grouped=grouped,
    )
    cells: Cells = {}
    for as_of, grp in ctx.keys(grouped):
        for setting in COST_SETTINGS:
            row = rows.get((as_of, setting, grp), {})
            found = {
                f"{SERVICE_USERS_PREFIX}{setting}": count_cell(row.get("people")),
                f"{WEEKLY_COST_PREFIX}{setting}": _mean_cost(row.get("cost"), row.get("costed")),
            }
            cells.update(((m, as_of, grp), c) for m, c in found.items() if m in wanted)
    return cells


def _mean_cost(total: object, people: int | None) -> Cell:
    """Pounds a week per costed person, to the penny, in exact arithmetic (engines return the
    sum as a decimal)."""
    n = int(people or 0)
    if not n or total is None:
        return Cell(None, None, n)
    return Cell(rounded(Fraction(str(total)) / n, TWO_PLACES), None, n)
