"""Codes as readers see them: breakdown groups and the seed papers targets come from."""

from __future__ import annotations

from careassure.measures.labels import CODED_COLUMNS, breakdown_text, group_label
from careassure.measures.targets import (
    SEED_DOCUMENTS,
    default_targets_path,
    load_targets,
    source_text,
)


def test_coded_groups_read_as_words_and_names_stay_as_recorded() -> None:
    assert group_label("ethnicity", "asian") == "Asian"
    assert group_label("client_type", "service_user") == "Service user"
    assert group_label("primary_support_reason", "physical_support") == "Physical support"
    assert group_label("primary_support_reason", "memory_cognition") == "Memory and cognition"
    assert group_label("team_type", "ot") == "Occupational therapy"
    assert group_label("age_band", "18-64") == "18-64"
    assert group_label("team", "North_locality") == "North_locality"  # the council's own name
    assert group_label("team", "unknown") == "Unknown"
    for column, codes in CODED_COLUMNS.items():
        labels = [group_label(column, code) for code in codes]
        assert len(set(labels)) == len(codes), column  # two codes never share a label
        assert not any("_" in label for label in labels), column


def test_a_breakdown_is_written_with_column_and_group_names() -> None:
    assert breakdown_text({"team_type": "ot"}) == "Team type: Occupational therapy"
    assert breakdown_text(None) == "whole area"


def test_every_shipped_target_names_its_paper_not_its_file() -> None:
    for target in load_targets(default_targets_path()).entries.values():
        text = source_text(target.source)
        assert ".txt" not in text, text
        assert any(text.startswith(title) for title in SEED_DOCUMENTS.values()), text
    assert source_text(
        "004_d7bc47fa68b1d77f.txt:1152 'Median wait times to not exceed 14 days'"
    ) == ("Leicestershire improvement plan, 29 December 2025 (seed 004, line 1152): "
          "'Median wait times to not exceed 14 days'")
    assert source_text("our own targets, March 2026") == "our own targets, March 2026"
