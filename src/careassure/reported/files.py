"""The import template for reported values, as CSV or XLSX, and reading a filled one back.

The template has one row per value that is due and not entered, with the value left blank, so
an owner fills in what is asked for; any other period of a declared measure may be added as a
row. Reading checks the file's shape (columns, dates) and names file, row and column for every
problem; the values themselves are checked by :func:`careassure.reported.service.import_entries`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from careassure.measures.reported import DueValue
from careassure.records.csvcells import safe_cell
from careassure.reported.service import Entry, ImportRefused, RowError

COLUMNS = ("measure_id", "period_end", "value", "evidence_link", "reason")
MAX_ROWS = 10_000


def template_rows(due: Iterable[DueValue]) -> list[list[str]]:
    """The header and one row per due value (period end written dd/mm/yyyy, value blank)."""
    return [list(COLUMNS)] + [[d.measure_id, f"{d.period_end:%d/%m/%Y}", "", "", ""]
                              for d in due]


def template_csv(due: Iterable[DueValue]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in template_rows(due):
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()


def template_xlsx(due: Iterable[DueValue]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "values"
    for row in template_rows(due):
        sheet.append([safe_cell(cell) for cell in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _day(cell: Any) -> date | None:
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    text = str(cell or "").strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _table(file_name: str, data: bytes) -> list[Sequence[Any]]:
    if file_name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for a damaged file
            raise ImportRefused([RowError(file_name, 1, "-", f"not a readable XLSX file "
                                          f"({type(exc).__name__})")]) from exc
        sheet = book.worksheets[0]
        return [row for row in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 1)]
    if not file_name.lower().endswith(".csv"):
        raise ImportRefused([RowError(file_name, 1, "-", "the file must be .csv or .xlsx")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused([RowError(file_name, 1, "-", "the file is not UTF-8 text")]) from None
    return list(csv.reader(io.StringIO(text)))


def read_entries(file_name: str, data: bytes) -> list[tuple[int, Entry]]:
    """The filled template's rows as entries with their row numbers (the header is row 1);
    blank rows are skipped. Raises :class:`ImportRefused` naming every bad row and column."""
    table = _table(file_name, data)
    if len(table) > MAX_ROWS + 1:
        raise ImportRefused([RowError(file_name, MAX_ROWS + 2, "-",
                                      f"more than {MAX_ROWS:,} rows")])
    header = [_text(c).lower() for c in table[0]] if table else []
    missing = [c for c in COLUMNS[:3] if c not in header]
    if missing:
        raise ImportRefused([RowError(file_name, 1, column, "column missing from the header")
                             for column in missing])
    where = {name: header.index(name) for name in COLUMNS if name in header}
    errors: list[RowError] = []
    found: list[tuple[int, Entry]] = []
    for number, row in enumerate(table[1:], start=2):
        cells = {name: row[i] if i < len(row) else None for name, i in where.items()}
        if not any(_text(c) for c in cells.values()):
            continue
        day = _day(cells["period_end"])
        if day is None:
            errors.append(RowError(file_name, number, "period_end",
                                   f"{_text(cells['period_end'])!r} is not a date "
                                   "(dd/mm/yyyy)"))
            continue
        found.append((number, Entry(
            measure_id=_text(cells["measure_id"]), period_end=day,
            value=_text(cells["value"]), evidence_link=_text(cells.get("evidence_link")),
            reason=_text(cells.get("reason")),
        )))
    if errors:
        raise ImportRefused(errors)
    return found
