"""Who looked at which records behind a figure: one row per view of a person-level list, written
with its audit row in the same transaction, so the audit trail answers "who saw the people
waiting in the South team on 31/12/2025, under which filters" (docs/web.md, "Drill-down").

Only the question is stored (measure, date, group, filters and how many rows were shown), never
the pseudonyms shown: the list can be drawn again from the same data version.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Date, DateTime, Integer, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from careassure.appdb.audit import record_change, snapshot
from careassure.appdb.base import Base


class RecordsViewed(Base):
    """One view of the records behind a figure."""

    __tablename__ = "records_viewed"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    username: Mapped[str] = mapped_column(String(60))
    measure: Mapped[str] = mapped_column(String(120))
    as_of: Mapped[date] = mapped_column(Date)
    breakdown: Mapped[str] = mapped_column(String(200))
    filters: Mapped[str] = mapped_column(String(2000))
    rows_shown: Mapped[int] = mapped_column(Integer)


def log_view(
    session: Session,
    username: str,
    measure: str,
    as_of: date,
    breakdown: str,
    filters: str,
    rows_shown: int,
) -> RecordsViewed:
    """Record the view and its audit row (``create`` of this log entry)."""
    entry = RecordsViewed(
        at=datetime.now(UTC), username=username, measure=measure, as_of=as_of,
        breakdown=breakdown[:200], filters=filters[:2000], rows_shown=rows_shown,
    )
    session.add(entry)
    record_change(session, username, "create", entry, None, snapshot(entry))
    return entry
