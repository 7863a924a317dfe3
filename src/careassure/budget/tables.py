"""The MTFS ledger's tables in the application database.

A version holds its lines (growth, savings, transfers: amounts per year as a JSON list of whole
£000, cumulative, because a line's years are always read, checked and compared together), the
revenue budget's service lines (whole pounds, one column per printed column), the capital
programme, the Better Care Fund's sources and the totals the paper printed (kept as printed so
that every page and export shows the committee's figure; the checks say how far it is from the
sum of its lines). Stars are not stored: they are computed by comparing a version with its
``previous_key`` version. A plan link names a plan item by path and a budget line by reference,
so it holds across MTFS versions (G15 funds the CQC improvement plan in every version that has a
G15).

Nothing here describes a person: owners are staff roles or names.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from careassure.appdb.base import Base
from careassure.budget.model import (
    APPENDICES,
    CLASSIFICATIONS,
    CLIENT_GROUPS,
    DELIVERY_STATUSES,
    LINE_TYPES,
    MAX_KEY,
    MAX_REFERENCE,
    MAX_TEXT,
    STATUTORY_CODES,
)

LINK_ROLES = ("funds", "delivers")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _version_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("budget_version.id", ondelete="CASCADE"), index=True)


class BudgetVersion(Base):
    """One MTFS as a committee saw it."""

    __tablename__ = "budget_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(MAX_KEY), unique=True)
    title: Mapped[str] = mapped_column(String(MAX_TEXT))
    department: Mapped[str] = mapped_column(String(MAX_TEXT))
    first_year: Mapped[int] = mapped_column(Integer)
    years: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(MAX_TEXT))
    published_on: Mapped[date] = mapped_column(Date)
    prior_year_budget: Mapped[int] = mapped_column(BigInteger)
    previous_key: Mapped[str | None] = mapped_column(String(MAX_KEY))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    lines: Mapped[list[BudgetLine]] = relationship(
        cascade="all, delete-orphan", order_by="BudgetLine.position", lazy="selectin"
    )
    revenue: Mapped[list[RevenueLine]] = relationship(
        cascade="all, delete-orphan", order_by="RevenueLine.position", lazy="selectin"
    )
    capital: Mapped[list[CapitalLine]] = relationship(
        cascade="all, delete-orphan", order_by="CapitalLine.position", lazy="selectin"
    )
    funding: Mapped[list[FundingLine]] = relationship(
        cascade="all, delete-orphan", order_by="FundingLine.position", lazy="selectin"
    )
    totals: Mapped[list[PrintedTotal]] = relationship(
        cascade="all, delete-orphan", order_by="PrintedTotal.position", lazy="selectin"
    )


class BudgetLine(Base):
    """A growth, saving or transfer line with its cumulative amounts per year (£000)."""

    __tablename__ = "budget_line"
    __table_args__ = (
        UniqueConstraint("version_id", "reference"),
        CheckConstraint(_in("type", LINE_TYPES), name="type"),
        CheckConstraint(f"classification IS NULL OR {_in('classification', CLASSIFICATIONS)}",
                        name="classification"),
        CheckConstraint(f"client_group IS NULL OR {_in('client_group', CLIENT_GROUPS)}",
                        name="client_group"),
        CheckConstraint(
            f"delivery_status IS NULL OR {_in('delivery_status', DELIVERY_STATUSES)}",
            name="delivery_status",
        ),
        CheckConstraint("printed_star IS NULL OR printed_star IN ('', '*', '**')",
                        name="printed_star"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = _version_fk()
    position: Mapped[int] = mapped_column(Integer)
    reference: Mapped[str] = mapped_column(String(MAX_REFERENCE))
    type: Mapped[str] = mapped_column(String(20))
    section: Mapped[str] = mapped_column(String(MAX_TEXT))
    classification: Mapped[str | None] = mapped_column(String(10))
    client_group: Mapped[str | None] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(MAX_TEXT))
    owner: Mapped[str | None] = mapped_column(String(200))
    printed_star: Mapped[str | None] = mapped_column(String(2))
    amounts: Mapped[list[int]] = mapped_column(JSON)
    delivery_status: Mapped[str | None] = mapped_column(String(20))
    delivery_reason: Mapped[str | None] = mapped_column(Text)


class RevenueLine(Base):
    """One service line of the revenue budget, whole pounds as printed."""

    __tablename__ = "budget_revenue_line"
    __table_args__ = (
        CheckConstraint(f"statutory IS NULL OR {_in('statutory', STATUTORY_CODES)}",
                        name="statutory"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = _version_fk()
    position: Mapped[int] = mapped_column(Integer)
    division: Mapped[str] = mapped_column(String(MAX_TEXT))
    section: Mapped[str] = mapped_column(String(MAX_TEXT))
    service: Mapped[str] = mapped_column(String(MAX_TEXT))
    statutory: Mapped[str | None] = mapped_column(String(1))
    net_prior_year: Mapped[int] = mapped_column(BigInteger)
    employees: Mapped[int] = mapped_column(BigInteger)
    running_expenses: Mapped[int] = mapped_column(BigInteger)
    internal_income: Mapped[int] = mapped_column(BigInteger)
    gross: Mapped[int] = mapped_column(BigInteger)
    external_income: Mapped[int] = mapped_column(BigInteger)
    net: Mapped[int] = mapped_column(BigInteger)


class CapitalLine(Base):
    """One scheme of the capital programme (£000 per year)."""

    __tablename__ = "budget_capital_line"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = _version_fk()
    position: Mapped[int] = mapped_column(Integer)
    programme: Mapped[str] = mapped_column(String(MAX_TEXT))
    scheme: Mapped[str] = mapped_column(String(MAX_TEXT))
    completion: Mapped[str | None] = mapped_column(String(20))
    gross_cost: Mapped[int] = mapped_column(BigInteger)
    amounts: Mapped[list[int]] = mapped_column(JSON)


class FundingLine(Base):
    """One source of the Better Care Fund in the version's first year (£000)."""

    __tablename__ = "budget_funding"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = _version_fk()
    position: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(MAX_TEXT))
    amount: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(Text)


class PrintedTotal(Base):
    """A total as the paper printed it (see :class:`careassure.budget.model.PublishedTotal`)."""

    __tablename__ = "budget_total"
    __table_args__ = (CheckConstraint(_in("appendix", APPENDICES), name="appendix"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = _version_fk()
    position: Mapped[int] = mapped_column(Integer)
    appendix: Mapped[str] = mapped_column(String(20))
    scope: Mapped[str] = mapped_column(String(MAX_TEXT))
    column_name: Mapped[str] = mapped_column(String(40))
    amount: Mapped[int] = mapped_column(BigInteger)


class PlanLink(Base):
    """A plan area or action (by path) funded by, or delivering, a budget line (by reference)."""

    __tablename__ = "budget_plan_link"
    __table_args__ = (
        UniqueConstraint("plan_id", "path", "reference"),
        CheckConstraint(_in("role", LINK_ROLES), name="role"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(String(130))
    reference: Mapped[str] = mapped_column(String(MAX_REFERENCE), index=True)
    role: Mapped[str] = mapped_column(String(10))

