"""The audit trail: an append-only record of every change to the application database.

Assurance work is itself assured: a council must be able to show who changed a self-assessment
score or withdrew an evidence document, when, and what it said before. Every module writes its
audit row with :func:`record_change` in the same session (so the same transaction) as the change
itself, so a change and its audit row are committed or rolled back together.

Append-only is enforced twice: here, where the ORM refuses to update or delete an audit row (and
no function offers to), and in the database, where the migration installs triggers that refuse
UPDATE, DELETE (and, on PostgreSQL, TRUNCATE) whatever client is used.
"""

from __future__ import annotations

import getpass
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, DateTime, Index, String, event, inspect, select
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from careassure.appdb.base import Base

ACTIONS = ("create", "update", "delete")
# Events that change no row but must be on the trail: a read of personal-level data, and a
# refused attempt (a rejected command-line load).
EVENTS = ("read", "refuse")


class AuditTrailIsAppendOnly(RuntimeError):
    """Raised when code tries to change or remove an audit row."""


class AuditEntry(Base):
    """One change: who made it, when, to what, and the entity before and after."""

    __tablename__ = "audit_trail"
    __table_args__ = (Index(None, "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(20))
    entity_type: Mapped[str] = mapped_column(String(100))
    entity_id: Mapped[str] = mapped_column(String(200))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)


@event.listens_for(AuditEntry, "before_update")
def _refuse_update(_mapper: object, _connection: object, target: AuditEntry) -> None:
    raise AuditTrailIsAppendOnly(
        f"audit row {target.id} cannot be changed: the trail is append-only"
    )


@event.listens_for(AuditEntry, "before_delete")
def _refuse_delete(_mapper: object, _connection: object, target: AuditEntry) -> None:
    raise AuditTrailIsAppendOnly(
        f"audit row {target.id} cannot be deleted: the trail is append-only"
    )


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_changes(state: ORMExecuteState) -> None:
    """Bulk ``update(AuditEntry)`` / ``delete(AuditEntry)`` bypass the per-row events above."""
    if (state.is_update or state.is_delete) and state.bind_mapper is inspect(AuditEntry):
        raise AuditTrailIsAppendOnly("audit rows cannot be updated or deleted")


def default_actor() -> str:
    """Who is changing things when nobody says: the operating-system login name."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in some containers
        return "unknown"


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    return value


def snapshot(entity: object) -> dict[str, Any]:
    """The entity's column values as JSON-ready data, for the before/after of an audit row.

    Timestamps are stored in UTC; SQLite hands them back without their zone, so it is put back
    and the same moment always reads the same in the trail, whichever database holds it.
    """
    values = {}
    for attr in inspect(entity).mapper.column_attrs:
        value = getattr(entity, attr.key)
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        values[attr.key] = _json_value(value)
    return values


def record_change(
    session: Session,
    actor: str,
    action: str,
    entity: object,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
) -> AuditEntry:
    """Add the audit row for a change to ``entity`` (a mapped object) in ``session``.

    ``before``/``after`` are snapshots (see :func:`snapshot`); None for the side that does not
    exist (before a create, after a delete). New entities are flushed first so that the audit row
    carries their database id.
    """
    if action not in ACTIONS:
        raise ValueError(f"audit action must be one of {', '.join(ACTIONS)}, not {action!r}")
    if not actor or not actor.strip():
        raise ValueError("every change needs an actor")
    state = inspect(entity)
    if state.identity is None:
        session.flush()
    identity = state.identity
    entry = AuditEntry(
        at=datetime.now(UTC),
        actor=actor.strip(),
        action=action,
        entity_type=state.mapper.local_table.name,
        entity_id=",".join(str(part) for part in identity),
        before=_json_value(dict(before)) if before is not None else None,
        after=_json_value(dict(after)) if after is not None else None,
    )
    session.add(entry)
    return entry


def record_event(
    session: Session,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str,
    details: Mapping[str, Any],
) -> AuditEntry:
    """Add the audit row for an event that changes no row (``action`` one of :data:`EVENTS`):
    who read personal-level data or had a load refused, and what (``details``, shown as the
    row's "after"). ``entity_type`` names what was read or refused (``case_tracking``,
    ``store_load``), ``entity_id`` which one."""
    if action not in EVENTS:
        raise ValueError(f"audit event must be one of {', '.join(EVENTS)}, not {action!r}")
    if not actor or not actor.strip():
        raise ValueError("every event needs an actor")
    entry = AuditEntry(
        at=datetime.now(UTC),
        actor=actor.strip()[:200],
        action=action,
        entity_type=entity_type[:100],
        entity_id=entity_id[:200],
        before=None,
        after=_json_value(dict(details)),
    )
    session.add(entry)
    return entry


def history(session: Session, entity_type: str, entity_id: str | int) -> list[AuditEntry]:
    """Every audit row for one entity, oldest first."""
    query = (
        select(AuditEntry)
        .where(AuditEntry.entity_type == entity_type, AuditEntry.entity_id == str(entity_id))
        .order_by(AuditEntry.id)
    )
    return list(session.scalars(query))
