"""The improvement plan: areas -> actions -> outcomes with their RAG and its reason, each item's
history, the progress-update form with the current measure facts pre-filled, and RAG overrides.

Statuses come from :func:`careassure.plan.status.evaluate` at the store's extract date, over
measure points fetched once per data version and plan shape (:func:`careassure.plan.live.
fetch_points`, cached like every other figure), so a page costs one in-memory evaluation.

Who may change what: administrators and improvement managers edit everything; a workstream lead
adds progress updates to the actions whose ``owner_account`` is their username; overrides are
for administrators and improvement managers only. Everyone reads; the viewer sees published
figures only, and neither the frozen facts nor the audit entries (they hold unpublished figures).
Forms follow the site's pattern: CSRF field first, change and audit row in one transaction, then
a 303 redirect to the page, or the form again with the reason.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import Response

from careassure.appdb import transaction
from careassure.web import charts, display
from careassure.web.auth import Allow
from careassure.web.forms import error_context, settle
from careassure.web.roles import (
    ADMIN,
    EVERYONE,
    IMPROVEMENT_MANAGER,
    WORKSTREAM_LEAD,
    sees_unpublished,
)
from careassure.web.sessions import SignedIn
from careassure.web.templating import render

router = APIRouter()

PLAN_MANAGERS: frozenset[str] = frozenset({ADMIN, IMPROVEMENT_MANAGER})
PLAN_EDITORS: frozenset[str] = PLAN_MANAGERS | {WORKSTREAM_LEAD}
OVERRIDE_CHOICES = (
    ("met", "Met"),
    ("improving", "Improving"),
    ("not_met", "Not met"),
    ("off_track", "Off track"),
)
MAX_NARRATIVE_SHOWN = 10_000
COMPARATOR_CHOICES = (
    ("<=", "At most"),
    ("<", "Less than"),
    (">=", "At least"),
    (">", "More than"),
    ("abs<", "A gap of less than (either way)"),
)


def may_update(user: SignedIn, owner_account: str | None) -> bool:
    """Whether ``user`` may add a progress update to an action with that owner account."""
    if user.role in PLAN_MANAGERS:
        return True
    return user.role == WORKSTREAM_LEAD and owner_account is not None and (
        owner_account == user.username
    )


def _signature(plan: Any) -> tuple[Any, ...]:
    """What the measure points depend on: the linked measures, their groups and baselines."""
    return tuple(
        (o.measured.measure_id, tuple(sorted((o.measured.breakdown or {}).items())),
         o.measured.baseline_on)
        for area in plan.areas for action in area.actions for o in action.outcomes
        if o.measured is not None
    )


def judged_plan(request: Request, user: SignedIn) -> tuple[Any, Any]:
    """(plan, status) at the extract date, in the form the reader may see; PlanError when no
    plan (or more than one) is stored. An overview panel can call it too: the measure points are
    cached per data version and plan shape, and judging them takes milliseconds."""
    from careassure.plan.live import fetch_points
    from careassure.plan.service import load_plan
    from careassure.plan.status import evaluate

    with transaction(request.app.state.engine) as session:
        plan = load_plan(session)
    figures = request.app.state.figures
    info = figures.info()
    published = not sees_unpublished(user.role)
    if info is None or info.extract_date is None:
        note = "No data has been loaded: measured outcomes have no data."
        return plan, evaluate(plan, [], date.today(), note=note, publish=published)
    as_of = info.extract_date
    points = figures.cached(
        ("plan-points", _signature(plan), as_of),
        lambda store: fetch_points(store, plan, as_of, which="computed"),
    )
    if points is not None:  # the reported measures' points: no store, computed every time
        points = points + fetch_points(None, plan, as_of, reported=figures.reported_for(
            plan.measure_ids()), which="reported")
    note = f"Figures to {display.long_date(as_of)}."
    return plan, evaluate(plan, points or [], as_of, note=note, publish=published)


def _judged_or_404(request: Request, user: SignedIn) -> tuple[Any, Any]:
    from careassure.plan.model import PlanError

    try:
        return judged_plan(request, user)
    except PlanError as exc:
        raise HTTPException(status_code=404) from exc


def _find(status: Any, path: str) -> Any:
    try:
        return status.find(path)
    except KeyError as exc:
        raise HTTPException(status_code=404) from exc


def _history(request: Request, user: SignedIn, path: str) -> list[Any]:
    """The item's audited history, for staff (the viewer sees progress narratives only)."""
    from careassure.plan.service import item_history

    if not sees_unpublished(user.role):
        return []
    with transaction(request.app.state.engine) as session:
        return [e for e in item_history(session, path) if e.kind != "progress"]


def _budget_links(request: Request, path: str) -> list[Any]:
    """The MTFS lines that fund the item at ``path`` (``""``: the plan) or that it delivers."""
    from careassure.budget.service import links

    with transaction(request.app.state.engine) as session:
        return [link for link in links(session) if link.path == path]


def _common(user: SignedIn) -> dict[str, Any]:
    return {
        "may_override": user.role in PLAN_MANAGERS,
        "override_choices": OVERRIDE_CHOICES,
        "staff": sees_unpublished(user.role),
    }


@router.get("/plan")
def plan_index(request: Request, user: Annotated[SignedIn, Depends(Allow(EVERYONE))]) -> Response:
    from careassure.plan.model import PlanError

    try:
        plan, status = judged_plan(request, user)
    except PlanError as exc:
        return render(request, "plan_none.html", {"problem": str(exc)})
    from careassure.plan.rag import plan_summary

    risks = sorted((r for r in plan.risks if r.status == "open"), key=lambda r: -r.score)
    summary = plan_summary([area.rag for area in status.areas])
    return render(request, "plan.html",
                  {"plan": plan, "status": status, "risks": risks, "summary": summary,
                   "budget_links": _budget_links(request, "")}
                  | _common(user))


def _area_page(
    request: Request,
    user: SignedIn,
    area_key: str,
    *,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    plan, status = _judged_or_404(request, user)
    area = _find(status, area_key)
    return render(
        request,
        "plan_area.html",
        {
            "plan": plan,
            "status": status,
            "area": area,
            "budget_links": _budget_links(request, area.path),
            "history": _history(request, user, area.path),
            "changed": request.query_params.get("changed", ""),
            "form": form or {},
        }
        | error_context(errors)
        | _common(user),
        status_code=status_code,
    )


@router.get("/plan/{area_key}")
def plan_area(
    request: Request, user: Annotated[SignedIn, Depends(Allow(EVERYONE))], area_key: str
) -> Response:
    return _area_page(request, user, area_key)


def _action_page(
    request: Request,
    user: SignedIn,
    area_key: str,
    action_key: str,
    *,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    plan, status = _judged_or_404(request, user)
    action = _find(status, f"{area_key}/{action_key}")
    area = _find(status, area_key)
    facts = action.facts()
    prefill = "\n".join(f["sentence"] for f in facts)
    return render(
        request,
        "plan_action.html",
        {
            "plan": plan,
            "status": status,
            "area": area,
            "action": action,
            "facts": facts,
            "budget_links": _budget_links(request, action.path),
            "may_update": may_update(user, action.spec.owner_account),
            # a lead expects a form on every action, so say why another lead's has none
            "explain_no_update": user.role == WORKSTREAM_LEAD
            and not may_update(user, action.spec.owner_account),
            "history": _history(request, user, action.path),
            "changed": request.query_params.get("changed", ""),
            "lead_choices": _lead_choices(request, user),
            "form": {
                "narrative": prefill,
                "owner": action.spec.owner or "",
                "owner_account": action.spec.owner_account or "",
                "due": action.spec.delivery_month.strftime("%m/%Y"),
            }
            | (form or {}),
        }
        | error_context(errors)
        | _common(user),
        status_code=status_code,
    )


@router.get("/plan/{area_key}/{action_key}")
def plan_action(
    request: Request,
    user: Annotated[SignedIn, Depends(Allow(EVERYONE))],
    area_key: str,
    action_key: str,
) -> Response:
    return _action_page(request, user, area_key, action_key)


@router.get("/plan/{area_key}/{action_key}/{outcome_key}")
def plan_outcome(
    request: Request,
    user: Annotated[SignedIn, Depends(Allow(EVERYONE))],
    area_key: str,
    action_key: str,
    outcome_key: str,
) -> Response:
    return _outcome_page(request, user, area_key, action_key, outcome_key)


def _outcome_page(
    request: Request,
    user: SignedIn,
    area_key: str,
    action_key: str,
    outcome_key: str,
    *,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    from careassure.measures import CATALOGUE
    from careassure.plan.wording import target_text
    from careassure.web.routes.measures import UNIT_LABELS

    plan, status = _judged_or_404(request, user)
    path = f"{area_key}/{action_key}/{outcome_key}"
    outcome = _find(status, path)
    action = _find(status, f"{area_key}/{action_key}")
    rows: list[Any] = []
    chart = None
    measured = outcome.spec.measured
    target = ""
    if measured is not None:
        target = target_text(measured.measure_id, measured.comparator, measured.target)
    if outcome.points:
        rows = display.for_reader(list(outcome.points), published=not sees_unpublished(user.role))
        chart = charts.render(
            charts.Chart(
                title=outcome.spec.text,
                description=f"{outcome.trend.title} from {display.uk_date(rows[0].as_of)} to "
                f"{display.uk_date(rows[-1].as_of)}, with the target as a dashed line.",
                x=[r.as_of for r in rows],
                lines=[charts.Line("Value", [display.plottable(r) for r in rows])],
                rules=[charts.Rule("Target", abs(measured.target))],
                y_label=UNIT_LABELS[CATALOGUE[measured.measure_id].unit],
            ),
            "outcome-chart",
        )
    return render(
        request,
        "plan_outcome.html",
        {
            "plan": plan,
            "status": status,
            "area": _find(status, area_key),
            "action": action,
            "outcome": outcome,
            "rows": rows,
            "chart": chart,
            "target": target,
            "may_update": may_update(user, action.spec.owner_account),
            "show": display.show,
            "history": _history(request, user, path),
            "changed": request.query_params.get("changed", ""),
            "comparator_choices": COMPARATOR_CHOICES,
            "measure_groups": _measure_groups(),
            "form": _target_form(measured) | (form or {}),
        }
        | error_context(errors)
        | _common(user),
        status_code=status_code,
    )


def _lead_choices(request: Request, user: SignedIn) -> list[dict[str, str]]:
    """The accounts a manager may make an action's lead (none for anyone else: no form)."""
    from careassure.web.routes.plan_edits import lead_choices

    return lead_choices(request) if user.role in PLAN_MANAGERS else []


def _measure_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """The measures an outcome may be judged on, for the target form: the reported ones first
    (those declared on the admin page among them, as soon as they are declared), then those
    computed from the records."""
    from careassure.measures import CATALOGUE
    from careassure.measures.reported import reported_ids

    reported = reported_ids()
    return [
        ("Reported measures", [(m, d.title) for m, d in CATALOGUE.items() if m in reported]),
        ("Computed from the records",
         [(m, d.title) for m, d in CATALOGUE.items() if m not in reported]),
    ]


def _target_form(measured: Any) -> dict[str, str]:
    """A measured outcome's target as the form shows it before any change."""
    if measured is None:
        return {}
    return {
        "measure": measured.measure_id,
        "comparator": measured.comparator,
        "target": f"{measured.target:g}",
        "baseline": measured.baseline_on.strftime("%d/%m/%Y") if measured.baseline_on else "",
    }


def _item_page(request: Request, user: SignedIn, path: str, **kwargs: Any) -> Response:
    """The page of an area, action or outcome (the form's errors shown on it)."""
    keys = path.strip("/").split("/")
    if len(keys) == 1:
        return _area_page(request, user, keys[0], **kwargs)
    if len(keys) == 2:
        return _action_page(request, user, keys[0], keys[1], **kwargs)
    return _outcome_page(request, user, keys[0], keys[1], keys[2], **kwargs)


def _editable_action(request: Request, user: SignedIn, path: str) -> tuple[Any, Any]:
    """(plan status, the action at ``path``) if ``user`` may change it (404 / 403 otherwise)."""
    _, status = _judged_or_404(request, user)
    action = _find(status, path)
    if action.path.count("/") != 1:
        raise HTTPException(status_code=404)
    if not may_update(user, action.spec.owner_account):
        raise HTTPException(status_code=403)
    return status, action


@router.post("/plan/{area_key}/{action_key}/progress")
def add_progress_update(
    request: Request,
    user: Annotated[SignedIn, Depends(Allow(PLAN_EDITORS))],
    area_key: str,
    action_key: str,
    narrative: str = Form(""),
) -> Response:
    """Add a dated progress update, freezing the facts the page showed (recomputed from the same
    data version, so what was shown is what is kept)."""
    from careassure.plan.model import PlanError
    from careassure.plan.service import add_progress

    path = f"{area_key}/{action_key}"
    _, action = _editable_action(request, user, path)
    errors = {"narrative": "Enter what has happened since the last update"} \
        if not narrative.strip() else {}

    facts = action.facts() if sees_unpublished(user.role) and not errors else []

    def save() -> None:
        with transaction(request.app.state.engine) as session:
            add_progress(session, user.username, path, narrative=narrative,
                         written_on=date.today(), facts=facts)

    return settle(
        errors,
        lambda errors: _action_page(request, user, area_key, action_key, errors=errors,
                                    form={"narrative": narrative[:MAX_NARRATIVE_SHOWN]}),
        save, f"/plan/{path}?changed=progress#progress", refused=PlanError, field="narrative")


@router.post("/plan/{area_key}/{action_key}/status")
def change_action_status(
    request: Request,
    user: Annotated[SignedIn, Depends(Allow(PLAN_EDITORS))],
    area_key: str,
    action_key: str,
    status: str = Form(""),
) -> Response:
    """How far the action has got (not started, in progress, complete)."""
    from careassure.plan.model import ACTION_STATUSES
    from careassure.plan.service import update_action

    path = f"{area_key}/{action_key}"
    _editable_action(request, user, path)
    errors = {"action-status": "Choose how far the action has got"} \
        if status not in ACTION_STATUSES else {}

    def save() -> None:
        with transaction(request.app.state.engine) as session:
            update_action(session, user.username, path, status=status)

    return settle(
        errors, lambda errors: _action_page(request, user, area_key, action_key, errors=errors),
        save, f"/plan/{path}?changed=status")


@router.post("/plan/{area_key}/{action_key}/{outcome_key}/milestone")
def change_milestone(
    request: Request,
    user: Annotated[SignedIn, Depends(Allow(PLAN_EDITORS))],
    area_key: str,
    action_key: str,
    outcome_key: str,
    done: str = Form(""),
    evidence: str = Form(""),
) -> Response:
    """Mark a milestone done today (with a link to its evidence) or not done."""
    from careassure.plan.model import PlanError
    from careassure.plan.service import set_milestone

    status, action = _editable_action(request, user, f"{area_key}/{action_key}")
    path = f"{action.path}/{outcome_key}"
    outcome = _find(status, path)
    if outcome.spec.milestone is None:
        raise HTTPException(status_code=404)
    form = {"done": done, "evidence": evidence[:2000]}
    errors = {"milestone-done": "Choose whether it is done"} if done not in ("yes", "no") else {}

    def save() -> None:
        with transaction(request.app.state.engine) as session:
            set_milestone(session, user.username, path, done=done == "yes",
                          done_on=date.today() if done == "yes" else None,
                          evidence_link=evidence.strip())

    return settle(
        errors,
        lambda errors: _outcome_page(request, user, area_key, action_key, outcome_key,
                                     errors=errors, form=form),
        save, f"/plan/{path}?changed=milestone", refused=PlanError, field="milestone-evidence")


@router.post("/plan/override")
def override_rag(
    request: Request,
    user: Annotated[SignedIn, Depends(Allow(PLAN_MANAGERS))],
    item: str = Form(""),
    status: str = Form(""),
    reason: str = Form(""),
    clear: str = Form(""),
) -> Response:
    """Set (with its mandatory written reason) or clear the RAG override of one item."""
    from careassure.plan.model import PlanError, parse_path
    from careassure.plan.service import clear_override, set_override

    try:
        path = "/".join(parse_path(item))
    except PlanError as exc:
        raise HTTPException(status_code=404) from exc
    _find(_judged_or_404(request, user)[1], path)
    errors: dict[str, str] = {}
    if clear != "yes":
        if status not in dict(OVERRIDE_CHOICES):
            errors["override-status"] = "Choose the status to show"
        if not reason.strip():
            errors["override-reason"] = "Enter the reason for the override"
    def save() -> None:
        with transaction(request.app.state.engine) as session:
            if clear == "yes":
                clear_override(session, user.username, path)
            else:
                set_override(session, user.username, path, status=status, reason=reason)

    form = {"status": status, "reason": reason[:MAX_NARRATIVE_SHOWN]}
    return settle(errors, lambda errors: _item_page(request, user, path, errors=errors, form=form),
                  save, f"/plan/{path}?changed=override#rag", refused=PlanError,
                  field="override-reason")
