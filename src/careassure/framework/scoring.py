"""Overall score, percentage and rating from quality-statement scores (CQC "How we determine
ratings"): equal weights, percentage rounded to a whole number, then banded.

Rounding is half up, done in whole numbers. Python's ``round()`` rounds halves to even, which would
put 20/32 (eight statements scored, 62.5%) in Requires improvement instead of Good, and category-
level scores of 2, 3, 3, 2 (62.5%) at level 2 instead of 3; with all nine statements scored no
total lands on a half (100 x total / 36 is never k + 0.5), so the choice only shows when fewer are
scored, but then it decides the rating.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from careassure.framework.model import Band, Framework, QualityStatement

NOT_SCORED = "-"


class ScoreError(ValueError):
    """Scores that cannot be rated; the message says which statement and why."""


def round_half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` to the nearest whole number, halves up (both non-negative)."""
    return (2 * numerator + denominator) // (2 * denominator)


def overall_percent(total: int, statements_scored: int, highest_level: int) -> int:
    """Total as a whole-number percentage of the most it could be."""
    return round_half_up(100 * total, highest_level * statements_scored)


def band_for(framework: Framework, percent: int) -> Band:
    """The band a whole-number percentage falls in."""
    for band in framework.bands:
        if band.min <= percent <= band.max:
            return band
    raise ScoreError(f"{percent}% is outside every rating band")


def next_band(framework: Framework, band: Band) -> Band | None:
    """The band above, or None at the top."""
    index = framework.bands.index(band)
    return framework.bands[index + 1] if index + 1 < len(framework.bands) else None


def _describe(qs: QualityStatement) -> str:
    return f"{qs.code} {qs.name}"


def _check_count(framework: Framework, count: int) -> None:
    statements = framework.statements
    if count != len(statements):
        raise ScoreError(
            f"expected {len(statements)} scores, one per quality statement in the order "
            f"{statements[0].code}..{statements[-1].code}, got {count}"
        )


def check_scores(framework: Framework, scores: Sequence[int | None]) -> tuple[int | None, ...]:
    """The scores, one per statement in framework order (None = not scored), or ScoreError."""
    _check_count(framework, len(scores))
    statements = framework.statements
    low, high = framework.lowest_level, framework.highest_level
    for qs, value in zip(statements, scores, strict=True):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ScoreError(
                f"score {value!r} for {_describe(qs)}: scores are whole numbers {low} to {high}"
            )
    if all(value is None for value in scores):
        raise ScoreError("no statement is scored")
    return tuple(scores)


def parse_scores(framework: Framework, text: str) -> tuple[int | None, ...]:
    """Scores from ``"2,2,2,2,3,2,2,2,3"``; ``-`` marks a statement not scored."""
    parts = [part.strip() for part in text.split(",")]
    _check_count(framework, len(parts))
    scores: list[int | None] = []
    for qs, part in zip(framework.statements, parts, strict=True):
        if part == NOT_SCORED:
            scores.append(None)
        elif part.isascii() and part.isdigit():
            scores.append(int(part))
        else:
            low, high = framework.lowest_level, framework.highest_level
            raise ScoreError(
                f"{part!r} for {_describe(qs)} is not a score: give a whole number {low} to "
                f"{high}, or {NOT_SCORED} if the statement is not scored"
            )
    return check_scores(framework, scores)


@dataclass(frozen=True)
class ScoreResult:
    """The overall result; ``points_to_next_band`` is the fewest extra points (over any
    statements) that reach the next band, None at the top."""

    total: int
    max: int
    percent: int
    rating: str
    next_band: str | None
    points_to_next_band: int | None
    scores: tuple[int | None, ...]

    @property
    def statements_scored(self) -> int:
        return sum(score is not None for score in self.scores)

    def to_json(self, framework: Framework) -> dict[str, Any]:
        """The public JSON object of ``careassure cqc score --format json``."""
        return {
            "total": self.total,
            "max": self.max,
            "percent": self.percent,
            "rating": self.rating,
            "next_band": self.next_band,
            "points_to_next_band": self.points_to_next_band,
            "statements_scored": self.statements_scored,
            "statements": [
                {
                    "id": qs.id,
                    "code": qs.code,
                    "name": qs.name,
                    "theme": framework.theme(qs.theme).name,
                    "score": score,
                    "level": framework.score_levels[score] if score is not None else None,
                }
                for qs, score in zip(framework.statements, self.scores, strict=True)
            ],
        }


def points_to_reach(framework: Framework, scores: Sequence[int | None], target: Band) -> int | None:
    """Fewest extra points that bring the overall percentage into ``target`` or above; 0 when
    already there, None when even the highest level on every scored statement falls short."""
    checked = check_scores(framework, scores)
    scored = [s for s in checked if s is not None]
    total, high = sum(scored), framework.highest_level
    for extra in range(high * len(scored) - total + 1):
        if overall_percent(total + extra, len(scored), high) >= target.min:
            return extra
    return None


def score(framework: Framework, scores: Sequence[int | None]) -> ScoreResult:
    """Total, percentage, rating and distance to the next band."""
    checked = check_scores(framework, scores)
    scored = [s for s in checked if s is not None]
    total = sum(scored)
    percent = overall_percent(total, len(scored), framework.highest_level)
    band = band_for(framework, percent)
    above = next_band(framework, band)
    return ScoreResult(
        total=total,
        max=framework.highest_level * len(scored),
        percent=percent,
        rating=band.rating,
        next_band=above.rating if above else None,
        points_to_next_band=points_to_reach(framework, checked, above) if above else None,
        scores=checked,
    )


def category_level(framework: Framework, category_scores: Mapping[str, int]) -> int:
    """One statement's level from separately scored evidence categories (CQC's 2024 method):
    their percentage, rounded and banded like the overall score, converts to the band's level."""
    if not category_scores:
        raise ScoreError("no evidence category is scored")
    low, high = framework.lowest_level, framework.highest_level
    for category, value in category_scores.items():
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ScoreError(
                f"score {value!r} for evidence category {category!r}: scores are whole numbers "
                f"{low} to {high}"
            )
    percent = overall_percent(sum(category_scores.values()), len(category_scores), high)
    return band_for(framework, percent).score
