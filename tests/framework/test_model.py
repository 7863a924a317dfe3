"""The framework file: the CQC model as data, with both wordings and installation overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from careassure.framework.model import FrameworkConfigError, load_framework


@pytest.fixture
def framework():
    return load_framework()


def test_four_themes_and_nine_statements_in_report_order(framework) -> None:
    assert [t.name for t in framework.themes] == [
        "How local authorities work with people",
        "How local authorities provide support",
        "How local authorities ensure safety within the system",
        "Leadership",
    ]
    assert [(qs.code, qs.theme) for qs in framework.statements] == [
        ("QS1", "working_with_people"),
        ("QS2", "working_with_people"),
        ("QS3", "working_with_people"),
        ("QS4", "providing_support"),
        ("QS5", "providing_support"),
        ("QS6", "ensuring_safety"),
        ("QS7", "ensuring_safety"),
        ("QS8", "leadership"),
        ("QS9", "leadership"),
    ]
    assert framework.score_levels[2] == "Evidence shows some shortfalls"
    assert [(b.rating, b.min, b.max) for b in framework.bands] == [
        ("Inadequate", 25, 38),
        ("Requires improvement", 39, 62),
        ("Good", 63, 87),
        ("Outstanding", 88, 100),
    ]


@pytest.mark.parametrize(
    ("name", "statement_id"),
    [
        ("Supporting people to live healthier lives", "supporting_healthier_lives"),
        ("Supporting people to lead healthier lives", "supporting_healthier_lives"),
        ("Safe pathways, systems and transitions", "safe_pathways"),
        ("safe systems, pathways & transitions", "safe_pathways"),
        ("QS7", "safeguarding"),
        ("qs 7", "safeguarding"),
        ("7", "safeguarding"),
        ("  EQUITY IN EXPERIENCE AND OUTCOMES ", "equity"),
        ("governance", "governance"),
    ],
)
def test_statements_are_found_by_either_wording_code_or_number(
    framework, name: str, statement_id: str
) -> None:
    assert framework.statement(name).id == statement_id


def test_unknown_names_list_the_choices(framework) -> None:
    with pytest.raises(LookupError, match="QS1 Assessing needs"):
        framework.statement("Assessing wants")
    with pytest.raises(LookupError, match="peoples_experience"):
        framework.category("rumour")
    with pytest.raises(LookupError, match="not used in council assessments"):
        framework.category("Observation")
    with pytest.raises(LookupError, match="Requires improvement"):
        framework.band("Excellent")


def test_ratings_by_name_or_initials(framework) -> None:
    assert framework.band("REQUIRES IMPROVEMENT").rating == "Requires improvement"
    assert framework.band("RI").rating == "Requires improvement"
    assert framework.band("good").rating == "Good"
    with pytest.raises(LookupError):
        framework.band("G")


def test_eleven_characteristics_from_seed_000(framework) -> None:
    assert [c.letter for c in framework.characteristics] == list("abcdefghijk")
    assert framework.characteristic("h").id == "carers"
    assert framework.characteristic("Safeguarding and liberty").id == "safeguarding"


def test_every_measure_the_framework_links_is_in_the_catalogue(framework) -> None:
    from careassure.measures import CATALOGUE

    linked = [m for qs in framework.statements for m in qs.measures] + [
        m for c in framework.characteristics for m in c.measures
    ]
    assert len(linked) > 20  # the links were read, not skipped
    assert sorted(set(linked) - set(CATALOGUE)) == []


def test_peoples_experience_is_required_for_every_statement(framework) -> None:
    required = [c.id for c in framework.categories_in_use if c.required_for_every_statement]
    assert required == ["peoples_experience"]
    assert "outcomes" not in [c.id for c in framework.categories_in_use]


def test_an_installation_overrides_single_values(careassure_home: Path) -> None:
    careassure_home.mkdir(parents=True)
    (careassure_home / "framework.yaml").write_text(
        "evidence:\n  max_bytes: 1000\ntimeline:\n  comprehensive_interval_years:\n    Good: 5\n"
    )
    framework = load_framework()
    assert framework.evidence.max_bytes == 1000
    assert framework.evidence.allowed_types  # untouched values survive the merge
    assert framework.timeline.comprehensive_interval_years["Good"] == 5
    assert framework.timeline.comprehensive_interval_years["Inadequate"] == 3
    assert len(framework.sources) == 2


@pytest.mark.parametrize(
    ("override", "message"),
    [
        (
            "bands:\n  - {rating: Low, min: 25, max: 50, score: 1}\n"
            "  - {rating: High, min: 52, max: 100, score: 4}\n",
            "bands: 'Low' and 'High' must be contiguous",
        ),
        ("evidence:\n  max_bytes: many\n", "evidence.max_bytes: expected a whole number"),
        ("quality_statements:\n  - {id: x, code: Q, theme: nowhere, name: X}\n", "unknown theme"),
        ("timeline:\n  comprehensive_interval_years: {Good: four}\n", "give whole years"),
        ("- just a list\n", "expected a mapping"),
        ("bands: [\n", "not valid YAML"),
    ],
)
def test_broken_overrides_name_the_file_and_key(
    careassure_home: Path, override: str, message: str
) -> None:
    careassure_home.mkdir(parents=True)
    (careassure_home / "framework.yaml").write_text(override)
    with pytest.raises(FrameworkConfigError, match="framework.yaml") as raised:
        load_framework()
    assert message in str(raised.value)


def test_a_named_override_must_exist(tmp_path: Path) -> None:
    with pytest.raises(FrameworkConfigError, match="not found"):
        load_framework(tmp_path / "missing.yaml")
