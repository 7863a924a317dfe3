"""Fixtures for the web tests: a tiny store loaded through the real ingest, a migrated
application database (SQLite and PostgreSQL), the app, and signed-in clients for every role.

The extract is small enough to read: 15 Care Act assessments waiting in the North team and 3 in
the South team at the extract date (31/12/2025), so the viewer must see the South team's count
as "*" and everyone else sees 3. One team's name starts with "@", which a spreadsheet would run
as a formula, to test the CSV download.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from web_helpers import PASSWORD, ROLE_USERS, csv_text, extract_rows

from careassure.appdb.testing import db_url, migrated_url  # noqa: F401
from careassure.web.accounts import seed_demo_users
from webhelpers import clients_by_role


@pytest.fixture(scope="session")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the tiny county, loaded once for the whole session."""
    from careassure.records.load import ingest

    folder = tmp_path_factory.mktemp("web-store")
    extract = folder / "extract"
    extract.mkdir()
    for table, rows in extract_rows().items():
        (extract / f"{table}.csv").write_text(csv_text(table, rows))
    store = folder / "store.duckdb"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CAREASSURE_HOME", str(folder / "home"))
        result = ingest(extract, store=store, loaded_by="tests")
    assert result.ok, [str(e) for e in result.errors]
    return store


@pytest.fixture(autouse=True)
def no_configured_database(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's own CAREASSURE_DATABASE_URL must never be touched by a test."""
    monkeypatch.delenv("CAREASSURE_DATABASE_URL", raising=False)


@pytest.fixture
def make_app(migrated_url: str, store_path: Path, tmp_path: Path) -> Callable[..., FastAPI]:  # noqa: F811
    """``make_app(**overrides)``: the app on the migrated database, with the demo accounts."""
    from careassure.web import create_app

    def build(**overrides: object) -> FastAPI:
        settings: dict[str, object] = {
            "store_path": store_path,
            "database_url": migrated_url,
            "secret_key": "test-secret-" * 4,
            "secure_cookies": False,
            "evidence_dir": tmp_path / "evidence",
        }
        app = create_app(**(settings | overrides))  # type: ignore[arg-type]
        return app

    return build


@pytest.fixture
def app(make_app: Callable[..., FastAPI]) -> Iterator[FastAPI]:
    app = make_app()
    seed_demo_users(app.state.engine, PASSWORD)
    yield app
    app.state.engine.dispose()


@pytest.fixture
def client_for(app: FastAPI) -> Iterator[Callable[[str | None], TestClient]]:
    """``client_for(role)``: a client signed in as the demo account with that role
    (``None``: anonymous)."""
    yield from clients_by_role(app, ROLE_USERS)
