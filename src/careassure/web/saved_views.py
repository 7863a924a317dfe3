"""Saved views: a reader's named filters for the overview or a measure page, kept per account in
the application database, each save and removal in the audit trail.

A view is the page's path and its query string (``/measures/x`` + ``?team=North``), so opening it
is following a link, and the query is checked again by the page when it is opened (a team that
no longer exists in the data is then a clear 400, not a silently different figure).
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlencode

from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from careassure.appdb.audit import record_change, snapshot
from careassure.appdb.base import Base
from careassure.measures import CATALOGUE

NAME_MAX, QUERY_MAX = 80, 2000


class SavedViewError(ValueError):
    """A view that cannot be saved, with the reason in words."""


class SavedView(Base):
    """One named view of one account."""

    __tablename__ = "saved_view"
    __table_args__ = (UniqueConstraint("user_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("web_user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    path: Mapped[str] = mapped_column(String(200))
    query: Mapped[str] = mapped_column(String(QUERY_MAX))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    @property
    def href(self) -> str:
        return self.path + self.query


def _page(path: str) -> str:
    """Only the pages with filters can be saved (an open redirect is not a view)."""
    if path == "/":
        return path
    prefix = "/measures/"
    if path.startswith(prefix) and path[len(prefix):] in CATALOGUE:
        return path
    raise SavedViewError("Only the overview and measure pages can be saved as views.")


def _query(query: str) -> str:
    pairs = parse_qsl(query.removeprefix("?"), keep_blank_values=False)
    text = urlencode(pairs)
    if len(text) + 1 > QUERY_MAX:
        raise SavedViewError("This view has too many filters to save.")
    return "?" + text if text else ""


def save_view(session: Session, user_id: int, actor: str, name: str, path: str,
              query: str) -> SavedView:
    """Save (or replace, under the same name) a view of the account ``user_id``."""
    name = " ".join(name.split())
    if not name:
        raise SavedViewError("Enter a name for the view.")
    if len(name) > NAME_MAX:
        raise SavedViewError(f"The view's name must be at most {NAME_MAX} characters.")
    path, query = _page(path), _query(query)
    view = session.scalar(
        select(SavedView).where(SavedView.user_id == user_id, SavedView.name == name)
    )
    if view is None:
        view = SavedView(user_id=user_id, name=name, path=path, query=query,
                         created_at=datetime.now(UTC))
        session.add(view)
        record_change(session, actor, "create", view, None, snapshot(view))
        return view
    before = snapshot(view)
    view.path, view.query, view.created_at = path, query, datetime.now(UTC)
    session.flush()
    record_change(session, actor, "update", view, before, snapshot(view))
    return view


def views_of(session: Session, user_id: int) -> list[SavedView]:
    return list(
        session.scalars(
            select(SavedView).where(SavedView.user_id == user_id).order_by(SavedView.name)
        )
    )


def delete_view(session: Session, user_id: int, actor: str, view_id: int) -> bool:
    """Remove one of the account's own views; False when it has none with that id."""
    view = session.get(SavedView, view_id)
    if view is None or view.user_id != user_id:
        return False
    record_change(session, actor, "delete", view, snapshot(view), None)
    session.delete(view)
    return True
