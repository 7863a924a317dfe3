"""From a file's header and text cells to a staging table holding exactly the format's columns.

Readers (:mod:`careassure.records.sources`) put each file into the in-memory staging database as
a table of text columns named by position (``c0``, ``c1``...), next to the header as found. Here
the header is matched to the format: missing, misspelled and repeated columns are reported, extra
columns are named for the load log and dropped (they may hold names or case notes, so their
values go no further), cells are trimmed, empty text becomes NULL and blank rows are skipped.

The staging table ``stage_<table>`` then holds, per row, its spreadsheet row number ``_row``,
each column's text and, for typed columns, the value read from it (``<column>__value``, see
:mod:`careassure.records.cells`): every check and the final write read that one table, so each
cell is parsed once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import duckdb

from careassure.records.cells import WHITESPACE, cleaned, quote, typed, value_column
from careassure.records.rules import (
    COLUMN_DUPLICATED,
    COLUMN_MISSING,
    COLUMN_NAME,
    ValidationError,
)
from careassure.records.schema import TABLES

HEADER_ROW = 1


@dataclass
class RawTable:
    """One source file (or sheet) as read: ``relation`` is a staging table whose text columns
    ``c0``... follow ``header``; ``row`` is the SQL giving each row's spreadsheet row number.
    ``unreadable`` names the table listing the rows that could not be read (``line``,
    ``reason``), which are not in ``relation``; None when every row was read."""

    table: str
    file: str
    header: list[str]
    relation: str
    row: str
    unreadable: str | None = None


@dataclass
class StagedTable:
    """One table ready for checking: ``relation`` holds ``_row``, every column of the format
    (trimmed text, NULL when empty or absent) and the typed values read from them;
    ``present`` names the columns the file had; ``complete`` is False when some of its rows could
    not be read, so that a value missing from it proves nothing."""

    name: str
    file: str
    relation: str
    present: frozenset[str]
    extra_columns: list[str] = field(default_factory=list)
    absent_columns: list[str] = field(default_factory=list)
    complete: bool = True


def _column_letter(index: int) -> str:
    """Spreadsheet column letter for a 0-based position (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _near(name: str) -> str:
    """A header name reduced to what a typist is likely to have meant."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def shape(con: duckdb.DuckDBPyConnection, raw: RawTable) -> tuple[StagedTable,
                                                                     list[ValidationError]]:
    """Match ``raw``'s header to the format and build its staging table ``src_<table>``."""
    table = TABLES[raw.table]
    header = [h.strip(WHITESPACE) for h in raw.header]
    errors: list[ValidationError] = []

    def error(rule: str, column: str | None, value: str | None, reason: str) -> None:
        errors.append(ValidationError(raw.file, raw.table, HEADER_ROW, column, value, rule,
                                      reason))

    positions: dict[str, list[int]] = {}
    for index, name in enumerate(header):
        positions.setdefault(name, []).append(index)
    for name in table.column_names:
        found = positions.get(name, [])
        if len(found) > 1:
            letters = ", ".join(_column_letter(i) for i in found)
            error(COLUMN_DUPLICATED.id, name, name,
                  f"appears {len(found)} times in the header (columns {letters}): keep one")

    near = {_near(name): name for name in table.column_names}
    extra: list[str] = []
    misspelled: set[str] = set()
    for index, name in enumerate(header):
        if name in table.column_names:
            continue
        if not name:
            if _has_values(con, raw.relation, index):
                extra.append(f"(no header, column {_column_letter(index)})")
            continue
        meant = near.get(_near(name))
        if meant and meant not in positions:
            misspelled.add(meant)
            error(COLUMN_NAME.id, name, name, f"should be named {meant}")
        else:
            extra.append(name)

    absent = [c.name for c in table.columns if c.name not in positions and c.name not in misspelled]
    for column in table.columns:
        if column.required and column.name in absent:
            error(COLUMN_MISSING.id, column.name, None,
                  f"required column {column.name} is missing from the header{_hint(header)}")

    texts = [f"{raw.row} AS _row"]
    for column in table.columns:
        at = positions.get(column.name)
        text = cleaned(f"c{at[0]}") if at else "NULL::VARCHAR"
        texts.append(f"{text} AS {quote(column.name)}")
    values = [f"{typed(c, quote(c.name))} AS {quote(value_column(c))}"
              for c in table.columns if value_column(c) != c.name]
    names = ", ".join(["_row", *(quote(n) for n in table.column_names), *values])
    # A blank row (spreadsheets leave them, often at the end) has no cell with anything in it.
    blank = " AND ".join(f"(c{i} IS NULL OR c{i} = '')" for i in range(len(header))) or "true"
    relation = f"stage_{raw.table}"
    con.execute(f"CREATE OR REPLACE TABLE {quote(relation)} AS SELECT {names} FROM "
                f"(SELECT {', '.join(texts)} FROM {quote(raw.relation)} WHERE NOT ({blank}))")
    con.execute(f"DROP TABLE IF EXISTS {quote(raw.relation)}")
    present = frozenset(name for name in table.column_names if name in positions)
    return StagedTable(raw.table, raw.file, relation, present, extra,
                       [c for c in absent if not table.column(c).required],
                       raw.unreadable is None), errors


def _has_values(con: duckdb.DuckDBPyConnection, relation: str, index: int) -> bool:
    """Whether a column without a header holds anything (spreadsheets often carry empty ones)."""
    found = con.execute(f"SELECT count(*) FROM {quote(relation)} "
                        f"WHERE {cleaned(f'c{index}')} IS NOT NULL").fetchone()
    return bool(found and found[0])


def _hint(header: list[str]) -> str:
    """Why a whole header may not match: another separator than the comma."""
    if len(header) == 1 and ";" in header[0]:
        return " (the file seems to use ; between columns: save it comma-separated)"
    if len(header) == 1 and "\t" in header[0]:
        return " (the file seems to use tabs between columns: save it comma-separated)"
    if not header:
        return " (the file has no header row)"
    return ""


def empty_raw(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """A raw staging relation with no rows, for a file that holds nothing at all."""
    relation = f"raw_{table}"
    con.execute(f"CREATE OR REPLACE TABLE {quote(relation)} AS SELECT NULL::VARCHAR AS c0, "
                "NULL::BIGINT AS _row WHERE false")
    return relation

