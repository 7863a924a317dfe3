"""The evidence library: documents and links the council would put in its information return,
tagged by quality statement, evidence category and (optionally) characteristic of Good councils.

Every change is audited in the same transaction. Items past their review-by date are stale: they
are listed, but do not count as current evidence in the completeness view or readiness.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from careassure.appdb import record_change, snapshot
from careassure.appdb.locks import lock_row
from careassure.evidence_files import store_file
from careassure.framework.model import EvidenceCategory, Framework, QualityStatement
from careassure.framework.tables import EvidenceItem, EvidenceLink

MAX_TITLE = 300
MAX_OWNER = 200
MAX_LINK = 2000


class EvidenceError(ValueError):
    """An evidence change that cannot be made; the message says which field and why."""


@dataclass(frozen=True)
class EvidenceView:
    """An evidence item as the CLI, reports and web app see it."""

    id: int
    title: str
    owner: str
    category: str
    statements: tuple[str, ...]
    characteristics: tuple[str, ...]
    evidence_date: date
    review_by: date | None
    link: str | None
    file_name: str | None
    file_sha256: str | None
    content_type: str | None
    size_bytes: int | None
    stale: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "owner": self.owner,
            "category": self.category,
            "statements": list(self.statements),
            "characteristics": list(self.characteristics),
            "evidence_date": self.evidence_date.isoformat(),
            "review_by": self.review_by.isoformat() if self.review_by else None,
            "stale": self.stale,
            "link": self.link,
            "file_name": self.file_name,
            "file_sha256": self.file_sha256,
            "content_type": self.content_type,
            "size_bytes": self.size_bytes,
        }


def is_stale(review_by: date | None, today: date) -> bool:
    """Past its review-by date (an item due for review today is still current)."""
    return review_by is not None and review_by < today


def _view(item: EvidenceItem, today: date) -> EvidenceView:
    return EvidenceView(
        id=item.id,
        title=item.title,
        owner=item.owner,
        category=item.category,
        statements=tuple(item.targets("statement")),
        characteristics=tuple(item.targets("characteristic")),
        evidence_date=item.evidence_date,
        review_by=item.review_by,
        link=item.link,
        file_name=item.file_name,
        file_sha256=item.file_sha256,
        content_type=item.content_type,
        size_bytes=item.size_bytes,
        stale=is_stale(item.review_by, today),
    )


def _audit_state(item: EvidenceItem) -> dict[str, Any]:
    return {
        **snapshot(item),
        "statements": item.targets("statement"),
        "characteristics": item.targets("characteristic"),
    }


def _text(field: str, value: str, limit: int) -> str:
    cleaned = " ".join(value.split())
    if not cleaned:
        raise EvidenceError(f"{field} is required")
    if len(cleaned) > limit:
        raise EvidenceError(f"{field} is longer than {limit} characters")
    return cleaned


def _lookup(kind: str, names: Iterable[str], find: Any) -> list[str]:
    try:
        return sorted({find(name).id for name in names})
    except LookupError as exc:
        raise EvidenceError(f"{kind}: {exc.args[0]}") from exc


def _statements(framework: Framework, names: Sequence[str]) -> list[str]:
    ids = _lookup("quality statement", names, framework.statement)
    if not ids:
        raise EvidenceError("link the item to at least one quality statement")
    return ids


def _category(framework: Framework, name: str) -> str:
    return _lookup("evidence category", [name], framework.category)[0]


def _link(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise EvidenceError(f"link {url!r} must be an http:// or https:// address")
    if len(url) > MAX_LINK or any(c.isspace() or ord(c) < 32 for c in url.strip()):
        raise EvidenceError(f"link {url[:80]!r} is not a valid address")
    return url.strip()


def _check_dates(evidence_date: date, review_by: date | None) -> None:
    if review_by is not None and review_by < evidence_date:
        raise EvidenceError(
            f"review-by date {review_by:%d/%m/%Y} is before the evidence date "
            f"{evidence_date:%d/%m/%Y}"
        )


def _set_links(item: EvidenceItem, kind: str, targets: Iterable[str]) -> None:
    wanted = set(targets)
    for link in [link for link in item.links if link.kind == kind and link.target not in wanted]:
        item.links.remove(link)
    present = {link.target for link in item.links if link.kind == kind}
    item.links.extend(EvidenceLink(kind=kind, target=t) for t in sorted(wanted - present))


def add_evidence(
    session: Session,
    framework: Framework,
    actor: str,
    *,
    title: str,
    owner: str,
    category: str,
    statements: Sequence[str],
    evidence_date: date,
    today: date,
    characteristics: Sequence[str] = (),
    review_by: date | None = None,
    link: str | None = None,
    file: BinaryIO | None = None,
    file_name: str | None = None,
    evidence_dir: Path | None = None,
) -> EvidenceView:
    """Register one item: a document (``file`` with its ``file_name``) or a ``link``.

    Every field is checked before the document is stored, and the document before the row is
    written, so a refused item leaves neither a row nor a file behind.
    """
    if (file is None) == (link is None):
        raise EvidenceError("give either a document or a link (exactly one)")
    if file is not None and not file_name:
        raise EvidenceError("a document needs its file name")
    values = {
        "title": _text("title", title, MAX_TITLE),
        "owner": _text("owner", owner, MAX_OWNER),
        "category": _category(framework, category),
    }
    statement_ids = _statements(framework, statements)
    characteristic_ids = _lookup("characteristic", characteristics, framework.characteristic)
    _check_dates(evidence_date, review_by)
    checked_link = _link(link) if link is not None else None
    stored = None
    if file is not None:
        stored = store_file(
            file,
            file_name or "",
            max_bytes=framework.evidence.max_bytes,
            allowed_types=framework.evidence.allowed_types,
            directory=evidence_dir,
        )
    now = datetime.now(UTC)
    item = EvidenceItem(
        **values,
        evidence_date=evidence_date,
        review_by=review_by,
        link=checked_link,
        file_sha256=stored.sha256 if stored else None,
        file_name=stored.display_name if stored else None,
        content_type=stored.content_type if stored else None,
        size_bytes=stored.size_bytes if stored else None,
        created_at=now,
        updated_at=now,
        links=[],
    )
    _set_links(item, "statement", statement_ids)
    _set_links(item, "characteristic", characteristic_ids)
    session.add(item)
    session.flush()
    record_change(session, actor, "create", item, None, _audit_state(item))
    return _view(item, today)


def _get(session: Session, item_id: int) -> EvidenceItem:
    item = session.get(EvidenceItem, item_id)
    if item is None:
        raise EvidenceError(f"no evidence item {item_id}")
    return item


def update_evidence(
    session: Session,
    framework: Framework,
    actor: str,
    item_id: int,
    *,
    today: date,
    title: str | None = None,
    owner: str | None = None,
    category: str | None = None,
    statements: Sequence[str] | None = None,
    characteristics: Sequence[str] | None = None,
    evidence_date: date | None = None,
    review_by: date | None = None,
) -> EvidenceView:
    """Change the given fields (None leaves a field as it is); the document itself never changes:
    a new version of a document is a new item."""
    item = _get(session, item_id)
    lock_row(session, item)  # the "before" of a change made at the same time is the other's after
    before = _audit_state(item)
    if title is not None:
        item.title = _text("title", title, MAX_TITLE)
    if owner is not None:
        item.owner = _text("owner", owner, MAX_OWNER)
    if category is not None:
        item.category = _category(framework, category)
    if evidence_date is not None:
        item.evidence_date = evidence_date
    if review_by is not None:
        item.review_by = review_by
    _check_dates(item.evidence_date, item.review_by)
    if statements is not None:
        _set_links(item, "statement", _statements(framework, statements))
    if characteristics is not None:
        ids = _lookup("characteristic", characteristics, framework.characteristic)
        _set_links(item, "characteristic", ids)
    after = _audit_state(item)
    if after != before:
        item.updated_at = datetime.now(UTC)
        session.flush()
        record_change(session, actor, "update", item, before, _audit_state(item))
    return _view(item, today)


def remove_evidence(session: Session, actor: str, item_id: int) -> None:
    """Withdraw an item. Its document stays on disk, so the audit trail can still point to it."""
    item = _get(session, item_id)
    record_change(session, actor, "delete", item, _audit_state(item), None)
    session.delete(item)
    session.flush()


def list_evidence(
    session: Session,
    today: date,
    *,
    statement: str | None = None,
    category: str | None = None,
    characteristic: str | None = None,
    stale_only: bool = False,
) -> list[EvidenceView]:
    """Items in id order, optionally only those for one statement/category/characteristic id or
    only the stale ones."""
    views = [
        _view(item, today)
        for item in session.scalars(select(EvidenceItem).order_by(EvidenceItem.id))
    ]
    return [
        v
        for v in views
        if (statement is None or statement in v.statements)
        and (category is None or v.category == category)
        and (characteristic is None or characteristic in v.characteristics)
        and (not stale_only or v.stale)
    ]


@dataclass(frozen=True)
class Cell:
    current: int
    stale: int


@dataclass(frozen=True)
class Completeness:
    """Current and stale items per quality statement and evidence category."""

    today: date
    statements: tuple[QualityStatement, ...]
    categories: tuple[EvidenceCategory, ...]
    cells: dict[tuple[str, str], Cell]
    stale_items: tuple[EvidenceView, ...]
    total_items: int

    def missing(self, statement_id: str) -> list[str]:
        """Categories required for every statement that this statement has no current item in."""
        return [
            c.id
            for c in self.categories
            if c.required_for_every_statement and self.cells[(statement_id, c.id)].current == 0
        ]

    def lacking(self, category_id: str) -> list[str]:
        """Statements with no current item in a category."""
        return [s.id for s in self.statements if self.cells[(s.id, category_id)].current == 0]

    def to_json(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "total_items": self.total_items,
            "categories": [
                {"id": c.id, "name": c.name, "required": c.required_for_every_statement}
                for c in self.categories
            ],
            "statements": [
                {
                    "id": s.id,
                    "code": s.code,
                    "name": s.name,
                    "cells": {
                        c.id: {
                            "current": self.cells[(s.id, c.id)].current,
                            "stale": self.cells[(s.id, c.id)].stale,
                        }
                        for c in self.categories
                    },
                    "missing_required": self.missing(s.id),
                }
                for s in self.statements
            ],
            "lacking": {c.id: self.lacking(c.id) for c in self.categories},
            "stale_items": [v.to_json() for v in self.stale_items],
        }


def completeness(session: Session, framework: Framework, today: date) -> Completeness:
    """The information-return view: which statement x category cells have current evidence,
    which statements lack a required category (people's experience), which items are stale."""
    items = list_evidence(session, today)
    categories = framework.categories_in_use
    counts = {(s.id, c.id): [0, 0] for s in framework.statements for c in categories}
    for item in items:
        for statement_id in item.statements:
            cell = counts.get((statement_id, item.category))
            if cell is not None:
                cell[1 if item.stale else 0] += 1
    return Completeness(
        today=today,
        statements=framework.statements,
        categories=categories,
        cells={key: Cell(*value) for key, value in counts.items()},
        stale_items=tuple(v for v in items if v.stale),
        total_items=len(items),
    )
