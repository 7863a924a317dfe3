"""The risk register: every risk to delivering the plan, scored likelihood x impact, with its
mitigation, owner and whether it is open; improvement managers add, re-score, mitigate and close
risks here. Everyone reads it (risks hold no figures). Each change is one transaction with its
audit row (:func:`careassure.plan.service.set_risk`), then a 303 to the risk's page.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from careassure.appdb import transaction
from careassure.web.auth import Allow
from careassure.web.forms import error_context, message, whole_number
from careassure.web.roles import EVERYONE
from careassure.web.routes.plan import PLAN_MANAGERS
from careassure.web.sessions import SignedIn
from careassure.web.templating import render

router = APIRouter()
SCORES = tuple(range(1, 6))
STATUS_CHOICES = (("open", "Open"), ("closed", "Closed"))


def _plan(request: Request) -> Any:
    from careassure.plan.model import PlanError
    from careassure.plan.service import load_plan

    try:
        with transaction(request.app.state.engine) as session:
            return load_plan(session)
    except PlanError as exc:
        raise HTTPException(status_code=404) from exc


def _checked(
    description: str, likelihood: str, impact: str, mitigation: str
) -> tuple[dict[str, str], int | None, int | None]:
    """The form's errors by field id, and the two scores when they are valid."""
    errors: dict[str, str] = {}
    if not description.strip():
        errors["description"] = "Enter a description of the risk"
    score_l = whole_number(likelihood, 1, 5)
    if score_l is None:
        errors["likelihood"] = "Choose the likelihood, from 1 (rare) to 5 (almost certain)"
    score_i = whole_number(impact, 1, 5)
    if score_i is None:
        errors["impact"] = "Choose the impact, from 1 (negligible) to 5 (severe)"
    if not mitigation.strip():
        errors["mitigation"] = "Enter how the risk is being mitigated"
    return errors, score_l, score_i


def _field(exc: Exception) -> str:
    """The form field a service error is about (its message names it)."""
    text = str(exc)
    for name in ("likelihood", "impact", "mitigation", "owner", "area"):
        if f": {name}" in text or f" {name} " in text:
            return name
    return "description"


def _register(
    request: Request, user: SignedIn, *, errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None, status_code: int = 200,
) -> Response:
    plan = _plan(request)
    risks = sorted(plan.risks, key=lambda r: (r.status != "open", -r.score, r.key))
    areas = {a.key: a.title for a in plan.areas}
    return render(
        request,
        "risks.html",
        {
            "plan": plan,
            "risks": risks,
            "areas": areas,
            "scores": SCORES,
            "may_manage": user.role in PLAN_MANAGERS,
            "form": form or {},
            "changed": request.query_params.get("changed", ""),
        }
        | error_context(errors),
        status_code=status_code,
    )


@router.get("/risks")
def risk_register(
    request: Request, user: Annotated[SignedIn, Depends(Allow(EVERYONE))]
) -> Response:
    return _register(request, user)


@router.post("/risks")
def add_risk(
    request: Request,
    user: Annotated[SignedIn, Depends(Allow(PLAN_MANAGERS))],
    description: str = Form(""),
    likelihood: str = Form(""),
    impact: str = Form(""),
    mitigation: str = Form(""),
    owner: str = Form(""),
    area: str = Form(""),
) -> Response:
    from careassure.plan.model import PlanError
    from careassure.plan.service import add_risk as add

    form = {"description": description[:5000], "likelihood": likelihood, "impact": impact,
            "mitigation": mitigation[:5000], "owner": owner[:200], "area": area}
    plan = _plan(request)
    errors, score_l, score_i = _checked(description, likelihood, impact, mitigation)
    if area and area not in {a.key for a in plan.areas}:
        errors["area"] = "Choose an area of the plan, or none"
    if errors or score_l is None or score_i is None:
        return _register(request, user, errors=errors, form=form, status_code=400)
    try:
        with transaction(request.app.state.engine) as session:
            risk = add(session, user.username, description=description, likelihood=score_l,
                       impact=score_i, mitigation=mitigation, owner=owner, area=area or None)
    except PlanError as exc:
        return _register(request, user, errors={_field(exc): message(exc)}, form=form,
                         status_code=400)
    return RedirectResponse(f"/risks/{risk.key}?changed=added", status_code=303)


def _risk_page(
    request: Request, user: SignedIn, risk_key: str, *, errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None, status_code: int = 200,
) -> Response:
    plan = _plan(request)
    risk = next((r for r in plan.risks if r.key == risk_key), None)
    if risk is None:
        raise HTTPException(status_code=404)
    values = {"description": risk.description, "likelihood": str(risk.likelihood),
              "impact": str(risk.impact), "mitigation": risk.mitigation,
              "owner": risk.owner or "", "status": risk.status}
    return render(
        request,
        "risk.html",
        {
            "risk": risk,
            "area": next((a.title for a in plan.areas if a.key == risk.area), None),
            "scores": SCORES,
            "may_manage": user.role in PLAN_MANAGERS,
            "form": values | (form or {}),
            "changed": request.query_params.get("changed", ""),
        }
        | error_context(errors),
        status_code=status_code,
    )


@router.get("/risks/{risk_key}")
def risk_page(
    request: Request, user: Annotated[SignedIn, Depends(Allow(EVERYONE))], risk_key: str
) -> Response:
    return _risk_page(request, user, risk_key)


@router.post("/risks/{risk_key}")
def change_risk(
    request: Request,
    user: Annotated[SignedIn, Depends(Allow(PLAN_MANAGERS))],
    risk_key: str,
    description: str = Form(""),
    likelihood: str = Form(""),
    impact: str = Form(""),
    mitigation: str = Form(""),
    owner: str = Form(""),
    status: str = Form(""),
) -> Response:
    """Re-score, change the mitigation or owner, close or reopen one risk."""
    from careassure.plan.model import PlanError
    from careassure.plan.service import set_risk

    form = {"description": description[:5000], "likelihood": likelihood, "impact": impact,
            "mitigation": mitigation[:5000], "owner": owner[:200], "status": status}
    if not any(r.key == risk_key for r in _plan(request).risks):
        raise HTTPException(status_code=404)
    errors, score_l, score_i = _checked(description, likelihood, impact, mitigation)
    if status not in dict(STATUS_CHOICES):
        errors["status"] = "Choose whether the risk is open or closed"
    if errors or score_l is None or score_i is None:
        return _risk_page(request, user, risk_key, errors=errors, form=form, status_code=400)
    try:
        with transaction(request.app.state.engine) as session:
            set_risk(session, user.username, risk_key, description=description,
                     likelihood=score_l, impact=score_i, mitigation=mitigation, owner=owner,
                     status=status)
    except PlanError as exc:
        return _risk_page(request, user, risk_key, errors={_field(exc): message(exc)},
                          form=form, status_code=400)
    return RedirectResponse(f"/risks/{risk_key}?changed=saved", status_code=303)
