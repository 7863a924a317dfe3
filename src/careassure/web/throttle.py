"""Sign-in throttling: guesses are slowed per username and address, never the account as a whole.

A lock on the username alone let anyone lock any account (the administrator's included) with
five wrong passwords, so the real person could not sign in. Here failures are counted per
username *and* address: after 5 within 15 minutes that pair waits before its next try, 30
seconds at first, doubling with each further failure up to 15 minutes. The same person at
another address (or the real user, when the guesser is elsewhere) signs in as usual. An address
is also slowed after 20 failures across usernames (guessing many accounts from one place): many
staff share one office address, and one person's typos must not stop the office, while 20 still
stops guessing at any useful rate.

Failures are rows in the application database, so every worker counts the same ones. Every
refused try is recorded and audited like a failure (and so lengthens its own wait): a guesser
cannot hide tries in a lock. A correct sign-in clears its pair's failures; an administrator's
password reset or reactivation clears every failure of the account (:func:`clear_failures`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from careassure.appdb import record_change
from careassure.web.accounts import aware, now
from careassure.web.tables import LoginFailure

WINDOW = timedelta(minutes=15)
PAIR_LIMIT = 5
ADDRESS_LIMIT = 20
FIRST_WAIT = timedelta(seconds=30)
LONGEST_WAIT = timedelta(minutes=15)
KEEP = timedelta(days=1)


def _name(username: str) -> str:
    return username.strip().lower()[:200] or "(blank)"


def _wait(failures: int, limit: int) -> timedelta:
    """How long to wait after the ``failures``-th failure: doubling from FIRST_WAIT."""
    doublings = min(failures - limit, 20)
    return min(FIRST_WAIT * 2**doublings, LONGEST_WAIT)


def _until(session: Session, where: list[object], limit: int) -> datetime | None:
    since = now() - WINDOW
    count, last = session.execute(
        select(func.count(), func.max(LoginFailure.at)).where(
            LoginFailure.at > since, *where)  # type: ignore[arg-type]
    ).one()
    if count < limit:
        return None
    until = aware(last) + _wait(count, limit)
    return until if until > now() else None


def locked_until(session: Session, username: str, client_ip: str) -> datetime | None:
    """When this username may next be tried from this address, or None when it may now."""
    address = client_ip[:64]
    waits = [
        _until(session, [LoginFailure.username == _name(username),
                         LoginFailure.client_ip == address], PAIR_LIMIT),
        _until(session, [LoginFailure.client_ip == address], ADDRESS_LIMIT),
    ]
    found = [wait for wait in waits if wait is not None]
    return max(found) if found else None


def record_failure(session: Session, username: str, client_ip: str, *,
                   refused: bool = False) -> None:
    """Count a failed (or, ``refused``, a throttled) sign-in, audited, and drop failures too old
    to matter."""
    session.execute(delete(LoginFailure).where(LoginFailure.at < now() - KEEP))
    failure = LoginFailure(at=now(), username=_name(username), client_ip=client_ip[:64])
    session.add(failure)
    event = "sign in refused: too many failures" if refused else "failed sign in"
    record_change(session, "anonymous", "create", failure, None,
                  {"event": event, "username": failure.username,
                   "client_ip": failure.client_ip})


def clear_failures(session: Session, username: str, client_ip: str | None = None) -> None:
    """Forget the account's failures: from one address (a correct sign-in there) or all of them
    (an administrator's reset)."""
    where = [LoginFailure.username == _name(username)]
    if client_ip is not None:
        where.append(LoginFailure.client_ip == client_ip[:64])
    session.execute(delete(LoginFailure).where(*where))
