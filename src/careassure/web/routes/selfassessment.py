"""Editing the self-assessment in the app: each quality statement's score and narrative
(strengths, areas for development), and its versions: record the whole self-assessment as the
next update, list the updates, and compare any two side by side.

Staff read; improvement managers and administrators score, write and record versions (the
council's own judgement, owned by those who answer for the plan). Each change is one
transaction with its audit row (:func:`careassure.framework.selfassessment.set_statement` locks
the statement's row first, so two people saving at once leave a true trail).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import Response

from careassure.appdb import transaction
from careassure.web.auth import Allow
from careassure.web.forms import error_context, message, settle
from careassure.web.roles import STAFF
from careassure.web.routes.cqc import _framework
from careassure.web.routes.plan import PLAN_MANAGERS
from careassure.web.sessions import SignedIn
from careassure.web.templating import render

router = APIRouter()
NOT_SCORED = "none"


def _lines(text: str) -> list[str]:
    """One narrative entry per line, blank lines dropped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def _statement_page(
    request: Request, user: SignedIn, statement_id: str, *,
    errors: dict[str, str] | None = None, form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    from careassure.framework.live import no_values
    from careassure.framework.selfassessment import build_self_assessment

    framework = _framework()
    today = date.today()
    with transaction(request.app.state.engine) as session:
        assessment = build_self_assessment(session, framework, today, no_values("", today))
    found = next((s for s in assessment.statements if s.statement.id == statement_id), None)
    if found is None:
        raise HTTPException(status_code=404)
    values = {
        "score": str(found.own_score) if found.own_score is not None else NOT_SCORED,
        "strengths": "\n".join(found.strengths),
        "areas": "\n".join(found.areas_for_development),
    }
    return render(
        request,
        "cqc_statement.html",
        {
            "framework": framework,
            "assessed": found,
            "may_edit": user.role in PLAN_MANAGERS,
            "form": values | (form or {}),
            "changed": request.query_params.get("changed", ""),
        }
        | error_context(errors),
        status_code=status_code,
    )


@router.get("/cqc/statements/{statement_id}")
def statement_page(
    request: Request, user: Annotated[SignedIn, Depends(Allow(STAFF))], statement_id: str
) -> Response:
    return _statement_page(request, user, statement_id)


@router.post("/cqc/statements/{statement_id}")
def change_statement(
    request: Request,
    user: Annotated[SignedIn, Depends(Allow(PLAN_MANAGERS))],
    statement_id: str,
    score: str = Form(""),
    strengths: str = Form(""),
    areas: str = Form(""),
) -> Response:
    """The council's own score for one statement and its narrative."""
    from careassure.framework.selfassessment import SelfAssessmentError, set_statement

    framework = _framework()
    if statement_id not in {qs.id for qs in framework.statements}:
        raise HTTPException(status_code=404)
    form = {"score": score, "strengths": strengths[:20_000], "areas": areas[:20_000]}
    levels = {str(level) for level in framework.score_levels}
    errors: dict[str, str] = {}
    if score != NOT_SCORED and score not in levels:
        low, high = framework.lowest_level, framework.highest_level
        errors["score"] = f"Choose a score from {low} to {high}, or not scored"

    def save() -> None:
        with transaction(request.app.state.engine) as session:
            set_statement(
                session, framework, user.username, statement_id,
                own_score=None if score == NOT_SCORED else int(score),
                strengths=_lines(strengths), areas_for_development=_lines(areas),
            )

    return settle(
        errors, lambda errors: _statement_page(request, user, statement_id, form=form,
                                               errors=errors),
        save, f"/cqc/statements/{statement_id}?changed=saved", refused=SelfAssessmentError,
        field=lambda exc: "areas" if str(exc).startswith("areas") else "strengths")


def _versions_page(
    request: Request, user: SignedIn, *, errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None, status_code: int = 200,
) -> Response:
    from careassure.framework.versions import list_versions

    with transaction(request.app.state.engine) as session:
        versions = list_versions(session)
    return render(
        request,
        "cqc_versions.html",
        {
            "versions": versions,
            "version_items": [
                {"value": str(v.number), "text": f"{v.number}: {v.label}"} for v in versions
            ],
            "may_record": user.role in PLAN_MANAGERS,
            "form": form or {},
            "changed": request.query_params.get("changed", ""),
        }
        | error_context(errors),
        status_code=status_code,
    )


@router.get("/cqc/versions")
def versions_page(
    request: Request, user: Annotated[SignedIn, Depends(Allow(STAFF))]
) -> Response:
    return _versions_page(request, user)


@router.post("/cqc/versions")
def record_version(
    request: Request,
    user: Annotated[SignedIn, Depends(Allow(PLAN_MANAGERS))],
    label: str = Form(""),
) -> Response:
    """Freeze the self-assessment as it stands as the next numbered version."""
    from careassure.framework.selfassessment import SelfAssessmentError
    from careassure.framework.versions import record_version as record

    def save() -> int:
        with transaction(request.app.state.engine) as session:
            return record(session, user.username, label).number

    return settle({}, lambda errors: _versions_page(request, user, errors=errors,
                                                    form={"label": label[:200]}),
                  save, lambda number: f"/cqc/versions?changed={number}",
                  refused=SelfAssessmentError, field="label")


@router.get("/cqc/versions/compare")
def compare_versions(
    request: Request,
    user: Annotated[SignedIn, Depends(Allow(STAFF))],
    first: str = "",
    second: str = "",
) -> Response:
    """Two versions side by side, statement by statement, the changed ones marked."""
    from careassure.framework.selfassessment import SelfAssessmentError
    from careassure.framework.versions import compare_versions as compare

    errors: dict[str, str] = {}
    if not first.isdigit():
        errors["first"] = "Choose the earlier version"
    if not second.isdigit():
        errors["second"] = "Choose the later version"
    if not errors and first == second:
        errors["second"] = "Choose a different version to compare with"
    compared: Any = None
    if not errors:
        framework = _framework()
        try:
            with transaction(request.app.state.engine) as session:
                compared = compare(session, framework, int(first), int(second))
        except SelfAssessmentError as exc:
            errors["first"] = message(exc)
    if errors:
        return _versions_page(request, user, errors=errors,
                              form={"first": first[:10], "second": second[:10]},
                              status_code=400)
    a, b, rows = compared
    return render(
        request,
        "cqc_compare.html",
        {"first": a, "second": b, "rows": rows, "framework": _framework(),
         "changed_count": sum(r.changed for r in rows)},
    )
