"""The self-assessment: own scores, category-level scores, evidence, measures and priorities."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from careassure.appdb import create_engine, history, transaction
from careassure.framework.evidence import add_evidence
from careassure.framework.live import LiveMeasure, LiveValues
from careassure.framework.model import load_framework
from careassure.framework.selfassessment import (
    SelfAssessmentError,
    build_self_assessment,
    set_statement,
)
from careassure.measures.catalogue import REPRESENTATION_GROUPS

FRAMEWORK = load_framework()
TODAY = date(2026, 6, 1)
NO_VALUES = LiveValues({}, "the measure engine is not installed", TODAY)
LEICESTER = dict(
    zip([qs.id for qs in FRAMEWORK.statements], [2, 2, 2, 2, 3, 2, 2, 2, 3], strict=True)
)


@pytest.fixture
def engine(migrated_url: str) -> Iterator[Engine]:
    engine = create_engine(migrated_url)
    yield engine
    engine.dispose()


def _score_all(engine: Engine, scores: dict[str, int]) -> None:
    with transaction(engine) as session:
        for statement, value in scores.items():
            set_statement(session, FRAMEWORK, "lead", statement, own_score=value)


def _build(engine: Engine, live: LiveValues = NO_VALUES):
    with transaction(engine) as session:
        return build_self_assessment(session, FRAMEWORK, TODAY, live)


def test_empty_self_assessment_lists_measure_ids_without_values(engine: Engine) -> None:
    data = _build(engine).to_json(FRAMEWORK)
    assert data["estimate"] is None and data["what_if"] is None
    assert len(data["not_scored"]) == 9
    assert data["measures_note"] == "the measure engine is not installed"
    first = data["statements"][0]
    assert first["id"] == "assessing_needs" and first["score"] is None
    assert {
        "id": "care_act_assessment.median_wait",
        "value": None,
        "target": None,
        "status": None,
        "note": None,
    } in first["measures"]
    safeguarding = data["statements"][6]
    assert [m["id"] for m in safeguarding["measures"]][:2] == [
        "safeguarding_concern.pct_decided_within_5_working_days",
        "s42_enquiry.pct_closed_within_3_months",
    ]
    equity = data["statements"][2]
    assert [m["id"] for m in equity["measures"]] == [
        "care_act_assessment.team_disparity",
        *(f"care_act_assessment.representation.{group}" for group in REPRESENTATION_GROUPS),
    ]
    assert first["missing_evidence_categories"] == ["peoples_experience"]


def test_estimated_rating_and_what_it_takes(engine: Engine) -> None:
    _score_all(engine, LEICESTER)
    assessment = _build(engine)
    estimate = assessment.estimate
    assert (estimate.percent, estimate.rating, estimate.points_to_next_band) == (
        56,
        "Requires improvement",
        3,
    )
    assert assessment.what_if.options[0].description == "any 3 statements +1"


def test_priorities_lowest_score_then_measures_then_evidence(
    engine: Engine, tmp_path: Path
) -> None:
    _score_all(engine, LEICESTER)
    with transaction(engine) as session:
        add_evidence(
            session,
            FRAMEWORK,
            "lead",
            title="Carers survey",
            owner="Carers lead",
            category="peoples_experience",
            statements=["QS1", "QS2", "QS3", "QS4"],
            evidence_date=date(2026, 1, 1),
            link="https://example.org/s",
            today=TODAY,
        )
    live = LiveValues(
        {
            "s42_enquiry.pct_closed_within_3_months": LiveMeasure(
                "s42_enquiry.pct_closed_within_3_months", 75.0, 90.0, "not_met"
            ),
            "care_act_assessment.median_wait": LiveMeasure(
                "care_act_assessment.median_wait", 135, 90, "not_met"
            ),
            "review.overdue": LiveMeasure("review.overdue", 300, 100, "not_met"),
            "direct_payments.pct": LiveMeasure("direct_payments.pct", 51.0, 50.0, "met"),
        },
        "test",
        TODAY,
    )
    priorities = _build(engine, live).priorities
    order = [p.statement.code for p in priorities]
    assert order == ["QS1", "QS7", "QS6", "QS8", "QS2", "QS3", "QS4", "QS5", "QS9"]
    assert priorities[0].reasons == (
        "scored 2: Evidence shows some shortfalls",
        "2 of 2 linked measures miss their target",
    )
    assert priorities[1].reasons[1:] == (
        "1 of 1 linked measures miss their target",
        "no current People's experience evidence",
    )


def test_one_stale_evidence_item_is_written_in_the_singular(engine: Engine) -> None:
    _score_all(engine, LEICESTER)
    with transaction(engine) as session:
        add_evidence(
            session,
            FRAMEWORK,
            "lead",
            title="Old carers survey",
            owner="Carers lead",
            category="peoples_experience",
            statements=["QS1"],
            evidence_date=date(2025, 1, 1),
            review_by=date(2025, 6, 1),
            link="https://example.org/old",
            today=date(2025, 2, 1),
        )
    live = LiveValues({}, "test", TODAY)
    qs1 = next(p for p in _build(engine, live).priorities if p.statement.code == "QS1")
    assert "1 evidence item past its review-by date" in qs1.reasons


def test_category_level_scores_convert_through_the_bands(engine: Engine) -> None:
    with transaction(engine) as session:
        set_statement(
            session,
            FRAMEWORK,
            "lead",
            "Safeguarding",
            category_scores={
                "People's experience": 2,
                "processes": 3,
                "partners": 3,
                "staff_leaders": 2,
            },
        )
    safeguarding = _build(engine).statements[6]
    assert safeguarding.category_scores == {
        "peoples_experience": 2,
        "processes": 3,
        "partners": 3,
        "staff_leaders": 2,
    }
    assert (safeguarding.category_score, safeguarding.score, safeguarding.score_source) == (
        3,
        3,
        "categories",
    )
    with transaction(engine) as session:
        set_statement(session, FRAMEWORK, "lead", "QS7", own_score=2)
    safeguarding = _build(engine).statements[6]
    assert (safeguarding.score, safeguarding.score_source) == (2, "own")


def test_changes_are_audited_and_repeats_are_not(engine: Engine) -> None:
    with transaction(engine) as session:
        set_statement(
            session, FRAMEWORK, "lead", "QS1", own_score=2, strengths=["Strengths-based practice"]
        )
        set_statement(session, FRAMEWORK, "lead", "QS1", own_score=2)
        set_statement(
            session,
            FRAMEWORK,
            "deputy",
            "QS1",
            own_score=None,
            areas_for_development=["Waits over 90 days"],
        )
    with transaction(engine) as session:
        entries = history(session, "self_assessment_statement", "assessing_needs")
    assert [(e.action, e.actor) for e in entries] == [("create", "lead"), ("update", "deputy")]
    assert (entries[1].before["score"], entries[1].after["score"]) == (2, None)
    assert entries[1].after["strengths"] == ["Strengths-based practice"]
    assert entries[1].after["areas_for_development"] == ["Waits over 90 days"]


@pytest.mark.parametrize(
    ("statement", "kwargs", "message"),
    [
        ("Assessing wants", {"own_score": 2}, "unknown quality statement"),
        ("QS1", {"own_score": 5}, "score 5 for QS1 Assessing needs"),
        ("QS1", {"category_scores": {"gossip": 2}}, "unknown evidence category"),
        ("QS1", {"category_scores": {"processes": 9}}, "score 9 for evidence category"),
        ("QS1", {"strengths": ["  "]}, "strengths: an entry is empty"),
    ],
)
def test_bad_changes_are_refused(
    engine: Engine, statement: str, kwargs: dict, message: str
) -> None:
    with pytest.raises(SelfAssessmentError, match=message), transaction(engine) as session:
        set_statement(session, FRAMEWORK, "lead", statement, **kwargs)
