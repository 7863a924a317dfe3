"""Published national figures and comparator groups in the application database.

``national_import`` records each file imported (who, when, what it held); ``national_figure``
holds the figures, one per council, measure and period, each pointing at the import that brought
it. A new file replaces whole sets: every (measure, period) it holds replaces the stored figures
of that measure and period, so a year's figures always come from one file and medians and ranks
are computed over one consistent set; other periods stay, so several years are kept.

``comparator_group`` holds groups of councils: the nearest neighbours imported from a file (kind
``nearest_neighbours``, one group per council, named by its code) and the groups a council defines
itself (kind ``council``, named as the council chooses). Members are a JSON list of ONS codes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from careassure.appdb.base import Base

GROUP_KINDS = ("nearest_neighbours", "council")


class NationalImport(Base):
    """One imported file of published figures."""

    __tablename__ = "national_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(255))
    layout: Mapped[str] = mapped_column(String(20))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(200))
    figures: Mapped[int] = mapped_column(Integer)
    replaced: Mapped[int] = mapped_column(Integer)
    sets: Mapped[list[str]] = mapped_column(JSON)  # "measure period" pairs it holds


class NationalFigureRow(Base):
    """One council's published value of one measure for one period (value NULL: not published)."""

    __tablename__ = "national_figure"
    __table_args__ = (UniqueConstraint("measure_code", "period", "council_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("national_import.id"), index=True)
    council_code: Mapped[str] = mapped_column(String(9))
    council_name: Mapped[str] = mapped_column(String(200))
    council_type: Mapped[str] = mapped_column(String(100))
    region: Mapped[str] = mapped_column(String(100))
    measure_code: Mapped[str] = mapped_column(String(40))
    measure_title: Mapped[str] = mapped_column(String(300))
    period: Mapped[str] = mapped_column(String(20))
    value: Mapped[float | None] = mapped_column(Float)
    published_median: Mapped[float | None] = mapped_column(Float)
    better: Mapped[str | None] = mapped_column(String(10))


class ComparatorGroup(Base):
    """A group of councils a council compares itself with."""

    __tablename__ = "comparator_group"
    __table_args__ = (
        UniqueConstraint("kind", "name"),
        CheckConstraint(
            "kind IN (" + ", ".join(f"'{k}'" for k in GROUP_KINDS) + ")", name="kind"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(100))
    members: Mapped[list[str]] = mapped_column(JSON)
