"""Signing in and out: passwords, cookies, lock-out, CSRF and where people land afterwards."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from web_helpers import PASSWORD

from careassure.appdb import AuditEntry, transaction
from careassure.web import throttle
from careassure.web.accounts import aware
from careassure.web.sessions import COOKIE_NAME
from careassure.web.tables import WebSession
from webhelpers import csrf_token, sign_in


def _audit_events(app: FastAPI) -> list[str]:
    with transaction(app.state.engine) as session:
        rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        return [str((r.after or r.before or {}).get("event")) for r in rows]


def _sessions(app: FastAPI) -> int:
    with transaction(app.state.engine) as session:
        return session.scalar(select(func.count()).select_from(WebSession)) or 0


def test_sign_in_and_out(app: FastAPI) -> None:
    client = TestClient(app, follow_redirects=False)
    response = sign_in(client, "analyst")
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    assert client.get("/").status_code == 200
    assert _sessions(app) == 1

    out = client.post("/logout", data={"csrftoken": csrf_token(client)})
    assert out.status_code == 303
    assert out.headers["location"] == "/login?signed_out=true"
    assert _sessions(app) == 0
    assert client.get("/").status_code == 303
    assert _audit_events(app)[-2:] == ["sign in", "sign out"]


def test_a_stolen_cookie_stops_working_after_sign_out(app: FastAPI) -> None:
    client = TestClient(app, follow_redirects=False)
    sign_in(client, "analyst")
    token = client.cookies.get(COOKIE_NAME)
    client.post("/logout", data={"csrftoken": csrf_token(client)})
    replay = TestClient(app, follow_redirects=False, cookies={COOKIE_NAME: token})
    assert replay.get("/").status_code == 303


@pytest.mark.parametrize(
    ("username", "password"),
    [("analyst", "wrong password"), ("nobody", PASSWORD), ("analyst", ""), ("", PASSWORD)],
)
def test_wrong_credentials_are_refused_with_one_message(
    app: FastAPI, username: str, password: str
) -> None:
    client = TestClient(app, follow_redirects=False)
    response = sign_in(client, username, password)
    assert response.status_code == 400
    assert "Enter a correct username and password" in response.text
    assert 'class="govuk-error-summary"' in response.text
    assert COOKIE_NAME not in client.cookies
    assert _audit_events(app)[-1] == "failed sign in"


def test_a_deactivated_account_cannot_sign_in(app: FastAPI) -> None:
    from careassure.web.accounts import update_user

    with transaction(app.state.engine) as session:
        update_user(session, "admin", "viewer", active=False)
    assert sign_in(TestClient(app, follow_redirects=False), "viewer").status_code == 400


def test_session_cookie_flags(make_app: Callable[..., FastAPI]) -> None:
    from careassure.web.accounts import seed_demo_users

    app = make_app(secure_cookies=True)
    seed_demo_users(app.state.engine, PASSWORD)
    client = TestClient(app, base_url="https://testserver", follow_redirects=False)
    response = sign_in(client, "viewer")
    cookie = next(v for k, v in response.headers.multi_items()
                  if k == "set-cookie" and v.startswith(COOKIE_NAME))
    flags = {part.strip().lower() for part in cookie.split(";")}
    assert {"httponly", "secure", "samesite=lax", "path=/"} <= flags
    fresh = TestClient(app, base_url="https://testserver")
    csrf_cookie = fresh.get("/login").headers["set-cookie"]
    assert csrf_cookie.startswith("csrftoken=")
    assert {"secure", "samesite=lax"} <= {p.strip().lower() for p in csrf_cookie.split(";")}
    assert response.headers["strict-transport-security"].startswith("max-age=")
    app.state.engine.dispose()


def test_username_is_locked_after_five_failures(app: FastAPI) -> None:
    client = TestClient(app, follow_redirects=False)
    for _ in range(throttle.PAIR_LIMIT):
        assert sign_in(client, "analyst", "wrong password").status_code == 400
    locked = sign_in(client, "analyst")
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.text
    assert sign_in(client, "viewer").status_code == 303  # other accounts are not locked

    with transaction(app.state.engine) as session:  # 15 minutes later
        for failure in session.scalars(select(throttle.LoginFailure)):
            failure.at = aware(failure.at) - throttle.WINDOW - timedelta(seconds=1)
    assert sign_in(TestClient(app, follow_redirects=False), "analyst").status_code == 303


def _from(app: FastAPI, address: str) -> TestClient:
    return TestClient(app, follow_redirects=False, client=(address, 50000))


def test_a_guesser_cannot_lock_the_real_user_out(app: FastAPI) -> None:
    guesser = _from(app, "203.0.113.9")
    for _ in range(throttle.PAIR_LIMIT):
        assert sign_in(guesser, "admin", "wrong password").status_code == 400
    assert sign_in(guesser, "admin").status_code == 429  # even the right password waits
    assert sign_in(_from(app, "198.51.100.7"), "admin").status_code == 303


def test_refused_tries_are_audited_and_lengthen_the_wait(app: FastAPI) -> None:
    guesser = _from(app, "203.0.113.9")
    for _ in range(throttle.PAIR_LIMIT):
        sign_in(guesser, "analyst", "wrong password")
    before = _audit_events(app)
    waits = []
    for _ in range(3):
        refused = sign_in(guesser, "analyst", "wrong password")
        assert refused.status_code == 429
        with transaction(app.state.engine) as session:
            waits.append(throttle.locked_until(session, "analyst", "203.0.113.9"))
    assert _audit_events(app)[len(before):] == ["sign in refused: too many failures"] * 3
    assert waits[0] < waits[1] < waits[2]


@pytest.mark.parametrize("lift", ["password", "reactivate"])
def test_an_administrator_reset_lifts_the_throttling(app: FastAPI, lift: str,
                                                    client_for: Callable[[str | None],
                                                                         TestClient]) -> None:
    guesser = _from(app, "203.0.113.9")
    for _ in range(throttle.PAIR_LIMIT):
        sign_in(guesser, "analyst", "wrong password")
    assert sign_in(guesser, "analyst").status_code == 429
    admin = client_for("admin")
    data = ({"username": "analyst", "password": PASSWORD + "!"} if lift == "password"
            else {"active": "yes"})
    path = "/admin/passwords" if lift == "password" else "/admin/users/analyst"
    response = admin.post(path, data=data | {"csrftoken": csrf_token(admin)})
    assert response.status_code == 303, response.text
    password = PASSWORD + "!" if lift == "password" else PASSWORD
    assert sign_in(guesser, "analyst", password).status_code == 303


def test_client_address_is_locked_after_twenty_failures(app: FastAPI) -> None:
    client = TestClient(app, follow_redirects=False)
    for n in range(throttle.ADDRESS_LIMIT):
        assert sign_in(client, f"guess{n}", "wrong password").status_code == 400
    assert sign_in(client, "viewer").status_code == 429


def test_a_correct_sign_in_clears_the_username_failures(app: FastAPI) -> None:
    client = TestClient(app, follow_redirects=False)
    for _ in range(throttle.PAIR_LIMIT - 1):
        sign_in(client, "analyst", "wrong password")
    assert sign_in(client, "analyst").status_code == 303
    assert sign_in(TestClient(app, follow_redirects=False), "analyst", "wrong").status_code == 400
    assert sign_in(TestClient(app, follow_redirects=False), "analyst").status_code == 303


@pytest.mark.parametrize("path", ["/login", "/logout", "/admin/users"])
def test_posts_without_the_csrf_token_are_refused(
    path: str, client_for: Callable[[str | None], TestClient]
) -> None:
    client = client_for("admin")
    response = client.post(path, data={"username": "x", "password": "y", "role": "viewer"})
    assert response.status_code == 403
    assert "This form could not be accepted" in response.text
    forged = client.post(path, data={"csrftoken": "forged", "username": "x"})
    assert forged.status_code == 403


def test_sign_in_without_any_cookie_still_needs_the_token(app: FastAPI) -> None:
    """A request that carries no cookie at all is checked too (a forged sign-in)."""
    client = TestClient(app, follow_redirects=False)
    response = client.post("/login", data={"username": "admin", "password": PASSWORD})
    assert response.status_code == 403
    assert COOKIE_NAME not in client.cookies


def test_a_bearer_header_does_not_skip_the_csrf_check(
    client_for: Callable[[str | None], TestClient],
) -> None:
    """asgi-csrf skipped the check for any request with ``Authorization: Bearer``; careassure has
    no bearer tokens, so the header changes nothing."""
    client = client_for("admin")
    forged = client.post("/logout", headers={"Authorization": "Bearer anything"})
    assert forged.status_code == 403
    assert client.get("/account").status_code == 200  # still signed in


def test_a_token_from_one_session_is_refused_in_another(
    client_for: Callable[[str | None], TestClient],
) -> None:
    viewer, admin = client_for("viewer"), client_for("admin")
    theirs = csrf_token(viewer)
    assert theirs != csrf_token(admin)
    refused = admin.post("/logout", data={"csrftoken": theirs})
    assert refused.status_code == 403
    assert admin.get("/account").status_code == 200
    # with its own token the same post goes through
    assert admin.post("/logout", data={"csrftoken": csrf_token(admin)}).status_code == 303


def test_signing_in_changes_the_token(app: FastAPI) -> None:
    """A token seen before sign-in (on a shared machine, say) is no use afterwards."""
    client = TestClient(app, follow_redirects=False)
    before = csrf_token(client)
    assert sign_in(client, "admin").status_code == 303
    assert client.post("/logout", data={"csrftoken": before}).status_code == 403
    assert csrf_token(client) != before


@pytest.mark.parametrize("host", ["evil.example", "testserver"])
def test_trailing_slash_redirects_are_relative_whatever_the_host(app: FastAPI, host: str) -> None:
    """Starlette built the redirect from the Host header, which the client chooses."""
    client = TestClient(app, follow_redirects=False)
    response = client.get("/login/?next=/measures", headers={"Host": host})
    assert response.status_code == 307
    assert response.headers["location"] == "/login?next=/measures"
    assert client.get("/no/such/page/", headers={"Host": host}).status_code == 404


@pytest.mark.parametrize(
    ("asked", "landed"),
    [
        ("/measures?by=team", "/measures?by=team"),
        ("//evil.example/", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("measures", "/"),
    ],
)
def test_after_sign_in_only_local_pages(app: FastAPI, asked: str, landed: str) -> None:
    response = sign_in(TestClient(app, follow_redirects=False), "viewer", next=asked)
    assert response.headers["location"] == landed


def test_a_new_sign_in_replaces_the_old_session(app: FastAPI) -> None:
    client = TestClient(app, follow_redirects=False)
    sign_in(client, "viewer")
    first = client.cookies.get(COOKIE_NAME)
    sign_in(client, "analyst")
    assert client.cookies.get(COOKIE_NAME) != first
    assert _sessions(app) == 1


def test_idle_sessions_end(app: FastAPI) -> None:
    from careassure.web.sessions import IDLE_TIMEOUT

    client = TestClient(app, follow_redirects=False)
    sign_in(client, "viewer")
    with transaction(app.state.engine) as session:
        for row in session.scalars(select(WebSession)):
            row.last_seen_at = aware(row.last_seen_at) - IDLE_TIMEOUT
    assert client.get("/").status_code == 303
    assert _sessions(app) == 0


def test_changing_a_role_applies_at_once(
    app: FastAPI, client_for: Callable[[str | None], TestClient]
) -> None:
    analyst = client_for("analyst")
    assert analyst.get("/data").status_code == 200
    admin = client_for("admin")
    response = admin.post("/admin/users/analyst",
                          data={"csrftoken": csrf_token(admin), "role": "viewer"})
    assert response.status_code == 303
    assert analyst.get("/data").status_code == 303  # signed out: sessions end on a role change
    assert sign_in(analyst, "analyst").status_code == 303
    assert analyst.get("/data").status_code == 403


def test_uploads_need_the_csrf_token_before_the_file(
    client_for: Callable[[str | None], TestClient],
) -> None:
    client = client_for("analyst")
    zip_file = {"extract": ("x.zip", b"PK\x03\x04data", "application/zip")}
    assert client.post("/data", files=zip_file).status_code == 403
    forged = client.post("/data", data={"csrftoken": "forged"}, files=zip_file)
    assert forged.status_code == 403
    token = csrf_token(client)
    boundary = "careassureboundary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="extract"; filename="x.zip"\r\n'
        f"Content-Type: application/zip\r\n\r\nPK\r\n"
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrftoken"\r\n\r\n{token}\r\n'
        f"--{boundary}--\r\n"
    ).encode()
    file_first = client.post(
        "/data", content=body,
        headers={"content-type": f"multipart/form-data; boundary={boundary}"},
    )
    assert file_first.status_code == 403
    assert "This form could not be accepted" in file_first.text
    token_first = client.post("/data", data={"csrftoken": token}, files=zip_file)
    assert token_first.status_code == 400  # past the check: refused as not a real ZIP
    assert "careassure-upload-" not in token_first.text  # no server folder shown


@pytest.mark.parametrize("body", [
    b"--b\r\nContent-Disposition: form-data; name=\"csrftoken\"\r\n\r\nx\r\n--bX",
    b"not multipart at all",
    b"--b\r\n\x00\x00\x00\r\n\r\n",
])
def test_a_malformed_multipart_body_is_refused_not_a_server_error(
        client_for: Callable[[str | None], TestClient], body: bytes) -> None:
    client = client_for("analyst")
    response = client.post("/data", content=body,
                           headers={"content-type": "multipart/form-data; boundary=b"})
    assert response.status_code in (400, 403)


def test_oversized_form_bodies_are_refused_before_they_are_read(app: FastAPI) -> None:
    from careassure.web.body_limit import FORM_LIMIT

    client = TestClient(app, follow_redirects=False)
    token = csrf_token(client)
    big = {"csrftoken": token, "username": "x" * (FORM_LIMIT + 1), "password": "y"}
    declared = client.post("/login", data=big)
    assert declared.status_code == 413
    assert "larger than this service accepts" in declared.text

    def chunks():  # no declared length: counted as it arrives
        yield f"csrftoken={token}&username=".encode()
        for _ in range(20):
            yield b"x" * (FORM_LIMIT // 10)

    streamed = client.post("/login", content=chunks(),
                           headers={"content-type": "application/x-www-form-urlencoded"})
    assert streamed.status_code == 413


def test_a_multipart_body_hiding_its_token_is_refused() -> None:
    """Read a piece at a time, as a server receives it: the search stops after 64 KiB."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from careassure.web.multipart_csrf import MAX_BEFORE_TOKEN, MultipartCSRF

    token, boundary = "the-token", "careassureboundary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\n'
        + "x" * (2 * MAX_BEFORE_TOKEN)
        + f'\r\n--{boundary}\r\nContent-Disposition: form-data; name="csrftoken"\r\n\r\n'
        f"{token}\r\n--{boundary}--\r\n"
    ).encode()
    pieces = [body[i:i + 16 * 1024] for i in range(0, len(body), 16 * 1024)]
    outcome: list[str] = []

    async def app(_scope: dict, _receive: object, _send: object) -> None:
        outcome.append("passed")

    async def refused(_scope: dict, _send: object, _reason: str) -> None:
        outcome.append("refused")

    def run(first_field_is_token: bool) -> str:
        chunks = list(pieces) if not first_field_is_token else [
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrftoken"\r\n\r\n'
            f"{token}\r\n--{boundary}--\r\n".encode()]

        async def receive() -> dict:
            data = chunks.pop(0)
            return {"type": "http.request", "body": data, "more_body": bool(chunks)}

        scope = {"type": "http", "method": "POST", "csrftoken": lambda: token, "headers": [
            (b"content-type", f"multipart/form-data; boundary={boundary}".encode())]}
        outcome.clear()
        # In a thread of its own: the browser tests' Playwright may hold this thread's loop.
        with ThreadPoolExecutor(1) as pool:
            pool.submit(asyncio.run, MultipartCSRF(app, refused)(scope, receive, None)).result()
        return outcome[0]

    assert run(first_field_is_token=False) == "refused"
    assert run(first_field_is_token=True) == "passed"
