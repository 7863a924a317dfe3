""""Needs attention" (for staff) and "My actions" (for whoever leads plan actions): one list of
items from :func:`careassure.attention.providers.needs_attention`, the same list the e-mail
digest sends, read here in the reader's form of the plan (the viewer has neither page).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from careassure.appdb import transaction
from careassure.web.auth import Allow
from careassure.web.roles import STAFF
from careassure.web.routes.plan import PLAN_EDITORS, judged_plan
from careassure.web.sessions import SignedIn
from careassure.web.templating import render

router = APIRouter()


def _items(request: Request, user: SignedIn) -> tuple[Any, list[Any]]:
    """(the judged plan or None when no single plan is stored, every item needing attention)."""
    from careassure.attention.providers import needs_attention, values_due
    from careassure.framework.evidence import list_evidence
    from careassure.measures.reported import due_values, reported_measures
    from careassure.plan.model import PlanError
    from careassure.reported.service import current_values

    today = date.today()
    try:
        _, status = judged_plan(request, user)
    except PlanError:
        status = None
    with transaction(request.app.state.engine) as session:
        evidence = list_evidence(session, today)
        declared = reported_measures()
        due = values_due(declared, due_values(declared, current_values(session), today))
    return status, needs_attention(status, evidence, today, due)


def _grouped(items: list[Any]) -> list[tuple[str, list[Any]]]:
    groups: dict[str, list[Any]] = {}
    for item in items:
        groups.setdefault(item.heading, []).append(item)
    return list(groups.items())


@router.get("/attention")
def needs_attention_page(
    request: Request, user: Annotated[SignedIn, Depends(Allow(STAFF))]
) -> Response:
    status, items = _items(request, user)
    return render(
        request,
        "attention.html",
        {"groups": _grouped(items), "total": len(items), "status": status,
         "may_lead": user.role in PLAN_EDITORS},
    )


@router.get("/my-actions")
def my_actions(
    request: Request, user: Annotated[SignedIn, Depends(Allow(PLAN_EDITORS))]
) -> Response:
    from careassure.attention.items import owned_by

    status, items = _items(request, user)
    actions = [] if status is None else [
        a for a in status.actions() if a.spec.owner_account == user.username
    ]
    return render(
        request,
        "my_actions.html",
        {"actions": actions, "groups": _grouped(owned_by(items, user.username)),
         "status": status},
    )
