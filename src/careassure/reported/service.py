"""Entering, correcting and importing reported values, each change audited in its transaction.

Every check a value must pass is :mod:`careassure.measures.reported`'s (type, range, unit, a
period of the measure's frequency that has ended); this module adds the ones that need the
database: one value per period, so a second value for a period is a correction and needs a
reason, and an import is written all together or not at all.

A value typed in the app or entered on the command line may carry an evidence file as well as
(or instead of) a link. Both store it through :func:`store_evidence_file`, exactly as a CQC
evidence document is stored (``careassure.evidence_files``: name, type by content, size, SHA-256
in the evidence folder), and :func:`enter_value` takes the storing as a function and calls it
only after every other check has passed, so a refused value leaves no file behind.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlparse

from sqlalchemy import func, inspect, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from careassure.appdb.audit import record_change, snapshot
from careassure.evidence_files import StoredFile, store_file
from careassure.measures.reported import (
    ReportedMeasure,
    ReportedValue,
    ReportedValueError,
    check_period,
    find,
    parse_value,
    period_label,
    reported_measures,
)
from careassure.reported.tables import ReportedEntry

MAX_REASON = 1000
EVIDENCE_MAX_BYTES_ENV = "CAREASSURE_REPORTED_EVIDENCE_MAX_BYTES"
DEFAULT_EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
# The types a reported value's evidence may be: the returns, surveys and screenshots the figures
# come from (checked by content, as CQC evidence documents are).
EVIDENCE_TYPES = ("pdf", "docx", "xlsx", "csv", "png", "jpg")


def evidence_max_bytes() -> int:
    """The largest evidence file a reported value may carry: ``$CAREASSURE_REPORTED_EVIDENCE_
    MAX_BYTES``, else 10 MiB; ValueError naming the setting when it is not a positive number."""
    text = os.environ.get(EVIDENCE_MAX_BYTES_ENV)
    if text is None:
        return DEFAULT_EVIDENCE_MAX_BYTES
    if not text.strip().isdigit() or int(text) <= 0:
        raise ValueError(f"{EVIDENCE_MAX_BYTES_ENV}={text!r} is not a positive whole number of "
                         "bytes")
    return int(text)


def store_evidence_file(source: BinaryIO, name: str, *, max_bytes: int,
                        directory: Path | None = None) -> StoredFile:
    """Check and store one reported value's evidence file: the web form's upload and the
    command line's ``--evidence-file`` go through here, so both accept the same types and size
    and store the same way (``directory`` is the evidence folder, by default careassure's).
    Raises :class:`~careassure.evidence_files.EvidenceFileError` naming the file and reason,
    having kept nothing of it."""
    return store_file(source, name, allowed_types=EVIDENCE_TYPES, max_bytes=max_bytes,
                      directory=directory)


@dataclass(frozen=True)
class Entry:
    """A value to write: as typed on the form or read from a file row (text, checked here)."""

    measure_id: str
    period_end: date
    value: str
    evidence_link: str = ""
    reason: str = ""


@dataclass(frozen=True)
class RowError:
    """One bad row of an import: where it is and why it was refused."""

    file: str
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}, row {self.row}, column {self.column}: {self.reason}"


class ImportRefused(ValueError):
    """An import with bad rows: nothing was written; ``errors`` names each row and column."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        super().__init__("; ".join(str(e) for e in errors[:5])
                         + (f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""))
        self.errors = list(errors)


def _check_link(text: str) -> str | None:
    link = text.strip()
    if not link:
        return None
    parsed = urlparse(link)
    if parsed.scheme not in ("https", "http") or not parsed.netloc or len(link) > 2000:
        raise ReportedValueError("evidence_link", "Evidence link must be a web address starting "
                                 "https:// (at most 2,000 characters)")
    return link


def _current(session: Session, measure_id: str, period_end: date) -> ReportedEntry | None:
    return session.scalars(
        select(ReportedEntry)
        .where(ReportedEntry.measure_id == measure_id, ReportedEntry.period_end == period_end)
        .order_by(ReportedEntry.version.desc())
        .limit(1)
    ).first()


def _checked(
    session: Session, entry: Entry, measures: Iterable[ReportedMeasure], today: date
) -> tuple[ReportedMeasure, float, str | None, ReportedEntry | None]:
    try:
        measure = find(entry.measure_id, measures)
    except KeyError:
        raise ReportedValueError("measure", f"{entry.measure_id!r} is not a declared reported "
                                 "measure") from None
    if measure.retired:
        raise ReportedValueError("measure", f"{measure.title} is retired: no more values are "
                                 "accepted for it")
    check_period(measure, entry.period_end, today)
    number = parse_value(measure, entry.value)
    link = _check_link(entry.evidence_link)
    before = _current(session, measure.id, entry.period_end)
    reason = entry.reason.strip()
    if before is not None and not reason:
        raise ReportedValueError(
            "reason", f"A value for {period_label(measure.frequency, entry.period_end)} is "
            f"already entered ({before.value:g}, by {before.entered_by} on "
            f"{before.entered_at:%d/%m/%Y}): give a reason to correct it")
    if len(reason) > MAX_REASON:
        raise ReportedValueError("reason", f"Reason must be {MAX_REASON:,} characters or fewer")
    return measure, number, link, before


def _write(
    session: Session, actor: str, entry: Entry, number: float, link: str | None,
    before: ReportedEntry | None, source_file: str | None,
    stored: StoredFile | None = None,
) -> ReportedEntry:
    row = ReportedEntry(
        measure_id=entry.measure_id, period_end=entry.period_end,
        version=before.version + 1 if before is not None else 1, value=number,
        evidence_link=link, entered_by=actor, entered_at=datetime.now(UTC),
        reason=entry.reason.strip() or None, source_file=source_file,
        evidence_sha256=stored.sha256 if stored else None,
        evidence_name=stored.display_name if stored else None,
        evidence_type=stored.content_type if stored else None,
        evidence_bytes=stored.size_bytes if stored else None,
    )
    session.add(row)
    session.flush()
    # A correction is an update of the value in force: the audit row carries the old one.
    record_change(session, actor, "update" if before is not None else "create", row,
                  snapshot(before) if before is not None else None, snapshot(row))
    return row


def enter_value(
    session: Session,
    actor: str,
    entry: Entry,
    *,
    today: date | None = None,
    measures: Sequence[ReportedMeasure] | None = None,
    store_evidence: Callable[[], StoredFile] | None = None,
) -> ReportedEntry:
    """Write one value (or a correction, which needs ``entry.reason``); raises
    :class:`ReportedValueError` naming the field at fault. ``store_evidence`` stores an
    uploaded evidence file once the value has passed every check (whatever it raises for a
    refused file reaches the caller, and the transaction writes nothing)."""
    measures = measures if measures is not None else reported_measures()
    measure, number, link, before = _checked(session, entry, measures, today or date.today())
    stored = store_evidence() if store_evidence is not None else None
    return _write(session, actor, entry, number, link, before, None, stored)


def import_entries(
    session: Session,
    actor: str,
    file_name: str,
    rows: Sequence[tuple[int, Entry]],
    *,
    today: date | None = None,
    measures: Sequence[ReportedMeasure] | None = None,
) -> list[ReportedEntry]:
    """Write every row of an import file (``(row number, entry)``), or none: any bad row raises
    :class:`ImportRefused` naming file, row, column and reason before anything is written. A row
    repeating a period of an earlier row is refused too (one value per period)."""
    measures = measures if measures is not None else reported_measures()
    day = today or date.today()
    errors: list[RowError] = []
    checked = []
    seen: dict[tuple[str, date], int] = {}
    for number, entry in rows:
        key = (entry.measure_id, entry.period_end)
        if key in seen:
            errors.append(RowError(file_name, number, "period_end",
                                   f"the same measure and period as row {seen[key]}"))
            continue
        seen[key] = number
        try:
            checked.append((entry, *_checked(session, entry, measures, day)))
        except ReportedValueError as exc:
            errors.append(RowError(file_name, number, _COLUMNS.get(exc.field, exc.field),
                                   exc.reason))
    if errors:
        raise ImportRefused(errors)
    if not rows:
        raise ImportRefused([RowError(file_name, 1, "measure_id", "the file has no values")])
    return [_write(session, actor, entry, value, link, before, file_name)
            for entry, _measure, value, link, before in checked]


# The form's field names as the template's column names.
_COLUMNS = {"measure": "measure_id", "period": "period_end", "value": "value",
            "evidence_link": "evidence_link", "reason": "reason"}


def current_values(session: Session) -> tuple[ReportedValue, ...]:
    """Every value in force (the latest version of each measure and period), oldest first."""
    latest = (select(ReportedEntry.measure_id, ReportedEntry.period_end,
                     func.max(ReportedEntry.version).label("version"))
              .group_by(ReportedEntry.measure_id, ReportedEntry.period_end).subquery())
    rows = session.scalars(
        select(ReportedEntry).join(
            latest,
            (ReportedEntry.measure_id == latest.c.measure_id)
            & (ReportedEntry.period_end == latest.c.period_end)
            & (ReportedEntry.version == latest.c.version),
        ).order_by(ReportedEntry.measure_id, ReportedEntry.period_end)
    )
    return tuple(ReportedValue(r.measure_id, r.period_end, r.value, r.evidence_link)
                 for r in rows)


def entries(session: Session, measure_id: str) -> list[ReportedEntry]:
    """Every version of every value of one measure: newest period first, then newest version
    (the page lists corrections under the value they replaced)."""
    return list(session.scalars(
        select(ReportedEntry).where(ReportedEntry.measure_id == measure_id)
        .order_by(ReportedEntry.period_end.desc(), ReportedEntry.version.desc())
    ))


def stored_values(engine: Engine) -> tuple[ReportedValue, ...]:
    """The values in force, or none when the database has no reported values table yet (a
    database from before reported measures, or none at all), so figures never fail for it."""
    from careassure.appdb.engine import transaction

    if not inspect(engine).has_table(ReportedEntry.__tablename__):
        return ()
    with transaction(engine) as session:
        return current_values(session)
