"""Downloads: CSV responses (cells made safe by :mod:`careassure.records.csvcells`)."""

from __future__ import annotations

import re

from fastapi.responses import Response


def csv_response(text: str, filename: str) -> Response:
    """A CSV download (UTF-8 with a byte-order mark, so Excel reads accents correctly)."""
    safe_name = re.sub(r"[^A-Za-z0-9._-]", "_", filename)
    return Response(
        content="\ufeff" + text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{safe_name}"'},
    )
