"""The improvement plan as the reports read it: the stored plan, judged by the plan's own live
evaluation (:func:`careassure.plan.live.plan_status`) at the report date, over the report's open
store, so the RAG, its reasons and the figures quoted beside them come from one computation."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from careassure.reports.readings import Readings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from careassure.plan.model import ProgressSpec
    from careassure.plan.status import ActionStatus, PlanStatus


def load_plan_status(session: Session, readings: Readings, *, publish: bool) -> PlanStatus:
    """The only stored plan judged at the readings' date (PlanError says how to import one
    when none is stored)."""
    from careassure.plan.live import plan_status
    from careassure.plan.service import load_plan

    return plan_status(load_plan(session), readings.as_of, backend=readings.store,
                       publish=publish, reported=readings.reported)


def latest_progress(action: ActionStatus, as_of: date) -> ProgressSpec | None:
    """The last progress update written on or before the report date (a report dated in the
    past quotes what had been written by then)."""
    written = [p for p in action.spec.progress if p.written_on <= as_of]
    return max(written, key=lambda p: p.written_on) if written else None
