"""Shared fixtures: an isolated careassure home per test, and the PostgreSQL URL when present."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def careassure_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own home folder, so no test can read or write a real key or store."""
    home = tmp_path / "careassure-home"
    monkeypatch.setenv("CAREASSURE_HOME", str(home))
    monkeypatch.delenv("CAREASSURE_STORE", raising=False)
    monkeypatch.delenv("CAREASSURE_PSEUDONYM_KEY", raising=False)
    monkeypatch.delenv("CAREASSURE_COUNCIL_CODE", raising=False)
    return home


@pytest.fixture(autouse=True)
def quick_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 with its smallest parameters in every test that signs someone in (web, plan,
    budget, reports, browser fixtures): the tests check what is hashed and when, not the cost,
    and the production parameters make every hash take a tenth of a second or more."""
    from argon2 import PasswordHasher

    from careassure.web import accounts

    hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(accounts, "_hasher", hasher)
    monkeypatch.setattr(accounts, "_DUMMY_HASH", hasher.hash("timing"))


@pytest.fixture(autouse=True)
def no_app_declared_measures() -> None:
    """Reported measures declared on an admin page are handed to the measures layer for the
    process; each test starts without those an earlier test declared. Done before the test, not
    after it: at teardown a test's own monkeypatching of sys.modules may still be in force."""
    declarations = sys.modules.get("careassure.reported.declarations")
    if declarations is not None:
        declarations.forget()


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """The throwaway server's URL from scripts/test.sh. In CI its absence is a failure, not a skip,
    so that "tests run on both databases" cannot silently become "tests ran on one"."""
    url = os.environ.get("CAREASSURE_TEST_DATABASE_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("CAREASSURE_TEST_DATABASE_URL is not set in CI: scripts/test.sh starts it")
        pytest.skip("no PostgreSQL server (run the suite with `make test`)")
    return url
