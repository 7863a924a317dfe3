"""Where the application database is, and how URLs are read."""

from __future__ import annotations

from pathlib import Path

import pytest

from careassure.appdb import create_engine, database_url, display_url, transaction
from careassure.appdb.engine import normalise_url


def test_default_is_sqlite_in_the_home_folder(careassure_home: Path) -> None:
    assert database_url() == f"sqlite:///{careassure_home / 'careassure.db'}"


def test_environment_url_wins_and_gets_the_psycopg_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAREASSURE_DATABASE_URL", "postgres://app@db.example/careassure")
    assert database_url() == "postgresql+psycopg://app@db.example/careassure"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_normalise_url(given: str, expected: str) -> None:
    assert normalise_url(given) == expected


def test_passwords_never_shown() -> None:
    shown = display_url("postgresql+psycopg://app:s3cret@db/careassure")
    assert "s3cret" not in shown and "app" in shown


@pytest.mark.parametrize(
    ("url", "reason"),
    [("mysql://u@h/d", "unsupported database 'mysql'"), ("not a url", "invalid database URL")],
)
def test_bad_urls_are_refused_with_the_reason(url: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        create_engine(url)


def test_sqlite_folder_is_created_and_foreign_keys_enforced(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'new' / 'folder' / 'app.db'}")
    try:
        with transaction(engine) as session:
            assert session.connection().exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert (tmp_path / "new" / "folder" / "app.db").exists()
    finally:
        engine.dispose()


def test_a_new_sqlite_database_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    import stat

    path = tmp_path / "app" / "careassure.db"
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        connection.commit()
    engine.dispose()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
