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


# --- a reader who combines every published view of a date ---------------------------------------

Cell = tuple  # (measure, as_of, period_start, breakdown column or None, group or None, figure)


def _cell(row: PublishedValue, column: str) -> Cell:
    by, group = next(iter(row.breakdown.items())) if row.breakdown else (None, None)
    return (row.measure, row.as_of, row.period_start, by, group, column)


def combined(
    views: Sequence[Sequence[PublishedValue]],
    nesting: dict[str, tuple[str, dict[str, str]]] | None = None,
    changes: Sequence[tuple[Cell, Cell, int]] = (),
) -> tuple[dict[Cell, int], set[Cell]]:
    """What a reader works out from several published views together, by differences only.

    A figure is one cell wherever it appears, so one shown anywhere is known everywhere. The
    equations: each breakdown's groups add up to the whole area (all breakdowns of one measure,
    date and period share that whole); a coarse group adds up to the fine groups nested in it
    (a team type to its teams); a published change links two dates' cells (later = earlier +
    change). Repeatedly: an equation with one unknown gives it; a known whole whose unknown
    parts are left with exactly as many as there are of them gives 1 each (a hidden figure is
    at least 1). Returns (every cell known, the cells hidden in every view)."""
    known: dict[Cell, int] = {}
    cells: set[Cell] = set()
    groups: dict[tuple, dict[str, dict[str, Cell]]] = {}
    for view in views:
        for row in view:
            for column in COLUMNS:
                figure = getattr(row, column)
                if figure is None:
                    continue
                cell = _cell(row, column)
                cells.add(cell)
                if figure != SUPPRESSED:
                    known[cell] = figure
                if row.breakdown:
                    by, group = next(iter(row.breakdown.items()))
                    key = (row.measure, row.as_of, row.period_start, column)
                    groups.setdefault(key, {}).setdefault(by, {})[group] = cell
    hidden = cells - set(known)
    # (whole, parts): whole = sum(parts)
    sums: list[tuple[Cell, list[Cell]]] = []
    for (measure, as_of, start, column), by_column in groups.items():
        whole = (measure, as_of, start, None, None, column)
        if whole in cells:
            sums += [(whole, list(members.values())) for members in by_column.values()]
        for fine, (coarse, parent) in (nesting or {}).items():
            if fine in by_column and coarse in by_column:
                for group, cell in by_column[coarse].items():
                    parts = [c for g, c in by_column[fine].items()
                             if parent.get(g, "unknown") == group]
                    sums.append((cell, parts))
    for later, earlier, change in changes:  # later = earlier + change
        if later in known and earlier not in known:
            known[earlier] = known[later] - change
        elif earlier in known and later not in known:
            known[later] = known[earlier] + change
    progress = True
    while progress:
        progress = False
        for whole, parts in sums:
            unknown = [c for c in (whole, *parts) if c not in known]
            if len(unknown) == 1:
                c = unknown[0]
                rest = sum(known[p] for p in parts if p != c)
                known[c] = rest if c == whole else known[whole] - rest
                progress = True
            elif unknown and whole in known:
                remainder = known[whole] - sum(known[p] for p in parts if p in known)
                if remainder == len(unknown):
                    known.update({c: 1 for c in unknown})
                    progress = True
        for later, earlier, change in changes:
            if (later in known) != (earlier in known):
                progress = True
                if later in known:
                    known[earlier] = known[later] - change
                else:
                    known[later] = known[earlier] + change
    return known, hidden


def small_cells_revealed(known: dict[Cell, int], hidden: set[Cell]) -> list[tuple[Cell, int]]:
    """Every hidden figure of 1-4 the combining reader pins down."""
    return sorted((c, known[c]) for c in hidden if c in known and 1 <= known[c] <= 4)
