"""Rating characteristics (seed 000 para 15): for every quality statement and judgement level, the
council's own text describing what care and support, and governance and leadership, look like at
that level; and, in the self-assessment, the level the evidence supports for each statement with
the evidence items tagged to it.

The levels are the framework's score levels (1 significant shortfalls to 4 exceptional standard).
Both are council-editable and every change is audited with its before and after.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from careassure.appdb import record_change, snapshot
from careassure.framework.model import Framework
from careassure.framework.tables import EvidenceItem, RatingCharacteristic, SupportedLevel

MAX_TEXT = 4000


class RatingTextError(ValueError):
    """A change that cannot be made; the message names the statement, level or item."""


def _statement(framework: Framework, name: str) -> str:
    try:
        return framework.statement(name).id
    except LookupError as exc:
        raise RatingTextError(exc.args[0]) from exc


def _level(framework: Framework, level: int) -> int:
    if level not in framework.score_levels:
        raise RatingTextError(
            f"judgement level {level} is not one of {', '.join(map(str, framework.score_levels))}"
        )
    return level


def set_characteristic(
    session: Session, framework: Framework, actor: str, statement: str, level: int, text: str
) -> None:
    """Write (or replace) the text for one statement and level; empty text removes it."""
    statement_id, level = _statement(framework, statement), _level(framework, level)
    cleaned = " ".join(text.split())
    if len(cleaned) > MAX_TEXT:
        raise RatingTextError(f"the text is longer than {MAX_TEXT} characters")
    row = session.get(RatingCharacteristic, (statement_id, level))
    before = snapshot(row) if row is not None else None
    if not cleaned:
        if row is not None:
            session.delete(row)
            record_change(session, actor, "delete", row, before, None)
        return
    if row is None:
        row = RatingCharacteristic(statement_id=statement_id, level=level)
        session.add(row)
    row.text = cleaned
    row.updated_at = datetime.now(UTC)
    record_change(session, actor, "create" if before is None else "update", row, before,
                  snapshot(row))


def set_supported_level(
    session: Session,
    framework: Framework,
    actor: str,
    statement: str,
    level: int,
    evidence_ids: Sequence[int],
) -> None:
    """Record the level the evidence supports for one statement, tagged with evidence items
    (each must exist and be linked to that statement)."""
    statement_id, level = _statement(framework, statement), _level(framework, level)
    ids = sorted(set(evidence_ids))
    for item_id in ids:
        item = session.get(EvidenceItem, item_id)
        if item is None:
            raise RatingTextError(f"no evidence item {item_id}")
        if statement_id not in item.targets("statement"):
            raise RatingTextError(
                f"evidence item {item_id} ({item.title}) is not linked to this quality statement"
            )
    row = session.get(SupportedLevel, statement_id)
    before = snapshot(row) if row is not None else None
    if row is None:
        row = SupportedLevel(statement_id=statement_id)
        session.add(row)
    row.level, row.evidence_ids, row.updated_at = level, ids, datetime.now(UTC)
    record_change(session, actor, "create" if before is None else "update", row, before,
                  snapshot(row))


@dataclass(frozen=True)
class StatementCoverage:
    """One statement: the levels described, the level the evidence supports, its evidence."""

    code: str
    name: str
    texts: dict[int, str]
    supported: int | None
    evidence_ids: tuple[int, ...]

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "texts": self.texts,
                "supported_level": self.supported, "evidence_ids": list(self.evidence_ids)}


def coverage(session: Session, framework: Framework) -> list[StatementCoverage]:
    """Every statement in the framework's order, with what is recorded for it."""
    texts: dict[str, dict[int, str]] = {}
    for row in session.scalars(select(RatingCharacteristic)):
        texts.setdefault(row.statement_id, {})[row.level] = row.text
    supported = {row.statement_id: row for row in session.scalars(select(SupportedLevel))}
    out = []
    for qs in framework.statements:
        level = supported.get(qs.id)
        out.append(StatementCoverage(
            qs.code, qs.name, dict(sorted(texts.get(qs.id, {}).items())),
            level.level if level else None, tuple(level.evidence_ids) if level else ()))
    return out
