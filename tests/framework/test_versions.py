"""Self-assessment versions: recorded in order, refused when nothing changed, compared side by
side however the working copy has moved on; each recording audited."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from careassure.appdb import create_engine, history, transaction
from careassure.framework.model import load_framework
from careassure.framework.selfassessment import SelfAssessmentError, set_statement
from careassure.framework.versions import compare_versions, list_versions, record_version

FRAMEWORK = load_framework()


@pytest.fixture
def engine(migrated_url: str) -> Iterator[Engine]:
    engine = create_engine(migrated_url)
    yield engine
    engine.dispose()


def _set(engine: Engine, statement: str, score: int, strengths: tuple[str, ...] = ()) -> None:
    with transaction(engine) as session:
        set_statement(session, FRAMEWORK, "manager", statement, own_score=score,
                      strengths=list(strengths))


def _record(engine: Engine, label: str) -> int:
    with transaction(engine) as session:
        return record_version(session, "manager", label).number


def test_versions_are_numbered_in_order_and_listed_newest_first(engine: Engine) -> None:
    _set(engine, "assessing_needs", 2, ("Waits are falling",))
    _set(engine, "equity", 3)
    assert _record(engine, "  Update for   March 2023 ") == 1
    _set(engine, "assessing_needs", 3, ("Waits are falling", "Backlog cleared"))
    assert _record(engine, "Second update") == 2
    with transaction(engine) as session:
        versions = list_versions(session)
    assert [(v.number, v.label) for v in versions] == [
        (2, "Second update"), (1, "Update for March 2023")
    ]
    # version 1: scores 2 + 3 over two statements; version 2: 3 + 3
    assert [(v.scored, v.total) for v in versions] == [(2, 6), (2, 5)]
    assert versions[0].recorded_by == "manager" and versions[0].recorded_at.tzinfo is not None


def test_two_versions_compared_statement_by_statement(engine: Engine) -> None:
    _set(engine, "assessing_needs", 2, ("Waits are falling",))
    _record(engine, "First")
    _set(engine, "assessing_needs", 3, ("Waits are falling", "Backlog cleared"))
    _set(engine, "safeguarding", 1)
    _record(engine, "Second")
    _set(engine, "assessing_needs", 4)  # the working copy moves on; the versions do not
    with transaction(engine) as session:
        first, second, rows = compare_versions(session, FRAMEWORK, 1, 2)
    assert (first.label, second.label) == ("First", "Second")
    assert [r.statement.id for r in rows] == [qs.id for qs in FRAMEWORK.statements]
    by_id = {r.statement.id: r for r in rows}
    needs = by_id["assessing_needs"]
    assert needs.changed and (needs.score("first"), needs.score("second")) == (2, 3)
    assert needs.second is not None
    assert needs.second["strengths"] == ["Waits are falling", "Backlog cleared"]
    assert by_id["safeguarding"].first is None and by_id["safeguarding"].score("second") == 1
    assert not by_id["equity"].changed
    assert sum(r.changed for r in rows) == 2


def test_a_version_needs_a_label_something_assessed_and_a_change(engine: Engine) -> None:
    with pytest.raises(SelfAssessmentError, match="nothing to record"), \
            transaction(engine) as session:
        record_version(session, "manager", "Empty")
    _set(engine, "equity", 2)
    with pytest.raises(SelfAssessmentError, match="say what this version is"), \
            transaction(engine) as session:
        record_version(session, "manager", "   ")
    with pytest.raises(SelfAssessmentError, match="longer than 200"), \
            transaction(engine) as session:
        record_version(session, "manager", "x" * 201)
    _record(engine, "First")
    with pytest.raises(SelfAssessmentError, match="nothing has changed since version 1"), \
            transaction(engine) as session:
        record_version(session, "manager", "Again")
    with pytest.raises(SelfAssessmentError, match="no version 7"), \
            transaction(engine) as session:
        compare_versions(session, FRAMEWORK, 1, 7)


def test_recording_a_version_is_audited_with_what_it_froze(engine: Engine) -> None:
    _set(engine, "equity", 2)
    _record(engine, "First")
    with transaction(engine) as session:
        (entry,) = history(session, "self_assessment_version", 1)
    assert entry.action == "create" and entry.actor == "manager"
    assert entry.after is not None and entry.after["number"] == 1
    assert entry.after["statements"]["equity"]["score"] == 2
