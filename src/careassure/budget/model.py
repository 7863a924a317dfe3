"""The Medium Term Financial Strategy (MTFS) as plain data: what the files, checks and ledger share.

A *version* is one MTFS as a committee saw it ("2026/27-2029/30, draft for consultation,
December 2025"): a first financial year, a number of years, the prior year's budget the
roll-forward starts from, and its tables:

* budget *lines* (Appendices B and C and the transfers): growth, savings and transfers, each with
  a signed amount per year in £000 (a saving reduces the budget, so it is negative, as printed).
  Stored *cumulative* (the appendices' basis: a saving of 100 in year one and 250 from year two
  reads ``-100, -250, -250``); a file may give them incremental (the roll-forward's basis) and is
  converted on reading;
* the *revenue budget* by service line (Appendix A, whole pounds): employees, running expenses,
  internal income, gross, external income and net, with the prior year's net;
* the *capital programme* (Appendix D, £000) and the *funding* of the Better Care Fund (£000);
* the *published totals* of every table, kept as printed: Appendix A is printed in whole pounds
  from a ledger held in pence, so a total may differ from the sum of the printed lines by
  rounding; the checks accept that and nothing more (see :mod:`careassure.budget.checks`).

The star a paper prints against a line (``*`` unchanged from the previous MTFS, ``**`` amended,
none new) is *computed* by comparing versions (:func:`star`); the printed one is kept only to
check the computation against.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

LINE_TYPES = ("growth", "saving", "transfer")
CLASSIFICATIONS = ("Eff", "SR", "Inc", "Eff/SR")
CLIENT_GROUPS = ("older_people", "learning_disability", "mental_health", "physical_disability")
DELIVERY_STATUSES = ("on_track", "at_risk", "not_delivered")
BASES = ("cumulative", "incremental")
STARS = ("", "*", "**")
# What each computed star means, in the paper's words.
STAR_MEANINGS = {
    "*": "unchanged from the previous MTFS",
    "**": "included in the previous MTFS, amended",
    "": "new item",
}
REVENUE_COLUMNS = (
    "net_prior_year",
    "employees",
    "running_expenses",
    "internal_income",
    "gross",
    "external_income",
    "net",
)
STATUTORY_CODES = ("S", "D", "B")
# The published tables a version holds totals for.
APPENDICES = ("revenue", "growth", "saving", "capital", "funding")

MAX_KEY = 60
MAX_TEXT = 500
MAX_REFERENCE = 20
KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
REFERENCE_PATTERN = re.compile(r"^[A-Z][A-Z0-9]{0,9}$")
YEAR_PATTERN = re.compile(r"^(\d{4})/(\d{2})$")


class BudgetError(ValueError):
    """A budget table or change that cannot be accepted; the message names the file, row and why."""


def year_label(first_year: int) -> str:
    """``2026`` -> ``"2026/27"``: the financial year starting in April of ``first_year``."""
    return f"{first_year}/{(first_year + 1) % 100:02d}"


def parse_year(label: str) -> int:
    """``"2026/27"`` -> ``2026``; anything else (or ``2026/28``) raises ValueError."""
    match = YEAR_PATTERN.match(label.strip())
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise ValueError(f"{label!r} is not a financial year such as 2026/27")
    return int(match.group(1))


def incremental(amounts: Sequence[int]) -> list[int]:
    """Cumulative amounts per year -> the change made in each year (the roll-forward's basis)."""
    return [amount - (amounts[i - 1] if i else 0) for i, amount in enumerate(amounts)]


def cumulative(amounts: Sequence[int]) -> list[int]:
    """Changes per year -> the running total in each year (the appendices' basis)."""
    total, out = 0, []
    for amount in amounts:
        total += amount
        out.append(total)
    return out


@dataclass(frozen=True)
class LineSpec:
    """One growth, saving or transfer line; ``amounts`` cumulative £000 per year of the version."""

    reference: str
    type: str
    title: str
    amounts: tuple[int, ...]
    section: str = ""
    classification: str | None = None
    client_group: str | None = None
    owner: str | None = None
    printed_star: str | None = None
    delivery_status: str | None = None
    delivery_reason: str | None = None


@dataclass(frozen=True)
class RevenueLineSpec:
    """One service line of the revenue budget (Appendix A), whole pounds as printed."""

    division: str
    section: str
    service: str
    statutory: str | None
    values: dict[str, int]


@dataclass(frozen=True)
class CapitalLineSpec:
    """One scheme of the capital programme (Appendix D), £000."""

    programme: str
    scheme: str
    completion: str | None
    gross_cost: int
    amounts: tuple[int, ...]


@dataclass(frozen=True)
class FundingSpec:
    """One source of the Better Care Fund for the first year, £000."""

    source: str
    amount: int
    note: str = ""


@dataclass(frozen=True)
class PublishedTotal:
    """A total as printed: ``appendix``, the ``scope`` it totals (a section, a division or ``""``
    for the whole table), the ``column`` (a year label or a revenue column) and its amount."""

    appendix: str
    scope: str
    column: str
    amount: int


@dataclass(frozen=True)
class RollForwardRow:
    """One year of the roll-forward (£000); growth and savings are that year's increments."""

    year: str
    prior_year_budget: int
    transfers: int
    subtotal: int
    growth: int
    savings: int
    net_budget: int


@dataclass(frozen=True)
class VersionSpec:
    """One MTFS version and its tables, as read from a file or the ledger."""

    key: str
    title: str
    department: str
    first_year: int
    years: int
    status: str
    published_on: date
    prior_year_budget: int
    previous: str | None = None
    lines: tuple[LineSpec, ...] = ()
    revenue: tuple[RevenueLineSpec, ...] = ()
    capital: tuple[CapitalLineSpec, ...] = ()
    funding: tuple[FundingSpec, ...] = ()
    totals: tuple[PublishedTotal, ...] = ()
    rollforward: tuple[RollForwardRow, ...] = field(default=())

    @property
    def year_labels(self) -> list[str]:
        return [year_label(self.first_year + i) for i in range(self.years)]

    def lines_of(self, line_type: str) -> list[LineSpec]:
        return [line for line in self.lines if line.type == line_type]


def star(line: LineSpec, first_year: int, previous: VersionSpec | None) -> str | None:
    """The star ``line`` earns against the ``previous`` version (None when there is none).

    A line is matched by reference. It is *unchanged* (``*``) when its title, type and
    classification are the same and it changes the budget by the same amount in every year both
    versions cover; *amended* (``**``) otherwise; *new* (``""``) when the previous version has no
    such line. Years are compared as increments, not cumulative amounts, because each version's
    cumulative figures start from a different base budget: a saving of 100 in 2025/26 rising to
    300 in 2026/27 is, one MTFS later, a saving of 200 in 2026/27.
    """
    if previous is None:
        return None
    earlier = next((p for p in previous.lines if p.reference == line.reference), None)
    if earlier is None:
        return ""
    same_words = (earlier.title, earlier.type, earlier.classification) == (
        line.title,
        line.type,
        line.classification,
    )
    mine = dict(zip(range(first_year, first_year + len(line.amounts)), incremental(line.amounts),
                    strict=True))
    theirs = dict(zip(range(previous.first_year, previous.first_year + len(earlier.amounts)),
                      incremental(earlier.amounts), strict=True))
    same_money = all(mine[year] == theirs[year] for year in mine.keys() & theirs.keys())
    return "*" if same_words and same_money else "**"
