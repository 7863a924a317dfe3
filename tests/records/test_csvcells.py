"""The CSV-cell rule is one rule: the SQL form (validation report) and the Python form (every
other export) give the same cell for the same text, including ordinary words that start with the
letters of the escape sequences (t for tab, r for carriage return)."""

from __future__ import annotations

import duckdb
import pytest

from careassure.records.csvcells import safe_cell, safe_cell_sql

CELLS = ["robot", "tea", "rr", "\\x", "=SUM(A1)", "+1x", "-x", "@cmd", "\tq", "\rq", "-2.5",
         "-30.4%", "1e5", "plain", "", "'already"]


@pytest.mark.parametrize("text", CELLS)
def test_sql_and_python_escape_alike(text: str) -> None:
    row = duckdb.execute(f"SELECT {safe_cell_sql('c')} FROM (SELECT ?::VARCHAR AS c)",
                         [text]).fetchone()
    assert row is not None and row[0] == safe_cell(text)


def test_formulas_are_escaped_and_words_are_not() -> None:
    assert safe_cell("robot") == "robot"
    assert safe_cell("=1+1") == "'=1+1"
    assert safe_cell("-30.4%") == "-30.4%"
