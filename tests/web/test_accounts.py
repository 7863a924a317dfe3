"""Accounts: rules for names, roles and passwords, the audit of every change, the demo accounts,
the users admin page and the ``careassure users`` and ``serve`` commands."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner
from web_helpers import PASSWORD

from careassure.appdb import AuditEntry, create_engine, transaction
from careassure.cli import app as cli
from careassure.web import accounts
from careassure.web.tables import User
from webhelpers import csrf_token, sign_in


def test_passwords_are_argon2_hashes_never_audited(migrated_url: str) -> None:
    engine = create_engine(migrated_url)
    try:
        with transaction(engine) as session:
            accounts.create_user(session, "tester", "Jo.Smith", "analyst", "long enough pw")
        with transaction(engine) as session:
            user = session.scalar(select(User))
            assert user is not None and user.username == "jo.smith"
            assert user.password_hash.startswith("$argon2id$")
            assert "long enough pw" not in user.password_hash
            entry = session.scalar(select(AuditEntry))
            assert entry is not None and entry.actor == "tester" and entry.action == "create"
            assert entry.after is not None and entry.after["id"] == user.id
            assert "password_hash" not in entry.after
            assert accounts.verify(user, "long enough pw")
            assert not accounts.verify(user, "wrong")
            assert not accounts.verify(None, "long enough pw")
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("username", "role", "password", "message"),
    [
        ("a", "analyst", "long enough", "Username must be"),
        ("jo smith", "analyst", "long enough", "Username must be"),
        ("jo", "superuser", "long enough", "Role must be one of"),
        ("jo", "analyst", "short", "Password must be at least 8"),
        ("jo", "analyst", " " * 8, "Password must be at least 8"),
        ("jo", "analyst", "  short  ", "Password must be at least 8"),
        ("jo", "analyst", "password", "one of the first that guessers try"),
        ("jo", "analyst", "Password1!", "one of the first that guessers try"),
        ("jo", "analyst", "QWERTYUIOP", "one of the first that guessers try"),
        ("jo", "analyst", "zzzzzzzzzz", "one of the first that guessers try"),
        ("admin", "analyst", "long enough", "already taken"),
    ],
)
def test_bad_accounts_are_refused(
    migrated_url: str, username: str, role: str, password: str, message: str
) -> None:
    engine = create_engine(migrated_url)
    try:
        accounts.seed_demo_users(engine, PASSWORD)
        with pytest.raises(accounts.AccountError, match=message), transaction(engine) as session:
            accounts.create_user(session, "tester", username, role, password)
    finally:
        engine.dispose()


def test_the_last_active_admin_cannot_be_removed(migrated_url: str) -> None:
    engine = create_engine(migrated_url)
    try:
        accounts.seed_demo_users(engine, PASSWORD)
        for change in ({"active": False}, {"role": "viewer"}):
            with pytest.raises(accounts.AccountError, match="active administrator"), \
                    transaction(engine) as session:
                accounts.update_user(session, "admin", "admin", **change)
        with transaction(engine) as session:
            accounts.update_user(session, "admin", "manager", role="admin")
        with transaction(engine) as session:
            accounts.update_user(session, "manager", "admin", active=False)
    finally:
        engine.dispose()


def test_demo_accounts_can_be_seeded_again(migrated_url: str) -> None:
    engine = create_engine(migrated_url)
    try:
        first = accounts.seed_demo_users(engine, PASSWORD)
        assert first == [("admin", "admin"), ("manager", "improvement_manager"),
                         ("lead", "workstream_lead"), ("analyst", "analyst"),
                         ("viewer", "viewer")]
        with transaction(engine) as session:
            accounts.update_user(session, "admin", "viewer", active=False, role="analyst")
        assert accounts.seed_demo_users(engine, "another password") == first
        with transaction(engine) as session:
            viewer = accounts.get_user(session, "viewer")
            assert viewer is not None and viewer.active and viewer.role == "viewer"
            assert accounts.verify(viewer, "another password")
    finally:
        engine.dispose()


def test_users_page_adds_changes_and_deactivates(
    app: FastAPI, client_for: Callable[[str | None], TestClient]
) -> None:
    admin = client_for("admin")
    added = admin.post("/admin/users", data={
        "csrftoken": csrf_token(admin), "username": "newlead", "role": "workstream_lead",
        "password": "a long password"})
    assert added.status_code == 303
    page = admin.get(added.headers["location"]).text
    assert "The account newlead was saved." in page
    assert sign_in(TestClient(app, follow_redirects=False), "newlead",
                   "a long password").status_code == 303

    refused = admin.post("/admin/users", data={
        "csrftoken": csrf_token(admin), "username": "newlead", "role": "viewer",
        "password": "a long password"})
    assert refused.status_code == 400
    assert "already taken" in refused.text and 'href="#username"' in refused.text

    off = admin.post("/admin/users/newlead", data={"csrftoken": csrf_token(admin),
                                                   "active": "no"})
    assert off.status_code == 303
    assert sign_in(TestClient(app, follow_redirects=False), "newlead",
                   "a long password").status_code == 400
    reset = admin.post("/admin/passwords", data={
        "csrftoken": csrf_token(admin), "username": "viewer", "password": "brand new pass"})
    assert reset.status_code == 303
    assert sign_in(TestClient(app, follow_redirects=False), "viewer",
                   "brand new pass").status_code == 303
    assert admin.post("/admin/users/nobody", data={"csrftoken": csrf_token(admin),
                                                   "role": "viewer"}).status_code == 404
    audit = admin.get("/audit?entity_type=web_user").text
    assert "newlead" in audit and "Update web_user" in audit


def test_users_commands(migrated_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAREASSURE_DATABASE_URL", migrated_url)
    runner = CliRunner()
    added = runner.invoke(cli, ["users", "add", "jsmith", "--role", "analyst",
                                "--password-stdin"], input="a long password\n")
    assert added.exit_code == 0, added.output
    assert "added jsmith (analyst)" in added.output
    listed = runner.invoke(cli, ["users", "list"])
    assert listed.exit_code == 0
    assert "jsmith" in listed.output and "never signed in" in listed.output
    again = runner.invoke(cli, ["users", "add", "jsmith", "--role", "analyst",
                                "--password-stdin"], input="a long password\n")
    assert again.exit_code == 2 and "already taken" in again.output
    bad_role = runner.invoke(cli, ["users", "add", "x1", "--role", "boss", "--password-stdin"],
                             input="a long password\n")
    assert bad_role.exit_code == 2 and "Role must be one of" in bad_role.output


def test_commands_refuse_an_unmigrated_database(db_url: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAREASSURE_DATABASE_URL", db_url)
    runner = CliRunner()
    listed = runner.invoke(cli, ["users", "list"])
    assert listed.exit_code == 2 and "careassure db upgrade" in listed.output
    served = runner.invoke(cli, ["serve", "--port", "1"])
    assert served.exit_code == 2 and "careassure db upgrade" in served.output
    assert "Traceback" not in served.output


def test_people_change_their_own_password(
    app: FastAPI, client_for: Callable[[str | None], TestClient]
) -> None:
    me = client_for("viewer")
    elsewhere = client_for("viewer")
    assert "Your account" in me.get("/account").text

    def change(current: str, new: str, confirm: str):  # type: ignore[no-untyped-def]
        return me.post("/account/password", data={
            "csrftoken": csrf_token(me), "current": current, "new": new, "confirm": confirm})

    wrong = change("not my password", "a new long password", "a new long password")
    assert wrong.status_code == 400 and "Enter your current password correctly" in wrong.text
    mismatch = change(PASSWORD, "a new long password", "another long password")
    assert mismatch.status_code == 400 and "do not match" in mismatch.text
    short = change(PASSWORD, "short", "short")
    assert short.status_code == 400 and "at least 8" in short.text
    done = change(PASSWORD, "a new long password", "a new long password")
    assert done.status_code == 303
    assert "Your password was changed" in me.get("/account?changed=password").text
    assert elsewhere.get("/").status_code == 303  # the other browser was signed out
    fresh = TestClient(app, follow_redirects=False)
    assert sign_in(fresh, "viewer", PASSWORD).status_code == 400
    assert sign_in(fresh, "viewer", "a new long password").status_code == 303
