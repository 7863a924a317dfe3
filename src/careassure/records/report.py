"""The errors of a rejected load: listed from the staging database and written as a CSV report.

The report is for a person to open in Excel, which is why it starts with a byte order mark (so
that Excel reads it as UTF-8) and why its cells go through the one spreadsheet-safety rule
(:mod:`careassure.records.csvcells`): a value copied from the extract must never become a live
formula in the analyst's spreadsheet. It holds values from the extract, so it is created
readable by its owner only, like the extract itself should be.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from careassure.records.cells import quote
from careassure.records.checks import ERRORS_TABLE
from careassure.records.csvcells import safe_cell_sql
from careassure.records.rules import ValidationError

REPORT_COLUMNS = ("file", "table", "row", "column", "value", "rule", "reason")
_ORDER = 'table_order, "row" NULLS FIRST, column_order, rule, value'
def error_count(con: duckdb.DuckDBPyConnection) -> int:
    found = con.execute(f"SELECT count(*) FROM {ERRORS_TABLE}").fetchone()
    return int(found[0]) if found else 0


def counts_by_rule(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Errors per rule id, most frequent first."""
    rows = con.execute(f"SELECT rule, count(*) FROM {ERRORS_TABLE} GROUP BY rule "
                       "ORDER BY count(*) DESC, rule").fetchall()
    return dict(rows)


def first_errors(con: duckdb.DuckDBPyConnection, limit: int) -> list[ValidationError]:
    """The first ``limit`` errors in file, row and column order."""
    rows = con.execute(f'SELECT file, "table", "row", "column", value, rule, reason '
                       f"FROM {ERRORS_TABLE} ORDER BY {_ORDER} LIMIT {int(limit)}").fetchall()
    return [ValidationError(*row) for row in rows]


def write_report(con: duckdb.DuckDBPyConnection, path: Path, per_rule: int) -> None:
    """The first ``per_rule`` errors of each rule, in order, as CSV with formula-leading cells
    escaped, then one line per rule with more, counting the errors not listed: a file with
    millions of bad rows once gave a report as large as itself."""
    import pyarrow.csv as pa_csv

    selected = [quote(c) if c == "row" else f"{safe_cell_sql(quote(c))} AS {quote(c)}"
                for c in REPORT_COLUMNS]
    limit = int(per_rule)
    data = con.execute(f"""
        SELECT {', '.join(selected)} FROM (
            SELECT *, 0 AS _part FROM (
                SELECT *, row_number() OVER (PARTITION BY rule ORDER BY {_ORDER}) AS _n
                FROM {ERRORS_TABLE}) WHERE _n <= {limit}
            UNION ALL
            SELECT NULL, NULL, NULL, NULL, NULL, rule,
                   format('{{:d}} more errors of this rule are not listed', count(*) - {limit}),
                   NULL, NULL, NULL, 1
            FROM {ERRORS_TABLE} GROUP BY rule HAVING count(*) > {limit})
        ORDER BY _part, {_ORDER}""").to_arrow_table()
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write("\ufeff".encode())
        pa_csv.write_csv(data, file)
