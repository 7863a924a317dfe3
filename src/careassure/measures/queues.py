"""Queue measures: who is waiting at D and for how long, and how long allocation took.

Also the open Section 42 enquiries (the same "in the queue at D" shape, leaving the queue on
completion or closure rather than allocation) and the specialist/locality team disparity, which
is a comparison of two medians over the same Care Act waiting list.
"""

from __future__ import annotations

from fractions import Fraction

import ibis
import ibis.expr.types as ir

from careassure.measures.breakdowns import attach_group
from careassure.measures.calendar import FAR_FUTURE
from careassure.measures.catalogue import breakdowns_of
from careassure.measures.context import Cells, Context, aggregate, count_if, with_working_days
from careassure.measures.values import (
    Cell,
    count_cell,
    percent_cell,
    rounded,
    statistic_cell,
)
from careassure.records.schema import QUEUE_KINDS

WORKING_DAY_KINDS = ("financial_assessment",)
S42 = "s42_enquiry"
CARE_ACT = "care_act_assessment"



def _snapshot_units(ctx: Context, kinds: tuple[str, ...]) -> ir.Table:
    """One row per episode of ``kinds`` waiting at each grid date, with its wait so far."""
    episodes = ctx.tables["episodes"]
    ep = episodes.filter(episodes.kind.isin(kinds))
    far = ibis.date(FAR_FUTURE)
    ended = ibis.least(ep.completed_date.fill_null(far), ep.closed_date.fill_null(far))
    # The first day the episode is no longer waiting: waiting at D <=> received <= D < leaves.
    leaves = (ep.kind == S42).ifelse(ended, ibis.least(ended, ep.allocated_date.fill_null(far)))
    ep = ep.select("kind", "person_id", "team", "received_date", leaves=leaves)
    if any(k in WORKING_DAY_KINDS for k in kinds):
        ep = with_working_days(ep, "received_date", ctx.calendar_table, "wd_received")
    grid = ctx.grid
    units = ep.join(grid, [ep.received_date <= grid.as_of, ep.leaves > grid.as_of])
    days = units.as_of.delta(units.received_date, unit="day")
    if any(k in WORKING_DAY_KINDS for k in kinds):
        wait = units.kind.isin(WORKING_DAY_KINDS).ifelse(
            units.wd_as_of - units.wd_received, days
        )
    else:
        wait = days
    units = units.select(
        "kind", "person_id", "team", "as_of", wait=wait,
        old=units.received_date <= units.before_6m,
    )
    return units


def snapshot(ctx: Context, wanted: set[str]) -> Cells:
    """Waiting-list measures of the four queues and the open S42 enquiries, as at each date."""
    kinds = tuple(k for k in (*QUEUE_KINDS, S42) if any(w.startswith(f"{k}.") for w in wanted))
    units = attach_group(_snapshot_units(ctx, kinds), ctx.by, ctx.tables)
    rows = aggregate(
        units,
        ["kind"],
        {
            "n": lambda u: u.count(),
            "median": lambda u: u.wait.median(),
            "max": lambda u: u.wait.max(),
            "over_28": lambda u: count_if(u.wait > 28),
            "over_42": lambda u: count_if(u.wait > 42),
            "old": lambda u: count_if(u.old),
        },
        grouped=ctx.by is not None,
    )
    cells: Cells = {}
    for as_of, grp in ctx.keys(ctx.by is not None):
        for kind in kinds:
            row = rows.get((as_of, kind, grp), {})
            n = row.get("n", 0)
            if kind == S42:
                found = {
                    f"{S42}.open": count_cell(n),
                    f"{S42}.pct_open_over_6_weeks": percent_cell(row.get("over_42"), n),
                }
            else:
                found = {
                    f"{kind}.waiting": count_cell(n),
                    f"{kind}.median_wait": statistic_cell(row.get("median"), n, whole=False),
                    f"{kind}.max_wait": statistic_cell(row.get("max"), n, whole=True),
                    f"{kind}.pct_over_28": percent_cell(row.get("over_28"), n),
                    f"{kind}.over_6_months": count_cell(row.get("old")),
                }
            cells.update(((m, as_of, grp), c) for m, c in found.items() if m in wanted)
    return cells


def allocation(ctx: Context, wanted: set[str]) -> Cells:
    """Waits to allocation of the episodes allocated in each period (P1, P2]."""
    kinds = tuple(k for k in QUEUE_KINDS if any(w.startswith(f"{k}.") for w in wanted))
    episodes = ctx.tables["episodes"]
    ep = episodes.filter(episodes.kind.isin(kinds) & episodes.allocated_date.notnull())
    ep = ep.select("kind", "person_id", "team", "received_date", "allocated_date")
    working = any(k in WORKING_DAY_KINDS for k in kinds)
    if working:
        ep = with_working_days(ep, "received_date", ctx.calendar_table, "wd_received")
        ep = with_working_days(ep, "allocated_date", ctx.calendar_table, "wd_allocated")
    grid = ctx.grid
    units = ep.join(
        grid, [ep.allocated_date > grid.period_start, ep.allocated_date <= grid.as_of]
    )
    wait = units.allocated_date.delta(units.received_date, unit="day")
    if working:
        wait = units.kind.isin(WORKING_DAY_KINDS).ifelse(
            units.wd_allocated - units.wd_received, wait
        )
    units = units.select("kind", "person_id", "team", "as_of", wait=wait)
    units = attach_group(units, ctx.by, ctx.tables)
    rows = aggregate(
        units,
        ["kind"],
        {
            "n": lambda u: u.count(),
            "median": lambda u: u.wait.median(),
            "max": lambda u: u.wait.max(),
            "within_28": lambda u: count_if(u.wait <= 28),
            "within_56": lambda u: count_if(u.wait <= 56),
        },
        grouped=ctx.by is not None,
    )
    cells: Cells = {}
    for as_of, grp in ctx.keys(ctx.by is not None):
        for kind in kinds:
            row = rows.get((as_of, kind, grp), {})
            n = row.get("n", 0)
            found = {
                f"{kind}.median_wait_to_allocation": statistic_cell(
                    row.get("median"), n, whole=False
                ),
                f"{kind}.max_wait_to_allocation": statistic_cell(row.get("max"), n, whole=True),
                f"{kind}.pct_allocated_within_28": percent_cell(row.get("within_28"), n),
                f"{kind}.pct_allocated_within_56": percent_cell(row.get("within_56"), n),
            }
            cells.update(((m, as_of, grp), c) for m, c in found.items() if m in wanted)
    return cells


def team_disparity(ctx: Context, wanted: set[str]) -> Cells:
    """(specialist median wait - locality median wait) / locality median, as a %, at each date.

    Numerator and denominator carry the two waiting-list sizes (specialist, locality) so that a
    gap between two tiny lists can be suppressed. No value when either list is empty or the
    locality median is 0 (the ratio has no meaning).
    """
    measure = f"{CARE_ACT}.team_disparity"
    grouped = ctx.applies(breakdowns_of(measure))
    units = _snapshot_units(ctx, (CARE_ACT,))
    teams = ctx.tables["teams"].select(t_team="team", team_type="team_type")
    units = units.join(teams, units.team == teams.t_team).drop("t_team")
    units = units.filter(units.team_type.isin(["specialist", "locality"]))
    units = attach_group(units, ctx.by if grouped else None, ctx.tables)
    rows = aggregate(
        units,
        ["team_type"],
        {"n": lambda u: u.count(), "median": lambda u: u.wait.median()},
        grouped=grouped,
    )
    cells: Cells = {}
    for as_of, grp in ctx.keys(grouped):
        special = rows.get((as_of, "specialist", grp), {})
        local = rows.get((as_of, "locality", grp), {})
        n_special, n_local = special.get("n", 0), local.get("n", 0)
        value = None
        if n_special and n_local and local["median"]:
            ms, ml = Fraction(special["median"]), Fraction(local["median"])
            value = rounded((ms - ml) / ml * 100)
        cells[(measure, as_of, grp)] = Cell(value, n_special, n_local)
    return cells
