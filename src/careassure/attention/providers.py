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


def needs_attention(
    status: PlanStatus | None, evidence: Sequence[EvidenceView], today: date
) -> list[Attention]:
    """Every provider's items, ordered: what the page, "my actions" and the digest list.
    ``status`` is None when no plan is stored (evidence can still need attention)."""
    plan_items: list[Attention] = []
    if status is not None:
        plan_items = actions_past_due(status, today) + outcomes_slipping(status)
    return ordered(plan_items, evidence_going_stale(evidence, today))
