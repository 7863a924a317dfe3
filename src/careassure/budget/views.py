"""The MTFS tables as a committee reads them: appendices with their totals, savings by RAG.

One place builds what the web page, the CLI and the committee report show, so that every one of
them prints the same figure. A total is the paper's printed total when the version has one (the
committee's figure: Appendix A's totals come from a ledger in pence and can differ from the sum of
the printed lines by rounding) and the sum of its lines otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from careassure.budget.demand import (
    ALL,
    CLIENT_GROUPS,
    DEMAND_SETTINGS,
    GROUP_LABELS,
    SETTING_LABELS,
    DemandSeries,
)
from careassure.budget.files import revenue_scope
from careassure.budget.model import REVENUE_COLUMNS, LineSpec, VersionSpec
from careassure.measures.publish import PublishedValue, suppress
from careassure.measures.result import MeasureValue

# A saving's delivery status as a RAG colour and the words shown beside it.
RAG = {
    "on_track": ("green", "On track"),
    "at_risk": ("amber", "At risk"),
    "not_delivered": ("red", "Not delivered"),
    None: ("grey", "Not yet assessed"),
}


@dataclass(frozen=True)
class AppendixTotals:
    """Every total of a version: growth by year; savings, revenue and capital by scope
    (``""`` the whole table) then column; the Better Care Fund's total."""

    growth: dict[str, int]
    savings: dict[str, dict[str, int]]
    revenue: dict[str, dict[str, int]]
    capital: dict[str, dict[str, int]]
    funding: int | None = None


def _printed(version: VersionSpec) -> dict[tuple[str, str, str], int]:
    return {(t.appendix, t.scope, t.column): t.amount for t in version.totals}


def appendix_totals(version: VersionSpec) -> AppendixTotals:
    """The totals of every appendix of ``version``: printed where printed, else summed."""
    printed = _printed(version)
    labels = version.year_labels

    def pick(appendix: str, scope: str, column: str, computed: int) -> int:
        return printed.get((appendix, scope, column), computed)

    growth_lines = version.lines_of("growth")
    growth = {
        label: pick("growth", "", label, sum(line.amounts[i] for line in growth_lines))
        for i, label in enumerate(labels)
    }
    savings: dict[str, dict[str, int]] = {}
    saving_lines = version.lines_of("saving")
    for scope in ["", *dict.fromkeys(line.section for line in saving_lines)]:
        chosen = [line for line in saving_lines if scope in ("", line.section)]
        savings[scope] = {
            label: pick("saving", scope, label, sum(line.amounts[i] for line in chosen))
            for i, label in enumerate(labels)
        }
    revenue: dict[str, dict[str, int]] = {}
    scopes = [""]
    for line in version.revenue:
        scopes += [line.division, revenue_scope(line.division, line.section)]
    for scope in dict.fromkeys(scopes):
        chosen_revenue = [r for r in version.revenue
                          if scope in ("", r.division, revenue_scope(r.division, r.section))]
        revenue[scope] = {
            c: pick("revenue", scope, c, sum(r.values[c] for r in chosen_revenue))
            for c in REVENUE_COLUMNS
        }
    capital: dict[str, dict[str, int]] = {}
    for scope in ["", *dict.fromkeys(c.programme for c in version.capital)]:
        chosen_capital = [c for c in version.capital if scope in ("", c.programme)]
        by_year = {
            label: pick("capital", scope, label, sum(c.amounts[i] for c in chosen_capital))
            for i, label in enumerate(labels)
        }
        by_year["total"] = pick("capital", scope, "total",
                                sum(sum(c.amounts) for c in chosen_capital))
        capital[scope] = by_year
    funding = (pick("funding", "", "amount", sum(f.amount for f in version.funding))
               if version.funding else None)
    return AppendixTotals(growth, savings, revenue, capital, funding)


@dataclass(frozen=True)
class SavingRag:
    """One saving with its delivery RAG, for the savings delivery table."""

    line: LineSpec
    colour: str
    label: str
    full_year: int


def savings_rag(version: VersionSpec) -> list[SavingRag]:
    """Every saving with its RAG colour and its full-MTFS amount (last year, £000)."""
    out = []
    for line in version.lines_of("saving"):
        colour, label = RAG[line.delivery_status]
        out.append(SavingRag(line, colour, label, line.amounts[-1]))
    return out


def rag_summary(version: VersionSpec) -> dict[str, tuple[int, int]]:
    """Per RAG label: how many savings and their first-year amount (£000)."""
    summary: dict[str, tuple[int, int]] = {}
    for item in savings_rag(version):
        count, amount = summary.get(item.label, (0, 0))
        summary[item.label] = (count + 1, amount + item.line.amounts[0])
    return summary


@dataclass(frozen=True)
class DemandRow:
    """One row of a demand table: people and average weekly cost (``*`` when suppressed)."""

    key: str
    label: str
    people: int | str
    average_weekly_cost: float | str | None


def demand_table(
    series: DemandSeries, as_of: date, by: str, *, publish: bool
) -> list[DemandRow]:
    """Service users and average weekly cost at ``as_of`` by ``setting`` or ``client_group``,
    the whole area last. Published, counts of 1-4 are hidden by the measures' one suppression
    rule (:func:`careassure.measures.publish.suppress`), and so is an average over 1-4 people."""
    keys = DEMAND_SETTINGS if by == "setting" else CLIENT_GROUPS
    labels = SETTING_LABELS if by == "setting" else GROUP_LABELS
    cells = {k: (series.cell(as_of, k, ALL) if by == "setting" else series.cell(as_of, ALL, k))
             for k in keys}
    cells[ALL] = series.cell(as_of)
    values = []
    for key, cell in cells.items():
        breakdown = None if key == ALL else {by: key}
        values.append(MeasureValue("budget.service_users", cell.people, cell.people, None,
                                   as_of, breakdown=breakdown))
        values.append(MeasureValue("budget.weekly_cost", cell.average_weekly_cost,
                                   None, cell.costed_people, as_of, breakdown=breakdown))
    shown: Sequence[MeasureValue | PublishedValue] = suppress(values) if publish else values
    rows = []
    for i, key in enumerate(cells):
        people, cost = shown[2 * i], shown[2 * i + 1]
        label = "All settings" if key == ALL and by == "setting" else (
            "All client groups" if key == ALL else labels[key])
        count = people.value if people.value is not None else 0
        if isinstance(count, float):
            raise TypeError(f"budget.service_users counts people, not {count!r}")
        rows.append(DemandRow(key, label, count, cost.value))
    return rows
