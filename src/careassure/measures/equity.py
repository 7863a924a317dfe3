"""Representation: is each ethnic group's share of Care Act assessments in line with its share
of the adult population?

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

from careassure.measures.breakdowns import UNKNOWN, attach_group
from careassure.measures.catalogue import REPRESENTATION_GROUPS, breakdowns_of
from careassure.measures.context import Cells, Context, aggregate
from careassure.measures.values import TWO_PLACES, Cell, rounded

CARE_ACT = "care_act_assessment"
PREFIX = f"{CARE_ACT}.representation."


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
    groups = [g for g in REPRESENTATION_GROUPS if f"{PREFIX}{g}" in wanted]
    grouped = ctx.applies(breakdowns_of(f"{PREFIX}{REPRESENTATION_GROUPS[0]}"))
    episodes = ctx.tables["episodes"]
    done = episodes.filter((episodes.kind == CARE_ACT) & episodes.completed_date.notnull())
    grid = ctx.grid
    units = done.join(
        grid, [done.completed_date > grid.period_start, done.completed_date <= grid.as_of]
    )
    units = units.select("person_id", "as_of").distinct()  # people, not assessments
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
        assessed = {e: rows.get((as_of, e, grp), {}).get("n", 0) for e in REPRESENTATION_GROUPS}
        known, pop_known = sum(assessed.values()), sum(pop.values())
        for group in groups:
            value = None
            if known and pop[group]:
                share = Fraction(assessed[group], known)
                value = rounded(share / Fraction(pop[group], pop_known), TWO_PLACES)
            cells[(f"{PREFIX}{group}", as_of, grp)] = Cell(value, assessed[group], known)
    return cells
