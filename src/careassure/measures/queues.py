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
from careassure.measures.context import Cells, Context, aggregate, count_if, look_up
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
DISPARITY = f"{CARE_ACT}.team_disparity"


def snapshot_units(ctx: Context, kinds: tuple[str, ...], keep: tuple[str, ...] = ()) -> ir.Table:
    """One row per episode of ``kinds`` waiting at each grid date, with its wait so far (and the
    episode columns in ``keep``, for families that split a queue, e.g. by subtype). It is also
    the list of records behind a waiting-list figure (careassure.measures.drilldown)."""
    episodes = ctx.tables["episodes"]
    ep = episodes.filter(episodes.kind.isin(kinds))
    far = ibis.date(FAR_FUTURE)
    ended = ibis.least(ep.completed_date.fill_null(far), ep.closed_date.fill_null(far))
    # The first day the episode is no longer waiting: waiting at D <=> received <= D < leaves.
    leaves = (ep.kind == S42).ifelse(ended, ibis.least(ended, ep.allocated_date.fill_null(far)))
    ep = ep.select("episode_id", "kind", "person_id", "team", "received_date", *keep,
                   leaves=leaves)
    working = any(k in WORKING_DAY_KINDS for k in kinds)
    if working:
        ep = look_up(ep, "received_date", ctx.calendar_table, wd="wd_received")
    grid = ctx.grid
    units = ep.join(grid, [ep.received_date <= grid.as_of, ep.leaves > grid.as_of])
    wait = units.as_of.delta(units.received_date, unit="day")
    if working:  # busday_count(received, D) = wd(D) - wd(received)
        wait = units.kind.isin(WORKING_DAY_KINDS).ifelse(units.wd_as_of - units.wd_received, wait)
    return units.select(
        "episode_id", "kind", "person_id", "team", "received_date", "as_of", *keep, wait=wait,
        old=units.received_date <= units.before_6m,  # received + 6 months < D
    )


# The aggregates every waiting list needs (see waiting_cells).
WAITING_METRICS = {
    "n": lambda u: u.count(),
    "median": lambda u: u.wait.median(),
    "max": lambda u: u.wait.max(),
    "over_28": lambda u: count_if(u.wait > 28),
    "over_42": lambda u: count_if(u.wait > 42),
    "old": lambda u: count_if(u.old),
}


def waiting_cells(row: dict) -> dict[str, Cell]:
    """A queue's snapshot figures from its WAITING_METRICS row, by measure name (``waiting``,
    ``median_wait`` ...)."""
    n = row.get("n", 0)
    return {
        "waiting": count_cell(n),
        "median_wait": statistic_cell(row.get("median"), n, whole=False),
        "max_wait": statistic_cell(row.get("max"), n, whole=True),
        "pct_over_28": percent_cell(row.get("over_28"), n),
        "over_6_months": count_cell(row.get("old")),
    }


def snapshot(ctx: Context, wanted: set[str]) -> Cells:
    """Waiting-list measures of the four queues and the open S42 enquiries as at each date, and
    the team disparity, from one pass over the waiting episodes."""
    kinds = tuple(k for k in (*QUEUE_KINDS, S42) if any(w.startswith(f"{k}.") for w in wanted))
    units = snapshot_units(ctx, kinds)
    if DISPARITY in wanted:
        units = _with_team_type_copies(ctx, units)
    units = attach_group(units, ctx.by, ctx.tables)
    rows = aggregate(units, ["kind"], WAITING_METRICS, grouped=ctx.by is not None)
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
                found = {f"{kind}.{name}": cell for name, cell in waiting_cells(row).items()}
            cells.update(((m, as_of, grp), c) for m, c in found.items() if m in wanted)
    if DISPARITY in wanted:
        grouped = ctx.applies(breakdowns_of(DISPARITY))
        for as_of, grp in ctx.keys(grouped):
            special = rows.get((as_of, f"{CARE_ACT}:specialist", grp), {})
            local = rows.get((as_of, f"{CARE_ACT}:locality", grp), {})
            cells[(DISPARITY, as_of, grp)] = _disparity(special, local)
    return cells


def _with_team_type_copies(ctx: Context, units: ir.Table) -> ir.Table:
    """The units plus a second copy of each Care Act unit in a specialist or locality team, with
    kind "care_act_assessment:<team type>": the disparity's two medians then come out of the
    same aggregation as everything else, without a second scan of the episodes."""
    teams = ctx.tables["teams"].select(t_team="team", team_type="team_type")
    units = units.left_join(teams, units.team == teams.t_team).drop("t_team")
    copies = ibis.memtable({"by_type": [False, True]}, schema={"by_type": "boolean"})
    units = units.cross_join(copies)
    typed = (units.kind == CARE_ACT) & units.team_type.isin(["specialist", "locality"])
    units = units.filter(~units.by_type | typed)
    kind = units.by_type.ifelse(units.kind.concat(":", units.team_type), units.kind)
    return units.mutate(kind=kind).drop("by_type", "team_type")


def _disparity(special: dict, local: dict) -> Cell:
    """(specialist median wait - locality median wait) / locality median, as a %.

    Numerator and denominator carry the two waiting-list sizes (specialist, locality) so that a
    gap between two tiny lists can be suppressed. No value when either list is empty or the
    locality median is 0 (the ratio has no meaning).
    """
    n_special, n_local = special.get("n", 0), local.get("n", 0)
    value = None
    if n_special and n_local and local["median"]:
        ms, ml = Fraction(special["median"]), Fraction(local["median"])
        value = rounded((ms - ml) / ml * 100)
    return Cell(value, n_special, n_local)


def allocation(ctx: Context, wanted: set[str]) -> Cells:
    """Waits to allocation of the episodes allocated in each period (P1, P2]."""
    kinds = tuple(k for k in QUEUE_KINDS if any(w.startswith(f"{k}.") for w in wanted))
    episodes = ctx.tables["episodes"]
    ep = episodes.filter(episodes.kind.isin(kinds) & episodes.allocated_date.notnull())
    ep = ep.select("kind", "person_id", "team", "received_date", "allocated_date")
    working = any(k in WORKING_DAY_KINDS for k in kinds)
    if working:
        ep = look_up(ep, "received_date", ctx.calendar_table, wd="wd_received")
        ep = look_up(ep, "allocated_date", ctx.calendar_table, wd="wd_allocated")
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
