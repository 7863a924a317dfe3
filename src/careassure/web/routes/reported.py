"""Reported measures: the values owners enter each period, corrections with a reason, and the
import template. Figures themselves show on the measure pages and in the plan, like any other.

Staff may read every reported measure and its history; a value may be entered by the measure's
owner role (its declaration's ``owner_role``), an improvement manager or an administrator. The
checks are :mod:`careassure.reported.service`'s, the same as the command line's.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from careassure.appdb import transaction
from careassure.web import display
from careassure.web.auth import Allow
from careassure.web.forms import error_context, settle
from careassure.web.roles import ADMIN, IMPROVEMENT_MANAGER, STAFF
from careassure.web.routes.measures import UNIT_LABELS
from careassure.web.sessions import SignedIn
from careassure.web.templating import render

router = APIRouter()
MAX_IMPORT_BYTES = 2 * 1024 * 1024
ERRORS_SHOWN = 100
MAX_FIELD = 2000


def may_enter(user: SignedIn, measure: Any) -> bool:
    """Whether ``user`` may enter values for ``measure``: its owner role, or a manager (and no
    one once the measure is retired)."""
    return not measure.retired and user.role in (ADMIN, IMPROVEMENT_MANAGER, measure.owner_role)


def _measures() -> tuple[Any, ...]:
    from careassure.measures.reported import reported_measures

    return reported_measures()


def _declared(measure_id: str) -> Any:
    from careassure.measures.reported import find

    try:
        return find(measure_id, _measures())
    except KeyError:
        raise HTTPException(status_code=404) from None


def _due_for(user: SignedIn, values: tuple[Any, ...]) -> list[Any]:
    from careassure.measures.reported import due_values

    mine = [m for m in _measures() if may_enter(user, m)]
    return due_values(mine, values, date.today())


@router.get("/reported")
def reported_index(
    request: Request, user: Annotated[SignedIn, Depends(Allow(STAFF))]
) -> Response:
    from careassure.measures.reported import latest_value

    values = request.app.state.figures.reported_values()
    today = date.today()
    rows = [(m, latest_value(values, m.id, today), may_enter(user, m)) for m in _measures()]
    return render(request, "reported.html", {
        "rows": rows, "due": _due_for(user, values), "titles": {m.id: m.title
                                                                 for m in _measures()},
        "format_number": display.format_number,
        "imported": request.query_params.get("imported"),
    } | error_context(None))


def _size(limit: int) -> str:
    """A size limit in words: "10 MB" (mebibytes, as the evidence upload says), else bytes."""
    mebibyte = 1024 * 1024
    return f"{limit // mebibyte:,} MB" if limit % mebibyte == 0 else f"{limit:,} bytes"


def _measure_page(request: Request, user: SignedIn, measure: Any, *, errors: dict[str, str]
                  | None = None, form: dict[str, str] | None = None,
                  status_code: int = 200) -> Response:
    from careassure.measures.reported import due_values, period_ends, period_label
    from careassure.reported.service import EVIDENCE_TYPES, entries

    with transaction(request.app.state.engine) as session:
        history = entries(session, measure.id)
    today = date.today()
    periods = list(reversed(period_ends(measure.frequency, measure.first_period, today)))
    entered = {e.period_end for e in history}
    due = {d.period_end for d in due_values([measure], [], today)} - entered
    form = form or {}
    changed = request.query_params.get("changed", "")
    try:
        changed_period = date.fromisoformat(changed) if changed else None
    except ValueError:
        changed_period = None
    items = [{"value": p.isoformat(), "selected": form.get("period") == p.isoformat(),
              "text": period_label(measure.frequency, p)
              + (" (entered: a new value corrects it)" if p in entered else "")
              + (" (due)" if p in due else "")} for p in periods]
    return render(request, "reported_measure.html", {
        "measure": measure, "history": history, "may_enter": may_enter(user, measure),
        "periods_items": items, "unit_label": UNIT_LABELS[measure.unit],
        "label": lambda p: period_label(measure.frequency, p),
        "format_number": display.format_number,
        "form": form, **error_context(errors),
        "changed": changed_period,
        "evidence_types": ", ".join(t.upper() for t in EVIDENCE_TYPES),
        "evidence_limit": _size(request.app.state.settings.reported_evidence_max_bytes),
    }, status_code=status_code)


@router.get("/reported/{measure_id}")
def reported_measure(
    measure_id: str, request: Request, user: Annotated[SignedIn, Depends(Allow(STAFF))]
) -> Response:
    return _measure_page(request, user, _declared(measure_id))


@router.post("/reported/{measure_id}")
async def enter_reported_value(
    measure_id: str, request: Request, user: Annotated[SignedIn, Depends(Allow(STAFF))]
) -> Response:
    """Enter a value for one period, or correct one (with a reason), with an evidence link or
    an uploaded evidence file (the form is multipart, its CSRF field first)."""
    from starlette.concurrency import run_in_threadpool

    measure = _declared(measure_id)
    if not may_enter(user, measure):
        raise HTTPException(status_code=403)
    async with request.form(max_files=1, max_fields=10) as data:
        form = {k: str(v)[:MAX_FIELD] for k, v in data.items() if not isinstance(v, UploadFile)}
        upload = data.get("evidence_file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            upload = None
        return await run_in_threadpool(_enter, request, user, measure, form, upload)


def _enter(request: Request, user: SignedIn, measure: Any, form: dict[str, str],
           upload: UploadFile | None) -> Response:
    from careassure.evidence_files import EvidenceFileError
    from careassure.measures.reported import ReportedValueError
    from careassure.reported.service import Entry, enter_value, store_evidence_file

    try:
        period_end: date | None = date.fromisoformat(form.get("period", ""))
    except ValueError:
        period_end = None
    errors = {"period": "Choose the period"} if period_end is None else {}
    settings = request.app.state.settings

    def store() -> Any:
        assert upload is not None
        return store_evidence_file(upload.file, upload.filename or "",
                                   max_bytes=settings.reported_evidence_max_bytes,
                                   directory=settings.evidence_dir)

    def save() -> date:
        assert period_end is not None  # refused above otherwise
        entry = Entry(measure.id, period_end, form.get("value", ""),
                      form.get("evidence_link", ""), form.get("reason", ""))
        with transaction(request.app.state.engine) as session:
            enter_value(session, user.username, entry, measures=_measures(),
                        store_evidence=store if upload is not None else None)
        return period_end

    def field(exc: Exception) -> str:
        return exc.field if isinstance(exc, ReportedValueError) else "evidence_file"

    def words(exc: Exception) -> str:
        return exc.reason if isinstance(exc, ReportedValueError) else str(exc)

    return settle(errors, lambda errors: _measure_page(request, user, measure, errors=errors,
                                                       form=form),
                  save, lambda day: f"/reported/{measure.id}?changed={day.isoformat()}",
                  refused=(ReportedValueError, EvidenceFileError), field=field, words=words)


@router.get("/reported/{measure_id}/evidence/{version_id}")
def reported_evidence_file(
    measure_id: str, version_id: int, request: Request,
    user: Annotated[SignedIn, Depends(Allow(STAFF))],
) -> Response:
    """A value's evidence file, as an attachment (never shown inline), for the staff who may
    read the measure's history; each download is on the audit trail."""
    from careassure.appdb.audit import record_event
    from careassure.evidence_files import stored_path
    from careassure.reported.tables import ReportedEntry

    measure = _declared(measure_id)
    with transaction(request.app.state.engine) as session:
        row = session.get(ReportedEntry, version_id)
        if row is None or row.measure_id != measure.id or row.evidence_sha256 is None:
            raise HTTPException(status_code=404)
        path = stored_path(row.evidence_sha256, request.app.state.settings.evidence_dir)
        if not path.is_file():
            raise HTTPException(status_code=404)
        name, content_type = row.evidence_name, row.evidence_type
        record_event(session, user.username, "read", "reported_evidence", str(row.id), {
            "event": "evidence file downloaded", "measure": measure.id,
            "period_end": row.period_end.isoformat(), "version": row.version, "file": name})
    return FileResponse(path, media_type=content_type or "application/octet-stream",
                        filename=name or row.evidence_sha256,
                        content_disposition_type="attachment")


@router.get("/reported-template.{suffix}")
def reported_template(
    suffix: str, request: Request, user: Annotated[SignedIn, Depends(Allow(STAFF))]
) -> Response:
    """The import template: one row per value due from this user, value left blank."""
    from careassure.reported.files import template_csv, template_xlsx

    due = _due_for(user, request.app.state.figures.reported_values())
    headers = {"Content-Disposition": f'attachment; filename="reported-values.{suffix}"'}
    if suffix == "csv":
        return Response(template_csv(due), media_type="text/csv; charset=utf-8",
                        headers=headers)
    if suffix == "xlsx":
        return Response(template_xlsx(due), headers=headers, media_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    raise HTTPException(status_code=404)


@router.post("/reported-import")
async def import_reported_values(
    request: Request, user: Annotated[SignedIn, Depends(Allow(STAFF))]
) -> Response:
    """Import a filled template: every row written, or none (each bad row named)."""
    from careassure.reported.files import read_entries
    from careassure.reported.service import ImportRefused, RowError, import_entries

    declared = request.headers.get("content-length", "")
    if not declared.isdigit() or int(declared) > MAX_IMPORT_BYTES:
        raise HTTPException(status_code=413)
    async with request.form(max_files=1, max_fields=3) as form:
        upload = form.get("values")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return _refused(request, user, "values-file",
                            "Choose a filled template to import (.csv or .xlsx)", [])
        name = upload.filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200]
        data = await upload.read(MAX_IMPORT_BYTES + 1)
    measures = _measures()
    try:
        rows = read_entries(name, data)
        mine = {m.id for m in measures if may_enter(user, m)}
        others = [RowError(name, number, "measure_id", "you may not enter values for this "
                           "measure (it is owned by another role)")
                  for number, entry in rows
                  if entry.measure_id not in mine and entry.measure_id in
                  {m.id for m in measures}]
        if others:
            raise ImportRefused(others)
        with transaction(request.app.state.engine) as session:
            written = import_entries(session, user.username, name, rows, measures=measures)
    except ImportRefused as exc:
        return _refused(request, user, "import-problems",
                        f"{name} was not imported: nothing was changed. Each problem in the "
                        "file is listed below", exc.errors)
    return RedirectResponse(f"/reported?imported={len(written)}", status_code=303)


def _refused(request: Request, user: SignedIn, field: str, message: str,
             errors: list[Any]) -> Response:
    """The page again with the import refused: ``message`` in the error summary, linked to
    ``field`` (the file input, or the list of the file's problems)."""
    from careassure.measures.reported import latest_value

    values = request.app.state.figures.reported_values()
    today = date.today()
    rows = [(m, latest_value(values, m.id, today), may_enter(user, m)) for m in _measures()]
    return render(request, "reported.html", {
        "rows": rows, "due": _due_for(user, values), "titles": {m.id: m.title
                                                                 for m in _measures()},
        "format_number": display.format_number,
        "import_errors": errors[:ERRORS_SHOWN], "error_count": len(errors),
    } | error_context({field: message}), status_code=400)
