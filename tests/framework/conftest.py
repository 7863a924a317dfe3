"""The application-database fixtures (SQLite and PostgreSQL, fresh per test)."""

from careassure.appdb.testing import db_url, migrated_url  # noqa: F401
