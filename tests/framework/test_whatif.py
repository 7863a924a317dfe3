"""What-if: the smallest sets of statement improvements that reach a rating."""

from __future__ import annotations

from itertools import islice, product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from careassure.framework.model import load_framework
from careassure.framework.scoring import overall_percent, score
from careassure.framework.whatif import what_if

FRAMEWORK = load_framework()
RANK = {band.rating: i for i, band in enumerate(FRAMEWORK.bands)}
IDS = [qs.id for qs in FRAMEWORK.statements]
LEICESTER = [2, 2, 2, 2, 3, 2, 2, 2, 3]


def _apply(scores: list[int | None], improvement: dict[str, int]) -> list[int | None]:
    return [
        s + improvement.get(i, 0) if s is not None else None
        for i, s in zip(IDS, scores, strict=True)
    ]


def _reaches(scores: list[int | None], target: str) -> bool:
    return RANK[score(FRAMEWORK, scores).rating] >= RANK[target]


def test_leicester_needs_three_points_for_good() -> None:
    answer = what_if(FRAMEWORK, LEICESTER)
    assert (answer.target, answer.points_needed) == ("Good", 3)
    described = [(o.description, o.statements_moved, o.ways) for o in answer.options]
    assert described == [
        ("any 3 statements +1", 3, 84),  # C(9, 3)
        ("any 1 statement now scored 2 or lower +2 and any 1 other statement +1", 2, 56),  # 7 x 8
    ]
    assert sum(1 for o in answer.options for _ in o.sets()) == 84 + 56


def test_a_named_statement_when_only_one_can_take_the_step() -> None:
    answer = what_if(FRAMEWORK, [1, 3, 3, 3, 3, 3, 3, 3, 4], "Outstanding")
    assert answer.points_needed == 6  # 26/36 = 72% -> 32/36 = 89%
    assert "Assessing needs +3 and any 3 other statements now scored 3 or lower +1" in [
        o.description for o in answer.options
    ]


def test_already_there_and_out_of_reach() -> None:
    at_top = what_if(FRAMEWORK, [4] * 9)
    assert (at_top.target, at_top.points_needed, at_top.options) == ("Outstanding", 0, ())
    assert what_if(FRAMEWORK, LEICESTER, "requires improvement").points_needed == 0
    with pytest.raises(LookupError, match="unknown rating"):
        what_if(FRAMEWORK, LEICESTER, "Excellent")


def test_json_lists_the_parts_and_an_example() -> None:
    data = what_if(FRAMEWORK, LEICESTER, "Good").to_json()
    assert data["current"] == {
        "total": 20,
        "max": 36,
        "percent": 56,
        "rating": "Requires improvement",
    }
    first = data["options"][0]
    assert first["parts"] == [{"increment": 1, "count": 3, "eligible": IDS}]
    assert first["example"] == dict.fromkeys(IDS[:3], 1)


def _brute_force_minimal(scores: list[int | None], target: str) -> set[frozenset]:
    """Every improvement that reaches the target with the fewest points, by enumeration."""
    scored = [(i, s) for i, s in zip(IDS, scores, strict=True) if s is not None]
    reaching = []
    for steps in product(*(range(5 - s) for _, s in scored)):
        improvement = {i: d for (i, _), d in zip(scored, steps, strict=True) if d}
        if _reaches(_apply(scores, improvement), target):
            reaching.append(improvement)
    if not reaching:
        return set()
    fewest = min(sum(r.values()) for r in reaching)
    return {frozenset(r.items()) for r in reaching if sum(r.values()) == fewest}


small_scores = st.lists(st.integers(1, 4), min_size=1, max_size=5).flatmap(
    lambda values: st.permutations(values + [None] * (9 - len(values)))
)


@settings(max_examples=60, deadline=None)
@given(small_scores, st.sampled_from([b.rating for b in FRAMEWORK.bands]))
def test_options_are_exactly_the_minimal_improvements(
    scores: list[int | None], target: str
) -> None:
    answer = what_if(FRAMEWORK, scores, target)
    found = [frozenset(s.items()) for o in answer.options for s in o.sets()]
    assert len(found) == len(set(found)) == sum(o.ways for o in answer.options)
    if answer.points_needed == 0:
        assert _reaches(scores, target) and not found
    else:
        assert set(found) == _brute_force_minimal(scores, target)


full_scores = st.lists(st.integers(1, 4), min_size=9, max_size=9)


@settings(max_examples=80, deadline=None)
@given(full_scores, st.sampled_from([b.rating for b in FRAMEWORK.bands]))
def test_every_suggested_set_is_minimal(scores: list[int], target: str) -> None:
    """Each set reaches the target; taking any one step back, or leaving out any statement,
    falls short; and no improvement with fewer points reaches it."""
    answer = what_if(FRAMEWORK, scores, target)
    if not answer.points_needed:
        return
    fewer_points = sum(scores) + answer.points_needed - 1
    assert overall_percent(fewer_points, 9, 4) < FRAMEWORK.band(target).min
    for option in answer.options:
        for improvement in islice(option.sets(), 50):
            assert sum(improvement.values()) == answer.points_needed
            assert _reaches(_apply(scores, improvement), target)
            for statement in improvement:
                smaller = dict(improvement)
                smaller[statement] -= 1
                assert not _reaches(_apply(scores, smaller), target)
                without = {k: v for k, v in improvement.items() if k != statement}
                assert not _reaches(_apply(scores, without), target)
