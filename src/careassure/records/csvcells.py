"""CSV cells that are safe to open in a spreadsheet: the one rule every export uses.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a formula
by Excel and LibreOffice (CSV injection), and a team name, a plan's text or a validation message
can start with anything. Such cells get a leading apostrophe, the spreadsheets' own "this is
text" mark. A number (``-2.5``, ``-30.4%``) is left as it is: a spreadsheet reads it as the
number it is, and an apostrophe would turn it into text. The measure CSVs (web and CLI), the DHSC
return and the validation report all write their cells through :func:`safe_cell` (the
validation report, written by DuckDB, through the same rule in SQL, :func:`safe_cell_sql`).
"""

from __future__ import annotations

import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = r"-?\d+(\.\d+)?([eE][-+]?\d+)?%?"
NUMBER = re.compile(_NUMBER)


def safe_cell(value: object) -> object:
    """``value`` as it may be written to a CSV cell (non-strings are left alone)."""
    if not isinstance(value, str) or not value.startswith(FORMULA_START):
        return value
    if NUMBER.fullmatch(value):
        return value
    return "'" + value


def safe_cell_sql(column: str) -> str:
    """The same rule as a DuckDB SQL expression over a text ``column``."""
    # RE2 spells tab and carriage return as \t and \r; "-" is escaped inside the class.
    spelled = {"\t": "\\t", "\r": "\\r", "-": "\\-"}
    leaders = "".join(spelled.get(c, c) for c in FORMULA_START)
    return (f"CASE WHEN regexp_matches({column}, '^[{leaders}]') "
            f"AND NOT regexp_full_match({column}, '{_NUMBER}') "
            f"THEN '''' || {column} ELSE {column} END")
