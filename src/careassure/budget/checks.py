"""Whether an MTFS version adds up: the roll-forward, every appendix total, every revenue line.

The rules a finance officer applies to a committee paper before it goes out:

* **revenue lines** (Appendix A): gross = employees + running expenses + internal income, and
  net = gross - external income (external income is printed negative, so net = gross + it);
* **appendix totals**: every printed total equals the sum of the lines it totals, column by
  column (revenue by section, division and department; growth; savings by section and overall;
  capital by programme and overall, each scheme's total across its years; the Better Care Fund);
* **roll-forward**: for each year, prior year budget + transfers = sub-total, sub-total + growth
  + savings = net budget, and the next year's prior budget is this year's net. Growth, savings and
  transfers enter the roll-forward as *increments* (this year's cumulative amount less last
  year's), the appendices show them *cumulative*; the revenue budget's net total, in pounds,
  rounds to the first year's net budget in £000.

Printed figures are rounded (Appendix A to the pound from a ledger in pence, the others to
£1,000), so a printed total can honestly differ from the sum of the printed figures it totals:
by at most half a unit for each figure summed plus half for the total itself. A difference within
that bound is reported as rounding; anything larger is an error (the roll-forward is arithmetic
on the printed £000 figures themselves, so it must be exact), and an import with any error is
refused, naming the line, the column and the difference.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from careassure.budget.files import revenue_scope
from careassure.budget.model import (
    BudgetError,
    RollForwardRow,
    VersionSpec,
    incremental,
)


@dataclass(frozen=True)
class Finding:
    """One figure that does not equal what it should: where, the printed and computed values."""

    table: str
    where: str
    column: str
    printed: int
    computed: int
    terms: int

    @property
    def difference(self) -> int:
        return self.printed - self.computed

    @property
    def rounding(self) -> bool:
        """Within what rounding ``terms`` printed figures (and the total) can explain."""
        return 2 * abs(self.difference) <= self.terms + 1

    def message(self) -> str:
        kind = "rounding" if self.rounding else "does not add up"
        return (
            f"{self.table}: {self.where}, {self.column}: printed {self.printed:,}, "
            f"computed {self.computed:,} (difference {self.difference:+,}; {kind})"
        )


def _compare(
    table: str, where: str, column: str, printed: int, terms: Sequence[int], *,
    exact: bool = False,
) -> Finding | None:
    computed = sum(terms)
    if printed == computed:
        return None
    return Finding(table, where, column, printed, computed, 0 if exact else len(terms))


def _revenue_lines(version: VersionSpec) -> Iterable[Finding | None]:
    for line in version.revenue:
        v = line.values
        yield _compare("revenue", line.service, "gross", v["gross"],
                       [v["employees"], v["running_expenses"], v["internal_income"]])
        yield _compare("revenue", line.service, "net", v["net"],
                       [v["gross"], v["external_income"]])


def _in_scope(division: str, section: str, scope: str) -> bool:
    return scope in ("", division, revenue_scope(division, section))


def _totals(version: VersionSpec) -> Iterable[Finding | None]:
    labels = version.year_labels
    for total in version.totals:
        label = total.scope or "whole table"
        if total.appendix == "revenue":
            terms = [r.values[total.column] for r in version.revenue
                     if _in_scope(r.division, r.section, total.scope)]
            yield _compare("revenue", f"total of {label}", total.column, total.amount, terms)
        elif total.appendix in ("growth", "saving"):
            index = labels.index(total.column)
            terms = [line.amounts[index] for line in version.lines_of(total.appendix)
                     if total.scope in ("", line.section)]
            yield _compare(f"{total.appendix} lines", f"total of {label}", total.column,
                           total.amount, terms)
        elif total.appendix == "capital":
            if total.scope.startswith("scheme:"):
                scheme = total.scope.removeprefix("scheme:")
                amounts = next(c.amounts for c in version.capital if c.scheme == scheme)
                yield _compare("capital", scheme, "total", total.amount, list(amounts))
                continue
            schemes = [c for c in version.capital if total.scope in ("", c.programme)]
            if total.column == "total":
                terms = [sum(c.amounts) for c in schemes]
            else:
                terms = [c.amounts[labels.index(total.column)] for c in schemes]
            yield _compare("capital", f"total of {label}", total.column, total.amount, terms)
        elif total.appendix == "funding":
            yield _compare("funding", "total", "amount", total.amount,
                           [f.amount for f in version.funding])


def _year_totals(version: VersionSpec, line_type: str) -> list[int]:
    lines = version.lines_of(line_type)
    return [sum(line.amounts[i] for line in lines) for i in range(version.years)]


def roll_forward(version: VersionSpec) -> list[RollForwardRow]:
    """The roll-forward the lines give, year by year (£000, increments)."""
    transfers = incremental(_year_totals(version, "transfer"))
    growth = incremental(_year_totals(version, "growth"))
    savings = incremental(_year_totals(version, "saving"))
    rows, prior = [], version.prior_year_budget
    for i, year in enumerate(version.year_labels):
        subtotal = prior + transfers[i]
        net = subtotal + growth[i] + savings[i]
        rows.append(RollForwardRow(year, prior, transfers[i], subtotal, growth[i], savings[i],
                                   net))
        prior = net
    return rows


def _rollforward(version: VersionSpec) -> Iterable[Finding | None]:
    computed = {row.year: row for row in roll_forward(version)}
    for printed in version.rollforward:
        mine = computed[printed.year]
        for column in ("prior_year_budget", "transfers", "subtotal", "growth", "savings",
                       "net_budget"):
            yield _compare("roll-forward", printed.year, column, getattr(printed, column),
                           [getattr(mine, column)], exact=True)
    department = [t for t in version.totals
                  if t.appendix == "revenue" and t.scope == "" and t.column == "net"]
    if department:
        first = computed[version.year_labels[0]]
        # Pounds to £000, half up: the one place two tables printed in different units meet.
        in_thousands = (department[0].amount + 500) // 1000
        yield _compare("revenue", "department net total in £000", "net",
                       in_thousands, [first.net_budget])


def findings(version: VersionSpec) -> list[Finding]:
    """Every figure of ``version`` that differs from what its parts add up to."""
    found = [*_revenue_lines(version), *_totals(version), *_rollforward(version)]
    return [f for f in found if f is not None]


def check_version(version: VersionSpec) -> list[Finding]:
    """The rounding differences of ``version``; raises BudgetError listing every real error."""
    found = findings(version)
    errors = [f for f in found if not f.rounding]
    if errors:
        listed = "; ".join(f.message() for f in errors)
        raise BudgetError(f"version {version.key} does not add up: {listed}")
    return found

