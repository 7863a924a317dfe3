"""Downloads: CSV that is safe to open in a spreadsheet.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a formula by
Excel and LibreOffice (CSV injection), and a team name or a validation message can start with
anything. Such cells get a leading apostrophe, the spreadsheets' own "this is text" mark. Numbers
are written by careassure itself, so a negative number is left as it is.
"""

from __future__ import annotations

import re

from fastapi.responses import Response

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")


def safe_cell(value: object) -> object:
    if not isinstance(value, str) or not value.startswith(FORMULA_START):
        return value
    if NUMBER.fullmatch(value):
        return value
    return "'" + value


def csv_response(text: str, filename: str) -> Response:
    """A CSV download (UTF-8 with a byte-order mark, so Excel reads accents correctly)."""
    safe_name = re.sub(r"[^A-Za-z0-9._-]", "_", filename)
    return Response(
        content="\ufeff" + text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{safe_name}"'},
    )
