"""The cell-level rules of the record format, one function per rule, each written as SQL.

A check yields :class:`Check` queries over the staging tables; each query selects the offending
rows as ``(row, value, reason)``. :func:`run_checks` runs them all into the ``errors`` table of
the staging database, so ten million rows are checked column by column inside DuckDB, and a
million errors cost no more Python than one. Which columns a rule applies to comes from the
schema declarations (type, required, allowed values, unique, references), so a column added to
:mod:`careassure.records.schema` is checked without touching this module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

import duckdb

from careassure.records import rules
from careassure.records.cells import (
    invalid,
    is_readable,
    is_spreadsheet_error,
    literal,
    one_of,
    quote,
    type_problem,
    value_column,
)
from careassure.records.schema import (
    CODE_PATTERN,
    EPISODE_KINDS,
    EPISODE_SUBTYPES,
    STORE_ORDER,
    TABLES,
    Column,
    ColumnType,
)
from careassure.records.staging import RawTable, StagedTable

ERRORS_TABLE = "errors"
ERRORS_DDL = f"""
CREATE OR REPLACE TABLE {ERRORS_TABLE} (
    file VARCHAR, "table" VARCHAR, "row" BIGINT, "column" VARCHAR, value VARCHAR,
    rule VARCHAR, reason VARCHAR, table_order INTEGER, column_order INTEGER
)
"""
# Columns compared in date-order rules: (table, later column, earlier column, rule).
NOT_BEFORE = (
    ("episodes", "allocated_date", "received_date", rules.BEFORE_RECEIVED),
    ("episodes", "completed_date", "received_date", rules.BEFORE_RECEIVED),
    ("episodes", "closed_date", "received_date", rules.BEFORE_RECEIVED),
    ("episodes", "completed_date", "allocated_date", rules.COMPLETED_BEFORE_ALLOCATED),
)
TYPE_RULES = {
    ColumnType.DATE: rules.DATE,
    ColumnType.MONTH: rules.MONTH,
    ColumnType.DATETIME: rules.DATETIME,
    ColumnType.BOOL: rules.BOOL,
    ColumnType.INTEGER: rules.INTEGER,
    ColumnType.DECIMAL: rules.DECIMAL,
}


@dataclass(frozen=True)
class Check:
    """One query of one rule: ``sql`` selects ``row``, ``value``, ``reason`` for each problem."""

    table: str
    column: str | None
    sql: str


Tables = Mapping[str, StagedTable]
CHECKS: dict[str, Callable[[Tables], Iterator[Check]]] = {}


def check(rule: rules.Rule) -> Callable[[Callable[[Tables], Iterator[Check]]],
                                        Callable[[Tables], Iterator[Check]]]:
    """Register a function as the check of ``rule``."""
    def register(function: Callable[[Tables], Iterator[Check]]) -> Callable[[Tables],
                                                                            Iterator[Check]]:
        CHECKS[rule.id] = function
        return function
    return register


def _columns(tables: Tables, wanted: Callable[[Column], bool]) -> Iterator[tuple[StagedTable,
                                                                                Column]]:
    """Each (staged table, column) present in the source and selected by ``wanted``."""
    for staged in tables.values():
        for column in TABLES[staged.name].columns:
            if column.name in staged.present and wanted(column):
                yield staged, column


def _select(staged: StagedTable, column: str, reason: str, where: str) -> Check:
    """The common query: the column's own text as the value."""
    return Check(staged.name, column, f"SELECT _row AS row, {quote(column)} AS value, "
                 f"{reason} AS reason FROM {quote(staged.relation)} WHERE {where}")


def _value(staged: StagedTable, name: str) -> str:
    """The staging column holding a column's typed value."""
    return quote(value_column(TABLES[staged.name].column(name)))


@check(rules.REQUIRED)
def required(tables: Tables) -> Iterator[Check]:
    for staged, column in _columns(tables, lambda c: c.required):
        yield _select(staged, column.name, literal("is empty: a value is required"),
                      f"{quote(column.name)} IS NULL")


@check(rules.FORMULA)
def formula(tables: Tables) -> Iterator[Check]:
    reason = ("is a spreadsheet formula: careassure does not evaluate formulas, paste the values "
              "instead")
    for staged, column in _columns(tables, lambda c: True):
        yield _select(staged, column.name, literal(reason),
                      f"starts_with({quote(column.name)}, '=')")


@check(rules.SPREADSHEET_ERROR)
def spreadsheet_error(tables: Tables) -> Iterator[Check]:
    for staged, column in _columns(tables, lambda c: True):
        yield _select(staged, column.name, literal("is a spreadsheet error, not a value"),
                      is_spreadsheet_error(quote(column.name)))


def _type_check(rule: rules.Rule, kind: ColumnType) -> Callable[[Tables], Iterator[Check]]:
    def type_check(tables: Tables) -> Iterator[Check]:
        for staged, column in _columns(tables, lambda c: c.type is kind):
            text, value = quote(column.name), _value(staged, column.name)
            yield _select(staged, column.name, type_problem(column, text, value),
                          f"{invalid(column, text, value)} AND {is_readable(text)}")
    type_check.__doc__ = f"Rule {rule.id}: {rule.checks}"
    return type_check


for _kind, _rule in TYPE_RULES.items():
    check(_rule)(_type_check(_rule, _kind))


@check(rules.ALLOWED_VALUE)
def allowed_value(tables: Tables) -> Iterator[Check]:
    for staged, column in _columns(tables, lambda c: c.allowed is not None):
        allowed = column.allowed or ()
        yield _select(staged, column.name, literal(f"is not one of: {', '.join(allowed)}"),
                      f"NOT {one_of(_value(staged, column.name), allowed)} "
                      f"AND {is_readable(quote(column.name))}")


@check(rules.CODE)
def code(tables: Tables) -> Iterator[Check]:
    reason = ("is not a code: use letters, digits, _ or - only (no spaces or free text), at most "
              "64 characters")
    # Codes repeat: the pattern is tested once per distinct code, not once per row.
    for staged, column in _columns(
            tables, lambda c: c.type is ColumnType.CODE and c.allowed is None):
        value = _value(staged, column.name)
        bad = (f"SELECT code FROM (SELECT DISTINCT {value} AS code FROM "
               f"{quote(staged.relation)} WHERE {value} IS NOT NULL) "
               f"WHERE NOT regexp_matches(code, {literal(CODE_PATTERN)})")
        yield _select(staged, column.name, literal(reason),
                      f"{value} IN ({bad}) AND {is_readable(quote(column.name))}")


@check(rules.MAX_LENGTH)
def max_length(tables: Tables) -> Iterator[Check]:
    for staged, column in _columns(tables, lambda c: c.max_length is not None):
        name = quote(column.name)
        yield _select(staged, column.name,
                      literal(f"is longer than {column.max_length} characters"),
                      f"strlen({name}) > {column.max_length} "  # bytes: cheap, and >= chars
                      f"AND length({name}) > {column.max_length} AND {is_readable(name)}")


@check(rules.UNIQUE)
def unique(tables: Tables) -> Iterator[Check]:
    # Duplicates are found by aggregation first: the usual case (none) costs one hash aggregate.
    for staged, column in _columns(tables, lambda c: c.unique):
        name, relation = quote(column.name), quote(staged.relation)
        yield Check(staged.name, column.name, f"""
            WITH repeated AS (
                SELECT {name} AS key, min(_row) AS first FROM {relation}
                WHERE {name} IS NOT NULL GROUP BY {name} HAVING count(*) > 1)
            SELECT s._row AS row, s.{name} AS value,
                   'appears more than once: first on row ' || repeated.first AS reason
            FROM {relation} s JOIN repeated ON s.{name} = repeated.key
            WHERE s._row > repeated.first""")


@check(rules.REFERENCE)
def reference(tables: Tables) -> Iterator[Check]:
    for staged, column in _columns(tables, lambda c: c.references is not None):
        target_table, target_column = column.references or ("", "")
        target = tables.get(target_table)
        if target is None or target_column not in target.present or not target.complete:
            # The missing table or column, or the rows that could not be read (which may hold
            # the value), are reported on their own.
            continue
        name = quote(column.name)
        yield _select(staged, column.name,
                      literal(f"is not a {target_column} in {target.file}"),
                      f"{is_readable(name)} AND {name} NOT IN (SELECT {quote(target_column)} "
                      f"FROM {quote(target.relation)} WHERE {quote(target_column)} IS NOT NULL)")


@check(rules.SUBTYPE)
def subtype(tables: Tables) -> Iterator[Check]:
    staged = tables.get("episodes")
    if staged is None or not {"kind", "subtype"} <= staged.present:
        return
    kind, sub = _value(staged, "kind"), _value(staged, "subtype")
    allowed = " ".join(f"WHEN {literal(k)} THEN {one_of(sub, subs)}"
                       for k, subs in EPISODE_SUBTYPES.items())
    reasons = " ".join(
        f"WHEN {literal(k)} THEN " + literal(f"is not a subtype of {k}: use {' or '.join(subs)}")
        for k, subs in EPISODE_SUBTYPES.items())
    reason = (f"CASE {kind} {reasons} ELSE 'must be empty: kind ' || {kind} || "
              "' takes no subtype' END")
    yield _select(staged, "subtype", reason,
                  f"{is_readable('subtype')} AND {one_of(kind, EPISODE_KINDS)} "
                  f"AND NOT (CASE {kind} {allowed} ELSE false END)")


def _date_order(tables: Tables, rule: rules.Rule) -> Iterator[Check]:
    for table, later, earlier, order_rule in NOT_BEFORE:
        staged = tables.get(table)
        if order_rule is not rule or staged is None or not {later, earlier} <= staged.present:
            continue
        yield _select(staged, later, f"'is before {earlier} ' || {quote(earlier)}",
                      f"{_value(staged, later)} < {_value(staged, earlier)}")


@check(rules.BEFORE_RECEIVED)
def before_received(tables: Tables) -> Iterator[Check]:
    yield from _date_order(tables, rules.BEFORE_RECEIVED)


@check(rules.COMPLETED_BEFORE_ALLOCATED)
def completed_before_allocated(tables: Tables) -> Iterator[Check]:
    yield from _date_order(tables, rules.COMPLETED_BEFORE_ALLOCATED)


@check(rules.COMPLETED_AND_CLOSED)
def completed_and_closed(tables: Tables) -> Iterator[Check]:
    staged = tables.get("episodes")
    if staged is None or not {"completed_date", "closed_date"} <= staged.present:
        return
    yield _select(staged, "closed_date",
                  "'the episode also has a completed_date (' || completed_date || "
                  "'): it is either completed or closed, not both'",
                  "completed_date IS NOT NULL AND closed_date IS NOT NULL")


@check(rules.SERVICE_END)
def service_end(tables: Tables) -> Iterator[Check]:
    staged = tables.get("services")
    if staged is None or not {"start_date", "end_date"} <= staged.present:
        return
    yield _select(staged, "end_date",
                  "'is not after start_date ' || start_date || "
                  "': end_date is the first day without the service'",
                  f"{_value(staged, 'end_date')} <= {_value(staged, 'start_date')}")


@check(rules.NEGATIVE)
def negative(tables: Tables) -> Iterator[Check]:
    for staged, column in _columns(tables, lambda c: c.non_negative):
        yield _select(staged, column.name, literal("is negative"),
                      f"{_value(staged, column.name)} < 0")


@check(rules.POPULATION_DUPLICATE)
def population_duplicate(tables: Tables) -> Iterator[Check]:
    staged = tables.get("population")
    if staged is None:
        return
    key = ", ".join(_value(staged, c) for c in ("locality", "ethnicity", "age_band", "la_code"))
    yield Check(staged.name, "locality", f"""
        SELECT row, value,
               'repeats the locality, ethnicity, age_band and la_code of row ' || first AS reason
        FROM (SELECT _row AS row, locality AS value,
                     min(_row) OVER (PARTITION BY {key}) AS first
              FROM {quote(staged.relation)})
        WHERE row > first""")


def create_errors_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(ERRORS_DDL)


def _orders(table: str, column: str | None) -> tuple[int, int]:
    """Sort keys so errors list in load order, then row, then the column's place in the table."""
    table_order = STORE_ORDER.index(table)
    names = TABLES[table].column_names
    return table_order, (names.index(column) if column in names else -1)


def record(con: duckdb.DuckDBPyConnection, errors: list[rules.ValidationError]) -> None:
    """Add errors found outside SQL (files, headers) to the errors table."""
    if errors:
        con.executemany(
            f"INSERT INTO {ERRORS_TABLE} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(e.file, e.table, e.row, e.column, e.value, e.rule, e.reason,
              *_orders(e.table, e.column)) for e in errors])


def record_unreadable(con: duckdb.DuckDBPyConnection, raw: RawTable) -> None:
    """Add the rows a reader could not read (rule unreadable_row) to the errors table, in SQL:
    there may be millions."""
    if raw.unreadable is None:
        return
    table_order, column_order = _orders(raw.table, None)
    con.execute(f"INSERT INTO {ERRORS_TABLE} SELECT {literal(raw.file)}, {literal(raw.table)}, "
                f"line, NULL, NULL, {literal(rules.UNREADABLE_ROW.id)}, reason, {table_order}, "
                f"{column_order} FROM {quote(raw.unreadable)}")
    con.execute(f"DROP TABLE {quote(raw.unreadable)}")


def run_checks(con: duckdb.DuckDBPyConnection, tables: Tables) -> None:
    """Run every registered check over the staged tables into the errors table."""
    for rule_id, function in CHECKS.items():
        for found in function(tables):
            staged = tables[found.table]
            table_order, column_order = _orders(found.table, found.column)
            column = literal(found.column) if found.column else "NULL"
            con.execute(
                f"INSERT INTO {ERRORS_TABLE} SELECT {literal(staged.file)}, "
                f"{literal(found.table)}, row, {column}, value, "
                f"{literal(rule_id)}, reason, {table_order}, {column_order} "
                f"FROM ({found.sql})")
