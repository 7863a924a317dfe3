"""Administration: the audit trail and the accounts (admin only).

Forms follow the pattern every state-changing page uses: POST with the CSRF field first, the
change and its audit row in one transaction, then a redirect (303) to a GET page, so reloading
never repeats the change. A refused change shows the form again with the reason.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import func, select

from careassure.appdb import AuditEntry, transaction
from careassure.web import accounts, display
from careassure.web.auth import Allow
from careassure.web.forms import error_context, settle
from careassure.web.roles import ADMINS, ROLE_NAMES, ROLES
from careassure.web.routes.plan import PLAN_EDITORS
from careassure.web.sessions import SignedIn
from careassure.web.templating import render

router = APIRouter()
PAGE_SIZE = 50


@router.get("/audit")
def audit_trail(
    request: Request,
    user: Annotated[SignedIn, Depends(Allow(ADMINS))],
    page: int = 1,
    entity_type: str = "",
    actor: str = "",
) -> Response:
    if page < 1:
        raise HTTPException(status_code=400, detail="The page number must be 1 or more.")
    query = select(AuditEntry)
    count = select(func.count()).select_from(AuditEntry)
    if entity_type:
        query = query.where(AuditEntry.entity_type == entity_type)
        count = count.where(AuditEntry.entity_type == entity_type)
    if actor:
        query = query.where(AuditEntry.actor == actor)
        count = count.where(AuditEntry.actor == actor)
    with transaction(request.app.state.engine) as session:
        total = session.scalar(count) or 0
        rows = list(
            session.scalars(
                query.order_by(AuditEntry.id.desc()).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
            )
        )
        types = list(
            session.scalars(
                select(AuditEntry.entity_type).distinct().order_by(AuditEntry.entity_type)
            )
        )
    pages = max(1, -(-total // PAGE_SIZE))
    return render(
        request,
        "audit.html",
        {
            "rows": [_entry(r) for r in rows],
            "page": page,
            "pages": pages,
            "total": total,
            "entity_type": entity_type,
            "actor": actor,
            "types": [{"value": "", "text": "Everything", "selected": not entity_type}]
            + [{"value": t, "text": t, "selected": t == entity_type} for t in types],
        },
    )


def _entry(row: AuditEntry) -> dict[str, Any]:
    """An audit row with its before/after as the fields that changed."""
    before, after = row.before or {}, row.after or {}
    keys = list(dict.fromkeys([*before, *after]))
    if row.action == "update":
        keys = [k for k in keys if before.get(k) != after.get(k)]
    entity_id = row.entity_id if len(row.entity_id) <= 16 else row.entity_id[:12] + "…"
    return {
        "row": row,
        "entity_id": entity_id,
        "changes": [
            (
                k,
                _text(before.get(k)) if k in before else "",
                _text(after.get(k)) if k in after else "",
            )
            for k in keys
        ],
    }


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2})?")


def _text(value: Any) -> str:
    """A snapshot value as the page shows it: dates and times UK style (snapshots keep ISO)."""
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return "; ".join(_text(v) for v in value) or "(none)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        return display.uk_date(date.fromisoformat(value))
    if isinstance(value, str) and ISO_MOMENT.fullmatch(value):
        return display.uk_datetime(datetime.fromisoformat(value))
    return str(value)


def _users_page(
    request: Request, context: dict[str, Any] | None = None, status_code: int = 200
) -> Response:
    with transaction(request.app.state.engine) as session:
        users = accounts.list_users(session)
    plan_actions = _plan_actions(request)
    return render(
        request,
        "users.html",
        {
            "users": users,
            "plan_actions": plan_actions,
            "action_items": [
                {"value": a["path"], "text": f"{a['area']}: {a['title']}"} for a in plan_actions
            ],
            "lead_items": [
                {"value": u.username, "text": f"{u.username} ({ROLE_NAMES[u.role]})"}
                for u in users if u.active and u.role in PLAN_EDITORS
            ],
            "role_items": [{"value": r, "text": ROLE_NAMES[r]} for r in ROLES],
            "user_items": [{"value": u.username, "text": u.username} for u in users],
            "changed": request.query_params.get("changed", ""),
            # its own parameter: "changed" names an account, and an account may be called "lead"
            "lead_saved": request.query_params.get("lead") == "saved",
            "form": {"username": "", "role": ""},
            "lead_form": {"action": "", "account": ""},
            **error_context(None),
            **(context or {}),
        },
        status_code=status_code,
    )


def _plan_actions(request: Request) -> list[dict[str, Any]]:
    """Every action of the stored plan with its owner and lead (none when no single plan)."""
    from careassure.plan.model import PlanError
    from careassure.plan.service import load_plan

    try:
        with transaction(request.app.state.engine) as session:
            plan = load_plan(session)
    except PlanError:
        return []
    return [
        {"path": f"{area.key}/{action.key}", "title": action.title, "area": area.title,
         "owner": action.owner, "lead": action.owner_account}
        for area in plan.areas
        for action in area.actions
    ]


@router.get("/admin/users")
def users_page(request: Request, user: Annotated[SignedIn, Depends(Allow(ADMINS))]) -> Response:
    return _users_page(request)


@router.post("/admin/users")
def add_user(
    request: Request,
    user: Annotated[SignedIn, Depends(Allow(ADMINS))],
    username: str = Form(""),
    role: str = Form(""),
    password: str = Form(""),
) -> Response:
    def save() -> str:
        with transaction(request.app.state.engine) as session:
            return accounts.create_user(session, user.username, username, role,
                                        password).username

    def field(exc: Exception) -> str:
        return "role" if "Role" in str(exc) else "password" if "Password" in str(exc) \
            else "username"

    return settle({}, lambda errors: _users_page(request, error_context(errors) | {
                      "form": {"username": username[:60], "role": role}}),
                  save, lambda created: f"/admin/users?changed={created}",
                  refused=accounts.AccountError, field=field, words=str)


@router.post("/admin/users/{username}")
def change_user(
    request: Request,
    user: Annotated[SignedIn, Depends(Allow(ADMINS))],
    username: str,
    role: str = Form(""),
    active: str = Form(""),
    password: str = Form(""),
) -> Response:
    """One account's role, active flag or new password (whichever fields the form sends)."""
    if active not in ("", "yes", "no"):
        raise HTTPException(status_code=400, detail="Active must be yes or no.")
    def save() -> None:
        with transaction(request.app.state.engine) as session:
            if accounts.get_user(session, username) is None:
                raise HTTPException(status_code=404)
            accounts.update_user(
                session,
                user.username,
                username,
                role=role or None,
                active={"yes": True, "no": False}.get(active),
                password=password or None,
            )

    return settle({}, lambda errors: _users_page(request, error_context(errors)), save,
                  f"/admin/users?changed={username}", refused=accounts.AccountError,
                  field=f"user-{username}", words=str)


@router.post("/admin/passwords")
def reset_password(
    request: Request,
    user: Annotated[SignedIn, Depends(Allow(ADMINS))],
    username: str = Form(""),
    password: str = Form(""),
) -> Response:
    """Set a new password for an account (its sessions end)."""
    def save() -> None:
        with transaction(request.app.state.engine) as session:
            if not username or accounts.get_user(session, username) is None:
                raise accounts.AccountError("Choose an account")
            accounts.update_user(session, user.username, username, password=password)

    return settle({}, lambda errors: _users_page(request, error_context(errors)), save,
                  f"/admin/users?changed={username}", refused=accounts.AccountError,
                  field=lambda exc: "reset-password" if "Password" in str(exc)
                  else "reset-username", words=str)


@router.post("/admin/leads")
def assign_lead(
    request: Request,
    user: Annotated[SignedIn, Depends(Allow(ADMINS))],
    action: str = Form(""),
    account: str = Form(""),
) -> Response:
    """Make an account the workstream lead of a plan action (or leave the action without one)."""
    from careassure.plan.model import PlanError
    from careassure.plan.service import update_action
    from careassure.web.routes.plan_edits import check_lead

    errors: dict[str, str] = {}
    if action not in {a["path"] for a in _plan_actions(request)}:
        errors["lead-action"] = "Choose an action of the plan"
    problem = check_lead(request, account)
    if problem:
        errors["lead-account"] = problem
    def save() -> None:
        with transaction(request.app.state.engine) as session:
            update_action(session, user.username, action, owner_account=account)

    return settle(errors, lambda errors: _users_page(request, error_context(errors) | {
                      "lead_form": {"action": action, "account": account}}),
                  save, "/admin/users?lead=saved#leads", refused=PlanError,
                  field="lead-action", words=str)
