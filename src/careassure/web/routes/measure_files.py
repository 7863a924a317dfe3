"""A measure page's files: its trend chart as SVG or PNG and its figures as an Excel workbook,
for the same measure, breakdown, period, filters and dates as the page (and, for a viewer, the
same suppressed figures)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response

from careassure.web.auth import Allow
from careassure.web.chart_files import file_response, png_file, svg_file, xlsx_file
from careassure.web.roles import EVERYONE, sees_unpublished
from careassure.web.routes.measures import (
    FIGURE_COLUMNS,
    _selection,
    _series,
    _trend_chart,
    _view,
    download_name,
    download_rows,
)
from careassure.web.sessions import SignedIn
from careassure.web.targets import standing

router = APIRouter()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/measures/{measure_id}/chart.{fmt}")
def measure_chart(
    request: Request,
    user: Annotated[SignedIn, Depends(Allow(EVERYONE))],
    measure_id: str,
    fmt: str,
    months: int = 24,
) -> Response:
    if fmt not in ("svg", "png"):
        raise HTTPException(status_code=404)
    definition, _, months, extract_date = _selection(request, measure_id, None, months)
    if extract_date is None:
        raise HTTPException(status_code=404)
    view = _view(request, definition, extract_date)
    values = _series(request, measure_id, view, months, None, not sees_unpublished(user.role))
    chart = _trend_chart(definition, values, standing(request.app, measure_id))
    name = download_name(measure_id, None, view, fmt)
    if fmt == "svg":
        return file_response(svg_file(chart), "image/svg+xml", name)
    return file_response(png_file(chart), "image/png", name)


@router.get("/measures/{measure_id}/data.xlsx")
def measure_xlsx(
    request: Request,
    user: Annotated[SignedIn, Depends(Allow(EVERYONE))],
    measure_id: str,
    by: str | None = None,
    months: int = 24,
) -> Response:
    rows, name = download_rows(request, user, measure_id, by, months, "xlsx")
    return file_response(xlsx_file("Figures", FIGURE_COLUMNS, rows), XLSX, name)
