"""The reports' table in the application database: the committee paper's standing text as edited
on the reports page, one row per saved version of a section.

Rows are only ever added (a save is a new version), so every wording the committee paper has had
is kept beside the audit trail's record of who changed it; the report uses each section's latest
version in place of the text in ``reports.yaml``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from careassure.appdb.base import Base


class PaperText(Base):
    """One version of one standing section of the committee paper (``section`` is a key of
    :data:`careassure.reports.settings.PAPER_TEXT`); ``paragraphs`` is a list of strings."""

    __tablename__ = "report_paper_text"
    __table_args__ = (UniqueConstraint("section", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    section: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer)
    paragraphs: Mapped[list[Any]] = mapped_column(JSON)
    saved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    saved_by: Mapped[str] = mapped_column(String(200))
