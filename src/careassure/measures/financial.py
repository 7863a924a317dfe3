"""Financial assessment waiting lists split by subtype: residential and non-residential.

Residential cases wait on property and capital checks, so the committee papers quote the two
lists apart ("Median wait time for both Residential and Non-Residential assessment is 14 days").
The same waiting rule and working-day waits as the whole list (:mod:`careassure.measures.queues`),
over the episodes of each subtype; episodes without a subtype are in neither list.
"""

from __future__ import annotations

from careassure.measures.breakdowns import attach_group
from careassure.measures.context import Cells, Context, aggregate
from careassure.measures.outcome_catalogue import FINANCIAL, FINANCIAL_SPLIT, FINANCIAL_SUBTYPES
from careassure.measures.queues import WAITING_METRICS, snapshot_units, waiting_cells

MEASURES = frozenset(
    f"{FINANCIAL}.{name}.{subtype}" for name in FINANCIAL_SPLIT for subtype in FINANCIAL_SUBTYPES
)


def by_subtype(ctx: Context, wanted: set[str]) -> Cells:
    units = snapshot_units(ctx, (FINANCIAL,), keep=("subtype",))
    units = units.filter(units.subtype.isin(FINANCIAL_SUBTYPES))
    units = attach_group(units, ctx.by, ctx.tables)
    rows = aggregate(units, ["subtype"], WAITING_METRICS, grouped=ctx.by is not None)
    cells: Cells = {}
    for as_of, grp in ctx.keys(ctx.by is not None):
        for subtype in FINANCIAL_SUBTYPES:
            found = waiting_cells(rows.get((as_of, subtype, grp), {}))
            for name, cell in found.items():
                measure = f"{FINANCIAL}.{name}.{subtype}"
                if measure in wanted:
                    cells[(measure, as_of, grp)] = cell
    return cells
