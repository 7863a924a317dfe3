"""The records behind a figure: the episodes a waiting-list figure counts, for the staff allowed
to see person-level rows (who may is the web app's rule, not this module's).

The list comes from the same unit rows the measure family aggregates
(:func:`careassure.measures.queues.snapshot_units`) under the same filter and breakdown group,
so its length is the figure's count and its waits are the ones the median and maximum are taken
over (a percentage's list is its denominator, everyone waiting; the count over six months lists
those it counts). Only the waiting-list measures have such a list: they count episodes at a
date; the flow and rate measures are over periods and are not listed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from careassure.measures.breakdowns import attach_group
from careassure.measures.calendar import single_date
from careassure.measures.engine import QUEUE_SNAPSHOT, evaluation_context
from careassure.measures.filters import Filter
from careassure.measures.queues import S42, snapshot_units
from careassure.records.schema import QUEUE_KINDS

LISTED: frozenset[str] = frozenset(
    {f"{kind}.{name}" for kind in QUEUE_KINDS for name in QUEUE_SNAPSHOT}
    | {f"{S42}.open", f"{S42}.pct_open_over_6_weeks"}
)


@dataclass(frozen=True)
class WaitingRecord:
    """One episode in the queue at the date: pseudonymised person, team, dates, wait so far
    (days, or working days for financial assessments, as the measure counts them)."""

    person_id: str
    episode_id: str
    team: str | None
    received_date: date
    wait: int


def has_records(measure_id: str) -> bool:
    return measure_id in LISTED


def records_behind(
    backend: Any,
    measure_id: str,
    as_of: date,
    *,
    where: Filter | None = None,
    by: str | None = None,
    group: str | None = None,
) -> list[WaitingRecord]:
    """The episodes behind ``measure_id`` at ``as_of`` (in ``group`` of ``by`` when given),
    longest wait first."""
    if not has_records(measure_id):
        raise ValueError(f"{measure_id} has no list of records behind it")
    if (by is None) != (group is None):
        raise ValueError("a group needs its breakdown, and a breakdown its group")
    ctx = evaluation_context(backend, single_date(as_of), by, where)
    kind = measure_id.split(".", 1)[0]
    units = snapshot_units(ctx, (kind,))
    if measure_id.endswith(".over_6_months"):
        units = units.filter(units.old)
    if by is not None:
        units = attach_group(units, by, ctx.tables)
        units = units.filter(units.grp == group)
    rows = units.select("person_id", "episode_id", "team", "received_date", "wait")
    found = [WaitingRecord(**row) for row in rows.to_pyarrow().to_pylist()]
    return sorted(found, key=lambda r: (-r.wait, r.received_date, r.episode_id))
