"""Reported measures declared on the admin page: added, edited, retired, each save a new version
with its audit row, and handed to the measures layer as plain data.

The council's file (``CAREASSURE_REPORTED_MEASURES``) stays the reviewed configuration; the admin
page lets an administrator declare a measure without a deployment. Both are held to the same
rules (:func:`careassure.measures.reported.check_declaration`), and an id lives in one place
only: a measure in the file cannot be declared or edited here (the file wins if one is added to
it later). A measure with values keeps its unit and frequency, and its range must hold every
value entered, so no figure already shown changes meaning; retiring one keeps its history and
figures and stops values being due.

:func:`sync` is how the web app and the command line bring the measures layer up to date: it
reads the newest declaration row's id (one small query) and hands the declarations down only
when that changed.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, inspect, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from careassure.appdb.audit import record_change, snapshot
from careassure.appdb.engine import transaction
from careassure.measures.reported import (
    DeclarationError,
    ReportedMeasure,
    check_declaration,
    declarations_path,
    reported_measures,
    use_app_declarations,
)
from careassure.reported.tables import ReportedDeclaration, ReportedEntry

# The declaration's fields as the admin form and the table name them (the id is apart: it is
# chosen once and never changes).
FIELDS = ("title", "definition", "unit", "direction", "frequency", "owner_role", "owner",
          "source", "minimum", "maximum", "first_period", "due_days")
# What cannot change once values are entered: they would change what the values mean.
FIXED_WITH_VALUES = ("unit", "frequency")


class DeclarationConflict(Exception):
    """A save of a declaration that someone else changed since the form was opened: the form's
    version is older than the one in force, or another save of the same version won the race to
    the database. It names the version in force now, who saved it and when (read when raised:
    the refused save's transaction is rolled back after); nothing of the refused save was
    written."""

    def __init__(self, current: ReportedDeclaration) -> None:
        self.measure_id = current.measure_id
        self.version = current.version
        self.saved_by = current.saved_by
        self.saved_at = current.saved_at
        super().__init__(f"{self.measure_id} was changed by {self.saved_by} since it was "
                         f"opened (now version {self.version})")


def _measure(row: ReportedDeclaration) -> ReportedMeasure:
    return check_declaration({"id": row.measure_id, "retired": row.retired}
                             | {name: getattr(row, name) for name in FIELDS})


def _latest_rows(session: Session) -> list[ReportedDeclaration]:
    newest = (select(ReportedDeclaration.measure_id,
                     func.max(ReportedDeclaration.version).label("version"),
                     func.min(ReportedDeclaration.id).label("first"))
              .group_by(ReportedDeclaration.measure_id).subquery())
    return list(session.scalars(
        select(ReportedDeclaration).join(
            newest, (ReportedDeclaration.measure_id == newest.c.measure_id)
            & (ReportedDeclaration.version == newest.c.version))
        .order_by(newest.c.first)))


def declared(session: Session) -> tuple[ReportedMeasure, ...]:
    """Every measure declared on the admin page, as its latest version says, in the order they
    were first declared."""
    return tuple(_measure(row) for row in _latest_rows(session))


def versions(session: Session, measure_id: str) -> list[ReportedDeclaration]:
    """Every saved version of one declaration, newest first (the edit page lists them)."""
    return list(session.scalars(
        select(ReportedDeclaration).where(ReportedDeclaration.measure_id == measure_id)
        .order_by(ReportedDeclaration.version.desc())))


def _latest(session: Session, measure_id: str) -> ReportedDeclaration | None:
    found = versions(session, measure_id)
    return found[0] if found else None


def _in_file(measure_id: str) -> bool:
    return any(m.id == measure_id for m in reported_measures(declarations_path()))


def _entered(session: Session, measure_id: str) -> list[float]:
    """The values of every version entered for the measure (a correction's old value too: it
    stays on the page in the measure's unit)."""
    return list(session.scalars(select(ReportedEntry.value)
                                .where(ReportedEntry.measure_id == measure_id)))


def _write(session: Session, actor: str, measure: ReportedMeasure,
           before: ReportedDeclaration | None) -> ReportedDeclaration:
    row = ReportedDeclaration(
        measure_id=measure.id, version=before.version + 1 if before is not None else 1,
        title=measure.title, definition=measure.definition, unit=measure.unit,
        direction=measure.direction, frequency=measure.frequency,
        owner_role=measure.owner_role, owner=measure.owner, source=measure.source,
        minimum=measure.minimum, maximum=measure.maximum, first_period=measure.first_period,
        due_days=measure.due_days, retired=measure.retired, saved_by=actor,
        saved_at=datetime.now(UTC),
    )
    session.add(row)
    session.flush()
    record_change(session, actor, "update" if before is not None else "create", row,
                  snapshot(before) if before is not None else None, snapshot(row))
    return row


def declare(session: Session, actor: str, fields: Mapping[str, Any]) -> ReportedDeclaration:
    """Declare a new measure (``fields``: ``id`` and :data:`FIELDS`, typed); raises
    :class:`DeclarationError` naming the field at fault."""
    measure = check_declaration(dict(fields) | {"retired": False})
    if _in_file(measure.id):
        raise DeclarationError("id", f"{measure.id} is declared in the council's reported "
                               "measures file: choose another id")
    if _latest(session, measure.id) is not None:
        raise DeclarationError("id", f"{measure.id} is already declared on this page: change "
                               "it from its own page")
    return _write(session, actor, measure, None)


def _opened_at(session: Session, measure_id: str, opened: int) -> ReportedDeclaration:
    """The version in force, when it is the one the form was opened at (``opened``); else
    :class:`DeclarationConflict`. KeyError for an unknown id."""
    before = _latest(session, measure_id)
    if before is None:
        raise KeyError(measure_id)
    if before.version != opened:
        raise DeclarationConflict(before)
    return before


def edit(session: Session, actor: str, measure_id: str, fields: Mapping[str, Any], *,
         opened: int) -> ReportedDeclaration | None:
    """Save new values of :data:`FIELDS` as the next version; None when nothing changed.
    ``opened`` is the version the form was opened at: a save against an older one raises
    :class:`DeclarationConflict` (saving over it would undo a change its author never saw).
    Raises :class:`DeclarationError` naming the field, and KeyError for an unknown id."""
    before = _opened_at(session, measure_id, opened)
    current = _measure(before)
    measure = check_declaration(dict(fields) | {"id": measure_id, "retired": current.retired})
    values = _entered(session, measure_id)
    if values:
        for name in FIXED_WITH_VALUES:
            if getattr(measure, name) != getattr(current, name):
                raise DeclarationError(name, f"{name.replace('_', ' ').capitalize()} cannot "
                                       "change: values are already entered in the "
                                       f"{getattr(current, name)} {name}")
        low, high = min(values), max(values)
        if measure.minimum > low:
            raise DeclarationError("minimum", f"Minimum must be {low:g} or less: a value of "
                                   f"{low:g} is already entered")
        if measure.maximum < high:
            raise DeclarationError("maximum", f"Maximum must be {high:g} or more: a value of "
                                   f"{high:g} is already entered")
    if measure == current:
        return None
    return _write(session, actor, measure, before)


def set_retired(session: Session, actor: str, measure_id: str, retired: bool, *,
                opened: int) -> ReportedDeclaration | None:
    """Retire a measure (no more values due or accepted; history and figures kept) or bring it
    back; None when it already was. ``opened`` as for :func:`edit`; KeyError for an unknown
    id."""
    before = _opened_at(session, measure_id, opened)
    current = _measure(before)
    if current.retired == retired:
        return None
    return _write(session, actor, check_declaration(
        {"id": measure_id, "retired": retired}
        | {name: getattr(current, name) for name in FIELDS}), before)


@contextmanager
def saving(engine: Engine, measure_id: str) -> Iterator[Session]:
    """The transaction of one save of ``measure_id``'s declaration. Two saves opened at the same
    version and sent at once both pass the version check; the table's unique (measure, version)
    lets the first in and refuses the second, whether at its write or at its commit. That
    refusal becomes :class:`DeclarationConflict` with the version that won, as a stale form's
    does, so the second administrator sees what changed rather than a server error."""
    try:
        with transaction(engine) as session:
            yield session
    except IntegrityError:
        with Session(engine) as session:
            current = _latest(session, measure_id)
        if current is None:  # not a race on this measure's versions: a fault to report
            raise
        raise DeclarationConflict(current) from None


# --- handing the declarations to the measures layer ---------------------------------------------

_handed_down: tuple[Any, ...] | None = None  # (database, newest row id, its time) last read
_tables: set[str] = set()  # databases known to have the table
_sync_lock = threading.Lock()


def sync(engine: Engine) -> None:
    """Hand the admin page's declarations to the measures layer when they changed since the
    last call (the newest row says so: one small query). A database without the table (one from
    before this version, or none yet) declares nothing."""
    global _handed_down
    url = engine.url.render_as_string(hide_password=True)
    with _sync_lock:
        if url not in _tables:
            if not inspect(engine).has_table(ReportedDeclaration.__tablename__):
                use_app_declarations(())
                _handed_down = (url, None, None)
                return
            _tables.add(url)
        with Session(engine) as session:
            newest = session.execute(
                select(ReportedDeclaration.id, ReportedDeclaration.saved_at)
                .order_by(ReportedDeclaration.id.desc()).limit(1)).first()
            key = (url, *(newest or (None, None)))
            if key == _handed_down:
                return
            found = declared(session)
        use_app_declarations(found)
        _handed_down = key


def forget() -> None:
    """Withdraw the declarations handed down, so the next :func:`sync` reads them afresh (a
    process that moves to another database: the tests, one database each)."""
    global _handed_down
    with _sync_lock:
        use_app_declarations(())
        _handed_down = None
        _tables.clear()
