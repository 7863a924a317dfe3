"""What the editing forms share: the GOV.UK error summary's context, and reading the fields
people type (whole numbers in a range, UK dates) into a value or the message naming the field.

Every form shows its errors twice, as GOV.UK asks: in the summary at the top, each linking to
its field (``href="#field-id"``), and above the field itself. The service functions raise
errors that start with where the problem is ("risk 'risk-2': likelihood ..."); :func:`message`
keeps what a person needs to read.

Every editing form also ends the same way (:func:`settle`): when the checks found nothing, the
change is saved; an error from the checks or from the save shows the same page again with the
summary, status 400; a saved change is a 303 to the page that says so (its ``?changed=`` flag).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

from fastapi.responses import RedirectResponse, Response

Saved = TypeVar("Saved")


def error_context(errors: dict[str, str] | None) -> dict[str, Any]:
    """``errors`` (field id -> message) as the templates read them."""
    errors = errors or {}
    return {
        "errors": errors,
        "error_list": [{"text": text, "href": f"#{field}"} for field, text in errors.items()],
    }


def settle(
    errors: dict[str, str],
    refuse: Callable[[dict[str, str]], Response],
    save: Callable[[], Saved],
    saved: Callable[[Saved], str] | str,
    *,
    refused: type[Exception] | tuple[type[Exception], ...] = (),
    field: Callable[[Exception], str] | str = "",
    words: Callable[[Exception], str] | None = None,
) -> Response:
    """How an editing form ends.

    With ``errors`` (field id -> message, from the route's checks) nothing is saved: ``refuse``
    renders the page with them, answered with status 400. Otherwise ``save()`` runs; an error of
    a ``refused`` type it raises is shown the same way, against ``field`` (a field id, or a
    function naming the field the error is about), in ``words`` (:func:`message` unless the
    route says otherwise). A save that succeeds is a
    303 to ``saved`` (an address, or a function of what ``save`` returned).
    """
    if not errors:
        try:
            result = save()
        except refused as exc:
            errors = {field(exc) if callable(field) else field: (words or message)(exc)}
        else:
            return RedirectResponse(saved(result) if callable(saved) else saved, status_code=303)
    response = refuse(errors)
    response.status_code = 400
    return response


def message(exc: Exception) -> str:
    """A service error as a sentence for the form: without its "where:" prefix, capitalised."""
    text = str(exc).split(": ", 1)[-1]
    return text[:1].upper() + text[1:]


def whole_number(text: str, low: int, high: int) -> int | None:
    """The whole number ``text`` holds when it is from ``low`` to ``high``, else None."""
    cleaned = text.strip()
    if not cleaned.isdigit() or not low <= int(cleaned) <= high:
        return None
    return int(cleaned)


def uk_date(text: str) -> date | None:
    """A date typed as dd/mm/yyyy (or yyyy-mm-dd, as a date input sends), else None."""
    cleaned = text.strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
    return None
