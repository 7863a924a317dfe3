"""Declaring reported measures from the admin page: add one, edit it, retire or reinstate it.

Administrators only. Every save is a new version of the declaration with its audit row
(:mod:`careassure.reported.declarations`), checked by the same rules as the council's file; a
measure declared in the file is shown but not editable here (the page says so), because the file
is the council's reviewed configuration. After a save the measure is in the catalogue at once:
:func:`careassure.reported.declarations.sync` hands it to the measures layer before the next
page is drawn.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from careassure.appdb import transaction
from careassure.reported.declarations import DeclarationConflict
from careassure.web.auth import Allow
from careassure.web.forms import error_context, uk_date, whole_number
from careassure.web.roles import ADMINS, ROLE_NAMES
from careassure.web.routes.measures import UNIT_LABELS
from careassure.web.sessions import SignedIn
from careassure.web.templating import render

router = APIRouter()
PREFIX = "reported."
# The form's fields, in the order the page asks for them (the id only when declaring).
TEXT_FIELDS = ("title", "definition", "unit", "direction", "frequency", "owner_role", "owner",
               "source", "minimum", "maximum", "first_period", "due_days")
# What the form says for a field left empty, as GOV.UK's error messages do: what to do.
EMPTY = {
    "id": "Enter the measure's id, like carers_support_pct",
    "title": "Enter the measure's title",
    "definition": "Enter the definition: one sentence ending in a full stop",
    "unit": "Choose the unit",
    "frequency": "Choose how often it is reported",
    "owner_role": "Choose the role whose members enter its values",
    "owner": "Enter the team or post that owns it",
    "source": "Enter where the figure comes from",
    "minimum": "Enter the smallest value it may take",
    "maximum": "Enter the largest value it may take",
    "first_period": "Enter the last day of the first period a value is due for, like 30/06/2025",
}
FREQUENCY_CHOICES = (("monthly", "Monthly"), ("quarterly", "Quarterly (calendar quarters)"),
                     ("annual", "Annual (financial years, April to March)"))
DIRECTION_CHOICES = (("higher", "Higher is better"), ("lower", "Lower is better"),
                     ("", "Neither"))
MAX_FIELD = 2100


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _typed(form: dict[str, str], errors: dict[str, str]) -> dict[str, Any]:
    """The form's text as the declaration's typed fields; a field that cannot be read gets its
    error here (the rules themselves are the measures layer's)."""
    fields: dict[str, Any] = {name: form.get(name, "").strip() for name in TEXT_FIELDS}
    errors.update({name: text for name, text in EMPTY.items()
                   if name != "id" and not fields[name]})
    fields["direction"] = fields["direction"] or None
    for name in ("minimum", "maximum"):
        if fields[name]:
            try:
                number = float(fields[name].replace(",", ""))
            except ValueError:
                number = math.nan
            if math.isfinite(number):
                fields[name] = number
            else:
                errors[name] = f"Enter the {name} as a number, like 0 or 100"
    if fields["first_period"]:
        day = uk_date(fields["first_period"])
        if day is None:
            errors["first_period"] = ("Enter the first period's last day as day, month and "
                                      "year, like 30/06/2025")
        fields["first_period"] = day
    due = fields.pop("due_days")
    if due:
        days = whole_number(due, 0, 366)
        if days is None:
            errors["due_days"] = "Enter the days after a period ends that its value is due, " \
                "a whole number from 0 to 366"
        fields["due_days"] = days
    return fields


def _check(fields: dict[str, Any], errors: dict[str, str], save: Any) -> Any:
    """Run ``save`` (a declarations service call) unless the form already has errors; a
    refused declaration becomes the error of the field it names."""
    from careassure.measures.reported import DeclarationError

    if errors:
        return None
    try:
        return save(fields)
    except DeclarationError as exc:
        errors[exc.field] = EMPTY.get(exc.field, "") if exc.reason.endswith(" is missing") \
            else _sentence(exc.reason.replace("_", " "))
        return None


def _form_of(measure: Any) -> dict[str, str]:
    return {
        "title": measure.title, "definition": measure.definition, "unit": measure.unit,
        "direction": measure.direction or "", "frequency": measure.frequency,
        "owner_role": measure.owner_role, "owner": measure.owner, "source": measure.source,
        "minimum": f"{measure.minimum:g}", "maximum": f"{measure.maximum:g}",
        "first_period": measure.first_period.strftime("%d/%m/%Y"),
        "due_days": str(measure.due_days),
    }


def _items(form: dict[str, str]) -> dict[str, Any]:
    """The choices of the select fields (value, text) and of the radios, with the one in
    ``form`` checked."""
    from careassure.measures.reported import OWNER_ROLES

    def radios(name: str, choices: Any) -> list[dict[str, Any]]:
        return [{"value": value, "text": text, "checked": form.get(name, "") == value}
                for value, text in choices]

    return {"choices": {
        "unit": [(unit, f"{unit.replace('_', ' ')} ({label})")
                 for unit, label in UNIT_LABELS.items()],
        "owner_role": [(role, ROLE_NAMES[role]) for role in OWNER_ROLES],
    }, "items": {
        "direction": radios("direction", DIRECTION_CHOICES),
        "frequency": radios("frequency", FREQUENCY_CHOICES),
    }, "role_names": ROLE_NAMES, "unit_labels": UNIT_LABELS}


def _list_page(request: Request, *, errors: dict[str, str] | None = None,
               form: dict[str, str] | None = None, status_code: int = 200) -> Response:
    from careassure.measures.reported import app_declared, declarations_path, reported_measures

    shown = {"due_days": "30"} | (form or {})
    return render(request, "reported_admin.html", {
        "in_file": reported_measures(declarations_path()),
        "in_app": app_declared(),
        "file_name": declarations_path().name,
        "form": shown,
        "declared": request.query_params.get("declared", ""),
    } | _items(shown) | error_context(errors), status_code=status_code)


async def _form(request: Request) -> dict[str, str]:
    data: FormData = await request.form(max_files=0, max_fields=30)
    return {key: str(value)[:MAX_FIELD] for key, value in data.items()}


@router.get("/admin/reported-measures")
def reported_measures_page(
    request: Request, user: Annotated[SignedIn, Depends(Allow(ADMINS))]
) -> Response:
    return _list_page(request)


@router.post("/admin/reported-measures")
async def declare_reported_measure(
    request: Request, user: Annotated[SignedIn, Depends(Allow(ADMINS))]
) -> Response:
    """Declare a new reported measure; it is in the catalogue from the next page on."""
    from starlette.concurrency import run_in_threadpool

    form = await _form(request)
    return await run_in_threadpool(_declare, request, user, form)


def _declare(request: Request, user: SignedIn, form: dict[str, str]) -> Response:
    from careassure.measures.reported import DeclarationError
    from careassure.reported.declarations import declare, saving, sync

    errors: dict[str, str] = {}
    name = form.get("measure_id", "").strip().removeprefix(PREFIX)
    fields = _typed(form, errors) | {"id": PREFIX + name if name else ""}
    if not name:
        errors["id"] = EMPTY["id"]

    def save(checked: dict[str, Any]) -> Any:
        try:
            with saving(request.app.state.engine, checked["id"]) as session:
                return declare(session, user.username, checked).measure_id
        except DeclarationConflict as exc:  # the same id declared by someone else at once
            raise DeclarationError("id", f"{exc.measure_id} was declared by {exc.saved_by} a "
                                   "moment ago: change it from its own page, or choose another "
                                   "id") from None

    declared = _check(fields, errors, save)
    if declared is None:
        errors = {("measure_id" if k == "id" else k): v for k, v in errors.items()}
        return _list_page(request, errors=errors, form=form, status_code=400)
    sync(request.app.state.engine)
    return RedirectResponse(f"/admin/reported-measures?declared={declared}", status_code=303)


def _measure_page(request: Request, measure_id: str, *, errors: dict[str, str] | None = None,
                  form: dict[str, str] | None = None, status_code: int = 200) -> Response:
    """The measure's declaration page. The edit form carries the version it shows (``form``'s
    when a refused form is shown again, so its next save is still checked against the version
    its author opened) and the retire form the version in force."""
    from careassure.measures.reported import app_declared, declarations_path, reported_measures
    from careassure.reported.declarations import versions

    in_file = next((m for m in reported_measures(declarations_path()) if m.id == measure_id),
                   None)
    measure = in_file or next((m for m in app_declared() if m.id == measure_id), None)
    if measure is None:
        raise HTTPException(status_code=404)
    history = []
    if in_file is None:
        with transaction(request.app.state.engine) as session:
            history = versions(session, measure_id)
    in_force = str(history[0].version) if history else ""
    shown = form or (_form_of(measure) | {"version": in_force})
    return render(request, "reported_admin_measure.html", {
        "measure": measure, "in_file": in_file is not None,
        "file_name": declarations_path().name, "history": history,
        "form": shown, "version": in_force,
        "changed": request.query_params.get("changed", ""),
    } | _items(shown) | error_context(errors), status_code=status_code)


def _conflict(request: Request, measure_id: str, exc: DeclarationConflict) -> Response:
    """A save refused because someone else changed the declaration since the form was opened:
    the page again with the version now in force in the form (HTTP 409), and the error summary
    saying who saved it and when."""
    from careassure.reported.declarations import sync
    from careassure.web.display import uk_datetime

    sync(request.app.state.engine)  # the page shows the version that won
    return _measure_page(request, measure_id, errors={"declaration": (
        f"This declaration was changed by someone else since you opened it: {exc.saved_by} "
        f"saved version {exc.version} on {uk_datetime(exc.saved_at)}. Here is the current "
        "version: make your change again if it is still needed, and save.")},
        status_code=409)


def _opened(form: dict[str, str]) -> int:
    """The version the form was opened at. A form without one (versions count from 1) is
    taken as opened before any, so its save is refused and the current version shown."""
    return whole_number(form.get("version", ""), 1, 2**31 - 1) or 0


@router.get("/admin/reported-measures/{measure_id}")
def reported_measure_declaration(
    request: Request, user: Annotated[SignedIn, Depends(Allow(ADMINS))], measure_id: str
) -> Response:
    return _measure_page(request, measure_id)


@router.post("/admin/reported-measures/{measure_id}")
async def edit_reported_measure(
    request: Request, user: Annotated[SignedIn, Depends(Allow(ADMINS))], measure_id: str
) -> Response:
    """Save a new version of a measure declared on this page (its id never changes)."""
    from starlette.concurrency import run_in_threadpool

    form = await _form(request)
    return await run_in_threadpool(_edit, request, user, measure_id, form)


def _edit(request: Request, user: SignedIn, measure_id: str, form: dict[str, str]) -> Response:
    from careassure.measures.reported import app_declared
    from careassure.reported.declarations import edit, saving, sync

    if measure_id not in {m.id for m in app_declared()}:  # unknown, or in the council's file
        raise HTTPException(status_code=404)
    errors: dict[str, str] = {}
    fields = _typed(form, errors)

    def save(checked: dict[str, Any]) -> Any:
        with saving(request.app.state.engine, measure_id) as session:
            return edit(session, user.username, measure_id, checked,
                        opened=_opened(form)) or "unchanged"

    try:
        saved = _check(fields, errors, save)
    except KeyError:
        raise HTTPException(status_code=404) from None
    except DeclarationConflict as exc:
        return _conflict(request, measure_id, exc)
    if saved is None:
        return _measure_page(request, measure_id, errors=errors, form=form, status_code=400)
    sync(request.app.state.engine)
    changed = "unchanged" if saved == "unchanged" else "saved"
    return RedirectResponse(f"/admin/reported-measures/{measure_id}?changed={changed}",
                            status_code=303)


@router.post("/admin/reported-measures/{measure_id}/retire")
def retire_reported_measure(
    request: Request,
    user: Annotated[SignedIn, Depends(Allow(ADMINS))],
    measure_id: str,
    retired: str = Form(""),
    version: str = Form(""),
) -> Response:
    """Retire a measure (values no longer due or accepted; its history and figures stay) or
    reinstate it."""
    from careassure.reported.declarations import saving, set_retired, sync

    if retired not in ("yes", "no"):
        raise HTTPException(status_code=400, detail="Retired must be yes or no.")
    try:
        with saving(request.app.state.engine, measure_id) as session:
            set_retired(session, user.username, measure_id, retired == "yes",
                        opened=_opened({"version": version}))
    except KeyError:
        raise HTTPException(status_code=404) from None
    except DeclarationConflict as exc:
        return _conflict(request, measure_id, exc)
    sync(request.app.state.engine)
    changed = "retired" if retired == "yes" else "reinstated"
    return RedirectResponse(f"/admin/reported-measures/{measure_id}?changed={changed}",
                            status_code=303)
