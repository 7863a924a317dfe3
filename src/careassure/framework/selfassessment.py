"""The self-assessment: the council's own score for each quality statement, with its strengths,
areas for development, linked evidence and the live measures that bear on it, and from those the
estimated overall rating and the statements that most need to move.

A statement's score is the council's own judgement; where it has instead scored the evidence
categories (CQC's 2024 method, kept as an aid), they convert to a score through the rating bands.
The narrative fields describe services, never individuals: they must not hold personal data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from types import EllipsisType
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from careassure.appdb import record_change, snapshot
from careassure.appdb.locks import lock_row
from careassure.framework.evidence import EvidenceView, list_evidence
from careassure.framework.live import NOT_MET, LiveMeasure, LiveValues
from careassure.framework.model import Framework, QualityStatement
from careassure.framework.scoring import ScoreError, ScoreResult, category_level, score
from careassure.framework.tables import SelfAssessmentStatement
from careassure.framework.whatif import WhatIf, what_if
from careassure.words import counted

MAX_NARRATIVE = 2000


class SelfAssessmentError(ValueError):
    """A self-assessment change that cannot be made; the message says which field and why."""


def _narrative(field: str, entries: Sequence[str]) -> list[str]:
    cleaned = [" ".join(entry.split()) for entry in entries]
    for entry in cleaned:
        if not entry:
            raise SelfAssessmentError(f"{field}: an entry is empty")
        if len(entry) > MAX_NARRATIVE:
            raise SelfAssessmentError(
                f"{field}: an entry is longer than {MAX_NARRATIVE} characters"
            )
    return cleaned


def _category_scores(framework: Framework, given: Mapping[str, int]) -> dict[str, int]:
    scores: dict[str, int] = {}
    for name, value in given.items():
        try:
            category = framework.category(name)
        except LookupError as exc:
            raise SelfAssessmentError(exc.args[0]) from exc
        scores[category.id] = value
    try:
        category_level(framework, scores)
    except ScoreError as exc:
        raise SelfAssessmentError(str(exc)) from exc
    return scores


def set_statement(
    session: Session,
    framework: Framework,
    actor: str,
    statement: str,
    *,
    own_score: int | None | EllipsisType = ...,
    category_scores: Mapping[str, int] | None | EllipsisType = ...,
    strengths: Sequence[str] | None = None,
    areas_for_development: Sequence[str] | None = None,
) -> None:
    """Record the council's view of one statement. Fields left out (``...`` for the scores,
    None for the lists) keep their value; ``None`` for a score clears it."""
    try:
        qs = framework.statement(statement)
    except LookupError as exc:
        raise SelfAssessmentError(exc.args[0]) from exc
    row = session.get(SelfAssessmentStatement, qs.id)
    if row is not None:  # two people saving one statement at once: the second reads the first's
        lock_row(session, row)
    before = snapshot(row) if row is not None else None
    if row is None:
        row = SelfAssessmentStatement(
            statement_id=qs.id, strengths=[], areas_for_development=[], updated_at=datetime.now(UTC)
        )
        session.add(row)
    if not isinstance(own_score, EllipsisType):
        low, high = framework.lowest_level, framework.highest_level
        if own_score is not None and not low <= own_score <= high:
            raise SelfAssessmentError(
                f"score {own_score} for {qs.code} {qs.name}: scores are whole numbers "
                f"{low} to {high}"
            )
        row.score = own_score
    if not isinstance(category_scores, EllipsisType):
        row.category_scores = (
            _category_scores(framework, category_scores) if category_scores else None
        )
    if strengths is not None:
        row.strengths = _narrative("strengths", strengths)
    if areas_for_development is not None:
        row.areas_for_development = _narrative("areas for development", areas_for_development)
    after = {**snapshot(row), "updated_at": None}
    if before is None or after != {**before, "updated_at": None}:
        row.updated_at = datetime.now(UTC)
        session.flush()
        record_change(
            session, actor, "create" if before is None else "update", row, before, snapshot(row)
        )


@dataclass(frozen=True)
class StatementAssessment:
    """One statement as assessed: ``score`` is the own score, else the category-derived one."""

    statement: QualityStatement
    own_score: int | None
    category_scores: Mapping[str, int]
    category_score: int | None
    strengths: tuple[str, ...]
    areas_for_development: tuple[str, ...]
    evidence: tuple[EvidenceView, ...]
    missing_categories: tuple[str, ...]
    measures: tuple[LiveMeasure, ...]

    @property
    def score(self) -> int | None:
        return self.own_score if self.own_score is not None else self.category_score

    @property
    def score_source(self) -> str | None:
        if self.own_score is not None:
            return "own"
        return "categories" if self.category_score is not None else None

    @property
    def measures_not_met(self) -> int:
        return sum(m.status == NOT_MET for m in self.measures)

    @property
    def stale_evidence(self) -> int:
        return sum(e.stale for e in self.evidence)

    def to_json(self, framework: Framework) -> dict[str, Any]:
        qs = self.statement
        return {
            "id": qs.id,
            "code": qs.code,
            "name": qs.name,
            "theme": framework.theme(qs.theme).name,
            "score": self.score,
            "level": framework.score_levels[self.score] if self.score is not None else None,
            "score_source": self.score_source,
            "own_score": self.own_score,
            "category_scores": dict(self.category_scores),
            "category_score": self.category_score,
            "strengths": list(self.strengths),
            "areas_for_development": list(self.areas_for_development),
            "evidence": [
                {"id": e.id, "title": e.title, "category": e.category, "stale": e.stale}
                for e in self.evidence
            ],
            "missing_evidence_categories": list(self.missing_categories),
            "measures": [m.to_json() for m in self.measures],
        }


@dataclass(frozen=True)
class Priority:
    statement: QualityStatement
    score: int
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class SelfAssessment:
    statements: tuple[StatementAssessment, ...]
    estimate: ScoreResult | None
    what_if: WhatIf | None
    priorities: tuple[Priority, ...]
    live: LiveValues

    def to_json(self, framework: Framework) -> dict[str, Any]:
        return {
            "as_of": self.live.as_of.isoformat(),
            "measures_note": self.live.note,
            "estimate": self.estimate.to_json(framework) if self.estimate else None,
            "most_need_to_move": [
                {
                    "id": p.statement.id,
                    "code": p.statement.code,
                    "name": p.statement.name,
                    "score": p.score,
                    "reasons": list(p.reasons),
                }
                for p in self.priorities
            ],
            "not_scored": [s.statement.id for s in self.statements if s.score is None],
            "what_if": self.what_if.to_json() if self.what_if else None,
            "statements": [s.to_json(framework) for s in self.statements],
        }


def _priorities(
    framework: Framework, assessed: Sequence[StatementAssessment]
) -> tuple[Priority, ...]:
    """Statements below the top level, most in need first: lowest score, then most linked
    measures missing target, then most required evidence categories missing, then most stale."""
    names = {c.id: c.name for c in framework.categories}
    ranked = []
    for s in assessed:
        if s.score is None or s.score >= framework.highest_level:
            continue
        reasons = [f"scored {s.score}: {framework.score_levels[s.score]}"]
        if s.measures_not_met:
            judged = sum(m.status is not None for m in s.measures)
            reasons.append(f"{s.measures_not_met} of {judged} linked measures miss their target")
        reasons += [f"no current {names[c]} evidence" for c in s.missing_categories]
        if s.stale_evidence:
            its = "its" if s.stale_evidence == 1 else "their"
            stale = counted(s.stale_evidence, "evidence item")
            reasons.append(f"{stale} past {its} review-by date")
        key = (
            s.score,
            -s.measures_not_met,
            -len(s.missing_categories),
            -s.stale_evidence,
            s.statement.number,
        )
        ranked.append((key, Priority(s.statement, s.score, tuple(reasons))))
    return tuple(priority for _, priority in sorted(ranked, key=lambda pair: pair[0]))


def build_self_assessment(
    session: Session, framework: Framework, today: date, live: LiveValues
) -> SelfAssessment:
    """The whole self-assessment as it stands, with measures from ``live``."""
    rows = {r.statement_id: r for r in session.scalars(select(SelfAssessmentStatement))}
    evidence = list_evidence(session, today)
    required = [c.id for c in framework.categories_in_use if c.required_for_every_statement]
    assessed = []
    for qs in framework.statements:
        row = rows.get(qs.id)
        categories = dict(row.category_scores or {}) if row else {}
        linked = tuple(e for e in evidence if qs.id in e.statements)
        current = {e.category for e in linked if not e.stale}
        assessed.append(
            StatementAssessment(
                statement=qs,
                own_score=row.score if row else None,
                category_scores=categories,
                category_score=category_level(framework, categories) if categories else None,
                strengths=tuple(row.strengths) if row else (),
                areas_for_development=tuple(row.areas_for_development) if row else (),
                evidence=linked,
                missing_categories=tuple(c for c in required if c not in current),
                measures=live.for_ids(qs.measures),
            )
        )
    scores = [s.score for s in assessed]
    estimate = score(framework, scores) if any(v is not None for v in scores) else None
    whatif = what_if(framework, scores) if estimate and estimate.next_band else None
    return SelfAssessment(tuple(assessed), estimate, whatif, _priorities(framework, assessed), live)
