"""What every report builder shares: the document header and the way dates are written."""

from __future__ import annotations

from datetime import UTC, date, datetime

from careassure.reports.document import Document, Meta
from careassure.reports.settings import ReportSettings


def long_date(day: date) -> str:
    """29 December 2025: how committee papers write a date in prose."""
    return f"{day.day} {day:%B %Y}"


def short_date(day: date) -> str:
    """29/12/2025."""
    return day.strftime("%d/%m/%Y")


def new_document(
    kind: str,
    title: str,
    subtitle: str,
    settings: ReportSettings,
    *,
    as_of: date,
    extract_date: date | None,
    publish: bool,
    header_lines: tuple[str, ...] = (),
    generated_at: datetime | None = None,
) -> Document:
    return Document(
        Meta(
            council=settings.council,
            kind=kind,
            title=title,
            subtitle=subtitle,
            as_of=as_of,
            extract_date=extract_date,
            generated_at=generated_at or datetime.now(UTC),
            published=publish,
            header_lines=header_lines,
        )
    )
