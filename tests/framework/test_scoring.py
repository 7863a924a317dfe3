"""Scoring: equal weights, whole-number rounding with halves up, bands."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from careassure.framework.model import load_framework
from careassure.framework.scoring import (
    ScoreError,
    category_level,
    overall_percent,
    parse_scores,
    round_half_up,
    score,
)

FRAMEWORK = load_framework()
RANK = {band.rating: i for i, band in enumerate(FRAMEWORK.bands)}


def test_leicester_worked_example_from_seed_001() -> None:
    """Seven 'some shortfalls' and two 'good standard' = 20/36 = 55.6 -> 56, 63 needed for Good."""
    result = score(FRAMEWORK, parse_scores(FRAMEWORK, "2,2,2,2,3,2,2,2,3"))
    assert result.to_json(FRAMEWORK) | {"statements": None} == {
        "total": 20,
        "max": 36,
        "percent": 56,
        "rating": "Requires improvement",
        "next_band": "Good",
        "points_to_next_band": 3,
        "statements_scored": 9,
        "statements": None,
    }
    assert overall_percent(23, 9, 4) >= FRAMEWORK.band("Good").min


@pytest.mark.parametrize(
    ("total", "percent", "rating"),
    [
        (9, 25, "Inadequate"),
        (13, 36, "Inadequate"),
        (14, 39, "Requires improvement"),
        (22, 61, "Requires improvement"),
        (23, 64, "Good"),
        (31, 86, "Good"),
        (32, 89, "Outstanding"),
        (36, 100, "Outstanding"),
    ],
)
def test_edge_totals_of_36(total: int, percent: int, rating: str) -> None:
    scores = [1] * 9
    for i in range(total - 9):
        scores[i % 9] += 1
    result = score(FRAMEWORK, scores)
    assert (result.total, result.percent, result.rating) == (total, percent, rating)


def test_no_total_of_36_lands_on_a_half() -> None:
    """So with all nine statements scored, half-up and half-to-even never disagree."""
    assert all((100 * total) % 36 != 18 for total in range(9, 37))


def test_halves_round_up_when_fewer_statements_are_scored() -> None:
    """20/32 = 62.5%: half up gives 63 (Good); Python's round() would give 62 (RI)."""
    assert round(62.5) == 62
    result = score(FRAMEWORK, [2, 2, 2, 2, 3, 3, 3, 3, None])
    assert (result.total, result.max, result.percent, result.rating) == (20, 32, 63, "Good")


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [(125, 2, 63), (124, 2, 62), (1, 3, 0), (2, 3, 1), (5, 10, 1), (0, 7, 0)],
)
def test_round_half_up(numerator: int, denominator: int, expected: int) -> None:
    assert round_half_up(numerator, denominator) == expected


def test_category_level_uses_the_same_bands_and_rounding() -> None:
    assert category_level(FRAMEWORK, {"a": 2, "b": 3, "c": 3, "d": 2}) == 3  # 62.5 -> 63 Good
    assert category_level(FRAMEWORK, {"a": 2, "b": 2, "c": 3}) == 2  # 58
    assert category_level(FRAMEWORK, {"a": 1, "b": 2, "c": 1, "d": 1}) == 1  # 31
    with pytest.raises(ScoreError, match="category 'b'"):
        category_level(FRAMEWORK, {"a": 2, "b": 7})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2,2,2,2,3,2,2,2", "expected 9 scores, one per quality statement"),
        ("2,2,2,2,3,2,2,2,3,3", "got 10"),
        ("2,2,0,2,3,2,2,2,3", "score 0 for QS3 Equity in experience and outcomes"),
        ("2,2,2,2,3,2,2,2,5", "score 5 for QS9"),
        ("2,good,2,2,3,2,2,2,3", "'good' for QS2"),
        ("2,2.5,2,2,3,2,2,2,3", "'2.5' for QS2"),
        ("2,,2,2,3,2,2,2,3", "'' for QS2"),
        ("-,-,-,-,-,-,-,-,-", "no statement is scored"),
    ],
)
def test_bad_input_is_explained(text: str, message: str) -> None:
    with pytest.raises(ScoreError, match=message):
        score(FRAMEWORK, parse_scores(FRAMEWORK, text))


def test_unscored_statements_are_left_out_of_the_maximum() -> None:
    result = score(FRAMEWORK, parse_scores(FRAMEWORK, "3,3,-,3,3,3,3,3,3"))
    assert (result.total, result.max, result.percent, result.statements_scored) == (24, 32, 75, 8)


scores_strategy = st.lists(st.one_of(st.none(), st.integers(1, 4)), min_size=9, max_size=9).filter(
    lambda s: any(v is not None for v in s)
)


@given(scores_strategy, st.integers(0, 8))
def test_raising_a_score_never_lowers_the_rating(scores: list[int | None], index: int) -> None:
    if scores[index] is None or scores[index] == 4:
        return
    before = score(FRAMEWORK, scores)
    raised = list(scores)
    raised[index] += 1
    after = score(FRAMEWORK, raised)
    assert after.percent >= before.percent
    assert RANK[after.rating] >= RANK[before.rating]


@given(scores_strategy)
def test_points_to_next_band_is_exactly_the_gap(scores: list[int | None]) -> None:
    result = score(FRAMEWORK, scores)
    if result.next_band is None:
        assert result.rating == "Outstanding"
        return
    n, target = result.statements_scored, FRAMEWORK.band(result.next_band).min
    gap = result.points_to_next_band
    assert overall_percent(result.total + gap, n, 4) >= target
    assert overall_percent(result.total + gap - 1, n, 4) < target
