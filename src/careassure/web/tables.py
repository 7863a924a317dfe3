"""The web app's tables in the application database: accounts, sessions, failed sign-ins and the
log of extracts uploaded through the data page.

Sessions live in the database rather than in a signed cookie so that signing out, deactivating an
account or changing a role takes effect at once on every worker, and the cookie carries nothing
but a random id. Only the id's SHA-256 is stored, so a copy of the database holds no usable
session. Failed sign-ins are rows (not counters) so that every worker sees the same lock-out
without a read-modify-write race.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from careassure.appdb.base import Base
from careassure.web.roles import ROLES

_ROLE_CHECK = "role IN (" + ", ".join(f"'{role}'" for role in ROLES) + ")"


class User(Base):
    """A person who signs in. Accounts are deactivated, never deleted, so the audit trail's
    actor names always resolve to an account."""

    __tablename__ = "web_user"
    __table_args__ = (CheckConstraint(_ROLE_CHECK, name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    role: Mapped[str] = mapped_column(String(30))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    password_changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class WebSession(Base):
    """A signed-in browser: the SHA-256 of the cookie's random id, whose account, until when."""

    __tablename__ = "web_session"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("web_user.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    client_ip: Mapped[str] = mapped_column(String(64))


class LoginFailure(Base):
    """One failed sign-in, counted per username and per client address for the lock-out."""

    __tablename__ = "web_login_failure"
    __table_args__ = (Index(None, "username", "at"), Index(None, "client_ip", "at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    username: Mapped[str] = mapped_column(String(200))
    client_ip: Mapped[str] = mapped_column(String(64))


class DataUpload(Base):
    """An extract uploaded on the data page, accepted or rejected (the store's load log only
    holds accepted loads; the council also needs to see who tried to load what)."""

    __tablename__ = "web_data_upload"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    uploaded_by: Mapped[str] = mapped_column(String(60))
    file_name: Mapped[str] = mapped_column(String(255))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    accepted: Mapped[bool] = mapped_column(Boolean)
    load_id: Mapped[str | None] = mapped_column(String(64))
    error_count: Mapped[int] = mapped_column(Integer)
    rows: Mapped[int] = mapped_column(BigInteger)
