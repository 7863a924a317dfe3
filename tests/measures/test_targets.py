"""Targets files: what a council may write, and the errors it gets when it gets one wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from careassure.measures import Target, TargetsError, load_targets
from careassure.measures.targets import parse_targets


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "targets.yaml"
    path.write_text(text)
    return path


def test_exact_ids_win_over_patterns() -> None:
    targets = parse_targets({"version": 1, "targets": {
        "data_quality.pct_missing.*": {"comparator": "<", "value": 5},
        "data_quality.pct_missing.people.ethnicity": {"comparator": "<", "value": 2},
    }}, "t.yaml")
    assert targets.for_measure("data_quality.pct_missing.people.ethnicity").value == 2
    assert targets.for_measure("data_quality.pct_missing.episodes.team").value == 5
    assert targets.for_measure("data_quality.pct_missing") is None
    # No source given: the file is the source.
    assert targets.for_measure("data_quality.pct_missing.episodes.team").source == "t.yaml"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ([1, 2], "expected a mapping"),
        ({"targets": {}}, "'version' is None; supported: 1"),
        ({"version": 2, "targets": {}}, "'version' is 2"),
        ({"version": 1, "targets": ["x"]}, "must map measure ids"),
        ({"version": 1, "targets": {"review.overdeu": {"comparator": "<", "value": 1}}},
         "target 'review.overdeu': no such measure \\(measures of that kind: review.overdue"),
        ({"version": 1, "targets": {"nothing.*": {"comparator": "<", "value": 1}}},
         "the pattern matches no measure"),
        ({"version": 1, "targets": {"review.overdue": 5}}, "expected comparator, value"),
        ({"version": 1, "targets": {"review.overdue": {"comparator": "=<", "value": 1}}},
         "comparator '=<' is not one of"),
        ({"version": 1, "targets": {"review.overdue": {"comparator": "<", "value": "ten"}}},
         "value 'ten' is not a number"),
        ({"version": 1, "targets": {"review.overdue": {"comparator": "<", "value": True}}},
         "value True is not a number"),
    ],
)
def test_bad_targets_are_explained(raw, message: str) -> None:
    with pytest.raises(TargetsError, match=message):
        parse_targets(raw, "council.yaml")


def test_file_errors_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(TargetsError, match="missing.yaml: cannot read"):
        load_targets(tmp_path / "missing.yaml")
    with pytest.raises(TargetsError, match="targets.yaml: not valid YAML"):
        load_targets(write(tmp_path, "version: [1\n"))


def test_a_changed_file_is_read_again(tmp_path: Path) -> None:
    path = write(tmp_path, "version: 1\ntargets:\n  review.overdue: {comparator: '<', value: 1}\n")
    assert load_targets(path).for_measure("review.overdue").value == 1
    path.write_text("version: 1\ntargets:\n  review.overdue: {comparator: '<', value: 200}\n")
    assert load_targets(path).for_measure("review.overdue").value == 200


@pytest.mark.parametrize(
    ("comparator", "met", "not_met"),
    [("<=", 14, 14.1), ("<", 13.9, 14), (">=", 14, 13.9), (">", 14.1, 14), ("abs<", -13.9, -14)],
)
def test_comparators(comparator, met, not_met) -> None:
    target = Target(comparator, 14, "test")
    assert target.met(met) and not target.met(not_met)
    assert target.describe() == ("|x| < 14" if comparator == "abs<" else f"{comparator} 14")
