"""Migrations: applied from Python, reversible, and in step with the table declarations."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from careassure.appdb import (
    DatabaseNotReady,
    create_engine,
    current_revision,
    downgrade,
    head_revision,
    require_current,
    upgrade,
)
from careassure.appdb.migrate import target_metadata


def test_upgrade_creates_the_schema_and_is_repeatable(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        with pytest.raises(DatabaseNotReady, match="careassure db upgrade"):
            require_current(engine)
        assert upgrade(db_url) == head_revision()
        assert upgrade(db_url) == head_revision()
        require_current(engine)
    finally:
        engine.dispose()


def test_migrations_match_the_declared_tables(migrated_url: str) -> None:
    """Fails when someone declares a table or column without a migration, or the reverse."""
    engine = create_engine(migrated_url)
    try:
        with engine.connect() as connection:
            differences = compare_metadata(
                MigrationContext.configure(connection, opts={"compare_type": True}),
                target_metadata(),
            )
    finally:
        engine.dispose()
    assert differences == []


def test_downgrade_to_base_and_back(migrated_url: str) -> None:
    assert downgrade(migrated_url, "base") == "base"
    engine = create_engine(migrated_url)
    try:
        assert current_revision(engine) is None
        with engine.connect() as connection:
            tables = set(connection.dialect.get_table_names(connection))
        assert tables <= {"alembic_version"}
    finally:
        engine.dispose()
    assert upgrade(migrated_url) == head_revision()


def test_an_older_schema_is_refused(migrated_url: str) -> None:
    downgrade(migrated_url, "0001")
    engine = create_engine(migrated_url)
    try:
        with pytest.raises(DatabaseNotReady, match="revision 0001"):
            require_current(engine)
    finally:
        engine.dispose()
