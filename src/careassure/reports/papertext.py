"""The committee paper's standing text edited on the reports page: each save of a section is a new
version (a row of ``report_paper_text``) with its audit row, and the report reads each section's
latest version in place of the text in ``reports.yaml``.

Text is typed into a form, one paragraph per blank-line-separated block; each paragraph becomes
one numbered paragraph of the paper.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from careassure.appdb.audit import record_change, snapshot
from careassure.reports.settings import PAPER_TEXT, ReportSettingsError
from careassure.reports.tables import PaperText

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

MAX_PARAGRAPHS, MAX_CHARACTERS = 20, 2000


def paragraphs_of(text: str) -> tuple[str, ...]:
    """The paragraphs of text typed in a form: blocks separated by blank lines, each with its
    lines joined and spaces tidied."""
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    return tuple(" ".join(block.split()) for block in blocks if block.strip())


def latest(session: Session) -> dict[str, tuple[int, tuple[str, ...]]]:
    """Each edited section's latest version: section -> (version, paragraphs)."""
    newest = (select(PaperText.section, func.max(PaperText.version).label("version"))
              .group_by(PaperText.section).subquery())
    rows = session.scalars(select(PaperText).join(
        newest, (PaperText.section == newest.c.section) & (PaperText.version == newest.c.version)))
    return {row.section: (row.version, tuple(row.paragraphs)) for row in rows}


def save_section(session: Session, actor: str, section: str, text: str,
                 current: tuple[str, ...]) -> int | None:
    """Save ``text`` as the next version of ``section`` unless it says what ``current`` (the
    text in force) already says; returns the new version, or None when nothing changed."""
    if section not in PAPER_TEXT:
        raise ReportSettingsError(f"unknown section of the paper: {section!r}")
    paragraphs = paragraphs_of(text)
    if len(paragraphs) > MAX_PARAGRAPHS:
        raise ReportSettingsError(f"{PAPER_TEXT[section]}: at most {MAX_PARAGRAPHS} paragraphs")
    long = next((p for p in paragraphs if len(p) > MAX_CHARACTERS), None)
    if long is not None:
        raise ReportSettingsError(f"{PAPER_TEXT[section]}: a paragraph is longer than "
                                  f"{MAX_CHARACTERS} characters: {long[:40]}...")
    if paragraphs == current:
        return None
    previous = session.scalars(select(PaperText).where(PaperText.section == section)
                               .order_by(PaperText.version.desc()).limit(1)).first()
    row = PaperText(section=section, version=(previous.version + 1) if previous else 1,
                    paragraphs=list(paragraphs), saved_at=datetime.now(UTC),
                    saved_by=actor)
    session.add(row)
    session.flush()
    record_change(session, actor, "create", row,
                  snapshot(previous) if previous else {"section": section,
                                                       "paragraphs": list(current)},
                  snapshot(row))
    return row.version
