"""The improvement plan's tables in the application database.

A plan holds ordered improvement areas; an area holds ordered actions (numbered steps, an owner, a
delivery month, a status); an action holds ordered outcomes, each either *measured* (a catalogue
measure id, comparator and target, optional breakdown group and a baseline date) or a *milestone*
(done or not, with an evidence link). Dated progress updates belong to an action and keep the
measure facts they quoted frozen as JSON, so a committee paper can always be reproduced as it was
written. Key risks belong to the plan (optionally to one area). A RAG override replaces the
computed status of one area, action or outcome and always carries its written reason.

Measure ids are checked against the catalogue by the service functions, not by foreign keys: the
catalogue is code, not a table. Every row is addressed by a short ``key`` unique within its parent
(``timeliness/care-act-assessment/median-wait``), so the CLI, the web app and the YAML file name
items the same way whatever their database ids.

Nothing here describes a person who draws on services: owners and authors are staff roles or
names, and progress narratives are about the service.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from careassure.appdb.base import Base
from careassure.plan.model import (
    ACTION_STATUSES,
    COMPARATORS,
    MAX_KEY,
    MAX_LINK,
    MAX_OWNER,
    MAX_TITLE,
    OUTCOME_KINDS,
    OVERRIDE_STATUSES,
    RISK_STATUSES,
)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Plan(Base):
    """One council's improvement plan."""

    __tablename__ = "plan"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(MAX_KEY), unique=True)
    title: Mapped[str] = mapped_column(String(MAX_TITLE))
    council: Mapped[str] = mapped_column(String(MAX_OWNER))
    updated_on: Mapped[date] = mapped_column(Date)

    areas: Mapped[list[PlanArea]] = relationship(
        back_populates="plan",
        cascade="all, delete-orphan",
        order_by="PlanArea.position",
        lazy="selectin",
    )
    risks: Mapped[list[PlanRisk]] = relationship(
        back_populates="plan",
        cascade="all, delete-orphan",
        order_by="PlanRisk.position",
        lazy="selectin",
    )


class PlanArea(Base):
    """An improvement area (a row group of the seed's table), in plan order."""

    __tablename__ = "plan_area"
    __table_args__ = (UniqueConstraint("plan_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(MAX_KEY))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(MAX_TITLE))

    plan: Mapped[Plan] = relationship(back_populates="areas")
    actions: Mapped[list[PlanAction]] = relationship(
        back_populates="area",
        cascade="all, delete-orphan",
        order_by="PlanAction.position",
        lazy="selectin",
    )
    override: Mapped[RagOverride | None] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )


class PlanAction(Base):
    """An action: numbered steps, an owner, the month it is due and how far it has got.

    ``owner`` is how the plan names the owner (a post or team, as printed in the committee
    paper); ``owner_account`` is the login of the workstream lead allowed to update the action in
    the web app, kept apart so that renaming a post never changes who may edit.
    ``delivery_month`` is the first day of the month the action is due; it is due by that
    month's last day.
    """

    __tablename__ = "plan_action"
    __table_args__ = (
        UniqueConstraint("area_id", "key"),
        CheckConstraint(_in("status", ACTION_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("plan_area.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(MAX_KEY))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(MAX_TITLE))
    steps: Mapped[list[str]] = mapped_column(JSON)
    owner: Mapped[str | None] = mapped_column(String(MAX_OWNER))
    owner_account: Mapped[str | None] = mapped_column(String(MAX_OWNER), index=True)
    delivery_month: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))

    area: Mapped[PlanArea] = relationship(back_populates="actions")
    outcomes: Mapped[list[PlanOutcome]] = relationship(
        back_populates="action",
        cascade="all, delete-orphan",
        order_by="PlanOutcome.position",
        lazy="selectin",
    )
    progress: Mapped[list[ProgressUpdate]] = relationship(
        back_populates="action",
        cascade="all, delete-orphan",
        order_by="(ProgressUpdate.written_on, ProgressUpdate.id)",
        lazy="selectin",
    )
    override: Mapped[RagOverride | None] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )


class PlanOutcome(Base):
    """An outcome: a measure against a target, or a milestone that is done or not."""

    __tablename__ = "plan_outcome"
    __table_args__ = (
        UniqueConstraint("action_id", "key"),
        CheckConstraint(_in("kind", OUTCOME_KINDS), name="kind"),
        CheckConstraint(
            "comparator IS NULL OR " + _in("comparator", COMPARATORS), name="comparator"
        ),
        CheckConstraint(
            "(kind = 'measured' AND measure_id IS NOT NULL AND comparator IS NOT NULL "
            "AND target IS NOT NULL AND done IS NULL) OR "
            "(kind = 'milestone' AND measure_id IS NULL AND comparator IS NULL "
            "AND target IS NULL AND breakdown IS NULL AND done IS NOT NULL)",
            name="measured_or_milestone",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(
        ForeignKey("plan_action.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(MAX_KEY))
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(MAX_TITLE))
    kind: Mapped[str] = mapped_column(String(20))
    measure_id: Mapped[str | None] = mapped_column(String(120))
    comparator: Mapped[str | None] = mapped_column(String(5))
    target: Mapped[float | None] = mapped_column(Float)
    # none_as_null: a milestone's "no breakdown" must be SQL NULL (the check constraint), not
    # the JSON literal null.
    breakdown: Mapped[dict[str, str] | None] = mapped_column(JSON(none_as_null=True))
    baseline_on: Mapped[date | None] = mapped_column(Date)
    done: Mapped[bool | None] = mapped_column(Boolean)
    done_on: Mapped[date | None] = mapped_column(Date)
    evidence_link: Mapped[str | None] = mapped_column(String(MAX_LINK))

    action: Mapped[PlanAction] = relationship(back_populates="outcomes")
    override: Mapped[RagOverride | None] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )


class ProgressUpdate(Base):
    """A dated progress note on an action, with the measure facts it quoted frozen as written."""

    __tablename__ = "plan_progress"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(
        ForeignKey("plan_action.id", ondelete="CASCADE"), index=True
    )
    written_on: Mapped[date] = mapped_column(Date)
    narrative: Mapped[str] = mapped_column(Text)
    facts: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    author: Mapped[str] = mapped_column(String(MAX_OWNER))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    action: Mapped[PlanAction] = relationship(back_populates="progress")


class PlanRisk(Base):
    """A key risk to delivering the plan, scored likelihood x impact (each 1-5)."""

    __tablename__ = "plan_risk"
    __table_args__ = (
        UniqueConstraint("plan_id", "key"),
        CheckConstraint("likelihood BETWEEN 1 AND 5", name="likelihood"),
        CheckConstraint("impact BETWEEN 1 AND 5", name="impact"),
        CheckConstraint(_in("status", RISK_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("plan_area.id", ondelete="SET NULL"))
    key: Mapped[str] = mapped_column(String(MAX_KEY))
    position: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text)
    likelihood: Mapped[int] = mapped_column(Integer)
    impact: Mapped[int] = mapped_column(Integer)
    mitigation: Mapped[str] = mapped_column(Text)
    owner: Mapped[str | None] = mapped_column(String(MAX_OWNER))
    status: Mapped[str] = mapped_column(String(20))

    plan: Mapped[Plan] = relationship(back_populates="risks")
    area: Mapped[PlanArea | None] = relationship()

    @property
    def score(self) -> int:
        """Likelihood x impact, 1-25: the order a risk register is read in."""
        return self.likelihood * self.impact


class RagOverride(Base):
    """A person's judgement replacing the computed RAG of exactly one area, action or outcome.

    The reason is required (NOT NULL and checked non-blank by the service), so an overridden
    status always shows why; earlier overrides and their reasons stay in the audit trail.
    """

    __tablename__ = "plan_rag_override"
    __table_args__ = (
        CheckConstraint(_in("status", OVERRIDE_STATUSES), name="status"),
        CheckConstraint(
            "(CASE WHEN area_id IS NULL THEN 0 ELSE 1 END) + "
            "(CASE WHEN action_id IS NULL THEN 0 ELSE 1 END) + "
            "(CASE WHEN outcome_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_item",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    area_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_area.id", ondelete="CASCADE"), unique=True
    )
    action_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_action.id", ondelete="CASCADE"), unique=True
    )
    outcome_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_outcome.id", ondelete="CASCADE"), unique=True
    )
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    set_by: Mapped[str] = mapped_column(String(MAX_OWNER))
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
