"""The application-database fixtures (SQLite and PostgreSQL, fresh per test) and the demo MTFS."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from careassure.appdb.testing import db_url, migrated_url  # noqa: F401
from careassure.budget.files import DEMO_TABLES, read_version
from careassure.budget.model import VersionSpec


@pytest.fixture(autouse=True)
def no_configured_database(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's own CAREASSURE_DATABASE_URL must never be touched by a test."""
    monkeypatch.delenv("CAREASSURE_DATABASE_URL", raising=False)


@pytest.fixture
def seed() -> VersionSpec:
    """The demo's MTFS tables as read from the shipped template folder."""
    return read_version(DEMO_TABLES)


# The measure spec tests' store builders and their one local Spark serve the demand tests too,
# so that the demand counts are proved on both engines exactly as the measures are.
_MEASURES = Path(__file__).parents[1] / "measures"
sys.path.insert(0, str(_MEASURES))
_spec = importlib.util.spec_from_file_location("measures_conftest", _MEASURES / "conftest.py")
assert _spec is not None and _spec.loader is not None
_measures_conftest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_measures_conftest)
spark_sessions = _measures_conftest.spark_sessions
spark_session = _measures_conftest.spark_session
engine = _measures_conftest.engine
store = _measures_conftest.store
