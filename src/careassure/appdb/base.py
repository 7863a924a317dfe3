"""The declarative base every application-database table derives from.

One metadata object for the whole application database, so that Alembic's schema comparison and
the tests see every table at once. The naming convention gives constraints stable names, which
Alembic needs to drop or alter them later (SQLite cannot alter unnamed constraints).
"""

from __future__ import annotations

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base class of every table in the application database."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
