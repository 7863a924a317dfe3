"""Filters: a measure computed for part of the area (one team, the rural localities, people aged
65+) by the same engine and the same definitions as the whole-area figure.

A filter keeps the record rows in its groups before any measure family sees them, so every
family, on DuckDB and on Spark alike, computes the filtered figure exactly as it computes the
whole area's. The dimensions are the breakdown columns (docs/measures.md, "Breakdowns") with the
same group rules (a NULL value is the group ``unknown``), and a measure can be filtered by a
dimension only when it can be broken down by it (:func:`filterable`): the call statistics have no
person, so they cannot be filtered by anything; representation has no ethnicity filter.

Rows kept (docs/measures.md, "Filters"):

* person dimensions keep the people in the chosen groups, and the episodes, services and CLD
  rows of those people; ``age_band`` is the age at the filter's date (the as-of date of the page);
* ``team`` and ``team_type`` keep the episodes of the chosen teams (the teams table too, so a
  breakdown by team lists only those teams);
* the population table (for representation) keeps the rows of the chosen localities and age
  bands.

Several groups in one dimension are alternatives ("Team A or Team B"); dimensions combine with
"and".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import ibis
import ibis.expr.types as ir

from careassure.measures.breakdowns import UNKNOWN, age_band
from careassure.measures.catalogue import BREAKDOWNS, COUNCIL, PERSON_BREAKDOWNS, breakdowns_of

# What a filter can keep: every breakdown but the council. A store of several councils is
# evaluated one council at a time with ``compute(..., council=...)`` (the tables are cut to that
# council's people before anything else), so a council is never a filter that could be ignored.
DIMENSIONS: tuple[str, ...] = tuple(d for d in BREAKDOWNS if d != COUNCIL)

PERSON_TABLES = ("episodes", "services", "cld_events", "cld_people")


@dataclass(frozen=True)
class Filter:
    """The chosen groups per dimension (``(("team", ("Team A",)), ...)``, sorted, so equal
    filters compare and hash equal and can key a cache) and the date age bands are taken at."""

    groups: tuple[tuple[str, tuple[str, ...]], ...] = ()
    at: date | None = None
    _by_dimension: dict[str, tuple[str, ...]] = field(
        init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        chosen = dict(self.groups)
        unknown = [d for d in chosen if d not in DIMENSIONS]
        if unknown:
            raise ValueError(
                f"cannot filter by {', '.join(unknown)}; choose from {', '.join(DIMENSIONS)}"
            )
        if "age_band" in chosen and self.at is None:
            raise ValueError("an age band filter needs the date the age is taken at")
        object.__setattr__(self, "_by_dimension", {d: g for d, g in chosen.items() if g})

    @classmethod
    def of(cls, chosen: Mapping[str, Sequence[str]], at: date | None = None) -> Filter:
        """A filter from ``{dimension: groups}`` (empty lists ignored), in canonical order."""
        unknown = sorted(d for d in chosen if d not in DIMENSIONS)
        if unknown:
            raise ValueError(
                f"cannot filter by {', '.join(unknown)}; choose from {', '.join(DIMENSIONS)}"
            )
        groups = tuple(
            (d, tuple(sorted(set(chosen[d])))) for d in DIMENSIONS if chosen.get(d)
        )
        return cls(groups, at if any(d == "age_band" for d, _ in groups) else None)

    @property
    def dimensions(self) -> frozenset[str]:
        return frozenset(self._by_dimension)

    def chosen(self, dimension: str) -> tuple[str, ...]:
        return self._by_dimension.get(dimension, ())

    def __bool__(self) -> bool:
        return bool(self._by_dimension)


def filterable(measure_id: str, where: Filter | None) -> bool:
    """Whether ``measure_id`` can be computed under ``where`` (every filtered dimension is one it
    can be broken down by)."""
    return not where or where.dimensions <= breakdowns_of(measure_id)


def _value(column: ir.StringValue) -> ir.StringValue:
    return column.fill_null(UNKNOWN)


def apply(tables: dict[str, Any], where: Filter) -> dict[str, Any]:
    """The record tables with only the rows ``where`` keeps (``tables`` itself when empty)."""
    if not where:
        return tables
    kept: dict[str, Any] = {}
    people = tables["people"]
    person_dims = [d for d in PERSON_BREAKDOWNS if where.chosen(d)]
    for dimension in person_dims:
        if dimension == "age_band":
            assert where.at is not None  # checked when the filter was made
            band = age_band(people.birth_month, ibis.literal(where.at))
            people = people.filter(band.isin(where.chosen(dimension)))
        else:
            people = people.filter(_value(people[dimension]).isin(where.chosen(dimension)))
    teams = tables["teams"]
    if where.chosen("team"):
        teams = teams.filter(teams.team.isin(where.chosen("team")))
    if where.chosen("team_type"):
        teams = teams.filter(_value(teams.team_type).isin(where.chosen("team_type")))
    kept["people"] = people
    kept["teams"] = teams
    ids = people.select(f_person="person_id")
    for name in PERSON_TABLES:
        table = tables[name]
        if person_dims:
            table = table.semi_join(ids, table.person_id == ids.f_person)
        kept[name] = table
    episodes = kept["episodes"]
    if where.chosen("team"):
        episodes = episodes.filter(_value(episodes.team).isin(where.chosen("team")))
    if where.chosen("team_type"):
        # An episode with no team (or a team missing from the teams table) has the type unknown.
        all_teams = tables["teams"].select(f_team="team", f_type="team_type")
        joined = episodes.left_join(all_teams, episodes.team == all_teams.f_team)
        joined = joined.filter(_value(joined.f_type).isin(where.chosen("team_type")))
        episodes = joined.drop("f_team", "f_type")
    kept["episodes"] = episodes
    population = tables["population"]
    if where.chosen("locality"):
        population = population.filter(population.locality.isin(where.chosen("locality")))
    if where.chosen("age_band"):
        population = population.filter(population.age_band.isin(where.chosen("age_band")))
    kept["population"] = population
    return _Kept(tables, kept)


class _Kept(dict):
    """The filtered tables, falling back to the unfiltered ones the filter does not touch
    (contacts), looked up lazily as the engine's tables are."""

    def __init__(self, tables: dict[str, Any], kept: dict[str, Any]) -> None:
        super().__init__(kept)
        self.tables = tables

    def __missing__(self, name: str) -> Any:
        return self.tables[name]
