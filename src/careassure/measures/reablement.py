"""Reablement outcomes: of the reablement that ended 91 days before the period, how many people
were still at home, and how many needed no long-term support afterwards.

Both measures follow the same cohort: the reablement episodes whose 91-day follow-up day
(``completed_date`` + 91 days) falls in the period (P1, P2]. Taking the cohort by follow-up day
rather than by end date means every outcome in a figure was knowable at D, so the latest period
is not short of the episodes whose 91 days have not yet passed.

* **Still at home** reads the episode's recorded outcome (``at_home_91_days``); episodes without
  an outcome are left out.
* **No further long-term support** reads the services: no long-term service of the person starts
  on or after the reablement's ``received_date`` and on or before its follow-up day. Support that
  was already running before reablement began does not count against it.
"""

from __future__ import annotations

from careassure.measures.breakdowns import attach_group
from careassure.measures.context import Cells, Context, aggregate, count_if
from careassure.measures.outcome_catalogue import (
    AT_HOME_OUTCOME,
    FOLLOW_UP_DAYS,
    REABLEMENT_AT_HOME,
    REABLEMENT_NO_LTS,
)
from careassure.measures.values import percent_cell

REABLEMENT = "reablement"
MEASURES = (REABLEMENT_AT_HOME, REABLEMENT_NO_LTS)


def outcomes(ctx: Context, wanted: set[str]) -> Cells:
    episodes = ctx.tables["episodes"]
    ep = episodes.filter((episodes.kind == REABLEMENT) & episodes.completed_date.notnull())
    ep = ep.select("episode_id", "person_id", "team", "received_date", "completed_date",
                   "outcome")
    services = ctx.tables["services"]
    lt = services.filter(services.support_type == "long_term").select(
        s_person="person_id", s_start="start_date"
    )
    followed = ep.join(lt, [
        ep.person_id == lt.s_person,
        lt.s_start >= ep.received_date,
        lt.s_start.delta(ep.completed_date, unit="day") <= FOLLOW_UP_DAYS,
    ]).select(f_episode="episode_id").distinct()
    ep = ep.left_join(followed, ep.episode_id == followed.f_episode)
    ep = ep.mutate(to_lts=ep.f_episode.notnull()).drop("f_episode")
    grid = ctx.grid
    # follow-up day = completed + 91 in (P1, P2]
    units = ep.join(grid, [
        grid.as_of.delta(ep.completed_date, unit="day") >= FOLLOW_UP_DAYS,
        ep.completed_date.delta(grid.period_start, unit="day") > -FOLLOW_UP_DAYS,
    ])
    units = units.select(
        "person_id", "team", "as_of", "to_lts",
        known=units.outcome.notnull(),
        at_home=(units.outcome == AT_HOME_OUTCOME).fill_null(False),
    )
    units = attach_group(units, ctx.by, ctx.tables)
    rows = aggregate(
        units,
        [],
        {
            "n": lambda u: u.count(),
            "known": lambda u: count_if(u.known),
            "at_home": lambda u: count_if(u.at_home),
            "no_lts": lambda u: count_if(~u.to_lts),
        },
        grouped=ctx.by is not None,
    )
    cells: Cells = {}
    for as_of, grp in ctx.keys(ctx.by is not None):
        row = rows.get((as_of, grp), {})
        found = {
            REABLEMENT_AT_HOME: percent_cell(row.get("at_home"), row.get("known")),
            REABLEMENT_NO_LTS: percent_cell(row.get("no_lts"), row.get("n")),
        }
        cells.update(((m, as_of, grp), c) for m, c in found.items() if m in wanted)
    return cells
