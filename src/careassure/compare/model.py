"""What a published national figure is, and the problems a file of them can have.

One figure is one council's value of one national measure for one period, as published: no
figure is computed here. The council's name, type and region travel with every figure because
councils are reorganised (Cumbria, Northamptonshire) and a year's groups are those of that year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

Better = Literal["higher", "lower"]
COUNCIL_CODE = re.compile(r"^E(0[6-9]|10)\d{6}$")
# England (E92000001) and the English regions (E12000001 to E12000009): the published totals
# that ASCOF and CLD tables carry beside the councils.
TOTAL_CODE = re.compile(r"^E(92|12)\d{6}$")
ENGLAND_CODE = "E92000001"
FINANCIAL_YEAR = re.compile(r"^(\d{4})-(\d{2})$")
QUARTER = re.compile(r"^(\d{4})-(\d{2}) Q([1-4])$")
MAX_SHOWN_PROBLEMS = 20


@dataclass(frozen=True)
class NationalFigure:
    """One council's published value of one measure for one period (None: not published)."""

    council_code: str
    council_name: str
    council_type: str
    region: str
    measure_code: str
    measure_title: str
    period: str
    value: float | None
    published_median: float | None
    better: Better | None

    @property
    def is_total(self) -> bool:
        """England's or a region's published figure, not a council's."""
        return bool(TOTAL_CODE.match(self.council_code))


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file: where (row 1 is the header) and why."""

    file: str
    row: int | None
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column!r}"
        return f"{where}: {self.reason}"


class NationalFileError(ValueError):
    """A file that cannot be imported, with every problem found in it (nothing is stored)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        shown = "; ".join(str(p) for p in problems[:MAX_SHOWN_PROBLEMS])
        more = len(problems) - MAX_SHOWN_PROBLEMS
        super().__init__(shown + (f"; and {more} more problems" if more > 0 else ""))


def period_bounds(period: str) -> tuple[date, date] | None:
    """First and last day of a published period: a financial year ``2022-23`` (1 April 2022 to
    31 March 2023) or a quarter of one, ``2023-24 Q1`` (April to June 2023); None otherwise."""
    year = FINANCIAL_YEAR.match(period)
    quarter = QUARTER.match(period)
    match = year or quarter
    if match is None:
        return None
    start_year = int(match.group(1))
    if (start_year + 1) % 100 != int(match.group(2)):
        return None
    if year:
        return date(start_year, 4, 1), date(start_year + 1, 3, 31)
    number = int(match.group(3))
    starts = [date(start_year, 4, 1), date(start_year, 7, 1), date(start_year, 10, 1),
              date(start_year + 1, 1, 1)]
    ends = [date(start_year, 6, 30), date(start_year, 9, 30), date(start_year, 12, 31),
            date(start_year + 1, 3, 31)]
    return starts[number - 1], ends[number - 1]


def period_kind(period: str) -> str:
    """"financial year" or "quarter", for saying how a national period differs from a local one."""
    return "quarter" if QUARTER.match(period) else "financial year"


def period_sort_key(period: str) -> tuple[date, date]:
    """Periods in time order (a valid period always has bounds: files are checked on import)."""
    bounds = period_bounds(period)
    return bounds if bounds else (date.min, date.min)
