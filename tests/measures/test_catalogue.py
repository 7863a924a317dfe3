"""The catalogue against its two references: the normative spec (every measure it names exists)
and docs/measures.md (every measure is documented); and the shipped targets against the seed
lines they cite."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from careassure.measures import CATALOGUE
from careassure.measures.catalogue import BREAKDOWNS, REPRESENTATION_GROUPS
from careassure.measures.engine import family_of
from careassure.measures.reported import reported_measures
from careassure.measures.targets import default_targets_path, load_targets
from careassure.records.schema import QUEUE_KINDS

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "tests" / "fixtures" / "spec_measure_ids.txt"
DOCS = ROOT / "docs" / "measures.md"
SEED_LINES = dict(
    line.split("\t", 1)
    for line in (ROOT / "tests" / "fixtures" / "seed_excerpts.txt").read_text().splitlines()
    if not line.startswith("#"))


def spec_measure_ids() -> set[str]:
    """Every measure id written in the spec, with <kind> and [group] expanded."""
    ids: set[str] = set()
    tokens = [line for line in SPEC.read_text().splitlines() if line and not line.startswith("#")]
    for token in tokens:
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
    assert len(ids) > 50  # the list was read, not skipped
    assert sorted(ids - set(CATALOGUE)) == []


def documented_entries() -> dict[str, str]:
    """docs/measures.md's entry per measure: heading id -> the text up to the next heading."""
    parts = re.split(r"^### `([^`]+)`\n", DOCS.read_text(), flags=re.MULTILINE)
    return {name: body.split("\n## ")[0] for name, body in zip(parts[1::2], parts[2::2],
                                                                 strict=True)}


def test_every_catalogue_measure_is_documented() -> None:
    documented = documented_entries()
    assert sorted(set(CATALOGUE) - set(documented)) == []
    assert sorted(set(documented) - set(CATALOGUE)) == []


UNIT_WORDS = {"count": "count", "days": "calendar days", "working_days": "working days",
              "percent": "%", "ratio": "ratio", "seconds": "seconds",
              "per_100k": "per 100,000", "pounds": "pounds", "per_50k": "per 50,000", "fte": "FTE"}


@pytest.mark.parametrize("measure", list(CATALOGUE))
def test_each_entry_states_rule_unit_target_and_example_as_the_catalogue_does(measure: str):
    lines = {line.split(":")[0]: line for line in documented_entries()[measure].splitlines()
             if line.startswith("- ")}
    assert {"- Rule", "- Unit", "- Target", "- Breakdowns", "- Example"} <= set(lines), measure
    definition = CATALOGUE[measure]
    assert lines["- Unit"].startswith(f"- Unit: {UNIT_WORDS[definition.unit]}")
    better = {"lower": "lower is better", "higher": "higher is better",
              None: "neither way is better"}[definition.direction]
    assert better in lines["- Unit"], measure
    assert definition.kind in lines["- Unit"]
    target = definition.target
    if target is None:
        assert lines["- Target"].startswith("- Target: none"), measure
    else:  # the shipped target and the seed line it comes from
        assert f"`{target.describe()}`" in lines["- Target"], measure
        assert target.source in lines["- Target"], measure
    if not definition.breakdowns:
        assert "none" in lines["- Breakdowns"]
    elif definition.breakdowns != frozenset(BREAKDOWNS):
        assert set(re.findall(r"[a-z_]+", lines["- Breakdowns"].split(":", 1)[1])) == set(
            definition.breakdowns), measure


def test_every_measure_has_an_engine_family_and_a_coherent_declaration() -> None:
    reported = {m.id for m in reported_measures()}
    for measure in CATALOGUE.values():
        if measure.id not in reported:  # reported measures are entered, not computed
            family_of(measure.id)
        assert measure.unit in ("count", "days", "working_days", "percent", "ratio", "seconds",
                                "per_100k", "pounds", "per_50k", "fte")
        assert measure.direction in ("lower", "higher", None)
        assert measure.kind in ("snapshot", "flow")
        assert measure.title and measure.definition.endswith(".")


def test_titles_are_written_for_readers_not_in_codes() -> None:
    """A title is what a page heads a measure with: no table.column or snake_case codes."""
    coded = {m.id: m.title for m in CATALOGUE.values()
             if re.search(r"[a-z]_[a-z]|[a-z]\.[a-z]", m.title)}
    assert coded == {}
    assert CATALOGUE["data_quality.pct_missing.people.birth_month"].title == (
        "Data quality: % missing: month of birth (people)")


def test_shipped_targets_quote_their_seed_line() -> None:
    targets = load_targets(default_targets_path())
    assert targets.version == 1
    for key, target in targets.entries.items():
        match = re.fullmatch(r"(\S+\.txt):(\d+) '(.+)'", target.source)
        assert match, f"{key}: source {target.source!r} is not 'file:line \\'quote\\''"
        name, line, quote = match.groups()
        text = SEED_LINES[f"{name}:{line}"]
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
