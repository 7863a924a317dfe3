"""Counts in words: singular for one, plural otherwise, with the figures' thousands separator."""

from careassure.words import counted


def test_one_is_singular_and_other_counts_plural() -> None:
    assert counted(1, "evidence item") == "1 evidence item"
    assert counted(0, "evidence item") == "0 evidence items"
    assert counted(1203, "evidence item") == "1,203 evidence items"
    assert counted(1, "action or milestone", "actions and milestones") == "1 action or milestone"
    assert counted(2, "action or milestone", "actions and milestones") == "2 actions and milestones"
