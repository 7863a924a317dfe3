"""The MTFS appendices of the committee paper: the roll-forward and Appendices A-D as the
January 2026 pack prints them (revenue budget by service line, growth, savings with their
classification, stars and delivery RAG, capital programme).

Figures come from the budget ledger (:mod:`careassure.budget`) through the same views the web
page uses, so the paper, the page and the CLI print the same totals: the committee's printed
totals where the version has them. Amounts in £000 are printed with savings and income in
brackets, as finance papers write them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from careassure.budget.checks import roll_forward
from careassure.budget.model import VersionSpec
from careassure.budget.views import appendix_totals, savings_rag
from careassure.reports.document import Cell, Document, Table, cell

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

ROLL_FORWARD_ROWS = (
    ("Original prior year budget", "prior_year_budget"),
    ("Budget transfers and adjustments", "transfers"),
    ("Sub total", "subtotal"),
    ("Add proposed growth (Appendix B)", "growth"),
    ("Less proposed savings (Appendix C)", "savings"),
    ("Proposed/provisional net budget", "net_budget"),
)


def money(amount: int) -> str:
    """``-6990`` -> ``"(6,990)"``; ``12170`` -> ``"12,170"``."""
    return f"({-amount:,})" if amount < 0 else f"{amount:,}"


def _bold(text: str) -> Cell:
    return cell(text, bold=True)


def add_mtfs_appendices(doc: Document, version: VersionSpec, stars: dict[str, str | None]
                        ) -> None:
    """Append the roll-forward and Appendices A-D of ``version`` to ``doc``; ``stars`` are the
    computed stars (None: no previous version, so the printed star is shown)."""
    labels = version.year_labels
    totals = appendix_totals(version)

    def star(reference: str, printed: str | None) -> str:
        computed = stars.get(reference)
        return computed if computed is not None else (printed or "")

    section = doc.section(f"Appendix: {version.title}", key="mtfs", wide=True)
    rows = roll_forward(version)
    section.add(Table(
        ("", *(f"{label} £'000" for label in labels)),
        tuple((_bold(title), *(cell(money(getattr(r, column))) for r in rows))
              for title, column in ROLL_FORWARD_ROWS),
        caption=f"Roll-forward to the net budget ({version.status})", key="mtfs-rollforward"))

    if version.revenue:
        revenue_rows: list[tuple[Cell, ...]] = []
        for line in version.revenue:
            v = line.values
            revenue_rows.append((cell(line.section or line.division), cell(line.service),
                                 cell(line.statutory or ""), cell(f"{v['gross']:,}"),
                                 cell(f"{v['external_income']:,}"), cell(f"{v['net']:,}")))
        whole = totals.revenue[""]
        revenue_rows.append((_bold("Total"), _bold(version.department), cell(""),
                             _bold(f"{whole['gross']:,}"),
                             _bold(f"{whole['external_income']:,}"),
                             _bold(f"{whole['net']:,}")))
        section.add(Table(
            ("Section", "Service", "S/D/B", "Gross budget £", "External income £",
             f"Net budget {labels[0]} £"),
            tuple(revenue_rows),
            caption=f"Appendix A: revenue budget {labels[0]}", key="mtfs-a"))

    growth_rows = [
        (cell(star(line.reference, line.printed_star)), cell(line.reference), cell(line.title),
         *(cell(money(a)) for a in line.amounts))
        for line in version.lines_of("growth")
    ]
    growth_rows.append((cell(""), cell(""), _bold("Total"),
                        *(_bold(money(totals.growth[label])) for label in labels)))
    section.add(Table(("", "Reference", "Growth", *(f"{label} £000" for label in labels)),
                      tuple(growth_rows), caption="Appendix B: growth", key="mtfs-b"))

    saving_rows = [
        (cell(star(item.line.reference, item.line.printed_star)), cell(item.line.reference),
         cell(item.line.classification or ""), cell(item.line.title),
         *(cell(money(a)) for a in item.line.amounts),
         cell(item.label, rag=item.colour))
        for item in savings_rag(version)
    ]
    for scope, by_year in totals.savings.items():
        saving_rows.append((cell(""), cell(""), cell(""), _bold(f"Total {scope or 'savings'}"),
                            *(_bold(money(by_year[label])) for label in labels), cell("")))
    section.add(Table(
        ("", "Reference", "Type", "Saving", *(f"{label} £000" for label in labels), "Delivery"),
        tuple(saving_rows),
        caption="Appendix C: savings (* unchanged from the previous MTFS; ** amended; Eff "
                "efficiency, SR service reduction, Inc income)", key="mtfs-c"))

    if version.capital:
        capital_rows = [
            (cell(c.scheme), cell(c.completion or ""), *(cell(money(a)) for a in c.amounts),
             cell(money(sum(c.amounts))))
            for c in version.capital
        ]
        whole_capital = totals.capital[""]
        capital_rows.append((_bold("Total"), cell(""),
                             *(_bold(money(whole_capital[label])) for label in labels),
                             _bold(money(whole_capital["total"]))))
        section.add(Table(
            ("Scheme", "Completion", *(f"{label} £000" for label in labels), "Total £000"),
            tuple(capital_rows), caption="Appendix D: capital programme", key="mtfs-d"))


def add_stored_mtfs(doc: Document, session: Session) -> None:
    """The appendices of the latest stored MTFS version, when there is one."""
    from careassure.budget.service import load_version, stars, version_keys

    if not version_keys(session):
        return
    version = load_version(session)
    add_mtfs_appendices(doc, version, stars(session, version))
