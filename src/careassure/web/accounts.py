"""Accounts: create, change and check users; every change audited in the same transaction.

Passwords are hashed with Argon2id (argon2-cffi's defaults, RFC 9106's recommended profile) and
re-hashed on the next sign-in when those defaults change. Audit rows never contain a hash: the
snapshot records only that the password changed, and when.
"""

from __future__ import annotations

import functools
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from careassure.appdb import record_change, snapshot, transaction
from careassure.web.roles import ADMIN, ROLES
from careassure.web.tables import LoginFailure, User, WebSession

USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,59}")
MIN_PASSWORD = 8  # NCSC and GOV.UK guidance: length over complexity rules
MAX_PASSWORD = 256  # bounds the work one sign-in attempt can cause
COMMON_PASSWORDS = "common_passwords.txt"
DEMO_USERS: tuple[tuple[str, str], ...] = (
    ("admin", "admin"),
    ("manager", "improvement_manager"),
    ("lead", "workstream_lead"),
    ("analyst", "analyst"),
    ("viewer", "viewer"),
)

_hasher = PasswordHasher()
# Verified against when the username is unknown, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("careassure-timing-equaliser")


class AccountError(ValueError):
    """An account change that cannot be made; the message says which field and why."""


def now() -> datetime:
    return datetime.now(UTC)


def aware(moment: datetime) -> datetime:
    """SQLite returns timestamps without their zone; every stored timestamp is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def check_username(username: str) -> str:
    name = username.strip().lower()
    if not USERNAME.fullmatch(name):
        raise AccountError(
            "Username must be 2 to 60 characters: lower-case letters, digits, dots, hyphens or "
            "underscores, starting with a letter or digit"
        )
    return name


def check_role(role: str) -> str:
    if role not in ROLES:
        raise AccountError(f"Role must be one of {', '.join(ROLES)} (not {role!r})")
    return role


@functools.cache
def _common_passwords() -> frozenset[str]:
    """The bundled list of passwords guessers try first (see the file's header)."""
    text = (Path(__file__).parent / COMMON_PASSWORDS).read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines()
                     if line.strip() and not line.startswith("#"))


def _guessable(password: str) -> bool:
    """A common password, ignoring case and the digits and punctuation people tack on, or one
    character repeated."""
    folded = password.strip().lower()
    core = folded.rstrip("0123456789!@#$%^&*?._-")
    common = _common_passwords()
    return folded in common or core in common or len(set(folded)) <= 1


def check_password(password: str) -> str:
    """Long enough (NCSC: length over composition rules), not whitespace padding, and not on the
    bundled list of common passwords."""
    if len(password.strip()) < MIN_PASSWORD:
        raise AccountError(f"Password must be at least {MIN_PASSWORD} characters, not counting "
                           "spaces at either end")
    if len(password) > MAX_PASSWORD:
        raise AccountError(f"Password must be at most {MAX_PASSWORD} characters")
    if _guessable(password):
        raise AccountError("Password is one of the first that guessers try: choose another, "
                           "for example three random words")
    return password


def _audit_state(user: User) -> dict[str, Any]:
    state = snapshot(user)
    state.pop("password_hash")
    return state


def get_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username.strip().lower()))


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def create_user(session: Session, actor: str, username: str, role: str, password: str) -> User:
    """Add an active account. Raises AccountError for a bad or taken name, role or password."""
    name = check_username(username)
    if get_user(session, name) is not None:
        raise AccountError(f"Username {name!r} is already taken")
    moment = now()
    user = User(
        username=name,
        role=check_role(role),
        password_hash=_hasher.hash(check_password(password)),
        active=True,
        created_at=moment,
        password_changed_at=moment,
        last_login_at=None,
    )
    session.add(user)
    session.flush()  # the audit row's snapshot carries the new id
    record_change(session, actor, "create", user, None, _audit_state(user))
    return user


def _active_admins(session: Session) -> int:
    return session.scalar(
        select(func.count()).select_from(User).where(User.role == ADMIN, User.active.is_(True))
    ) or 0


def update_user(
    session: Session,
    actor: str,
    username: str,
    *,
    role: str | None = None,
    active: bool | None = None,
    password: str | None = None,
) -> User:
    """Change an account's role, active flag or password. Refuses to leave no active admin.

    Deactivating an account, changing its role or resetting its password ends its sessions, so
    the change applies at once rather than when the person next signs in.
    """
    user = get_user(session, username)
    if user is None:
        raise AccountError(f"No user called {username!r}")
    before = _audit_state(user)
    if role is not None:
        user.role = check_role(role)
    if active is not None:
        user.active = active
    if password is not None:
        user.password_hash = _hasher.hash(check_password(password))
        user.password_changed_at = now()
    session.flush()
    if _active_admins(session) == 0:
        raise AccountError("At least one active administrator must remain")
    after = _audit_state(user)
    if after != before or password is not None:
        session.execute(delete(WebSession).where(WebSession.user_id == user.id))
        record_change(session, actor, "update", user, before, after)
    if password is not None or active:
        # An administrator's reset or reactivation lifts any sign-in throttling of the account.
        session.execute(delete(LoginFailure).where(LoginFailure.username == user.username))
    return user


def verify(user: User | None, password: str) -> bool:
    """Whether ``password`` is the user's, in the same time whether or not the user exists."""
    if len(password) > MAX_PASSWORD:
        return False
    try:
        return _hasher.verify(user.password_hash if user else _DUMMY_HASH, password) and (
            user is not None and user.active
        )
    except (VerificationError, InvalidHashError):
        return False


def rehash_if_needed(user: User, password: str) -> None:
    """Upgrade a hash made with older Argon2 parameters (not audited: nothing a person chose)."""
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)


def seed_demo_users(engine: Engine, password: str) -> list[tuple[str, str]]:
    """The demo's five accounts (admin, manager, lead, analyst, viewer), one per role, all with
    ``password``. Safe to repeat: existing demo accounts get the role, password and active flag
    back, so ``make demo`` always prints logins that work."""
    check_password(password)
    with transaction(engine) as session:
        for username, role in DEMO_USERS:
            if get_user(session, username) is None:
                create_user(session, "demo", username, role, password)
            else:
                update_user(session, "demo", username, role=role, active=True, password=password)
    return list(DEMO_USERS)
