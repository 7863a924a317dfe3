"""One CSV file read by DuckDB into a raw staging table, each row numbered as a spreadsheet shows.

The file is read in bulk (DuckDB's parallel reader, every column as text), so row numbers are not
counted by Python. They come from two facts: DuckDB keeps the file's order, and it reads a quoted
value spanning lines as one record, as a spreadsheet does. So in the usual case the row number is
the insertion order plus 2 (the header is row 1). Two things break that count, and both are
detected without a per-row Python loop:

- **Rows DuckDB cannot read** (too many or too few fields, a quote never closed, text that is not
  UTF-8). A strict read fails at the first; the file is then read again with
  ``store_rejects=true``, which skips every bad row and lists each in a rejects table with its
  record number. All of them are reported (rule ``unreadable_row``, straight from that table
  into the errors, however many), and the good rows are still checked, numbered around the gaps.
- **Empty lines**, which DuckDB skips silently but which still take a row number (DuckDB's own
  reject line numbers count them). A byte search finds whether the file has any; only then is
  the file scanned with NumPy, in blocks, for the record numbers of its empty lines.

When either happens the rows are numbered by a join against the record numbers that remain.
"""

from __future__ import annotations

import mmap
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from careassure.records.cells import literal, quote
from careassure.records.limits import IngestLimits
from careassure.records.rules import TOO_LARGE, UNREADABLE_FILE, ValidationError
from careassure.records.staging import RawTable, empty_raw

# The first data row's spreadsheet number (the header is row 1).
FIRST_DATA_ROW = 2
HEADER_ROW = 1
CSV_OPTIONS = "header=true, auto_detect=false, delim=',', quote='\"', escape='\"'"
NOT_UTF8 = "is not UTF-8 text: in Excel use Save As > CSV UTF-8"
# DuckDB's reject kinds, as a spreadsheet user would understand them.
REJECT_REASONS = {
    "TOO MANY COLUMNS": "has more fields than the header: a value holding a comma needs quotes",
    "MISSING COLUMNS": "has fewer fields than the header",
    "UNQUOTED VALUE": "has a quote that is not closed, or a quote inside a value that is not "
                      "doubled (\"\")",
    "INVALID ENCODING": NOT_UTF8,
    "LINE SIZE OVER MAXIMUM": "is too long to be one record: a quote may not be closed",
}
# Bytes scanned at a time when looking for empty lines (bounded memory on multi-gigabyte files).
_BLOCK = 1 << 26
_NEWLINE, _CARRIAGE_RETURN, _QUOTE = ord("\n"), ord("\r"), ord('"')


def read_header(path: Path, max_bytes: int = -1) -> list[str]:
    """The header row as written (a byte order mark dropped); [] for an empty file. Only the first
    line is decoded, so a bad byte further down is reported on its own row, not as the header.
    At most ``max_bytes`` are read (a file without line ends is not read whole into memory).
    Raises UnicodeDecodeError when the header itself is not UTF-8."""
    import csv

    with path.open("rb") as file:
        first = file.readline(max_bytes)
    return next(csv.reader([first.decode("utf-8-sig", errors="strict").rstrip("\r\n")]), [])


def line_bytes(limits: IngestLimits) -> int:
    """The longest CSV line read: one cell at its longest in UTF-8 (four bytes a character),
    plus a generous row of ordinary cells. Longer lines are reported unreadable, so a huge cell
    never reaches memory, the report or a page."""
    return limits.max_cell_chars * 4 + 64 * 1024


def read_csv(con: duckdb.DuckDBPyConnection, table: str, label: str, path: Path,
             limits: IngestLimits) -> tuple[RawTable | None, list[ValidationError]]:
    """The CSV file at ``path`` as the raw staging table ``raw_<table>``, and the problems found
    reading it: the header not UTF-8 or the file unreadable (``unreadable_file``, no table), or
    rows DuckDB cannot read (``unreadable_row``, one error per row; the other rows are staged).
    A header of more than ``limits.max_fields`` columns is refused before DuckDB reads the file
    (``too_large``): a hundred thousand columns once took gigabytes."""
    try:
        header = read_header(path, line_bytes(limits))
    except UnicodeDecodeError:
        return None, [ValidationError(label, table, HEADER_ROW, None, None, UNREADABLE_FILE.id,
                                      NOT_UTF8)]
    except OSError as exc:
        return None, [ValidationError(label, table, None, None, None, UNREADABLE_FILE.id,
                                      f"cannot be read: {exc.strerror or exc}")]
    if not header:
        return RawTable(table, label, [], empty_raw(con, table), f"rowid + {FIRST_DATA_ROW}"), []
    if len(header) > limits.max_fields:
        return None, [ValidationError(label, table, HEADER_ROW, None, None, TOO_LARGE.id,
                                      f"has more than {limits.max_fields:,} columns, the "
                                      "limit")]
    relation = f"raw_{table}"
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(header))) + "}"
    scan = (f"read_csv({literal(str(path))}, {CSV_OPTIONS}, columns={columns}, "
            f"max_line_size={line_bytes(limits)}")
    skipped = empty_lines(path)
    unreadable = None
    try:
        con.execute(f"CREATE OR REPLACE TABLE {quote(relation)} AS SELECT * FROM {scan})")
    except duckdb.Error as failure:
        unreadable = _read_with_rejects(con, relation, scan)
        if unreadable is None:
            return None, [ValidationError(label, table, None, None, None, UNREADABLE_FILE.id,
                                          _unreadable_reason(path, failure))]
        lines = con.execute(f"SELECT line FROM {quote(unreadable)}").to_arrow_table()
        skipped = np.union1d(skipped, lines.column(0).to_numpy())
    if not len(skipped):
        return RawTable(table, label, header, relation, f"rowid + {FIRST_DATA_ROW}"), []
    _number_rows(con, relation, skipped)
    return RawTable(table, label, header, relation, "_row", unreadable=unreadable), []


def _read_with_rejects(con: duckdb.DuckDBPyConnection, relation: str, scan: str) -> str | None:
    """Read the file again, skipping the rows DuckDB cannot read, into ``relation``, and list the
    skipped rows in the table returned, one row each: ``line`` (the record number) and
    ``reason``. Kept in DuckDB, not Python: a header one column short makes every row of a
    ten-million-row file unreadable. None when the reader still fails (not CSV at all)."""
    rejects, scans = f"{relation}_rejects", f"{relation}_reject_scans"
    unreadable = f"{relation}_unreadable"
    reasons = " ".join(f"WHEN {literal(kind)} THEN {literal(reason)}"
                       for kind, reason in REJECT_REASONS.items())
    try:
        con.execute(f"CREATE OR REPLACE TABLE {quote(relation)} AS SELECT * FROM {scan}, "
                    f"store_rejects=true, rejects_table={literal(rejects)}, "
                    f"rejects_scan={literal(scans)})")
        # A row can fail several ways (bad bytes in two cells); it is reported once, by the
        # first problem met in it.
        con.execute(f"""
            CREATE OR REPLACE TABLE {quote(unreadable)} AS
            SELECT line, CASE kind {reasons} ELSE message END AS reason
            FROM (SELECT line, arg_min(error_type::VARCHAR, byte_position) AS kind,
                         arg_min(error_message, byte_position) AS message
                  FROM {quote(rejects)} GROUP BY line)""")
        found = con.execute(f"SELECT count(*) FROM {quote(unreadable)}").fetchone()
    except duckdb.Error:
        return None
    finally:
        con.execute(f"DROP TABLE IF EXISTS {quote(rejects)}; "
                    f"DROP TABLE IF EXISTS {quote(scans)}")
    return unreadable if found and found[0] else None


def _unreadable_reason(path: Path, failure: duckdb.Error) -> str:
    """Why DuckDB could not read the file at all, in words an analyst can act on."""
    if _mixed_line_endings(path):
        return ("cannot be read as CSV: its lines end in two ways (Windows CRLF and Unix LF), as "
                "when files are joined or edited by hand: open it and save it again as CSV UTF-8")
    return f"cannot be read as CSV: {str(failure).splitlines()[0]}"


def _mixed_line_endings(path: Path) -> bool:
    """Whether some lines end in CR LF and others in LF alone (DuckDB's reader refuses that)."""
    with path.open("rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as view:
        if view.find(b"\r\n") < 0:
            return False
        data = np.frombuffer(view, np.uint8)
        try:
            newlines = np.flatnonzero(data[1:] == _NEWLINE) + 1
            after_return = data[newlines - 1] == _CARRIAGE_RETURN
            return bool(after_return.any() and not after_return.all())
        finally:
            del data, newlines, after_return


def _number_rows(con: duckdb.DuckDBPyConnection, relation: str, skipped: np.ndarray) -> None:
    """Add ``_row`` to ``relation``: the n-th row read gets the n-th record number (from 2) that
    is not in ``skipped`` (rows DuckDB rejected, empty lines)."""
    found = con.execute(f"SELECT count(*) FROM {quote(relation)}").fetchone()
    count = int(found[0]) if found else 0
    numbers = np.setdiff1d(np.arange(FIRST_DATA_ROW, FIRST_DATA_ROW + count + len(skipped)),
                           skipped)[:count]
    con.register("row_numbers", pa.table({"_index": pa.array(np.arange(count)),
                                          "_row": pa.array(numbers)}))
    try:
        con.execute(f"CREATE OR REPLACE TABLE {quote(relation)} AS SELECT r.* EXCLUDE (_index), "
                    f"n._row FROM (SELECT *, rowid AS _index FROM {quote(relation)}) r "
                    "JOIN row_numbers n USING (_index) ORDER BY n._row")
    finally:
        con.unregister("row_numbers")


def empty_lines(path: Path) -> np.ndarray:
    """The record numbers (header = 1) of the empty lines of a CSV file, which DuckDB skips but
    which still count as rows. A newline inside a quoted value is not a line end: a line end is a
    newline after an even number of quote characters (a doubled quote counts two)."""
    if path.stat().st_size == 0:
        return np.empty(0, np.int64)
    with path.open("rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as view:
        # Empty lines after the last record change no row number (exporters often end a file
        # with one): only the text before the final run of line ends is searched.
        end = len(view)
        while end and view[end - 1] in (_NEWLINE, _CARRIAGE_RETURN):
            end -= 1
        if view.find(b"\n\n", 0, end) < 0 and view.find(b"\n\r\n", 0, end) < 0:
            return np.empty(0, np.int64)
        data = np.frombuffer(view, np.uint8)
        try:
            return _scan_empty_lines(data)
        finally:
            del data  # the buffer must be released before the map is closed


def _scan_empty_lines(data: np.ndarray) -> np.ndarray:
    found: list[np.ndarray] = []
    quotes_before = 0  # quote characters before the current block
    records = 0  # line ends before the current block
    previous_end = -1  # position of the last line end seen
    for start in range(0, len(data), _BLOCK):
        block = data[start:start + _BLOCK]
        newlines = np.flatnonzero(block == _NEWLINE) + start
        quotes = np.flatnonzero(block == _QUOTE) + start
        inside = (quotes_before + np.searchsorted(quotes, newlines)) % 2 == 1
        ends = newlines[~inside]
        if len(ends):
            starts = np.concatenate(([previous_end + 1], ends[:-1] + 1))
            length = ends - starts
            empty = (length == 0) | ((length == 1) & (data[np.maximum(ends - 1, 0)]
                                                      == _CARRIAGE_RETURN))
            found.append(records + 1 + np.flatnonzero(empty))
            records += len(ends)
            previous_end = int(ends[-1])
        quotes_before += len(quotes)
    return np.concatenate(found) if found else np.empty(0, np.int64)
