"""Data quality: the share of optional cells left empty in the loaded people and episodes.

The checked columns are those whose NULL means "not recorded" (catalogue.DATA_QUALITY_COLUMNS):
``subtype`` only where the kind takes one, ``outcome`` only once an episode has ended, and the
event dates never (an empty completed_date means "not completed yet"). The figure describes the
load, not a date: every evaluation date gets the same value.
"""

from __future__ import annotations

from careassure.measures.catalogue import DATA_QUALITY_COLUMNS
from careassure.measures.context import Cells, Context, count_if
from careassure.measures.values import percent_cell
from careassure.records.schema import EPISODE_SUBTYPES

OVERALL = "data_quality.pct_missing"


def missing(ctx: Context, wanted: set[str]) -> Cells:
    people, episodes = ctx.tables["people"], ctx.tables["episodes"]
    person_columns = [c for t, c in DATA_QUALITY_COLUMNS if t == "people"]
    person_counts = people.aggregate(
        **{f"people.{c}.cells": people.count() for c in person_columns},
        **{f"people.{c}.null": people.count() - people[c].count() for c in person_columns},
    )
    typed = episodes.kind.isin(list(EPISODE_SUBTYPES))
    ended = episodes.completed_date.notnull() | episodes.closed_date.notnull()
    episode_counts = episodes.aggregate(
        **{
            "episodes.team.cells": episodes.count(),
            "episodes.team.null": episodes.count() - episodes.team.count(),
            "episodes.subtype.cells": count_if(typed),
            "episodes.subtype.null": count_if(typed & episodes.subtype.isnull()),
            "episodes.outcome.cells": count_if(ended),
            "episodes.outcome.null": count_if(ended & episodes.outcome.isnull()),
        }
    )
    counts = person_counts.cross_join(episode_counts).to_pyarrow().to_pylist()[0]
    found = {
        f"{OVERALL}.{t}.{c}": percent_cell(counts[f"{t}.{c}.null"], counts[f"{t}.{c}.cells"])
        for t, c in DATA_QUALITY_COLUMNS
    }
    found[OVERALL] = percent_cell(
        sum(counts[f"{t}.{c}.null"] or 0 for t, c in DATA_QUALITY_COLUMNS),
        sum(counts[f"{t}.{c}.cells"] or 0 for t, c in DATA_QUALITY_COLUMNS),
    )
    return {
        (m, as_of, grp): cell
        for as_of, grp in ctx.keys(False)
        for m, cell in found.items()
        if m in wanted
    }
