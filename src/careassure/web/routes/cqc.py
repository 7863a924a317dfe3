"""CQC assessment pages: the self-assessment summary with readiness against the characteristics of
Good and Outstanding councils, the score what-if, and the evidence library with its documents.

All figures come from ``careassure.framework`` (the same functions as ``careassure cqc``), with
live measures computed at the store's extract date and cached like every other measure.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import FileResponse, Response

from careassure.appdb import transaction
from careassure.web import display
from careassure.web.auth import Allow
from careassure.web.forms import error_context
from careassure.web.roles import STAFF
from careassure.web.routes.plan import PLAN_EDITORS
from careassure.web.sessions import SignedIn
from careassure.web.templating import render

router = APIRouter()


def _framework() -> Any:
    from careassure.framework.model import load_framework

    return load_framework()


def _live(request: Request, measure_ids: list[str]) -> Any:
    """Live measure readings at the extract date, or readings without values and the reason."""
    from careassure.framework.live import live_values, no_values

    figures = request.app.state.figures
    info = figures.info()
    if info is None or info.extract_date is None:
        return no_values(
            "no data has been loaded: measures are listed without values", date.today()
        )
    as_of = info.extract_date
    ids = tuple(sorted(set(measure_ids)))
    return figures.cached(
        ("live", ids, as_of), lambda _store: live_values(ids, figures.store_path, as_of)
    )


def reading(measure: Any) -> str:
    """A live reading in words: "Care Act assessments: median wait so far: 14 days (target
    <= 14 days), met"."""
    from careassure.measures import CATALOGUE
    from careassure.measures.format import format_target

    definition = CATALOGUE.get(measure.id)
    if definition is None:
        return f"{measure.id}: {measure.note or 'not in the measure catalogue'}"
    text = f"{definition.title}: "
    if measure.value is not None:
        text += display.format_number(measure.value, definition.unit)
        if definition.target is not None:
            text += f" (target {format_target(definition.target, measure.id)})"
    else:
        text += measure.note or "no value"
    if measure.status:
        text += ", met" if measure.status == "met" else ", not met"
    return text


@router.get("/cqc")
def cqc_summary(request: Request, user: Annotated[SignedIn, Depends(Allow(STAFF))]) -> Response:
    from careassure.framework.evidence import list_evidence
    from careassure.framework.readiness import assess_readiness
    from careassure.framework.selfassessment import build_self_assessment

    framework = _framework()
    ids = [m for qs in framework.statements for m in qs.measures]
    ids += [m for c in framework.characteristics for m in c.measures]
    live = _live(request, ids)
    today = date.today()
    with transaction(request.app.state.engine) as session:
        assessment = build_self_assessment(session, framework, today, live)
        evidence = list_evidence(session, today)
    readiness = assess_readiness(framework, evidence, live)
    return render(
        request,
        "cqc.html",
        {
            "framework": framework,
            "reading": reading,
            "categories": {c.id: c.name for c in framework.categories},
            "assessment": assessment,
            "readiness": readiness,
            "live": live,
        },
    )


@router.get("/cqc/whatif")
def cqc_whatif(request: Request, user: Annotated[SignedIn, Depends(Allow(STAFF))]) -> Response:
    from careassure.framework.scoring import ScoreError
    from careassure.framework.selfassessment import build_self_assessment
    from careassure.framework.whatif import what_if

    framework = _framework()
    params = request.query_params
    errors: dict[str, str] = {}
    if any(qs.code in params for qs in framework.statements):
        scores: list[int | None] = []
        for qs in framework.statements:
            text = params.get(qs.code, "").strip()
            if text in ("", "-"):
                scores.append(None)
            elif text.isdigit() and int(text) in framework.score_levels:
                scores.append(int(text))
            else:
                errors[qs.code] = f"Score for {qs.code} must be 1 to 4, or not scored"
                scores.append(None)
    else:  # start from the council's own self-assessment
        from careassure.framework.live import no_values

        with transaction(request.app.state.engine) as session:
            assessment = build_self_assessment(
                session, framework, date.today(), no_values("", date.today())
            )
        scores = [s.score for s in assessment.statements]
    target = params.get("target") or None
    bands = [b.rating for b in framework.bands]
    if target is not None and target not in bands:
        errors["target"] = "Choose a rating from the list"
        target = None
    answer = None
    if not errors and any(s is not None for s in scores):
        try:
            answer = what_if(framework, scores, target)
        except (ScoreError, LookupError) as exc:
            errors["target"] = str(exc.args[0])
    names = {qs.id: qs.code for qs in framework.statements}
    options = []
    if answer is not None:
        for option in answer.options:
            example = next(option.sets())
            options.append(
                {
                    "description": option.description,
                    "moved": option.statements_moved,
                    "ways": option.ways,
                    "example": ", ".join(f"{names[s]} +{n}" for s, n in example.items()),
                }
            )
    score_items = [
        [{"value": "-", "text": "Not scored", "selected": current is None}]
        + [
            {"value": str(level), "text": f"{level} ({name})", "selected": current == level}
            for level, name in sorted(framework.score_levels.items())
        ]
        for current in scores
    ]
    return render(
        request,
        "cqc_whatif.html",
        {
            "framework": framework,
            "score_items": score_items,
            "target": target,
            "bands_items": [{"value": b, "text": b, "selected": b == target} for b in bands],
            "answer": answer,
            "options": options,
        }
        | error_context(errors),
        status_code=400 if errors else 200,
    )


@router.get("/cqc/evidence")
def cqc_evidence(request: Request, user: Annotated[SignedIn, Depends(Allow(STAFF))]) -> Response:
    from careassure.framework.evidence import list_evidence

    framework = _framework()
    with transaction(request.app.state.engine) as session:
        items = list_evidence(session, date.today())
    codes = {qs.id: qs.code for qs in framework.statements}
    categories = {c.id: c.name for c in framework.categories}
    letters = {c.id: c.letter for c in framework.characteristics}
    return render(
        request,
        "cqc_evidence.html",
        {
            "items": items,
            "codes": codes,
            "categories": categories,
            "letters": letters,
            "may_add": user.role in PLAN_EDITORS,
        },
    )


@router.get("/cqc/evidence/{item_id}/file")
def cqc_evidence_file(
    request: Request, user: Annotated[SignedIn, Depends(Allow(STAFF))], item_id: int
) -> Response:
    """A stored evidence document, as an attachment (never rendered inline by the browser)."""
    from careassure.evidence_files import stored_path
    from careassure.framework.tables import EvidenceItem

    with transaction(request.app.state.engine) as session:
        item = session.get(EvidenceItem, item_id)
        found = (item.file_sha256, item.file_name, item.content_type) if item else None
    if found is None:
        raise HTTPException(status_code=404)
    sha256, name, content_type = found
    if sha256 is None:
        raise HTTPException(status_code=404)
    path = stored_path(sha256, request.app.state.settings.evidence_dir)
    if not path.is_file():
        raise HTTPException(status_code=404)
    return FileResponse(
        path,
        media_type=content_type or "application/octet-stream",
        filename=name or sha256,
        content_disposition_type="attachment",
    )
