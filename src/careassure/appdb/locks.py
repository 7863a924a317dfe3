"""Taking the write lock on one row before reading its "before" state for the audit trail.

Two people changing one item at once must not both read the old value: the trail would record
wrong "before" values, and two inserts keyed on the item would collide. Every service that makes
an audited change to an existing row (the plan, the self-assessment) locks it first with
:func:`lock_row`, in the transaction that will write the change and its audit row.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session


def lock_row(session: Session, row: Any) -> None:
    """Take the write lock on ``row`` and re-read it.

    PostgreSQL locks the row (SELECT ... FOR UPDATE, which also returns the latest committed
    values). SQLite reads outside any transaction until a statement writes, so a write that
    changes nothing comes first: it takes the database's write lock (a second writer waits for
    the first to commit) and makes the re-read current. The row's table must have a
    single primary-key column.
    """
    mapper = row.__mapper__
    (pk,) = mapper.primary_key
    if session.get_bind().dialect.name == "sqlite":
        table = row.__table__
        key = getattr(row, mapper.get_property_by_column(pk).key)
        session.execute(table.update().where(pk == key).values({pk.name: pk}))
    session.refresh(row, with_for_update=True)
