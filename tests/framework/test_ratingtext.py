"""Rating characteristics per quality statement and judgement level, and the level the evidence
supports with its evidence (SQLite and PostgreSQL, audited)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy.engine import Engine

from careassure.appdb import create_engine, history, transaction
from careassure.framework.evidence import add_evidence
from careassure.framework.model import load_framework
from careassure.framework.ratingtext import (
    RatingTextError,
    coverage,
    set_characteristic,
    set_supported_level,
)

FRAMEWORK = load_framework()
QS1 = FRAMEWORK.statement("QS1").id


@pytest.fixture
def engine(migrated_url: str) -> Iterator[Engine]:
    engine = create_engine(migrated_url)
    yield engine
    engine.dispose()


def _evidence(engine: Engine, statement: str) -> int:
    with transaction(engine) as session:
        return add_evidence(session, FRAMEWORK, "analyst", title="Waiting list review",
                            owner="Head of service", category="People's experience",
                            statements=[statement], evidence_date=date(2026, 5, 1),
                            link="https://example.org/review", today=date(2026, 6, 1)).id


def test_characteristics_are_editable_and_audited(engine: Engine) -> None:
    with transaction(engine) as session:
        set_characteristic(session, FRAMEWORK, "manager", "QS1", 3,
                           "People have  timely assessments;\nwaits are monitored daily.")
        set_characteristic(session, FRAMEWORK, "manager", "Assessing needs", 2, "Some delays.")
    with transaction(engine) as session:
        set_characteristic(session, FRAMEWORK, "manager", "QS1", 3, "Timely assessments.")
        set_characteristic(session, FRAMEWORK, "manager", "QS1", 2, "")
        first = coverage(session, FRAMEWORK)[0]
        assert (first.code, first.texts) == ("QS1", {3: "Timely assessments."})
        trail = history(session, "rating_characteristic", f"{QS1},3")
        assert [e.action for e in trail] == ["create", "update"]
        assert trail[0].after["text"] == (
            "People have timely assessments; waits are monitored daily.")
        removed = history(session, "rating_characteristic", f"{QS1},2")
        assert [e.action for e in removed] == ["create", "delete"]


def test_supported_level_with_tagged_evidence(engine: Engine) -> None:
    item = _evidence(engine, "QS1")
    other = _evidence(engine, "QS2")
    with transaction(engine) as session:
        set_supported_level(session, FRAMEWORK, "manager", "QS1", 2, [item, item])
    with transaction(engine) as session:
        qs1 = coverage(session, FRAMEWORK)[0]
        assert (qs1.supported, qs1.evidence_ids) == (2, (item,))
        assert coverage(session, FRAMEWORK)[1].supported is None
    for level, ids, message in ((5, [item], "judgement level 5"),
                                (2, [999], "no evidence item 999"),
                                (2, [other], "not linked to this quality statement")):
        with pytest.raises(RatingTextError, match=message), transaction(engine) as session:
            set_supported_level(session, FRAMEWORK, "manager", "QS1", level, ids)
    with pytest.raises(RatingTextError, match="unknown quality statement"), \
            transaction(engine) as session:
        set_characteristic(session, FRAMEWORK, "manager", "QS42", 1, "x")
