"""What-if: the smallest sets of statement improvements that reach a target rating.

Statements are weighted equally, so only the total matters: an improvement reaches the target
exactly when it adds at least the points the target needs. The minimal improvements are therefore
those adding exactly that many points (fewest points, and no proper subset - no statement left
out, no step taken back - still reaches it). They group into a few shapes, one per way of
splitting the points into per-statement steps: 3 points are "any 3 statements +1", or "+2 on one
statement now scored 2 or lower and +1 on any other", or "+3 on a statement scored 1". Each shape
lists which statements can take each step and how many concrete sets it stands for, so a council
sees the options without reading a hundred near-identical lists.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import combinations
from math import comb
from typing import Any

from careassure.framework.model import Framework
from careassure.framework.scoring import ScoreResult, check_scores, points_to_reach, score


@dataclass(frozen=True)
class ImprovementPart:
    """``count`` statements each raised by ``increment`` levels, chosen from ``eligible`` (the
    statements with that much headroom)."""

    increment: int
    count: int
    eligible: tuple[str, ...]


@dataclass(frozen=True)
class ImprovementOption:
    """One shape of minimal improvement; ``ways`` is how many concrete statement sets it covers."""

    parts: tuple[ImprovementPart, ...]
    points: int
    ways: int
    description: str

    @property
    def statements_moved(self) -> int:
        return sum(part.count for part in self.parts)

    def sets(self) -> Iterator[dict[str, int]]:
        """Every concrete improvement of this shape: statement id -> levels added."""

        def expand(index: int, used: frozenset[str]) -> Iterator[dict[str, int]]:
            if index == len(self.parts):
                yield {}
                return
            part = self.parts[index]
            free = [s for s in part.eligible if s not in used]
            for chosen in combinations(free, part.count):
                for rest in expand(index + 1, used | set(chosen)):
                    yield {**dict.fromkeys(chosen, part.increment), **rest}

        return expand(0, frozenset())

    def to_json(self) -> dict[str, Any]:
        return {
            "description": self.description,
            "points": self.points,
            "statements_moved": self.statements_moved,
            "ways": self.ways,
            "parts": [
                {"increment": p.increment, "count": p.count, "eligible": list(p.eligible)}
                for p in self.parts
            ],
            "example": next(self.sets()),
        }


@dataclass(frozen=True)
class WhatIf:
    """The answer: ``points_needed`` is None when the target cannot be reached with the statements
    scored, 0 (and no options) when the rating is already at or above it."""

    current: ScoreResult
    target: str
    points_needed: int | None
    options: tuple[ImprovementOption, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "current": {
                "total": self.current.total,
                "max": self.current.max,
                "percent": self.current.percent,
                "rating": self.current.rating,
            },
            "target": self.target,
            "reachable": self.points_needed is not None,
            "points_needed": self.points_needed,
            "options": [option.to_json() for option in self.options],
        }


def _splits(points: int, largest: int, most_parts: int) -> Iterator[tuple[int, ...]]:
    """Every way to write ``points`` as a non-increasing sum of at most ``most_parts`` steps, each
    step at most ``largest``."""
    if points == 0:
        yield ()
        return
    if most_parts == 0:
        return
    for step in range(min(points, largest), 0, -1):
        for rest in _splits(points - step, step, most_parts - 1):
            yield (step, *rest)


def _describe(
    parts: Sequence[ImprovementPart],
    all_scored: set[str],
    names: dict[str, str],
    framework: Framework,
) -> str:
    clauses = []
    for index, part in enumerate(parts):
        noun = "statement" if part.count == 1 else "statements"
        if part.count == len(part.eligible):
            who = " and ".join(names[s] for s in part.eligible)
        else:
            other = " other" if index else ""
            qualifier = (
                ""
                if set(part.eligible) == all_scored
                else f" now scored {framework.highest_level - part.increment} or lower"
            )
            who = f"any {part.count}{other} {noun}{qualifier}"
        clauses.append(f"{who} +{part.increment}")
    return " and ".join(clauses)


def what_if(
    framework: Framework, scores: Sequence[int | None], target: str | None = None
) -> WhatIf:
    """The minimal improvements that reach ``target`` (a rating; default the next band up).

    Options come gentlest first: smallest single step, then fewest statements moved.
    """
    checked = check_scores(framework, scores)
    current = score(framework, checked)
    if target is None:
        target = current.next_band or current.rating
    band = framework.band(target)
    needed = points_to_reach(framework, checked, band)
    if not needed:
        return WhatIf(current, band.rating, needed, ())

    high = framework.highest_level
    headroom = {
        qs.id: high - value
        for qs, value in zip(framework.statements, checked, strict=True)
        if value is not None and value < high
    }
    names = {qs.id: qs.name for qs in framework.statements}
    scored = {
        qs.id for qs, value in zip(framework.statements, checked, strict=True) if value is not None
    }
    options = []
    for split in _splits(needed, max(headroom.values()), len(headroom)):
        parts, ways, assigned = [], 1, 0
        for step in sorted(set(split), reverse=True):
            count = split.count(step)
            eligible = tuple(s for s in headroom if headroom[s] >= step)
            ways *= comb(max(len(eligible) - assigned, 0), count)
            assigned += count
            parts.append(ImprovementPart(step, count, eligible))
        if ways:
            options.append(
                ImprovementOption(
                    tuple(parts), needed, ways, _describe(parts, scored, names, framework)
                )
            )
    options.sort(key=lambda o: (o.parts[0].increment, o.statements_moved))
    return WhatIf(current, band.rating, needed, tuple(options))
