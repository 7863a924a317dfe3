"""Small-number suppression (careassure.measures.publish): the rule on worked examples, and the
property that matters, on generated breakdown sets: no count of 1-4 can be read or worked out
from what is published."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st
from publish_attack import combined, derived, small_cells_revealed, small_counts_revealed

from careassure.measures import MeasureValue
from careassure.measures.publish import SUPPRESSED, suppress, team_nesting

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


# --- every published view of a date, combined ----------------------------------------------------

TEAM_TYPES = {"Transitions": "specialist", "Sensory": "specialist", "Learning disability":
              "specialist", "North": "locality", "South": "locality", "Hospital": "hospital"}
ETHNIC = ["Asian", "Black", "Mixed", "White", "unknown"]
LATER = date(2026, 1, 25)


def _by(units: list[tuple[str, str, bool]], column: str, as_of: date) -> list[MeasureValue]:
    """Waiting (count) and % over 28 days (rate) for the whole area and by ``column``, every
    group present (zeros included, as the engine gives them)."""
    key = {"team": lambda u: u[0], "team_type": lambda u: TEAM_TYPES[u[0]],
           "ethnicity": lambda u: u[1]}[column]
    universe = {"team": sorted(TEAM_TYPES), "team_type": sorted(set(TEAM_TYPES.values())),
                "ethnicity": ETHNIC}[column]
    rows = []
    for group in universe:
        mine = [u for u in units if key(u) == group]
        over = sum(u[2] for u in mine)
        rows.append(MeasureValue(WAITING, len(mine), len(mine), None, as_of, None,
                                 {column: group}))
        rows.append(MeasureValue(OVER_28, round(100 * over / len(mine), 1) if mine else None,
                                 over, len(mine), as_of, None, {column: group}))
    return rows


def _whole(units: list[tuple[str, str, bool]], as_of: date) -> list[MeasureValue]:
    over = sum(u[2] for u in units)
    return [MeasureValue(WAITING, len(units), len(units), None, as_of),
            MeasureValue(OVER_28, round(100 * over / len(units), 1) if units else None,
                         over, len(units), as_of)]


units_strategy = st.lists(
    st.tuples(st.sampled_from(sorted(TEAM_TYPES)), st.sampled_from(ETHNIC), st.booleans()),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(now=units_strategy, then=units_strategy)
def test_a_reader_combining_every_view_of_a_date_finds_no_small_count(now, then) -> None:
    """Everything a reader sees of two dates: the whole area (the overview), every breakdown of
    each measure (the measure pages, by team, team type and ethnicity), and the change between
    the dates as a narrative publishes it. Combining them by differences across breakdowns (a
    team type minus its shown teams, one breakdown's groups against another's total, a date
    against the other and the change) pins no hidden count of 1-4 down."""
    rows = []
    for units, as_of in ((then, AS_OF), (now, LATER)):
        rows += _whole(units, as_of)
        for column in ("team", "team_type", "ethnicity"):
            rows += _by(units, column, as_of)
    published = suppress(rows, team_nesting(TEAM_TYPES))
    # The change in each whole-area and group figure between the dates, as a narrative gives
    # it: only when both figures are shown.
    changes = []
    for a, b in zip(published[: len(rows) // 2], published[len(rows) // 2:], strict=True):
        if isinstance(a.numerator, int) and isinstance(b.numerator, int):
            by, group = next(iter(a.breakdown.items())) if a.breakdown else (None, None)
            cell = (a.measure, None, by, group, "numerator")
            changes.append(((b.measure, LATER, *cell[1:]), (a.measure, AS_OF, *cell[1:]),
                            b.numerator - a.numerator))
    known, hidden = combined([published], {"team": ("team_type", TEAM_TYPES)}, changes)
    assert small_cells_revealed(known, hidden) == []
    # The reader is right about everything it claims (so the test is not vacuous) ...
    truth = {}
    for row in rows:
        by, group = next(iter(row.breakdown.items())) if row.breakdown else (None, None)
        for column in ("numerator", "denominator"):
            truth[(row.measure, row.as_of, row.period_start, by, group, column)] = \
                getattr(row, column)
    for cell, figure in known.items():
        assert truth[cell] == figure, cell
    # ... and every count of 1-4 is hidden.
    for raw, out in zip(rows, published, strict=True):
        if raw.numerator in range(1, 5):
            assert out.numerator == SUPPRESSED


def test_a_team_type_minus_its_shown_teams_gives_nothing_away() -> None:
    """The demo's case: specialist 65 = Transitions 4 + Sensory 30 + Learning disability 31.
    Team by team alone, hiding Transitions and the next smallest team anywhere would do; beside
    the team types, the hidden teams must not be the only hidden part of specialist's sum."""
    units = ([("Transitions", "White", False)] * 4 + [("Sensory", "White", False)] * 30
             + [("Learning disability", "Asian", False)] * 31 + [("North", "Black", False)] * 8
             + [("South", "White", False)] * 6 + [("Hospital", "Mixed", False)] * 40)
    rows = _whole(units, AS_OF) + _by(units, "team", AS_OF) + _by(units, "team_type", AS_OF)
    counts = [r for r in rows if r.measure == WAITING]
    published = suppress(counts, team_nesting(TEAM_TYPES))
    by_group = {next(iter(r.breakdown.values())) if r.breakdown else "all": r.value
                for r in published}
    assert by_group["specialist"] == 65 and by_group["Transitions"] == SUPPRESSED
    # Sensory (30) goes with it: 65 - 31 - 30 would give Transitions away.
    assert by_group["Sensory"] == SUPPRESSED and by_group["Learning disability"] == 31
    known, hidden = combined([published], {"team": ("team_type", TEAM_TYPES)})
    assert small_cells_revealed(known, hidden) == []
    # Without the nesting (one breakdown at a time, as before) the reader finds it.
    apart = suppress([r for r in counts if not r.breakdown or "team" in r.breakdown]) + \
        suppress([r for r in counts if not r.breakdown or "team_type" in r.breakdown])
    known, hidden = combined([apart], {"team": ("team_type", TEAM_TYPES)})
    assert small_cells_revealed(known, hidden) != []
