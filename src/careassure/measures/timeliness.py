"""Completed-within-target measures: OT deliveries and adaptations, safeguarding decisions and
Section 42 enquiries, each over the work completed in the period (P1 < completed_date <= P2).

They share one shape (a kind, a completion date, a yes/no "in time" rule), so one query computes
them all.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from careassure.measures.breakdowns import attach_group
from careassure.measures.context import Cells, Context, aggregate, count_if, look_up
from careassure.measures.values import percent_cell

# measure id -> episode kind; the rule for each kind is in _in_time.
MEASURES = {
    "equipment_delivery.pct_within_5_working_days": "equipment_delivery",
    "minor_adaptation.pct_within_60_days": "minor_adaptation",
    "major_adaptation.pct_within_120_days": "major_adaptation",
    "safeguarding_concern.pct_decided_within_5_working_days": "safeguarding_concern",
    "s42_enquiry.pct_closed_within_3_months": "s42_enquiry",
}


def _in_time(units: ir.Table) -> ir.BooleanValue:
    working = units.wd_completed - units.wd_received  # busday_count(received, completed)
    days = units.completed_date.delta(units.received_date, unit="day")
    return ibis.cases(
        (units.kind == "equipment_delivery", working <= 5),
        (units.kind == "minor_adaptation", days <= 60),
        (units.kind == "major_adaptation", days <= 120),
        (units.kind == "safeguarding_concern", working <= 5),
        (units.kind == "s42_enquiry", units.completed_date <= units.due_3m),
        else_=False,
    )


def completed_in_time(ctx: Context, wanted: set[str]) -> Cells:
    measures = {m: k for m, k in MEASURES.items() if m in wanted}
    episodes = ctx.tables["episodes"]
    ep = episodes.filter(
        episodes.kind.isin(list(measures.values())) & episodes.completed_date.notnull()
    )
    ep = ep.select("kind", "person_id", "team", "received_date", "completed_date")
    ep = look_up(ep, "received_date", ctx.calendar_table, wd="wd_received", plus_3m="due_3m")
    ep = look_up(ep, "completed_date", ctx.calendar_table, wd="wd_completed")
    grid = ctx.grid
    units = ep.join(
        grid, [ep.completed_date > grid.period_start, ep.completed_date <= grid.as_of]
    )
    units = units.select("kind", "person_id", "team", "as_of", in_time=_in_time(units))
    units = attach_group(units, ctx.by, ctx.tables)
    rows = aggregate(
        units,
        ["kind"],
        {"n": lambda u: u.count(), "in_time": lambda u: count_if(u.in_time)},
        grouped=ctx.by is not None,
    )
    cells: Cells = {}
    for as_of, grp in ctx.keys(ctx.by is not None):
        for measure, kind in measures.items():
            row = rows.get((as_of, kind, grp), {})
            cells[(measure, as_of, grp)] = percent_cell(row.get("in_time"), row.get("n", 0))
    return cells
