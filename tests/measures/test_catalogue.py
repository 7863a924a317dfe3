"""The catalogue against its two references: the normative spec (every measure it names exists)
and docs/measures.md (every measure is documented); and the shipped targets against the seed
lines they cite."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from careassure.measures import CATALOGUE
from careassure.measures.catalogue import REPRESENTATION_GROUPS
from careassure.measures.engine import family_of
from careassure.measures.targets import default_targets_path, load_targets
from careassure.records.schema import QUEUE_KINDS

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
SPEC = SHARED / "reference" / "measures-spec.md"
DOCS = ROOT / "docs" / "measures.md"


def spec_measure_ids() -> set[str]:
    """Every measure id written in the spec, with <kind> and [group] expanded."""
    ids: set[str] = set()
    for token in re.findall(r"`([a-z0-9_<>]+\.[a-z0-9_]+(?:\[group\])?)`", SPEC.read_text()):
        kinds = QUEUE_KINDS if token.startswith("<kind>.") else [None]
        for kind in kinds:
            name = token.replace("<kind>", kind) if kind else token
            if name.endswith("[group]"):
                ids |= {name.replace("[group]", f".{g}") for g in REPRESENTATION_GROUPS}
            else:
                ids.add(name)
    return ids


def test_every_measure_in_the_spec_is_in_the_catalogue() -> None:
    ids = spec_measure_ids()
    assert len(ids) > 50  # the spec was read, not skipped
    assert sorted(ids - set(CATALOGUE)) == []


def test_every_catalogue_measure_is_documented() -> None:
    documented = set(re.findall(r"^### `([^`]+)`", DOCS.read_text(), flags=re.MULTILINE))
    assert sorted(set(CATALOGUE) - documented) == []
    assert sorted(documented - set(CATALOGUE)) == []


def test_every_measure_has_an_engine_family_and_a_coherent_declaration() -> None:
    for measure in CATALOGUE.values():
        family_of(measure.id)
        assert measure.unit in ("count", "days", "working_days", "percent", "ratio", "seconds")
        assert measure.direction in ("lower", "higher", None)
        assert measure.kind in ("snapshot", "flow")
        assert measure.title and measure.definition.endswith(".")


def test_shipped_targets_quote_their_seed_line() -> None:
    targets = load_targets(default_targets_path())
    assert targets.version == 1
    for key, target in targets.entries.items():
        match = re.fullmatch(r"(\S+\.txt):(\d+) '(.+)'", target.source)
        assert match, f"{key}: source {target.source!r} is not 'file:line \\'quote\\''"
        name, line, quote = match.groups()
        text = (SHARED / "seeds" / name).read_text().splitlines()[int(line) - 1]
        for part in quote.split(" ... "):
            assert part in text, f"{key}: {part!r} not on {name} line {line}"


@pytest.mark.parametrize(
    ("measure", "comparator", "value"),
    [
        ("care_act_assessment.median_wait", "<=", 14),
        ("care_act_assessment.max_wait", "<=", 56),
        ("financial_assessment.median_wait", "<=", 28),
        ("financial_assessment.max_wait", "<=", 56),
        ("financial_assessment.waiting", "<=", 220),
        ("review.pct_reviewed_within_12_months", ">=", 85),
        ("review.median_overdue", "<=", 30),
        ("review.max_overdue", "<=", 90),
        ("care_act_assessment.team_disparity", "abs<", 5),
        ("data_quality.pct_missing", "<", 5),
        ("data_quality.pct_missing.people.ethnicity", "<", 5),
    ],
)
def test_issue_targets_are_the_catalogue_defaults(measure: str, comparator: str, value: float):
    target = CATALOGUE[measure].target
    assert target is not None and (target.comparator, target.value) == (comparator, value)
