"""The activity tables (measures/activity.py) as a reader gets them: rows of labelled cells, a
CSV and an XLSX workbook. The web page, its downloads and ``careassure activity`` all build on
:func:`table_rows`, so each shows the same cells, suppressed the same way for publication, and
every text cell goes through :func:`careassure.records.csvcells.safe_cell`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import timedelta

from careassure.measures.activity import TOTAL, ActivityResult, published
from careassure.records.csvcells import safe_cell

Cell = int | str


def shown_counts(result: ActivityResult, *, publish: bool) -> dict[tuple[str, str], Cell]:
    """Every cell and total: suppressed for publication, or exact for staff."""
    if publish:
        return published(result)
    rows = [*(r for r, _ in result.table.rows), TOTAL]
    columns = [*(c for c, _ in result.table.columns), TOTAL]
    return {(r, c): result.count(r, c) for r in rows for c in columns}


def table_rows(result: ActivityResult, *, publish: bool) -> list[list[Cell]]:
    """The header (the unit counted, then the column labels and "Total") and one row per table
    row, then the totals row."""
    shown = shown_counts(result, publish=publish)
    columns = [*result.table.columns, (TOTAL, "Total")]
    header: list[Cell] = [result.table.unit.capitalize(), *(label for _, label in columns)]
    body: list[list[Cell]] = [header]
    for code, label in [*result.table.rows, (TOTAL, "Total")]:
        body.append([label, *(shown[(code, c)] for c, _ in columns)])
    return body


def period_words(result: ActivityResult) -> str:
    """The 12 months a table covers, as UK dates (the day after ``year_start`` to D)."""
    first = result.year_start + timedelta(days=1)
    return f"{first:%d/%m/%Y} to {result.as_of:%d/%m/%Y}"


def to_csv(results: Sequence[ActivityResult], *, publish: bool) -> str:
    """Every table one after the other: its title and period, its rows, a blank line."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for result in results:
        writer.writerow([safe_cell(result.table.title), period_words(result)])
        for row in table_rows(result, publish=publish):
            writer.writerow([safe_cell(cell) for cell in row])
        writer.writerow([])
    return out.getvalue()


def to_xlsx(results: Sequence[ActivityResult], *, publish: bool) -> bytes:
    """One sheet per table (named by its id), the title and period above its rows."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for result in results:
        sheet = book.create_sheet(result.table.id[:31])  # Excel's longest sheet name
        sheet.append([safe_cell(result.table.title)])
        sheet.append([period_words(result)])
        for row in table_rows(result, publish=publish):
            sheet.append([safe_cell(cell) for cell in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
