"""The risk register: every risk to delivering the plan, scored likelihood x impact, with its
mitigation, owner and whether it is open; improvement managers add, re-score, mitigate and close
risks here. Everyone reads it (risks hold no figures). Each change is one transaction with its
audit row (:func:`careassure.plan.service.set_risk`), then a 303 to the risk's page; adding
and changing a risk go through one path (:func:`_save_risk`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import Response

from careassure.appdb import transaction
from careassure.web.auth import Allow
from careassure.web.forms import error_context, settle, whole_number
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
    """Add a risk to the register, under the next free key."""
    form = {"description": description, "likelihood": likelihood, "impact": impact,
            "mitigation": mitigation, "owner": owner, "area": area}
    return _save_risk(request, user, None, form)


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
    form = {"description": description, "likelihood": likelihood, "impact": impact,
            "mitigation": mitigation, "owner": owner, "status": status}
    return _save_risk(request, user, risk_key, form)


def _save_risk(request: Request, user: SignedIn, risk_key: str | None, form: dict[str, str]
               ) -> Response:
    """One path for adding (``risk_key`` None, with an area) and changing a risk (with its
    status): the same checks, the same refusal and the same redirect to the risk's page."""
    from careassure.plan.model import PlanError
    from careassure.plan.service import add_risk, set_risk

    plan = _plan(request)
    if risk_key is not None and not any(r.key == risk_key for r in plan.risks):
        raise HTTPException(status_code=404)
    errors, score_l, score_i = _checked(form["description"], form["likelihood"], form["impact"],
                                        form["mitigation"])
    if risk_key is None and form["area"] and form["area"] not in {a.key for a in plan.areas}:
        errors["area"] = "Choose an area of the plan, or none"
    if risk_key is not None and form["status"] not in dict(STATUS_CHOICES):
        errors["status"] = "Choose whether the risk is open or closed"
    shown = form | {"description": form["description"][:5000],
                    "mitigation": form["mitigation"][:5000], "owner": form["owner"][:200]}

    def refuse(errors: dict[str, str]) -> Response:
        if risk_key is None:
            return _register(request, user, errors=errors, form=shown)
        return _risk_page(request, user, risk_key, errors=errors, form=shown)

    def save() -> str:
        assert score_l is not None and score_i is not None  # _checked gave errors otherwise
        with transaction(request.app.state.engine) as session:
            if risk_key is None:
                return add_risk(session, user.username, description=form["description"],
                                likelihood=score_l, impact=score_i,
                                mitigation=form["mitigation"], owner=form["owner"],
                                area=form["area"] or None).key
            set_risk(session, user.username, risk_key, description=form["description"],
                     likelihood=score_l, impact=score_i, mitigation=form["mitigation"],
                     owner=form["owner"], status=form["status"])
            return risk_key

    changed = "added" if risk_key is None else "saved"
    return settle(errors, refuse, save, lambda key: f"/risks/{key}?changed={changed}",
                  refused=PlanError, field=_field)
