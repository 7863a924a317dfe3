"""The framework's tables in the application database: evidence items and the self-assessment.

Quality statements, evidence categories and characteristics are referred to by their ids from the
framework file (``framework.yaml``), not by foreign keys, because the framework is configuration:
a council can add an alias or a characteristic without a schema migration. The service functions
in :mod:`careassure.framework.evidence` and :mod:`careassure.framework.selfassessment` check the
ids on the way in.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from careassure.appdb.base import Base

LINK_KINDS = ("statement", "characteristic")


class EvidenceItem(Base):
    """One piece of evidence: a stored document (by SHA-256) or a link, never both."""

    __tablename__ = "evidence_item"
    __table_args__ = (
        CheckConstraint("(link IS NULL) <> (file_sha256 IS NULL)", name="file_or_link"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    owner: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(60))
    evidence_date: Mapped[date] = mapped_column(Date)
    review_by: Mapped[date | None] = mapped_column(Date)
    link: Mapped[str | None] = mapped_column(String(2000))
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    file_name: Mapped[str | None] = mapped_column(String(255))
    content_type: Mapped[str | None] = mapped_column(String(200))
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    links: Mapped[list[EvidenceLink]] = relationship(
        back_populates="item", cascade="all, delete-orphan", lazy="selectin"
    )

    def targets(self, kind: str) -> list[str]:
        """The ids this item is linked to, of one kind, in a stable order."""
        return sorted(link.target for link in self.links if link.kind == kind)


class EvidenceLink(Base):
    """Links an evidence item to a quality statement or a characteristic of Good councils."""

    __tablename__ = "evidence_link"
    __table_args__ = (CheckConstraint("kind IN ('statement', 'characteristic')", name="kind"),)

    evidence_id: Mapped[int] = mapped_column(
        ForeignKey("evidence_item.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    target: Mapped[str] = mapped_column(String(60), primary_key=True)

    item: Mapped[EvidenceItem] = relationship(back_populates="links")


class SelfAssessmentStatement(Base):
    """The council's own view of one quality statement; the audit trail keeps earlier versions."""

    __tablename__ = "self_assessment_statement"

    statement_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    score: Mapped[int | None] = mapped_column(Integer)
    category_scores: Mapped[dict[str, int] | None] = mapped_column(JSON)
    strengths: Mapped[list[Any]] = mapped_column(JSON)
    areas_for_development: Mapped[list[Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CqcAssessment(Base):
    """One CQC assessment of the council (seed 000 paras 24-28): comprehensive (every quality
    statement, can change the rating) or focused (some statements, no rating change). ``scope``
    holds statement ids; ``outcome`` the rating a comprehensive one gave, or a short summary of
    a focused one's findings; ``report_link`` the published report."""

    __tablename__ = "cqc_assessment"
    __table_args__ = (
        CheckConstraint("kind IN ('comprehensive', 'focused')", name="kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    assessment_date: Mapped[date] = mapped_column(Date)
    scope: Mapped[list[str]] = mapped_column(JSON)
    outcome: Mapped[str] = mapped_column(String(300))
    published_on: Mapped[date | None] = mapped_column(Date)
    report_link: Mapped[str | None] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AssuranceMeeting(Base):
    """A scheduled assurance meeting with CQC (seed 000 paras 20-22): who attended by role (no
    names), the agenda items CQC set, actions arising (each optionally linked to an improvement
    plan action by its path) and the data pack prepared for it (the self-assessment version and
    the key measures at the meeting date, frozen when recorded)."""

    __tablename__ = "assurance_meeting"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_date: Mapped[date] = mapped_column(Date)
    attendees: Mapped[list[str]] = mapped_column(JSON)
    agenda: Mapped[list[str]] = mapped_column(JSON)
    actions: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    pack: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RatingCharacteristic(Base):
    """The council's text describing what one quality statement looks like at one judgement
    level (CQC's rating characteristics, seed 000 para 15), editable by the council."""

    __tablename__ = "rating_characteristic"

    statement_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    level: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(String(4000))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SupportedLevel(Base):
    """The judgement level the council's evidence supports for one quality statement, with the
    evidence items tagged to it (by id)."""

    __tablename__ = "supported_level"

    statement_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    level: Mapped[int] = mapped_column(Integer)
    evidence_ids: Mapped[list[int]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SelfAssessmentVersion(Base):
    """The whole self-assessment frozen as it stood when recorded ("the fourth update since
    March 2023"): ``statements`` maps each scored or written statement id to its score, category
    scores, strengths and areas for development, so two versions can be compared side by side
    however the working copy has moved on since."""

    __tablename__ = "self_assessment_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    label: Mapped[str] = mapped_column(String(200))
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    statements: Mapped[dict[str, Any]] = mapped_column(JSON)
