"""The providers of "needs attention": each turns one kind of problem into :class:`Attention`
items, from plain data (a judged plan, the evidence list), so each is tested without a database.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

from careassure.attention.items import Attention, ordered
from careassure.measures.statuses import NOT_MET, OFF_TRACK, OVERDUE

if TYPE_CHECKING:  # the evidence module holds SQLAlchemy code; its view is plain data
    from careassure.framework.evidence import EvidenceView
    from careassure.measures.reported import DueValue, ReportedMeasure
    from careassure.plan.status import PlanStatus

# RAG statuses that mean an outcome is slipping: it will not be met by its due date as things
# stand (off track, not met, or overdue). "Improving" and "due" are on their way.
SLIPPING = (OFF_TRACK, NOT_MET, OVERDUE)
# How far ahead an evidence item's review date counts as "due soon".
REVIEW_WARNING_DAYS = 30


def outcomes_slipping(status: PlanStatus) -> list[Attention]:
    """Outcomes whose RAG (an override included) is off track, not met or overdue."""
    items = []
    for action in status.actions():
        for outcome in action.outcomes:
            if outcome.rag.status in SLIPPING:
                items.append(
                    Attention(
                        "outcome_slipping",
                        outcome.spec.text,
                        outcome.rag.reason,
                        f"/plan/{outcome.path}",
                        action.spec.owner_account,
                        action.spec.due,
                    )
                )
    return items


def actions_past_due(status: PlanStatus, today: date) -> list[Attention]:
    """Actions not complete whose delivery month ended before ``today``."""
    return [
        Attention(
            "action_past_due",
            action.spec.title,
            f"due by {action.spec.due:%d/%m/%Y}, "
            f"{action.spec.status.replace('_', ' ')}",
            f"/plan/{action.path}",
            action.spec.owner_account,
            action.spec.due,
        )
        for action in status.actions()
        if action.spec.status != "complete" and action.spec.due < today
    ]


def evidence_going_stale(
    evidence: Sequence[EvidenceView], today: date, within_days: int = REVIEW_WARNING_DAYS
) -> list[Attention]:
    """Evidence past its review-by date (stale: it no longer counts), and evidence whose review
    falls within ``within_days``, so it can be reviewed before it stops counting."""
    soon = today + timedelta(days=within_days)
    items = []
    for item in evidence:
        if item.review_by is None or item.review_by > soon:
            continue
        if item.stale:
            kind, reason = "evidence_stale", f"review was due {item.review_by:%d/%m/%Y}"
        else:
            kind, reason = "evidence_due", f"review due by {item.review_by:%d/%m/%Y}"
        items.append(
            Attention(kind, item.title, f"{reason}; owner {item.owner}",
                      f"/cqc/evidence/{item.id}", None, item.review_by)
        )
    return items


def values_due(measures: Sequence[ReportedMeasure], due: Sequence[DueValue]) -> list[Attention]:
    """Reported values whose period has ended and whose due date has passed with nothing entered
    (:func:`careassure.measures.reported.due_values`): a plan outcome judged on that measure
    goes on showing an older period until someone enters it. The owner is a team or post, not a
    login, so the item is named in the reason and belongs to nobody's "my actions"."""
    titles = {m.id: m.title for m in measures}
    return [
        Attention("value_due", titles.get(d.measure_id, d.measure_id),
                  f"the value for the period ending {d.period_end:%d/%m/%Y} was due "
                  f"{d.due_on:%d/%m/%Y}; owner {d.owner}",
                  f"/reported/{d.measure_id}", None, d.due_on)
        for d in due
    ]


def needs_attention(
    status: PlanStatus | None,
    evidence: Sequence[EvidenceView],
    today: date,
    due: Sequence[Attention] = (),
) -> list[Attention]:
    """Every provider's items, ordered: what the page, "my actions" and the digest list.
    ``status`` is None when no plan is stored (evidence can still need attention); ``due`` is
    :func:`values_due`'s list, made by the caller that can read the entered values."""
    plan_items: list[Attention] = []
    if status is not None:
        plan_items = actions_past_due(status, today) + outcomes_slipping(status)
    return ordered(plan_items, evidence_going_stale(evidence, today), due)
