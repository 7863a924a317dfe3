"""How a text cell is cleaned and read as a value of its column's type, written once as SQL.

The validator and the loader share these expressions: the staging table holds, next to each
typed column's text, the value :func:`typed` reads from it; a cell is valid exactly when that
value is there (and in range), and that value is the one stored. One definition means a cell
cannot pass validation and then load as something else.

Each expression has a fast path for text already in the canonical form (a cast whose result
prints back as the same text, so DuckDB's lenient casts cannot let ``2024-01-5x`` through) and a
slower, exact path for the rest (UK dates, thousands separators), which only the few cells that
miss the fast path pay for. At ten million rows that is the difference between seconds and
minutes.
"""

from __future__ import annotations

from careassure.records.schema import Column, ColumnType

# Years outside this range are typing slips (0224 for 2024, 2204 for 2024), not real dates.
FIRST_YEAR = 1850
LAST_YEAR = 2099
# DECIMAL(12,2) holds ten digits before the point.
DECIMAL_INTEGER_DIGITS = 10
# Spreadsheet error values, as Excel writes them into cells and CSV exports.
SPREADSHEET_ERRORS = ("#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NULL!", "#NUM!",
                      "#SPILL!", "#CALC!", "#GETTING_DATA")
# Stripped from both ends of every cell: spreadsheets pad with spaces, tabs and non-breaking
# spaces, and a byte order mark can survive inside a concatenated file.
WHITESPACE = " \t\r\n\u00a0\ufeff"
# The suffix of a typed column's name in the staging table ("received_date__value").
VALUE_SUFFIX = "__value"

_ISO_DATE = r"\d{4}-\d{2}-\d{2}"
_UK_DATE = r"\d{1,2}/\d{1,2}/\d{4}"
_DATETIME = r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,6})?"
_INTEGER = r"[+-]?\d{1,18}(\.0+)?"
# Pounds as spreadsheets write them: an optional £, thousands separators, pence.
_DECIMAL = r"[+-]?£?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?|[+-]?£?\.\d+"


def quote(name: str) -> str:
    """An SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    """An SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def cleaned(raw: str) -> str:
    """SQL: a raw cell trimmed, NULL when nothing is left. Trimming is tested for first (the
    first character's code point, the last character's bytes) because trimming every cell costs
    five times as much and almost no cell needs it. (Comparisons are written out: DuckDB plans a
    long IN list inside a CASE as a join.)"""
    starts = " OR ".join(f"ord({raw}) = {ord(c)}" for c in WHITESPACE)
    ends = " OR ".join(f"ends_with({raw}, {literal(c)})" for c in WHITESPACE)
    return (f"CASE WHEN {starts} OR {ends} OR {raw} = '' "
            f"THEN nullif(trim({raw}, {literal(WHITESPACE)}), '') ELSE {raw} END")


def value_column(column: Column) -> str:
    """The staging column holding the column's typed value (the text itself for text)."""
    if column.type is ColumnType.TEXT:
        return column.name
    return column.name + VALUE_SUFFIX


def _date(v: str) -> str:
    exact = f"try_cast({v} AS DATE)"
    return (f"CASE WHEN CAST({exact} AS VARCHAR) = {v} THEN {exact} "
            f"WHEN regexp_full_match({v}, '{_UK_DATE}') THEN try_strptime({v}, '%d/%m/%Y')::DATE "
            "END")


def typed(column: Column, v: str) -> str:
    """SQL for the value read from text expression ``v``: NULL when the text cannot be read.
    Years are not checked here (see :func:`invalid`)."""
    kind = column.type
    if kind is ColumnType.TEXT:
        return v
    if kind is ColumnType.CODE:
        return f"lower({v})"
    if kind is ColumnType.DATE:
        return _date(v)
    if kind is ColumnType.MONTH:
        # A full date is accepted and cut to its month: only the month is ever stored.
        first = f"{v} || '-01'"
        return (f"CASE WHEN CAST(try_cast({first} AS DATE) AS VARCHAR) = {first} THEN {v} "
                f"ELSE strftime({_date(v)}, '%Y-%m') END")
    if kind is ColumnType.DATETIME:
        return (f"CASE WHEN {v} LIKE '____-__-__T__:__:__' OR {v} LIKE '____-__-__ __:__:__' "
                f"OR regexp_full_match({v}, '{_DATETIME}') THEN try_cast({v} AS TIMESTAMP) END")
    if kind is ColumnType.BOOL:
        return (f"CASE WHEN {v} IN ('true', 'TRUE') THEN true WHEN {v} IN ('false', 'FALSE') "
                f"THEN false ELSE CASE lower({v}) WHEN 'true' THEN true WHEN 'false' THEN false "
                "END END")
    if kind is ColumnType.INTEGER:
        exact = f"try_cast({v} AS BIGINT)"
        return (f"CASE WHEN CAST({exact} AS VARCHAR) = {v} THEN {exact} "
                f"WHEN regexp_full_match({v}, '{_INTEGER}') "
                f"THEN try_cast(regexp_extract({v}, '^[+-]?\\d+') AS BIGINT) END")
    if kind is ColumnType.DECIMAL:
        digits = f"replace(replace({v}, '£', ''), ',', '')"
        return (f"CASE WHEN regexp_full_match({v}, '{_DECIMAL}') "
                f"AND abs(try_cast({digits} AS DOUBLE)) < 1e{DECIMAL_INTEGER_DIGITS} "
                f"THEN try_cast({digits} AS {ColumnType.DECIMAL.sql_type}) END")
    raise ValueError(f"no reading for column type {kind}")


def _year(column: Column, value: str) -> str | None:
    """SQL for the year of a typed value, for the types whose years are checked."""
    if column.type in (ColumnType.DATE, ColumnType.DATETIME):
        return f"year({value})"
    if column.type is ColumnType.MONTH:
        return f"CAST(left({value}, 4) AS INTEGER)"
    return None


def invalid(column: Column, text: str, value: str) -> str:
    """SQL: the cell's text (not NULL) could not be read as its type, or its year is out of
    range. ``value`` is the staging column holding what :func:`typed` read."""
    year = _year(column, value)
    out_of_range = f" OR {year} NOT BETWEEN {FIRST_YEAR} AND {LAST_YEAR}" if year else ""
    return f"({text} IS NOT NULL AND ({value} IS NULL{out_of_range}))"


def type_problem(column: Column, v: str, value: str) -> str:
    """SQL for why the text ``v`` is not valid, given the ``value`` read from it; evaluated only
    for the rows :func:`invalid` selects, so it may be slow."""
    kind = column.type
    years = literal(f"has a year outside {FIRST_YEAR}-{LAST_YEAR}: a typing slip?")
    if kind is ColumnType.DATE:
        return (f"CASE WHEN {value} IS NOT NULL THEN {years} "
                f"WHEN NOT (regexp_full_match({v}, '{_ISO_DATE}') "
                f"OR regexp_full_match({v}, '{_UK_DATE}')) "
                "THEN 'is not a date: write YYYY-MM-DD or DD/MM/YYYY' "
                f"WHEN regexp_full_match({v}, '{_ISO_DATE}') THEN 'is not a real calendar date' "
                "ELSE 'is not a real calendar date (UK dates are read day first, DD/MM/YYYY)' END")
    if kind is ColumnType.MONTH:
        return (f"CASE WHEN {value} IS NOT NULL THEN {years} "
                "ELSE 'is not a month: write YYYY-MM (e.g. 1948-07)' END")
    if kind is ColumnType.DATETIME:
        return (f"CASE WHEN {value} IS NOT NULL THEN {years} "
                f"WHEN NOT regexp_full_match({v}, '{_DATETIME}') "
                "THEN 'is not a date and time: write YYYY-MM-DDTHH:MM:SS' "
                "ELSE 'is not a real date and time' END")
    if kind is ColumnType.BOOL:
        return "'is not true or false'"
    if kind is ColumnType.INTEGER:
        return "'is not a whole number'"
    if kind is ColumnType.DECIMAL:
        return (f"CASE WHEN regexp_full_match({v}, '{_DECIMAL}') THEN "
                f"'is too large: at most {DECIMAL_INTEGER_DIGITS} digits before the point' "
                "ELSE 'is not a number: write pounds and pence, e.g. 412.50' END")
    raise ValueError(f"column type {kind} has no type check")


def is_readable(v: str) -> str:
    """SQL: the cell holds a value to check (not empty, not a formula or spreadsheet error, which
    have rules of their own and would otherwise be reported twice)."""
    return f"({v} IS NOT NULL AND NOT starts_with({v}, '=') AND NOT {is_spreadsheet_error(v)})"


def is_spreadsheet_error(v: str) -> str:
    """SQL: the cell holds one of Excel's error values."""
    return f"(starts_with({v}, '#') AND {one_of(f'upper({v})', SPREADSHEET_ERRORS)})"


def one_of(v: str, values: tuple[str, ...]) -> str:
    """SQL: ``v`` is one of ``values`` (a list lookup, which DuckDB never turns into a join)."""
    return f"list_contains([{', '.join(literal(x) for x in values)}], {v})"
