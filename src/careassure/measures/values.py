"""From engine aggregates to reported values: exact rounding and the empty-population rule.

Engines return integer counts and medians (whole or half numbers); every division and rounding
happens here, in exact rational arithmetic, so DuckDB and Spark cannot differ in the last digit
and 12.25 rounds to 12.3 as an analyst expects (half away from zero, not binary float rounding).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

ONE_PLACE = Decimal("0.1")
TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Cell:
    """One measure's figures for one date and group, before targets are applied.

    Counts: numerator = the count, denominator None. Rates and ratios: both set. Statistics
    (median, maximum, mean): numerator None, denominator = the population they summarise, so
    that small-number suppression can see how many people a median describes.
    """

    value: float | int | None
    numerator: int | None
    denominator: int | None


def rounded(x: Fraction | float | int, places: Decimal = ONE_PLACE) -> float:
    exact = Fraction(x)
    quantised = (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
        places, rounding=ROUND_HALF_UP
    )
    return float(quantised)


def count_cell(n: int | None) -> Cell:
    n = int(n or 0)
    return Cell(n, n, None)


def percent_cell(numerator: int | None, denominator: int | None) -> Cell:
    num, den = int(numerator or 0), int(denominator or 0)
    value = rounded(Fraction(100 * num, den)) if den else None
    return Cell(value, num, den)


def statistic_cell(value: float | int | None, population: int | None, *, whole: bool) -> Cell:
    """A median (``whole=False``: one decimal place) or maximum (``whole=True``: an integer)."""
    n = int(population or 0)
    if not n or value is None:
        return Cell(None, None, n)
    return Cell(int(value) if whole else rounded(value), None, n)


def mean_cell(total: int | None, count: int | None) -> Cell:
    n = int(count or 0)
    return Cell(rounded(Fraction(int(total or 0), n)) if n else None, None, n)
