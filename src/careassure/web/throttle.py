"""Sign-in lock-out: too many failures for one username, or from one address, lock it for a while.

Failures are rows in the application database, so every worker (and every server behind a load
balancer) counts the same ones. A username locks after 5 failures within 15 minutes, an address
after 20: many staff share one office address, and one person's typos must not lock the office
out, while 20 still stops guessing at any useful rate. The lock lifts 15 minutes after the
failure that set it; attempts during a lock are refused without checking the password, so they
neither succeed nor extend it. A correct sign-in clears its username's failures.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from careassure.appdb import record_change
from careassure.web.accounts import aware, now
from careassure.web.tables import LoginFailure

WINDOW = timedelta(minutes=15)
USERNAME_LIMIT = 5
ADDRESS_LIMIT = 20
KEEP = timedelta(days=1)


def _locked_until(session: Session, column: object, value: str, limit: int) -> datetime | None:
    since = now() - WINDOW
    times = session.scalars(
        select(LoginFailure.at)
        .where(column == value, LoginFailure.at > since)  # type: ignore[operator]
        .order_by(LoginFailure.at.desc())
        .limit(limit)
    ).all()
    if len(times) < limit:
        return None
    return aware(times[-1]) + WINDOW


def locked_until(session: Session, username: str, client_ip: str) -> datetime | None:
    """When the lock on this username or address lifts, or None when neither is locked."""
    locks = [
        _locked_until(session, LoginFailure.username, username.strip().lower()[:200],
                      USERNAME_LIMIT),
        _locked_until(session, LoginFailure.client_ip, client_ip[:64], ADDRESS_LIMIT),
    ]
    found = [lock for lock in locks if lock is not None]
    return max(found) if found else None


def record_failure(session: Session, username: str, client_ip: str) -> None:
    """Count a failed sign-in (audited) and drop failures too old to matter."""
    session.execute(delete(LoginFailure).where(LoginFailure.at < now() - KEEP))
    failure = LoginFailure(at=now(), username=username.strip().lower()[:200],
                           client_ip=client_ip[:64])
    session.add(failure)
    record_change(session, "anonymous", "create", failure, None,
                  {"event": "failed sign in", "username": failure.username,
                   "client_ip": failure.client_ip})


def clear_failures(session: Session, username: str) -> None:
    session.execute(delete(LoginFailure).where(LoginFailure.username == username))
