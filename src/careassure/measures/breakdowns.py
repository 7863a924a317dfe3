"""Breakdown groups: the column a measure is split by, attached to each unit row as ``grp``.

Rules (docs/measures.md, "Breakdowns"):

* ``team`` is the episode's team, ``team_type`` that team's type from ``teams``;
* person columns come from ``people``; ``age_band`` is the age in whole years at the evaluation
  date D counting from the 1st of the birth month (born 2000-05 is 18 from 1 May 2018), banded
  0-17, 18-64, 65+;
* ``la_code`` is the person's council from ``cld_people`` (a CLD load of several councils);
* a NULL value (no team, no birth month, no locality...) is the group ``unknown``, so that every
  unit lands in exactly one group and the groups add up to the whole area.
"""

from __future__ import annotations

from datetime import date

import ibis
import ibis.expr.types as ir

from careassure.measures.catalogue import BREAKDOWNS, COUNCIL, PERSON_BREAKDOWNS

UNKNOWN = "unknown"
AGE_BANDS = ("0-17", "18-64", "65+")


def check_breakdown(by: str | None) -> None:
    if by is not None and by not in BREAKDOWNS:
        raise ValueError(f"cannot break down by {by!r}; choose one of {', '.join(BREAKDOWNS)}")


def age_in_months(birth_month: ir.StringValue, at: ir.DateValue) -> ir.IntegerValue:
    """Whole months of age at ``at`` from a ``YYYY-MM`` birth month, counting from the 1st of
    that month (NULL when the birth month is): age in whole years >= N <=> months >= 12 N."""
    born = birth_month.substr(0, 4).cast("int64") * 12 + birth_month.substr(5, 2).cast("int64")
    return at.year().cast("int64") * 12 + at.month().cast("int64") - born


def age_band(birth_month: ir.StringValue, at: ir.DateValue) -> ir.StringValue:
    """Age band at ``at`` from a ``YYYY-MM`` birth month (born on the 1st of that month)."""
    months = age_in_months(birth_month, at)
    # whole years = floor(months / 12); months < 18 * 12 <=> age < 18
    return ibis.cases(
        (birth_month.isnull(), UNKNOWN),
        (months < 18 * 12, AGE_BANDS[0]),
        (months < 65 * 12, AGE_BANDS[1]),
        else_=AGE_BANDS[2],
    )


def attach_group(
    units: ir.Table, by: str | None, tables: dict[str, ir.Table], *, at: str = "as_of"
) -> ir.Table:
    """``units`` with a ``grp`` column holding its breakdown group (units unchanged if no ``by``).

    ``units`` must have ``person_id`` for person breakdowns, ``team`` for team breakdowns, and the
    evaluation date column ``at`` for age bands.
    """
    if by is None:
        return units
    if by == "team":
        return units.mutate(grp=units.team.fill_null(UNKNOWN))
    if by == "team_type":
        teams = tables["teams"].select(g_team="team", g_type="team_type")
        joined = units.left_join(teams, units.team == teams.g_team)
        return joined.mutate(grp=joined.g_type.fill_null(UNKNOWN)).drop("g_team", "g_type")
    if by == COUNCIL:
        people = tables["cld_people"].select(g_person="person_id", g_value=COUNCIL)
    else:
        column = "birth_month" if by == "age_band" else by
        people = tables["people"].select(g_person="person_id", g_value=column)
    joined = units.left_join(people, units.person_id == people.g_person)
    if by == "age_band":
        grp = age_band(joined.g_value, joined[at])
    else:
        grp = joined.g_value.fill_null(UNKNOWN)
    return joined.mutate(grp=grp).drop("g_person", "g_value")


def group_universe(
    by: str, tables: dict[str, ir.Table], first_date: date
) -> list[str]:
    """Every group a breakdown can show, sorted: each appears for every date, with a zero count
    or a null statistic when empty, so a series by group has no holes."""
    if by == "team":
        teams = tables["teams"].select(grp="team")
        used = tables["episodes"].select(grp=tables["episodes"].team.fill_null(UNKNOWN))
        values = ibis.union(teams, used, distinct=True)
    elif by == "team_type":
        episodes = tables["episodes"]
        teams = tables["teams"]
        used = attach_group(episodes.select("team"), "team_type", tables).select("grp")
        values = ibis.union(teams.select(grp="team_type"), used, distinct=True)
    elif by == "age_band":
        people = tables["people"]
        stats = people.aggregate(
            youngest=people.birth_month.max(), unknown=people.birth_month.isnull().sum()
        ).to_pyarrow().to_pylist()[0]
        bands = list(AGE_BANDS[1:])
        youngest = stats["youngest"]
        if youngest is not None and _age_in_years(youngest, first_date) < 18:
            bands.insert(0, AGE_BANDS[0])
        if stats["unknown"]:
            bands.append(UNKNOWN)
        return sorted(bands)
    elif by == COUNCIL:
        # Every person's council, "unknown" for people no CLD load placed in one.
        people = tables["people"].select("person_id")
        councils = tables["cld_people"].select(g_person="person_id", g_value=COUNCIL)
        joined = people.left_join(councils, people.person_id == councils.g_person)
        values = joined.select(grp=joined.g_value.fill_null(UNKNOWN)).distinct()
    elif by in PERSON_BREAKDOWNS:
        people = tables["people"]
        values = people.select(grp=people[by].fill_null(UNKNOWN)).distinct()
    else:  # pragma: no cover - check_breakdown runs first
        raise ValueError(by)
    return sorted(r["grp"] for r in values.to_pyarrow().to_pylist())


def _age_in_years(birth_month: str, at: date) -> int:
    year, month = int(birth_month[:4]), int(birth_month[5:7])
    return (at.year * 12 + at.month - (year * 12 + month)) // 12


def team_types(tables: dict[str, ir.Table]) -> dict[str, str | None]:
    """Each team's type from ``teams`` (the nesting a reader can use to subtract teams from their
    team type: :func:`careassure.measures.publish.team_nesting`)."""
    teams = tables["teams"].select("team", "team_type").to_pyarrow().to_pylist()
    return {row["team"]: row["team_type"] for row in teams}
