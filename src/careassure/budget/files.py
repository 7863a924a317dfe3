"""Reading and writing an MTFS version as a template: a folder of CSV files or one XLSX workbook.

The template (docs/budget.md) has one table per file, or per sheet of a workbook with the same
names: ``version``, ``lines``, ``revenue``, ``rollforward``, ``capital`` and ``funding``. Every
table but ``version`` and ``rollforward`` mixes ``line`` rows with the ``total`` rows the paper
prints, so that a file typed from a committee paper is checked against the paper's own totals.
Only ``version`` and ``lines`` are required.

Every problem is reported with the file (and sheet), the row as a spreadsheet numbers it (the
header is row 1) and the column, and nothing is read past the first one: a rejected file changes
nothing. Writing produces the same template from a version, so an export can be imported again.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from careassure.budget.model import (
    BASES,
    CLASSIFICATIONS,
    CLIENT_GROUPS,
    DELIVERY_STATUSES,
    KEY_PATTERN,
    LINE_TYPES,
    REFERENCE_PATTERN,
    REVENUE_COLUMNS,
    STARS,
    STATUTORY_CODES,
    BudgetError,
    CapitalLineSpec,
    FundingSpec,
    LineSpec,
    PublishedTotal,
    RevenueLineSpec,
    RollForwardRow,
    VersionSpec,
    cumulative,
    incremental,
    parse_year,
    year_label,
)

# The demo's tables: Leicestershire's draft MTFS 2026/27-2029/30 for Adults and Communities, as
# printed in the papers of the scrutiny committee of 19 January 2026 (Appendices A-D, the
# roll-forward and the Better Care Fund).
DEMO_TABLES = Path(__file__).with_name("seed_mtfs")
TABLES = ("version", "lines", "revenue", "rollforward", "capital", "funding")
REQUIRED = ("version", "lines")
VERSION_COLUMNS = (
    "key", "title", "department", "first_year", "years", "status", "published_on",
    "prior_year_budget", "basis", "previous",
)
LINE_COLUMNS = (
    "row", "section", "reference", "type", "classification", "client_group", "star", "title",
    "owner", "delivery_status", "delivery_reason",
)
REVENUE_TEXT_COLUMNS = ("row", "division", "section", "service", "statutory")
ROLLFORWARD_COLUMNS = (
    "year", "prior_year_budget", "transfers", "subtotal", "growth", "savings", "net_budget",
)
CAPITAL_COLUMNS = ("row", "programme", "scheme", "completion", "gross_cost")
FUNDING_COLUMNS = ("row", "source", "amount", "note")
ROW_KINDS = ("line", "total")

Record = dict[str, str]


class _Table:
    """The rows of one table with where they came from, for error messages."""

    def __init__(self, where: str, header: Sequence[str], rows: list[Record]) -> None:
        self.where = where
        self.header = list(header)
        self.rows = rows

    def fail(self, row: int | None, column: str | None, reason: str) -> BudgetError:
        place = self.where
        if row is not None:
            place += f" row {row}"
        if column is not None:
            place += f" column {column!r}"
        return BudgetError(f"{place}: {reason}")

    def require(self, columns: Iterable[str]) -> None:
        missing = [c for c in columns if c not in self.header]
        if missing:
            raise self.fail(1, None, f"missing column(s) {', '.join(missing)}")

    def numbered(self) -> Iterable[tuple[int, Record]]:
        return ((i + 2, row) for i, row in enumerate(self.rows))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _csv_table(path: Path) -> _Table:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BudgetError(f"{path.name}: not UTF-8 text ({exc.reason})") from exc
    reader = csv.reader(io.StringIO(text))
    rows = list(reader)
    if not rows:
        raise BudgetError(f"{path.name}: empty file, expected a header row")
    header = [h.strip() for h in rows[0]]
    records = []
    for number, values in enumerate(rows[1:], start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) > len(header):
            raise BudgetError(
                f"{path.name} row {number}: {len(values)} cells but {len(header)} columns"
            )
        records.append({h: _text(v) for h, v in zip(header, values, strict=False)})
    return _Table(path.name, header, records)


def _xlsx_tables(path: Path) -> dict[str, _Table]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as exc:
        raise BudgetError(f"{path.name}: not a readable XLSX workbook ({exc})") from exc
    tables = {}
    try:
        for name in TABLES:
            if name not in workbook.sheetnames:
                continue
            rows = list(workbook[name].iter_rows(values_only=True))
            where = f"{path.name} sheet {name}"
            if not rows:
                raise BudgetError(f"{where}: empty sheet, expected a header row")
            header = [_text(h) for h in rows[0]]
            records = [
                {h: _text(v) for h, v in zip(header, values, strict=False) if h}
                for values in rows[1:]
                if any(_text(v) for v in values)
            ]
            tables[name] = _Table(where, header, records)
    finally:
        workbook.close()
    return tables


def _read_tables(path: Path) -> dict[str, _Table]:
    if path.is_dir():
        return {n: _csv_table(path / f"{n}.csv") for n in TABLES if (path / f"{n}.csv").is_file()}
    if path.suffix.lower() == ".xlsx" and path.is_file():
        return _xlsx_tables(path)
    raise BudgetError(
        f"{path}: give a folder of CSV files ({', '.join(f'{n}.csv' for n in TABLES)}) "
        "or an .xlsx workbook with those sheets"
    )


def _int(table: _Table, row: int, record: Record, column: str, *, blank: int | None = None) -> int:
    value = record.get(column, "").replace(",", "")
    if not value and blank is not None:
        return blank
    negative = value.startswith("(") and value.endswith(")")
    try:
        number = int(value[1:-1] if negative else value)
    except ValueError:
        raise table.fail(row, column, f"{value or 'blank'!r} is not a whole number") from None
    return -number if negative else number


def _choice(
    table: _Table, row: int, record: Record, column: str, allowed: Sequence[str], *,
    optional: bool = True,
) -> str | None:
    value = record.get(column, "")
    if not value:
        if optional:
            return None
        raise table.fail(row, column, "required")
    if value not in allowed:
        raise table.fail(row, column, f"{value!r} is not one of {', '.join(allowed)}")
    return value


def _required(table: _Table, row: int, record: Record, column: str) -> str:
    value = record.get(column, "")
    if not value:
        raise table.fail(row, column, "required")
    return value


def _row_kind(table: _Table, row: int, record: Record) -> str:
    kind = _choice(table, row, record, "row", ROW_KINDS, optional=False)
    assert kind is not None
    return kind


def _version_fields(table: _Table) -> tuple[dict[str, Any], str]:
    table.require(VERSION_COLUMNS[:8])
    if len(table.rows) != 1:
        raise table.fail(None, None, f"expected one row describing the version, found "
                                     f"{len(table.rows)}")
    record = table.rows[0]
    key = _required(table, 2, record, "key")
    if not KEY_PATTERN.match(key) or len(key) > 60:
        raise table.fail(2, "key", f"{key!r}: use lower-case letters, digits and hyphens")
    previous = record.get("previous") or None
    if previous is not None and not KEY_PATTERN.match(previous):
        raise table.fail(2, "previous", f"{previous!r} is not a version key")
    try:
        published_on = date.fromisoformat(_required(table, 2, record, "published_on"))
    except ValueError:
        raise table.fail(2, "published_on", "not a date written YYYY-MM-DD") from None
    years = _int(table, 2, record, "years")
    if not 1 <= years <= 10:
        raise table.fail(2, "years", f"{years} years: an MTFS covers 1 to 10")
    first_year = _int(table, 2, record, "first_year")
    if not 2000 <= first_year <= 2100:
        raise table.fail(2, "first_year", f"{first_year} is not a plausible financial year")
    basis = _choice(table, 2, record, "basis", BASES) or "cumulative"
    fields = {
        "key": key,
        "title": _required(table, 2, record, "title"),
        "department": _required(table, 2, record, "department"),
        "first_year": first_year,
        "years": years,
        "status": _required(table, 2, record, "status"),
        "published_on": published_on,
        "prior_year_budget": _int(table, 2, record, "prior_year_budget"),
        "previous": previous,
    }
    return fields, basis


def _amounts(table: _Table, row: int, record: Record, labels: Sequence[str]) -> tuple[int, ...]:
    return tuple(_int(table, row, record, label, blank=0) for label in labels)


def _lines(
    table: _Table, labels: Sequence[str], basis: str,
) -> tuple[list[LineSpec], list[PublishedTotal]]:
    table.require((*LINE_COLUMNS[:4], "title", *labels))
    lines: list[LineSpec] = []
    totals: list[PublishedTotal] = []
    seen: dict[str, int] = {}
    for row, record in table.numbered():
        kind = _row_kind(table, row, record)
        line_type = _choice(table, row, record, "type", LINE_TYPES, optional=False)
        assert line_type is not None
        amounts = _amounts(table, row, record, labels)
        if basis == "incremental":
            amounts = tuple(cumulative(amounts))
        if kind == "total":
            if line_type == "transfer":
                raise table.fail(row, "type", "transfers have no appendix total: the "
                                              "roll-forward shows them")
            scope = record.get("section", "")
            totals.extend(
                PublishedTotal(line_type, scope, label, amount)
                for label, amount in zip(labels, amounts, strict=True)
            )
            continue
        reference = _required(table, row, record, "reference")
        if not REFERENCE_PATTERN.match(reference):
            raise table.fail(row, "reference", f"{reference!r}: a reference such as G7 or AC21")
        if reference in seen:
            raise table.fail(row, "reference", f"{reference} is already on row {seen[reference]}")
        seen[reference] = row
        classification = _choice(table, row, record, "classification", CLASSIFICATIONS)
        if line_type == "saving" and classification is None:
            raise table.fail(row, "classification", "a saving is Eff, SR, Inc or Eff/SR")
        if line_type != "saving" and classification is not None:
            raise table.fail(row, "classification", f"only savings are classified, not "
                                                    f"{line_type}")
        status = _choice(table, row, record, "delivery_status", DELIVERY_STATUSES)
        reason = record.get("delivery_reason") or None
        if status is not None and line_type != "saving":
            raise table.fail(row, "delivery_status", "only savings have a delivery status")
        if status in ("at_risk", "not_delivered") and not reason:
            raise table.fail(row, "delivery_reason", f"a saving {status.replace('_', ' ')} "
                                                     "needs its reason")
        lines.append(
            LineSpec(
                reference=reference,
                type=line_type,
                title=_required(table, row, record, "title"),
                amounts=amounts,
                section=record.get("section", ""),
                classification=classification,
                client_group=_choice(table, row, record, "client_group", CLIENT_GROUPS),
                owner=record.get("owner") or None,
                printed_star=_choice(table, row, record, "star", STARS[1:]) or (
                    "" if "star" in table.header else None
                ),
                delivery_status=status,
                delivery_reason=reason,
            )
        )
    return lines, totals


def _revenue(table: _Table) -> tuple[list[RevenueLineSpec], list[PublishedTotal]]:
    table.require((*REVENUE_TEXT_COLUMNS, *REVENUE_COLUMNS))
    lines: list[RevenueLineSpec] = []
    totals: list[PublishedTotal] = []
    for row, record in table.numbered():
        kind = _row_kind(table, row, record)
        values = {c: _int(table, row, record, c) for c in REVENUE_COLUMNS}
        division, section = record.get("division", ""), record.get("section", "")
        if kind == "total":
            scope = revenue_scope(division, section)
            totals.extend(PublishedTotal("revenue", scope, c, v) for c, v in values.items())
            continue
        lines.append(
            RevenueLineSpec(
                division=_required(table, row, record, "division"),
                section=section,
                service=_required(table, row, record, "service"),
                statutory=_choice(table, row, record, "statutory", STATUTORY_CODES),
                values=values,
            )
        )
    return lines, totals


def revenue_scope(division: str, section: str) -> str:
    """The scope key of a revenue total: ``division/section``, ``division`` or ``""`` (all)."""
    if section:
        return f"{division}/{section}"
    return division


def _rollforward(table: _Table, labels: Sequence[str]) -> list[RollForwardRow]:
    table.require(ROLLFORWARD_COLUMNS)
    rows = []
    for row, record in table.numbered():
        year = _required(table, row, record, "year")
        if year not in labels:
            raise table.fail(row, "year", f"{year} is not one of the version's years "
                                          f"({', '.join(labels)})")
        rows.append(RollForwardRow(year, *(_int(table, row, record, c)
                                          for c in ROLLFORWARD_COLUMNS[1:])))
    return rows


def _capital(
    table: _Table, labels: Sequence[str],
) -> tuple[list[CapitalLineSpec], list[PublishedTotal]]:
    table.require((*CAPITAL_COLUMNS, *labels, "total"))
    lines: list[CapitalLineSpec] = []
    totals: list[PublishedTotal] = []
    for row, record in table.numbered():
        kind = _row_kind(table, row, record)
        amounts = _amounts(table, row, record, labels)
        if kind == "total":
            scope = record.get("programme", "")
            totals.extend(PublishedTotal("capital", scope, label, amount)
                          for label, amount in zip((*labels, "total"),
                                                   (*amounts, _int(table, row, record, "total")),
                                                   strict=True))
            continue
        lines.append(
            CapitalLineSpec(
                programme=_required(table, row, record, "programme"),
                scheme=_required(table, row, record, "scheme"),
                completion=record.get("completion") or None,
                gross_cost=_int(table, row, record, "gross_cost"),
                amounts=amounts,
            )
        )
        totals.append(PublishedTotal("capital", f"scheme:{lines[-1].scheme}", "total",
                                     _int(table, row, record, "total")))
    return lines, totals


def _funding(table: _Table) -> tuple[list[FundingSpec], list[PublishedTotal]]:
    table.require(FUNDING_COLUMNS[:3])
    lines, totals = [], []
    for row, record in table.numbered():
        kind = _row_kind(table, row, record)
        amount = _int(table, row, record, "amount")
        if kind == "total":
            totals.append(PublishedTotal("funding", "", "amount", amount))
            continue
        lines.append(FundingSpec(_required(table, row, record, "source"), amount,
                                 record.get("note", "")))
    return lines, totals


def read_version(path: str | Path) -> VersionSpec:
    """The version in a template folder or workbook; raises BudgetError naming the first problem.

    Reading checks shapes and codes only; whether the tables add up is
    :func:`careassure.budget.checks.check_version`'s job.
    """
    path = Path(path)
    tables = _read_tables(path)
    for name in REQUIRED:
        if name not in tables:
            raise BudgetError(f"{path}: no {name} table (a {name}.csv file or {name} sheet)")
    fields, basis = _version_fields(tables["version"])
    labels = [year_label(fields["first_year"] + i) for i in range(fields["years"])]
    for label in (h for h in tables["lines"].header if "/" in h):
        try:
            parse_year(label)
        except ValueError as exc:
            raise tables["lines"].fail(1, label, str(exc)) from None
    lines, totals = _lines(tables["lines"], labels, basis)
    revenue: list[RevenueLineSpec] = []
    capital: list[CapitalLineSpec] = []
    funding: list[FundingSpec] = []
    rollforward: list[RollForwardRow] = []
    if "revenue" in tables:
        revenue, more = _revenue(tables["revenue"])
        totals += more
    if "capital" in tables:
        capital, more = _capital(tables["capital"], labels)
        totals += more
    if "funding" in tables:
        funding, more = _funding(tables["funding"])
        totals += more
    if "rollforward" in tables:
        rollforward = _rollforward(tables["rollforward"], labels)
    return VersionSpec(
        **fields,
        lines=tuple(lines),
        revenue=tuple(revenue),
        capital=tuple(capital),
        funding=tuple(funding),
        totals=tuple(totals),
        rollforward=tuple(rollforward),
    )


def _total_rows(version: VersionSpec, appendix: str) -> dict[str, dict[str, int]]:
    """Published totals of one appendix by scope, then column."""
    out: dict[str, dict[str, int]] = {}
    for total in version.totals:
        if total.appendix == appendix:
            out.setdefault(total.scope, {})[total.column] = total.amount
    return out


def table_rows(version: VersionSpec, name: str, *, basis: str = "cumulative") -> list[list[Any]]:
    """One template table of ``version`` as rows (header first), as :func:`read_version` reads.

    ``rollforward`` is the roll-forward the ledger computes, so an exported version always
    carries figures that add up.
    """
    from careassure.budget.checks import roll_forward

    labels = version.year_labels
    if name == "version":
        return [list(VERSION_COLUMNS), [
            version.key, version.title, version.department, version.first_year, version.years,
            version.status, version.published_on.isoformat(), version.prior_year_budget, basis,
            version.previous or "",
        ]]
    if name == "lines":
        rows: list[list[Any]] = [[*LINE_COLUMNS, *labels]]
        for line in version.lines:
            amounts = line.amounts if basis == "cumulative" else incremental(line.amounts)
            rows.append(["line", line.section, line.reference, line.type,
                         line.classification or "", line.client_group or "",
                         line.printed_star or "", line.title, line.owner or "",
                         line.delivery_status or "", line.delivery_reason or "", *amounts])
        for line_type in ("growth", "saving"):
            for scope, by_column in _total_rows(version, line_type).items():
                amounts = [by_column.get(label, 0) for label in labels]
                if basis == "incremental":
                    amounts = incremental(amounts)
                rows.append(["total", scope, "", line_type, "", "", "",
                             f"Total {scope or line_type}", "", "", "", *amounts])
        return rows
    if name == "revenue":
        rows = [[*REVENUE_TEXT_COLUMNS, *REVENUE_COLUMNS]]
        for r in version.revenue:
            rows.append(["line", r.division, r.section, r.service, r.statutory or "",
                         *(r.values[c] for c in REVENUE_COLUMNS)])
        for scope, by_column in _total_rows(version, "revenue").items():
            division, _, section = scope.partition("/")
            rows.append(["total", division, section, "", "",
                         *(by_column[c] for c in REVENUE_COLUMNS)])
        return rows
    if name == "rollforward":
        return [list(ROLLFORWARD_COLUMNS)] + [
            [r.year, r.prior_year_budget, r.transfers, r.subtotal, r.growth, r.savings,
             r.net_budget] for r in roll_forward(version)
        ]
    if name == "capital":
        rows = [[*CAPITAL_COLUMNS, *labels, "total"]]
        for c in version.capital:
            rows.append(["line", c.programme, c.scheme, c.completion or "", c.gross_cost,
                         *c.amounts, sum(c.amounts)])
        for scope, by_column in _total_rows(version, "capital").items():
            if scope.startswith("scheme:"):
                continue
            rows.append(["total", scope, "", "", "", *(by_column[c] for c in (*labels, "total"))])
        return rows
    if name == "funding":
        rows = [list(FUNDING_COLUMNS)]
        rows += [["line", f.source, f.amount, f.note] for f in version.funding]
        rows += [["total", "Total", t.amount, ""] for t in version.totals
                 if t.appendix == "funding"]
        return rows
    raise ValueError(f"no template table {name!r}; the tables are {', '.join(TABLES)}")


def present_tables(version: VersionSpec) -> list[str]:
    """The template tables ``version`` has content for (version and lines always)."""
    held = {"revenue": version.revenue, "capital": version.capital, "funding": version.funding,
            "rollforward": version.lines}
    return [n for n in TABLES if n in REQUIRED or held.get(n)]


def write_version(version: VersionSpec, path: str | Path, *, basis: str = "cumulative") -> Path:
    """Write ``version`` as a template: a folder of CSV files, or a workbook when ``path`` ends
    in ``.xlsx``. Returns the path written."""
    path = Path(path)
    names = present_tables(version)
    if path.suffix.lower() == ".xlsx":
        import openpyxl

        workbook = openpyxl.Workbook()
        workbook.remove(workbook.active)
        for name in names:
            sheet = workbook.create_sheet(name)
            for row in table_rows(version, name, basis=basis):
                sheet.append(row)
        path.parent.mkdir(parents=True, exist_ok=True)
        workbook.save(path)
        return path
    path.mkdir(parents=True, exist_ok=True)
    for name in names:
        with (path / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(table_rows(version, name, basis=basis))
    return path

