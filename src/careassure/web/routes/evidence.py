"""Adding and changing CQC evidence in the app: a document (uploaded) or a link, tagged to
quality statements, an evidence category and the characteristics of good and outstanding
councils, with the date it speaks for and the date it must be reviewed by.

Staff read every item; workstream leads, improvement managers and administrators add and change
them (the people who gather evidence for their workstreams). The upload form is multipart with
the CSRF field first (:mod:`careassure.web.multipart_csrf` checks it); the document is checked by
content and stored by :func:`careassure.framework.evidence.add_evidence` in the same transaction
as the item and its audit row, and nothing is kept of a refused one.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from starlette.datastructures import FormData, UploadFile

from careassure.appdb import transaction
from careassure.web.auth import Allow
from careassure.web.forms import error_context, message, settle, uk_date
from careassure.web.roles import STAFF
from careassure.web.routes.cqc import _framework
from careassure.web.routes.plan import PLAN_EDITORS
from careassure.web.sessions import SignedIn
from careassure.web.templating import render

router = APIRouter()
MAX_FIELDS = 60  # the statements and characteristics are one field each when ticked
# Which form field a service error is about, by how its message starts.
FIELD_OF_ERROR = (
    ("title", "title"),
    ("owner", "owner"),
    ("evidence category", "category"),
    ("quality statement", "statements"),
    ("link the item", "statements"),
    ("characteristic", "characteristics"),
    ("review-by", "review-by"),
    ("link", "link"),
)


def _choices(framework: Any) -> dict[str, Any]:
    return {
        "statement_choices": [(qs.id, f"{qs.code} {qs.name}") for qs in framework.statements],
        "category_choices": [(c.id, c.name) for c in framework.categories_in_use],
        "characteristic_choices": [
            (c.id, f"{c.letter}) {c.name}") for c in framework.characteristics
        ],
    }


def _field(exc: Exception) -> str:
    text = str(exc)
    for start, field in FIELD_OF_ERROR:
        if text.startswith(start):
            return field
    return "document"  # the file checks name the file first


def _new_page(
    request: Request, *, errors: dict[str, str] | None = None, form: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    defaults = {"kind": "link", "statements": [], "characteristics": [],
                "evidence-date": date.today().strftime("%d/%m/%Y")}
    return render(
        request,
        "evidence_new.html",
        {"form": defaults | (form or {})} | _choices(_framework()) | error_context(errors),
        status_code=status_code,
    )


@router.get("/cqc/evidence/new")
def new_evidence(
    request: Request, user: Annotated[SignedIn, Depends(Allow(PLAN_EDITORS))]
) -> Response:
    return _new_page(request)


def _common_fields(form: FormData) -> tuple[dict[str, Any], dict[str, str]]:
    """The fields the add and change forms share, as typed, and their errors by field id."""
    values: dict[str, Any] = {
        name: str(form.get(name, ""))[:2000]
        for name in ("title", "owner", "category", "evidence-date", "review-by")
    }
    values["statements"] = [str(v) for v in form.getlist("statements")]
    values["characteristics"] = [str(v) for v in form.getlist("characteristics")]
    errors: dict[str, str] = {}
    if not values["title"].strip():
        errors["title"] = "Enter a title for the evidence"
    if not values["owner"].strip():
        errors["owner"] = "Enter who owns the evidence (a post or team)"
    if not values["category"]:
        errors["category"] = "Choose the evidence category"
    if not values["statements"]:
        errors["statements"] = "Choose at least one quality statement the evidence supports"
    if uk_date(values["evidence-date"]) is None:
        errors["evidence-date"] = "Enter the date of the evidence as day, month and year, " \
            "like 31/03/2026"
    if values["review-by"].strip() and uk_date(values["review-by"]) is None:
        errors["review-by"] = "Enter the review-by date as day, month and year, like 31/03/2027"
    return values, errors


@router.post("/cqc/evidence")
async def add_evidence(
    request: Request, user: Annotated[SignedIn, Depends(Allow(PLAN_EDITORS))]
) -> Response:
    """Add one item: an uploaded document or a link (whichever the form chose)."""
    from starlette.concurrency import run_in_threadpool

    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        return _new_page(request, errors={"title": "Send the form from the evidence page"},
                         status_code=400)
    async with request.form(max_files=1, max_fields=MAX_FIELDS) as form:
        values, errors = _common_fields(form)
        values["kind"] = str(form.get("kind", ""))
        values["link"] = str(form.get("link", ""))[:2000]
        upload = form.get("document")
        if values["kind"] == "link":
            if not values["link"].strip():
                errors["link"] = "Enter the address of the evidence, starting https://"
        elif values["kind"] == "document":
            if not isinstance(upload, UploadFile) or not upload.filename:
                errors["document"] = "Choose the document to upload"
        else:
            errors["kind"] = "Choose whether the evidence is a document or a link"
        return await run_in_threadpool(_store, request, user, values, errors, upload)


def _store(request: Request, user: SignedIn, values: dict[str, Any], errors: dict[str, str],
           upload: Any) -> Response:
    from careassure.evidence_files import EvidenceFileError
    from careassure.framework.evidence import EvidenceError
    from careassure.framework.evidence import add_evidence as add

    document = values["kind"] == "document"

    def save() -> int:
        with transaction(request.app.state.engine) as session:
            return add(
                session, _framework(), user.username,
                title=values["title"], owner=values["owner"], category=values["category"],
                statements=values["statements"], characteristics=values["characteristics"],
                evidence_date=uk_date(values["evidence-date"]) or date.today(),
                review_by=uk_date(values["review-by"]), today=date.today(),
                link=None if document else values["link"],
                file=upload.file if document else None,
                file_name=upload.filename if document else None,
                evidence_dir=request.app.state.settings.evidence_dir,
            ).id

    def field(exc: Exception) -> str:
        return _field(exc) if isinstance(exc, EvidenceError) else "document"

    def words(exc: Exception) -> str:  # a refused file's message names the file: keep it all
        return message(exc) if isinstance(exc, EvidenceError) else str(exc)

    return settle(errors, lambda errors: _new_page(request, errors=errors, form=values), save,
                  lambda item_id: f"/cqc/evidence/{item_id}?changed=added",
                  refused=(EvidenceError, EvidenceFileError), field=field, words=words)


def _item_page(
    request: Request, user: SignedIn, item_id: int, *, errors: dict[str, str] | None = None,
    form: dict[str, Any] | None = None, status_code: int = 200,
) -> Response:
    from careassure.framework.evidence import list_evidence

    framework = _framework()
    with transaction(request.app.state.engine) as session:
        item = next((v for v in list_evidence(session, date.today()) if v.id == item_id), None)
    if item is None:
        raise HTTPException(status_code=404)
    values = {
        "title": item.title, "owner": item.owner, "category": item.category,
        "statements": list(item.statements), "characteristics": list(item.characteristics),
        "evidence-date": item.evidence_date.strftime("%d/%m/%Y"),
        "review-by": item.review_by.strftime("%d/%m/%Y") if item.review_by else "",
    }
    return render(
        request,
        "evidence_item.html",
        {
            "item": item,
            "may_edit": user.role in PLAN_EDITORS,
            "codes": {qs.id: f"{qs.code} {qs.name}" for qs in framework.statements},
            "categories": {c.id: c.name for c in framework.categories},
            "characteristics": {c.id: f"{c.letter}) {c.name}" for c in framework.characteristics},
            "form": values | (form or {}),
            "changed": request.query_params.get("changed", ""),
        }
        | _choices(framework)
        | error_context(errors),
        status_code=status_code,
    )


@router.get("/cqc/evidence/{item_id}")
def evidence_item(
    request: Request, user: Annotated[SignedIn, Depends(Allow(STAFF))], item_id: int
) -> Response:
    return _item_page(request, user, item_id)


@router.post("/cqc/evidence/{item_id}")
async def change_evidence(
    request: Request, user: Annotated[SignedIn, Depends(Allow(PLAN_EDITORS))], item_id: int
) -> Response:
    """Re-tag an item, move its review date, or correct its title, owner or dates (a new
    version of a document is a new item)."""
    from starlette.concurrency import run_in_threadpool

    async with request.form(max_files=0, max_fields=MAX_FIELDS) as form:
        values, errors = _common_fields(form)
    return await run_in_threadpool(_update, request, user, item_id, values, errors)


def _update(request: Request, user: SignedIn, item_id: int, values: dict[str, Any],
            errors: dict[str, str]) -> Response:
    from careassure.framework.evidence import EvidenceError, update_evidence

    def save() -> None:
        with transaction(request.app.state.engine) as session:
            try:
                update_evidence(
                    session, _framework(), user.username, item_id, today=date.today(),
                    title=values["title"], owner=values["owner"], category=values["category"],
                    statements=values["statements"],
                    characteristics=values["characteristics"],
                    evidence_date=uk_date(values["evidence-date"]),
                    review_by=uk_date(values["review-by"]),
                )
            except EvidenceError as exc:
                if str(exc).startswith("no evidence item"):
                    raise HTTPException(status_code=404) from exc
                raise

    return settle(errors, lambda errors: _item_page(request, user, item_id, errors=errors,
                                                form=values),
                  save, f"/cqc/evidence/{item_id}?changed=saved", refused=EvidenceError,
                  field=_field)
