"""The reported values and the measures declared on the admin page: one row per version of
each, never changed once written.

A correction adds a row with the next ``version`` for the same measure and period and the reason
it was made; the value in force is the highest version. So the old value stays, with who entered
it and when, without any UPDATE (the audit trail records both rows too). A value refers to its
measure by id, not by a foreign key, because a measure is declared either in the council's file
(configuration, :mod:`careassure.measures.reported`) or on the admin page (``reported_declaration``
below, versioned the same way).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Float, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from careassure.appdb.base import Base


class ReportedEntry(Base):
    """One entered value (or a correction of one) of a reported measure for one period."""

    __tablename__ = "reported_value"
    __table_args__ = (UniqueConstraint("measure_id", "period_end", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    measure_id: Mapped[str] = mapped_column(String(120))
    period_end: Mapped[date] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer)
    value: Mapped[float] = mapped_column(Float)
    evidence_link: Mapped[str | None] = mapped_column(String(2000))
    entered_by: Mapped[str] = mapped_column(String(200))
    entered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str | None] = mapped_column(String(1000))
    source_file: Mapped[str | None] = mapped_column(String(255))
    # An uploaded evidence file (stored like CQC evidence documents, by SHA-256, in the evidence
    # folder): its digest, the name it was uploaded with, its checked type and its size.
    evidence_sha256: Mapped[str | None] = mapped_column(String(64))
    evidence_name: Mapped[str | None] = mapped_column(String(255))
    evidence_type: Mapped[str | None] = mapped_column(String(200))
    evidence_bytes: Mapped[int | None] = mapped_column(Integer)


class ReportedDeclaration(Base):
    """One version of a reported measure declared on the admin page: every save (a new measure,
    an edit, retiring or reinstating it) adds a row with the next ``version``; the declaration in
    force is the highest. Nothing is updated in place, so what a measure meant when a value was
    entered can always be read back (the audit trail records each row too)."""

    __tablename__ = "reported_declaration"
    __table_args__ = (UniqueConstraint("measure_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    measure_id: Mapped[str] = mapped_column(String(120))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    definition: Mapped[str] = mapped_column(String(2000))
    unit: Mapped[str] = mapped_column(String(20))
    direction: Mapped[str | None] = mapped_column(String(10))
    frequency: Mapped[str] = mapped_column(String(20))
    owner_role: Mapped[str] = mapped_column(String(40))
    owner: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(200))
    minimum: Mapped[float] = mapped_column(Float)
    maximum: Mapped[float] = mapped_column(Float)
    first_period: Mapped[date] = mapped_column(Date)
    due_days: Mapped[int] = mapped_column(Integer)
    retired: Mapped[bool] = mapped_column(Boolean)
    saved_by: Mapped[str] = mapped_column(String(200))
    saved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
