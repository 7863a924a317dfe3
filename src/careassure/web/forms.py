"""What the editing forms share: the GOV.UK error summary's context, and reading the fields
people type (whole numbers in a range, UK dates) into a value or the message naming the field.

Every form shows its errors twice, as GOV.UK asks: in the summary at the top, each linking to
its field (``href="#field-id"``), and above the field itself. The service functions raise
errors that start with where the problem is ("risk 'risk-2': likelihood ..."); :func:`message`
keeps what a person needs to read.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any


def error_context(errors: dict[str, str] | None) -> dict[str, Any]:
    """``errors`` (field id -> message) as the templates read them."""
    errors = errors or {}
    return {
        "errors": errors,
        "error_list": [{"text": text, "href": f"#{field}"} for field, text in errors.items()],
    }


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
