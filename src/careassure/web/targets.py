"""The targets the pages judge measure figures by, and the status with its reason they show.

Outside the plan a figure is judged against its standing target (the council's, else the plan's
whole-area outcome: :func:`careassure.plan.targets.standing_target`), so the overview, the
measures index, a measure page and its CSV agree with each other and never say "none set" while
the plan holds a target. The stored plan is read once per version of the plan (every change to
it writes an audit row in the same transaction, so the newest audit id names the version).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass

from fastapi import FastAPI

from careassure.measures import load_targets
from careassure.measures.statuses import reason, status_of
from careassure.plan.model import PlanSpec
from careassure.plan.targets import TargetInForce, standing_target, targets_in_force
from careassure.web.display import Shown

_lock = threading.Lock()


@dataclass(frozen=True)
class Judged:
    """A figure's status against its standing target, with the reason printed beside it."""

    status: str | None
    reason: str


def plan_version(app: FastAPI) -> int | None:
    """The newest audit id: it changes with every change to the plan."""
    from sqlalchemy import func, select

    from careassure.appdb import AuditEntry

    with app.state.engine.connect() as connection:
        return connection.scalar(select(func.max(AuditEntry.id)))


def stored_plan(app: FastAPI) -> tuple[int | None, PlanSpec | None]:
    """(version, the stored plan or None when there is none), read once per version."""
    from careassure.appdb import transaction
    from careassure.plan.model import PlanError
    from careassure.plan.service import load_plan

    version = plan_version(app)
    with _lock:
        kept: tuple[int | None, PlanSpec | None] | None = getattr(app.state, "plan_for_targets",
                                                                   None)
        if kept is not None and kept[0] == version:
            return kept
    try:
        with transaction(app.state.engine) as session:
            plan: PlanSpec | None = load_plan(session)
    except PlanError:
        plan = None
    with _lock:
        app.state.plan_for_targets = (version, plan)
    return version, plan


def standing(app: FastAPI, measure_id: str) -> TargetInForce | None:
    return standing_target(measure_id, load_targets(), stored_plan(app)[1])


def standing_all(app: FastAPI, measure_ids: Iterable[str]) -> dict[str, TargetInForce | None]:
    """:func:`standing` of several measures, the plan's version read once for all of them."""
    targets, plan = load_targets(), stored_plan(app)[1]
    return {m: standing_target(m, targets, plan) for m in measure_ids}


def all_targets(app: FastAPI, measure_id: str) -> list[TargetInForce]:
    return targets_in_force(measure_id, load_targets(), stored_plan(app)[1])


def judged(value: Shown | None, target: TargetInForce | None) -> Judged:
    """The status and reason of a figure as this reader sees it (a hidden figure: no data)."""
    if target is None:
        return Judged(None, reason(value, None))
    return Judged(status_of(value, target.target), reason(value, target.target, target.origin))


def target_words(target: TargetInForce | None) -> str:
    """ "at least 80% (improvement plan)", or "No target set" when none applies anywhere."""
    if target is None:
        return "No target set"
    return f"{target.words} ({target.origin})"
