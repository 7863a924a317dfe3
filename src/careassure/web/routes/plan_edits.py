"""Changing the plan's structure from its pages: who leads an action (the post the plan names and
the login allowed to update it), the month it is due, and a measured outcome's target.

Improvement managers and administrators only: a workstream lead updates their own actions'
progress (:mod:`careassure.web.routes.plan`) but does not move their own deadline or target.
Each change is one transaction with its audit row, through the row-locking service functions of
:mod:`careassure.plan.service`; a refused form is the item's page again with the error summary.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import Response

from careassure.appdb import transaction
from careassure.web import accounts
from careassure.web.auth import Allow
from careassure.web.forms import message, settle, uk_date
from careassure.web.roles import ROLE_NAMES
from careassure.web.routes.plan import (
    COMPARATOR_CHOICES,
    PLAN_EDITORS,
    PLAN_MANAGERS,
    _action_page,
    _find,
    _judged_or_404,
    _outcome_page,
)
from careassure.web.sessions import SignedIn

router = APIRouter()


def lead_choices(request: Request) -> list[dict[str, str]]:
    """Active accounts that may lead an action (value, text), by username."""
    with transaction(request.app.state.engine) as session:
        users = accounts.list_users(session)
    return [
        {"value": u.username, "text": f"{u.username} ({ROLE_NAMES[u.role]})"}
        for u in users
        if u.active and u.role in PLAN_EDITORS
    ]


def check_lead(request: Request, username: str) -> str | None:
    """Why ``username`` cannot lead an action, or None when it can ("" is no lead)."""
    if not username:
        return None
    if username not in {c["value"] for c in lead_choices(request)}:
        return "Choose an active account of a workstream lead, improvement manager or administrator"
    return None


def parse_month(text: str) -> date | None:
    """A due month typed as mm/yyyy (or yyyy-mm, as a month input sends), as its first day."""
    for pattern in ("%m/%Y", "%Y-%m"):
        try:
            parsed = datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
        return parsed.replace(day=1)
    return None


@router.post("/plan/{area_key}/{action_key}/lead")
def change_lead(
    request: Request,
    user: Annotated[SignedIn, Depends(Allow(PLAN_MANAGERS))],
    area_key: str,
    action_key: str,
    owner: str = Form(""),
    owner_account: str = Form(""),
    due: str = Form(""),
) -> Response:
    """The action's owner (a post), its lead's login and the month it is due."""
    from careassure.plan.model import PlanError
    from careassure.plan.service import update_action

    path = f"{area_key}/{action_key}"
    action = _find(_judged_or_404(request, user)[1], path)
    if action.path.count("/") != 1:
        raise HTTPException(status_code=404)
    form = {"owner": owner[:200], "owner_account": owner_account[:200], "due": due[:20]}
    errors: dict[str, str] = {}
    lead_problem = check_lead(request, owner_account)
    if lead_problem:
        errors["owner-account"] = lead_problem
    month = parse_month(due)
    if month is None:
        errors["due"] = "Enter the month the action is due as month and year, like 05/2026"
    def save() -> None:
        with transaction(request.app.state.engine) as session:
            update_action(session, user.username, path, owner=owner,
                          owner_account=owner_account, delivery_month=month)

    return settle(
        errors,
        lambda errors: _action_page(request, user, area_key, action_key, errors=errors,
                                    form=form),
        save, f"/plan/{path}?changed=lead", refused=PlanError, field="owner")


@router.post("/plan/{area_key}/{action_key}/{outcome_key}/target")
def change_target(
    request: Request,
    user: Annotated[SignedIn, Depends(Allow(PLAN_MANAGERS))],
    area_key: str,
    action_key: str,
    outcome_key: str,
    comparator: str = Form(""),
    target: str = Form(""),
    baseline: str = Form(""),
    measure: str = Form(""),
) -> Response:
    """A measured outcome's target (comparator and value), optionally its baseline date, and
    the measure it is judged on (a reported measure declared on the admin page among them)."""
    from careassure.plan.model import PlanError
    from careassure.plan.service import set_target

    path = f"{area_key}/{action_key}/{outcome_key}"
    outcome = _find(_judged_or_404(request, user)[1], path)
    if outcome.path.count("/") != 2 or outcome.spec.measured is None:
        raise HTTPException(status_code=404)
    form = {"comparator": comparator, "target": target[:30], "baseline": baseline[:20],
            "measure": measure[:120]}
    errors: dict[str, str] = {}
    measure_id = None
    if measure and measure != outcome.spec.measured.measure_id:
        from careassure.plan.model import check_measure

        try:
            check_measure(measure, outcome.spec.measured.breakdown, path)
            measure_id = measure
        except PlanError as exc:
            errors["measure"] = message(exc)
    if comparator not in dict(COMPARATOR_CHOICES):
        errors["comparator"] = "Choose how the value is compared with the target"
    try:
        value = float(target.strip().rstrip("%").replace(",", ""))
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        errors["target"] = "Enter the target as a number, like 14 or 85.5"
    baseline_on = uk_date(baseline) if baseline.strip() else None
    if baseline.strip() and baseline_on is None:
        errors["baseline"] = "Enter the baseline date as day, month and year, like 01/04/2025"
    def save() -> None:
        with transaction(request.app.state.engine) as session:
            set_target(session, user.username, path, comparator=comparator, target=value,
                       baseline_on=baseline_on, measure_id=measure_id)

    return settle(
        errors,
        lambda errors: _outcome_page(request, user, area_key, action_key, outcome_key,
                                     errors=errors, form=form),
        save, f"/plan/{path}?changed=target", refused=PlanError, field="target")
