"""What a reader can work out from published figures: the attacker the suppression tests use.

Given the published rows (``*`` for hidden figures), it derives every figure it can pin down
exactly: figures shown as they are, a rate's hidden part from its shown value and other part,
and, within each breakdown set (measure, date, breakdown column), hidden groups by subtracting
the shown groups from a shown total (one hidden group: the remainder; several, each of which must
be at least 1 and the remainder equals their number: each is 1).
"""

from __future__ import annotations

from collections.abc import Sequence

from careassure.measures.publish import SUPPRESSED, PublishedValue

COLUMNS = ("numerator", "denominator")


def derived(rows: Sequence[PublishedValue]) -> dict[tuple[int, str], int]:
    """(row index, "numerator" | "denominator") -> the exact figure a reader can know."""
    known: dict[tuple[int, str], int] = {}
    for i, row in enumerate(rows):
        for column in COLUMNS:
            figure = getattr(row, column)
            if figure is not None and figure != SUPPRESSED:
                known[(i, column)] = figure
        shown = row.value not in (None, SUPPRESSED)
        if shown and row.numerator == SUPPRESSED and isinstance(row.denominator, int):
            # value = 100 x numerator / denominator, one decimal: exact for small populations
            known[(i, "numerator")] = round(row.value * row.denominator / 100)
        if shown and row.denominator == SUPPRESSED and isinstance(row.numerator, int) \
                and row.value:
            known[(i, "denominator")] = round(100 * row.numerator / row.value)

    totals: dict[tuple, int] = {}
    sets: dict[tuple, list[int]] = {}
    for i, row in enumerate(rows):
        point = (row.measure, row.as_of, row.period_start)
        if row.breakdown is None:
            totals[point] = i
        else:
            sets.setdefault((*point, next(iter(row.breakdown))), []).append(i)
    for key, members in sets.items():
        total = totals.get(key[:3])
        if total is None:
            continue
        for column in COLUMNS:
            if (total, column) not in known:
                continue
            hidden = [i for i in members if getattr(rows[i], column) == SUPPRESSED]
            remainder = known[(total, column)] - sum(
                known.get((i, column), 0) for i in members if i not in hidden
            )
            if len(hidden) == 1:
                known[(hidden[0], column)] = remainder
            elif hidden and remainder == len(hidden):
                known.update({(i, column): 1 for i in hidden})
    return known


def small_counts_revealed(rows: Sequence[PublishedValue]) -> list[tuple[int, str, int]]:
    """Every figure of 1-4 a reader can pin down, with where it is."""
    return [(i, column, figure) for (i, column), figure in derived(rows).items()
            if 1 <= figure <= 4]
