"""Server-side sessions: a random id in the cookie, its SHA-256 and the account in the database.

Why not a signed cookie holding the user: signing out, deactivating an account or changing its
role must take effect at once on every worker, which a self-contained cookie cannot do until it
expires. The cookie is Secure (outside local testing), HttpOnly and SameSite=Lax, and carries 256
random bits and nothing else.

A session ends 12 hours after sign-in (a working day) or after 2 hours unused. ``last_seen_at``
is written at most once every 5 minutes, so an ordinary page view costs one indexed read.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from careassure.appdb import record_change, transaction
from careassure.web.accounts import aware, now
from careassure.web.tables import User, WebSession

COOKIE_NAME = "careassure_session"
LIFETIME = timedelta(hours=12)
IDLE_TIMEOUT = timedelta(hours=2)
TOUCH_EVERY = timedelta(minutes=5)


@dataclass(frozen=True)
class SignedIn:
    """Who is signed in, as the pages see it (detached from any database session)."""

    user_id: int
    username: str
    role: str


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def start_session(session: Session, user: User, client_ip: str) -> str:
    """Open a session for ``user`` (audited as a sign-in) and return the cookie's token."""
    token = secrets.token_urlsafe(32)
    moment = now()
    row = WebSession(
        id_hash=_hash(token),
        user_id=user.id,
        created_at=moment,
        last_seen_at=moment,
        expires_at=moment + LIFETIME,
        client_ip=client_ip[:64],
    )
    session.add(row)
    record_change(
        session, user.username, "create", row, None,
        {"event": "sign in", "username": user.username, "client_ip": row.client_ip,
         "expires_at": row.expires_at},
    )
    return token


def end_session(engine: Engine, token: str) -> None:
    """Delete the session (audited as a sign-out); nothing happens for an unknown token."""
    with transaction(engine) as session:
        row = session.get(WebSession, _hash(token))
        if row is None:
            return
        user = session.get(User, row.user_id)
        actor = user.username if user else "unknown"
        record_change(session, actor, "delete", row,
                      {"event": "sign out", "username": actor, "client_ip": row.client_ip}, None)
        session.delete(row)


def signed_in(engine: Engine, token: str | None) -> SignedIn | None:
    """The active account behind a cookie's token, or None (unknown, expired, idle or inactive)."""
    if not token or len(token) > 100:
        return None
    with transaction(engine) as session:
        found = session.execute(
            select(WebSession, User)
            .join(User, User.id == WebSession.user_id)
            .where(WebSession.id_hash == _hash(token))
        ).first()
        if found is None:
            return None
        row, user = found
        moment = now()
        last_seen = aware(row.last_seen_at)
        if not user.active or aware(row.expires_at) <= moment or last_seen + IDLE_TIMEOUT <= moment:
            session.delete(row)
            return None
        if moment - last_seen >= TOUCH_EVERY:
            row.last_seen_at = moment
        return SignedIn(user.id, user.username, user.role)


def purge_expired(session: Session) -> None:
    """Remove sessions past their lifetime (run at each sign-in, so the table stays small)."""
    session.execute(delete(WebSession).where(WebSession.expires_at <= now()))
