"""The reported values table: one row per version of a value, never changed once written.

A correction adds a row with the next ``version`` for the same measure and period and the reason
it was made; the value in force is the highest version. So the old value stays, with who entered
it and when, without any UPDATE (the audit trail records both rows too). The measure is referred
to by its id from the declarations file, not by a foreign key, because declarations are
configuration (:mod:`careassure.measures.reported`).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Float, Integer, String, UniqueConstraint
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
