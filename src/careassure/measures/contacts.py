"""Call handling at the customer service centre, over the calls received in the period.

Calls are counted per day first (a few thousand rows however many calls), then the days are
joined to the date grid, so a weekly series costs about the same as a single period.
A call's day is the calendar date of ``received_at`` as stored (local time, no time zone).
"""

from __future__ import annotations

from careassure.measures.context import Cells, Context, aggregate, count_if
from careassure.measures.values import mean_cell, percent_cell


def calls(ctx: Context, wanted: set[str]) -> Cells:
    contacts = ctx.tables["contacts"]
    days = contacts.group_by(day=contacts.received_at.date()).aggregate(
        calls=contacts.count(),
        answered=count_if(contacts.answered),
        seconds=contacts.queue_seconds.sum(),
        timed=contacts.queue_seconds.count(),
    )
    grid = ctx.grid
    units = days.join(grid, [days.day > grid.period_start, days.day <= grid.as_of])
    rows = aggregate(
        units,
        [],
        {
            "calls": lambda u: u.calls.sum(),
            "answered": lambda u: u.answered.sum(),
            "seconds": lambda u: u.seconds.sum(),
            "timed": lambda u: u.timed.sum(),
        },
        grouped=False,
    )
    cells: Cells = {}
    for as_of, grp in ctx.keys(False):
        row = rows.get((as_of, grp), {})
        found = {
            "contacts.pct_answered": percent_cell(row.get("answered"), row.get("calls")),
            "contacts.mean_queue_seconds": mean_cell(row.get("seconds"), row.get("timed")),
        }
        cells.update(((m, as_of, grp), c) for m, c in found.items() if m in wanted)
    return cells
