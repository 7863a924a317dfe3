"""The application database: what people enter (evidence, self-assessment, plans), audited.

SQLite in the home folder by default, PostgreSQL via ``CAREASSURE_DATABASE_URL``. Every module
that changes data opens :func:`transaction`, makes its change and calls :func:`record_change` in
the same session, so the change and its audit row commit together.

The names below load on first use (PEP 562), so that importing ``careassure.appdb.command`` for
the CLI does not import SQLAlchemy and Alembic and ``careassure --help`` stays instant.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "AuditEntry": "audit",
    "AuditTrailIsAppendOnly": "audit",
    "default_actor": "audit",
    "history": "audit",
    "record_change": "audit",
    "record_event": "audit",
    "snapshot": "audit",
    "Base": "base",
    "DATABASE_URL_ENV": "engine",
    "create_engine": "engine",
    "database_configured": "engine",
    "database_url": "engine",
    "display_url": "engine",
    "error_reason": "engine",
    "transaction": "engine",
    "DatabaseNotReady": "migrate",
    "current_revision": "migrate",
    "downgrade": "migrate",
    "head_revision": "migrate",
    "require_current": "migrate",
    "upgrade": "migrate",
}

__all__ = [
    "DATABASE_URL_ENV",
    "AuditEntry",
    "AuditTrailIsAppendOnly",
    "Base",
    "DatabaseNotReady",
    "create_engine",
    "current_revision",
    "database_configured",
    "database_url",
    "default_actor",
    "display_url",
    "downgrade",
    "error_reason",
    "head_revision",
    "history",
    "record_change",
    "record_event",
    "require_current",
    "snapshot",
    "transaction",
    "upgrade",
]

if TYPE_CHECKING:
    from careassure.appdb.audit import (
        AuditEntry,
        AuditTrailIsAppendOnly,
        default_actor,
        history,
        record_change,
        record_event,
        snapshot,
    )
    from careassure.appdb.base import Base
    from careassure.appdb.engine import (
        DATABASE_URL_ENV,
        create_engine,
        database_configured,
        database_url,
        display_url,
        error_reason,
        transaction,
    )
    from careassure.appdb.migrate import (
        DatabaseNotReady,
        current_revision,
        downgrade,
        head_revision,
        require_current,
        upgrade,
    )


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'careassure.appdb' has no attribute {name!r}")
    return getattr(importlib.import_module(f"careassure.appdb.{module}"), name)
