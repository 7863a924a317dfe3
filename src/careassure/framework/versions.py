"""Versions of the self-assessment: the whole of it frozen when the council says "this is an
update", numbered in order, listed, and any two compared statement by statement.

Councils speak of their self-assessment by its updates ("the fourth update since March 2023"); the
working copy in ``self_assessment_statement`` keeps moving, so a version stores its own copy of
every statement's score and narrative rather than pointing into the audit trail. Recording a
version is itself audited. A version identical to the latest one is refused: it would be an
update that says nothing new.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from careassure.appdb import record_change, snapshot
from careassure.framework.model import Framework, QualityStatement
from careassure.framework.selfassessment import SelfAssessmentError
from careassure.framework.tables import SelfAssessmentStatement, SelfAssessmentVersion

MAX_LABEL = 200
FIELDS = ("score", "category_scores", "strengths", "areas_for_development")


@dataclass(frozen=True)
class VersionSummary:
    """One recorded version as the list shows it."""

    number: int
    label: str
    recorded_by: str
    recorded_at: datetime
    scored: int
    total: int


@dataclass(frozen=True)
class StatementCompared:
    """One statement in two versions; ``None`` where a version had nothing for it."""

    statement: QualityStatement
    first: Mapping[str, Any] | None
    second: Mapping[str, Any] | None

    @property
    def changed(self) -> bool:
        return (self.first or {}) != (self.second or {})

    def score(self, which: str) -> int | None:
        state = self.first if which == "first" else self.second
        return (state or {}).get("score")


def _working_copy(session: Session) -> dict[str, Any]:
    rows = session.scalars(
        select(SelfAssessmentStatement).order_by(SelfAssessmentStatement.statement_id)
    )
    return {row.statement_id: {f: getattr(row, f) for f in FIELDS} for row in rows}


def _summary(row: SelfAssessmentVersion) -> VersionSummary:
    scores = [s.get("score") for s in row.statements.values()]
    at = row.recorded_at if row.recorded_at.tzinfo else row.recorded_at.replace(tzinfo=UTC)
    return VersionSummary(
        row.number,
        row.label,
        row.recorded_by,
        at,
        sum(s is not None for s in scores),
        sum(s for s in scores if s is not None),
    )


def record_version(session: Session, actor: str, label: str) -> VersionSummary:
    """Freeze the self-assessment as the next version, with a label saying what the update was."""
    cleaned = " ".join(label.split())
    if not cleaned:
        raise SelfAssessmentError("label: say what this version is, e.g. 'Update for Q3 2025/26'")
    if len(cleaned) > MAX_LABEL:
        raise SelfAssessmentError(f"label: longer than {MAX_LABEL} characters")
    statements = _working_copy(session)
    if not statements:
        raise SelfAssessmentError("label: no statement has been assessed yet: nothing to record")
    latest = session.scalars(
        select(SelfAssessmentVersion).order_by(SelfAssessmentVersion.number.desc()).limit(1)
    ).first()
    if latest is not None and latest.statements == statements:
        raise SelfAssessmentError(
            f"label: nothing has changed since version {latest.number} ({latest.label})"
        )
    number = (session.scalar(select(func.max(SelfAssessmentVersion.number))) or 0) + 1
    row = SelfAssessmentVersion(
        number=number,
        label=cleaned,
        recorded_by=actor,
        recorded_at=datetime.now(UTC),
        statements=statements,
    )
    session.add(row)
    session.flush()
    record_change(session, actor, "create", row, None, snapshot(row))
    return _summary(row)


def list_versions(session: Session) -> list[VersionSummary]:
    """Every recorded version, newest first."""
    rows = session.scalars(
        select(SelfAssessmentVersion).order_by(SelfAssessmentVersion.number.desc())
    )
    return [_summary(row) for row in rows]


def _version(session: Session, number: int) -> SelfAssessmentVersion:
    row = session.scalars(
        select(SelfAssessmentVersion).where(SelfAssessmentVersion.number == number)
    ).one_or_none()
    if row is None:
        raise SelfAssessmentError(f"version: there is no version {number}")
    return row


def compare_versions(
    session: Session, framework: Framework, first: int, second: int
) -> tuple[VersionSummary, VersionSummary, list[StatementCompared]]:
    """Two versions and every quality statement side by side, in framework order."""
    a, b = _version(session, first), _version(session, second)
    rows = [
        StatementCompared(qs, a.statements.get(qs.id), b.statements.get(qs.id))
        for qs in framework.statements
    ]
    return _summary(a), _summary(b), rows
