"""The audit trail: written with each change, in the same transaction, and never rewritten."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from careassure.appdb import (
    AuditEntry,
    AuditTrailIsAppendOnly,
    create_engine,
    history,
    record_change,
    snapshot,
    transaction,
)
from careassure.framework.tables import SelfAssessmentStatement


@pytest.fixture
def engine(migrated_url: str) -> Iterator[Engine]:
    engine = create_engine(migrated_url)
    yield engine
    engine.dispose()


def _add_statement(engine: Engine, statement_id: str = "equity") -> None:
    from datetime import UTC, datetime

    with transaction(engine) as session:
        row = SelfAssessmentStatement(
            statement_id=statement_id,
            score=2,
            strengths=["Co-produced strategy"],
            areas_for_development=[],
            updated_at=datetime(2026, 1, 5, 9, 30, tzinfo=UTC),
        )
        session.add(row)
        record_change(session, "analyst", "create", row, None, snapshot(row))


def test_change_and_audit_row_commit_together(engine: Engine) -> None:
    _add_statement(engine)
    with transaction(engine) as session:
        (entry,) = history(session, "self_assessment_statement", "equity")
        assert (entry.actor, entry.action, entry.before) == ("analyst", "create", None)
        assert entry.after["score"] == 2
        assert entry.after["updated_at"] == "2026-01-05T09:30:00+00:00"
        assert entry.at is not None


def test_rolled_back_change_leaves_no_audit_row(engine: Engine) -> None:
    with pytest.raises(RuntimeError, match="boom"), transaction(engine) as session:
        row = SelfAssessmentStatement(
            statement_id="learning",
            strengths=[],
            areas_for_development=[],
            updated_at=sa.func.now(),
        )
        session.add(row)
        record_change(session, "analyst", "create", row, None, {"score": None})
        raise RuntimeError("boom")
    with transaction(engine) as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 0
        assert session.get(SelfAssessmentStatement, "learning") is None


def test_orm_cannot_change_or_delete_audit_rows(engine: Engine) -> None:
    _add_statement(engine)
    with pytest.raises(AuditTrailIsAppendOnly), transaction(engine) as session:
        entry = session.scalars(sa.select(AuditEntry)).one()
        entry.actor = "someone else"
    with pytest.raises(AuditTrailIsAppendOnly), transaction(engine) as session:
        session.delete(session.scalars(sa.select(AuditEntry)).one())
    with pytest.raises(AuditTrailIsAppendOnly), transaction(engine) as session:
        session.execute(sa.update(AuditEntry).values(actor="x"))
    with pytest.raises(AuditTrailIsAppendOnly), transaction(engine) as session:
        session.execute(sa.delete(AuditEntry))
    with transaction(engine) as session:
        assert session.scalars(sa.select(AuditEntry.actor)).all() == ["analyst"]


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_trail SET actor = 'x'", "DELETE FROM audit_trail"],
)
def test_database_refuses_raw_sql_changes(engine: Engine, statement: str) -> None:
    _add_statement(engine)
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.exec_driver_sql(statement)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT actor FROM audit_trail").scalars().all() == [
            "analyst"
        ]


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_postgresql_refuses_truncate(engine: Engine) -> None:
    _add_statement(engine)
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.exec_driver_sql("TRUNCATE audit_trail")


def test_actor_and_action_are_checked(engine: Engine) -> None:
    with transaction(engine) as session:
        row = session.get(SelfAssessmentStatement, "equity")
        assert row is None
        row = SelfAssessmentStatement(
            statement_id="equity",
            strengths=[],
            areas_for_development=[],
            updated_at=sa.func.now(),
        )
        session.add(row)
        with pytest.raises(ValueError, match="actor"):
            record_change(session, "  ", "create", row, None, {})
        with pytest.raises(ValueError, match="action"):
            record_change(session, "analyst", "rename", row, None, {})
