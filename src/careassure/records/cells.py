"""How a text cell is read as a value of its column's type, written once as SQL.

The validator and the loader share these expressions: a cell is valid exactly when
:func:`typed` gives a value for it, and the value stored is the one :func:`typed` gives. Keeping
one definition means a cell cannot pass validation and then load as something else (or as NULL).

Every expression works on trimmed text (empty cells are already NULL) and gives NULL for text it
cannot read, so it is safe inside checks that compare two columns.
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

_ISO_DATE = r"\d{4}-\d{2}-\d{2}"
_UK_DATE = r"\d{1,2}/\d{1,2}/\d{4}"
_MONTH = r"\d{4}-\d{2}"
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


def _date(v: str) -> str:
    """The calendar date written ISO or UK style, without the year check."""
    return (f"CASE WHEN regexp_full_match({v}, '{_ISO_DATE}') THEN try_strptime({v}, '%Y-%m-%d')"
            f" WHEN regexp_full_match({v}, '{_UK_DATE}') THEN try_strptime({v}, '%d/%m/%Y')"
            " END::DATE")


def _in_range(value: str) -> str:
    return f"year({value}) BETWEEN {FIRST_YEAR} AND {LAST_YEAR}"


def typed(column: Column, v: str) -> str:
    """SQL for the value stored for text expression ``v``: NULL when the text is not valid."""
    kind = column.type
    if kind in (ColumnType.TEXT,):
        return v
    if kind is ColumnType.CODE:
        return f"lower({v})"
    if kind is ColumnType.DATE:
        date = _date(v)
        return f"CASE WHEN {_in_range(date)} THEN {date} END"
    if kind is ColumnType.MONTH:
        # A full date is accepted and cut to its month: only the month is ever stored.
        month = f"try_strptime({v} || '-01', '%Y-%m-%d')::DATE"
        date = _date(v)
        return (f"CASE WHEN regexp_full_match({v}, '{_MONTH}') AND {_in_range(month)} "
                f"THEN strftime({month}, '%Y-%m') "
                f"WHEN {_in_range(date)} THEN strftime({date}, '%Y-%m') END")
    if kind is ColumnType.DATETIME:
        stamp = f"try_cast(replace({v}, 'T', ' ') AS TIMESTAMP)"
        return (f"CASE WHEN regexp_full_match({v}, '{_DATETIME}') AND {_in_range(stamp)} "
                f"THEN {stamp} END")
    if kind is ColumnType.BOOL:
        return f"CASE lower({v}) WHEN 'true' THEN true WHEN 'false' THEN false END"
    if kind is ColumnType.INTEGER:
        return (f"CASE WHEN regexp_full_match({v}, '{_INTEGER}') "
                f"THEN try_cast(regexp_extract({v}, '^[+-]?\\d+') AS BIGINT) END")
    if kind is ColumnType.DECIMAL:
        digits = f"replace(replace({v}, '£', ''), ',', '')"
        return (f"CASE WHEN regexp_full_match({v}, '{_DECIMAL}') "
                f"AND abs(try_cast({digits} AS DOUBLE)) < 1e{DECIMAL_INTEGER_DIGITS} "
                f"THEN try_cast({digits} AS {ColumnType.DECIMAL.sql_type}) END")
    raise ValueError(f"no reading for column type {kind}")


def type_problem(column: Column, v: str) -> str:
    """SQL for why text ``v`` (not NULL) is not a valid value of the column's type, else NULL."""
    kind = column.type
    value = typed(column, v)
    years = f"has a year outside {FIRST_YEAR}-{LAST_YEAR}: a typing slip?"
    if kind is ColumnType.DATE:
        return (f"CASE WHEN {value} IS NOT NULL THEN NULL "
                f"WHEN NOT (regexp_full_match({v}, '{_ISO_DATE}') "
                f"OR regexp_full_match({v}, '{_UK_DATE}')) "
                "THEN 'is not a date: write YYYY-MM-DD or DD/MM/YYYY' "
                f"WHEN {_date(v)} IS NULL THEN 'is not a real calendar date (UK dates are read "
                f"day first, DD/MM/YYYY)' ELSE {literal(years)} END")
    if kind is ColumnType.MONTH:
        return (f"CASE WHEN {value} IS NOT NULL THEN NULL "
                "ELSE 'is not a month: write YYYY-MM (e.g. 1948-07)' END")
    if kind is ColumnType.DATETIME:
        return (f"CASE WHEN {value} IS NOT NULL THEN NULL "
                f"WHEN NOT regexp_full_match({v}, '{_DATETIME}') "
                "THEN 'is not a date and time: write YYYY-MM-DDTHH:MM:SS' "
                f"WHEN try_cast(replace({v}, 'T', ' ') AS TIMESTAMP) IS NULL "
                f"THEN 'is not a real date and time' ELSE {literal(years)} END")
    if kind is ColumnType.BOOL:
        return f"CASE WHEN {value} IS NULL THEN 'is not true or false' END"
    if kind is ColumnType.INTEGER:
        return f"CASE WHEN {value} IS NULL THEN 'is not a whole number' END"
    if kind is ColumnType.DECIMAL:
        return (f"CASE WHEN {value} IS NOT NULL THEN NULL "
                f"WHEN regexp_full_match({v}, '{_DECIMAL}') THEN "
                f"'is too large: at most {DECIMAL_INTEGER_DIGITS} digits before the point' "
                "ELSE 'is not a number: write pounds and pence, e.g. 412.50' END")
    raise ValueError(f"column type {kind} has no type check")


def is_readable(v: str) -> str:
    """SQL: the cell holds a value to check (not empty, not a formula or spreadsheet error, which
    have rules of their own and would otherwise be reported twice)."""
    errors = ", ".join(literal(e) for e in SPREADSHEET_ERRORS)
    return f"({v} IS NOT NULL AND NOT starts_with({v}, '=') AND upper({v}) NOT IN ({errors}))"
