"""Representation: is each ethnic group's share of the people assessed under the Care Act, of
the people raised in safeguarding concerns and of the people in long-term support in line with
its share of the adult population?

The three differ only in whose people are counted (one row per person per evaluation date);
the ratio, the population rows and the unknown-ethnicity rule are shared.

Population figures come from the ``population`` reference table, which may hold whole-area rows
(``locality``/``age_band`` NULL), finer rows, or both. The rule for which rows stand for an area
(documented in docs/measures.md), for each ethnic group separately: among its rows, prefer the
NULL (all) rows of a dimension when there are any, otherwise add up the finer rows, so nobody
is counted twice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import ibis.expr.types as ir

from careassure.measures.breakdowns import UNKNOWN, attach_group
from careassure.measures.catalogue import REPRESENTATION_GROUPS, breakdowns_of
from careassure.measures.context import Cells, Context, aggregate
from careassure.measures.outcome_catalogue import LTS, SAFEGUARDING
from careassure.measures.values import TWO_PLACES, Cell, rounded

CARE_ACT = "care_act_assessment"
PREFIX = f"{CARE_ACT}.representation."
SAFEGUARDING_PREFIX = f"{SAFEGUARDING}.representation."
LTS_PREFIX = f"{LTS}.representation."


def _rows_for(rows: Sequence[dict[str, Any]], column: str, value: str | None) -> list[dict]:
    """The population rows standing for ``column`` = ``value`` (None: the whole area)."""
    if value is None:
        totals = [r for r in rows if r[column] is None]
        return totals or list(rows)
    return [r for r in rows if r[column] == value]


def population_by_ethnicity(
    rows: Sequence[dict[str, Any]], *, locality: str | None = None, age_band: str | None = None
) -> Counter[str]:
    """Adults per ethnic group (unknown excluded) in a locality / age band (None: all), each
    group from its least detailed rows for that area."""
    counts: Counter[str] = Counter()
    for group in REPRESENTATION_GROUPS:
        own = [r for r in rows if r["ethnicity"] == group]
        chosen = _rows_for(_rows_for(own, "locality", locality), "age_band", age_band)
        if chosen:
            counts[group] = sum(int(r["count"]) for r in chosen)
    return counts


def representation(ctx: Context, wanted: set[str]) -> Cells:
    """People with a Care Act assessment completed in the period."""
    return _represented(ctx, wanted, PREFIX, _completed_in_period(ctx, CARE_ACT))


def safeguarding(ctx: Context, wanted: set[str]) -> Cells:
    """People with a safeguarding concern received in the period."""
    episodes = ctx.tables["episodes"]
    concerns = episodes.filter(episodes.kind == SAFEGUARDING)
    grid = ctx.grid
    units = concerns.join(grid, [concerns.received_date > grid.period_start,
                                 concerns.received_date <= grid.as_of])
    return _represented(ctx, wanted, SAFEGUARDING_PREFIX, units)


def long_term_support(ctx: Context, wanted: set[str]) -> Cells:
    """People in long-term support at D (a long-term service active on that day)."""
    services = ctx.tables["services"]
    lt = services.filter(services.support_type == "long_term")
    grid = ctx.grid
    units = lt.join(grid, [lt.start_date <= grid.as_of,
                           lt.end_date.isnull() | (lt.end_date > grid.as_of)])
    return _represented(ctx, wanted, LTS_PREFIX, units)


def _completed_in_period(ctx: Context, kind: str) -> ir.Table:
    episodes = ctx.tables["episodes"]
    done = episodes.filter((episodes.kind == kind) & episodes.completed_date.notnull())
    grid = ctx.grid
    return done.join(
        grid, [done.completed_date > grid.period_start, done.completed_date <= grid.as_of]
    )


def _represented(ctx: Context, wanted: set[str], prefix: str, joined: ir.Table) -> Cells:
    """The representation ratios of ``prefix``'s measures, from ``joined``: the rows (episodes
    or services) that put a person in the count at an ``as_of``."""
    groups = [g for g in REPRESENTATION_GROUPS if f"{prefix}{g}" in wanted]
    grouped = ctx.applies(breakdowns_of(f"{prefix}{REPRESENTATION_GROUPS[0]}"))
    units = joined.select("person_id", "as_of").distinct()  # people, not episodes
    people = ctx.tables["people"]
    people = people.select(e_person="person_id", ethnicity=people.ethnicity.fill_null(UNKNOWN))
    units = units.join(people, units.person_id == people.e_person).drop("e_person")
    units = units.filter(units.ethnicity.isin(REPRESENTATION_GROUPS))
    units = attach_group(units, ctx.by if grouped else None, ctx.tables)
    rows = aggregate(units, ["ethnicity"], {"n": lambda u: u.count()}, grouped=grouped)

    population = ctx.tables["population"].to_pyarrow().to_pylist()
    cells: Cells = {}
    for as_of, grp in ctx.keys(grouped):
        pop = population_by_ethnicity(
            population,
            locality=grp if grp is not None and ctx.by == "locality" else None,
            age_band=grp if grp is not None and ctx.by == "age_band" else None,
        )
        counted = {e: rows.get((as_of, e, grp), {}).get("n", 0) for e in REPRESENTATION_GROUPS}
        known, pop_known = sum(counted.values()), sum(pop.values())
        for group in groups:
            value = None
            if known and pop[group]:
                share = Fraction(counted[group], known)
                value = rounded(share / Fraction(pop[group], pop_known), TWO_PLACES)
            cells[(f"{prefix}{group}", as_of, grp)] = Cell(value, counted[group], known)
    return cells
