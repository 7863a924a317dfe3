"""Small-number suppression (careassure.measures.publish): the rule on worked examples, and the
property that matters, on generated breakdown sets: no count of 1-4 can be read or worked out
from what is published."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st
from publish_attack import derived, small_counts_revealed

from careassure.measures import MeasureValue
from careassure.measures.publish import SUPPRESSED, suppress

AS_OF = date(2025, 12, 28)
WAITING = "care_act_assessment.waiting"
OVER_28 = "care_act_assessment.pct_over_28"
MEDIAN = "care_act_assessment.median_wait"


def count(n: int, group: str | None = None, measure: str = WAITING) -> MeasureValue:
    return MeasureValue(measure, n, n, None, AS_OF, None, {"team": group} if group else None)


def rate(num: int, den: int, group: str | None = None) -> MeasureValue:
    value = round(100 * num / den, 1) if den else None
    return MeasureValue(OVER_28, value, num, den, AS_OF, None,
                        {"team": group} if group else None, None, None)


def shown(rows) -> list:
    return [r.value for r in rows]


def test_counts_of_one_to_four_are_hidden_and_zero_is_not() -> None:
    rows = suppress([count(0), count(1), count(4), count(5)])
    assert shown(rows) == [0, SUPPRESSED, SUPPRESSED, 5]
    assert [r.numerator for r in rows] == [0, SUPPRESSED, SUPPRESSED, 5]


def test_a_rate_on_a_small_numerator_or_denominator_is_hidden_with_its_status() -> None:
    low = MeasureValue(OVER_28, 5.0, 2, 40, AS_OF, target=10.0, status="met")
    few = MeasureValue(OVER_28, 66.7, 2, 3, AS_OF, target=10.0, status="not_met")
    fine = MeasureValue(OVER_28, 25.0, 10, 40, AS_OF, target=10.0, status="not_met")
    rows = suppress([low, few, fine])
    # 2 of 40: the numerator is hidden; the 40 may be shown, the value may not (2 = 5% of 40).
    assert (rows[0].value, rows[0].numerator, rows[0].denominator, rows[0].status) == (
        SUPPRESSED, SUPPRESSED, 40, None)
    assert (rows[1].value, rows[1].numerator, rows[1].denominator) == (
        SUPPRESSED, SUPPRESSED, SUPPRESSED)
    assert (rows[2].value, rows[2].status) == (25.0, "not_met")
    assert rows[0].target == 10.0  # the target is not personal data


def test_a_median_of_few_people_is_hidden() -> None:
    rows = suppress([MeasureValue(MEDIAN, 40.0, None, 3, AS_OF),
                     MeasureValue(MEDIAN, 18.0, None, 50, AS_OF)])
    assert shown(rows) == [SUPPRESSED, 18.0]


def test_one_hidden_group_takes_the_next_smallest_with_it() -> None:
    # Teams A 3, B 12, C 7, unknown 0; total 22. Hiding A alone, 22 - 12 - 7 = 3 gives it away:
    # the smallest non-zero shown group (C, 7) is hidden too; 3 + 7 = 10 cannot be split back.
    rows = suppress([count(22), count(3, "A"), count(12, "B"), count(7, "C"),
                     count(0, "unknown")])
    assert shown(rows) == [22, SUPPRESSED, 12, SUPPRESSED, 0]
    assert small_counts_revealed(rows) == []


def test_hidden_groups_together_must_hold_more_than_four() -> None:
    # A 1, B 2 hidden (together 3, known from 20 - 9 - 8): the smaller of C 9 and D 8 is hidden
    # as well, so the hidden groups hold 11.
    rows = suppress([count(20), count(1, "A"), count(2, "B"), count(9, "C"), count(8, "D")])
    assert shown(rows) == [20, SUPPRESSED, SUPPRESSED, 9, SUPPRESSED]


def test_when_no_group_is_left_to_hide_the_total_is_hidden() -> None:
    # Five groups of 1: hiding all five, 5 - 0 = 5 = one each. Only hiding the total protects.
    rows = suppress([count(5), *(count(1, g) for g in "ABCDE")])
    assert shown(rows) == [SUPPRESSED] * 6


def test_measures_over_the_same_people_hide_the_same_groups() -> None:
    # The waiting counts and the median wait's denominators are the same figures: the same
    # groups are hidden, so one cannot be subtracted from the other.
    counts = [count(30), count(2, "A"), count(8, "B"), count(20, "C")]
    medians = [MeasureValue(MEDIAN, 10.0, None, v.numerator, AS_OF, None, v.breakdown)
               for v in counts]
    rows = suppress(counts + medians)
    assert shown(rows[:4]) == [30, SUPPRESSED, SUPPRESSED, 20]
    assert shown(rows[4:]) == [10.0, SUPPRESSED, SUPPRESSED, 10.0]


def test_each_date_is_its_own_set() -> None:
    later = MeasureValue(WAITING, 9, 9, None, date(2026, 1, 4))
    rows = suppress([count(9), count(3, "A"), count(6, "B"), later])
    assert shown(rows) == [9, SUPPRESSED, SUPPRESSED, 9]


# --- the property ------------------------------------------------------------------------------

GROUPS = ["A", "B", "C", "D", "E", "unknown"]


@st.composite
def breakdown_sets(draw) -> list[MeasureValue]:
    """A rate measure by team for one date, whole area first: groups' numerators <= their
    denominators, totals their sums; plus the count of the same denominators."""
    sizes = draw(st.lists(st.integers(0, 12), min_size=1, max_size=len(GROUPS)))
    names = GROUPS[: len(sizes)]
    numerators = [draw(st.integers(0, n)) for n in sizes]
    rows = [rate(sum(numerators), sum(sizes))]
    rows += [rate(k, n, g) for k, n, g in zip(numerators, sizes, names, strict=True)]
    rows += [count(sum(sizes))] + [count(n, g) for n, g in zip(sizes, names, strict=True)]
    return rows


@settings(max_examples=300, deadline=None)
@given(rows=breakdown_sets())
def test_suppression_never_reveals_a_count_of_one_to_four(rows: list[MeasureValue]) -> None:
    published = suppress(rows)
    assert small_counts_revealed(published) == []
    # The attacker is right about everything it claims to know (so it is not vacuous).
    for (i, column), figure in derived(published).items():
        assert getattr(rows[i], column) == figure
    # Nothing shown that was not computed, nothing hidden that needs no hiding on its own.
    for raw, out in zip(rows, published, strict=True):
        if out.value != SUPPRESSED:
            assert out.value == raw.value and out.status == raw.status
