"""Signing test clients in through the real sign-in form, for every test folder that drives the
web app (web, plan, budget, reports, the one-figure test).

Tests sign in as people do (the form, its CSRF token, the 303 that starts a session), so a change
to sign-in is proved everywhere at once; this module is the one copy of how that is done.
Importable as ``webhelpers`` from any test: pytest puts ``tests/`` on the path for its conftest.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from fastapi import FastAPI
from fastapi.testclient import TestClient

CSRF_FIELD = re.compile(r'name="csrftoken" value="([^"]+)"')
PASSWORD = "correct horse battery"  # the test logins' password, unless a test chooses its own


def csrf_token(client: TestClient) -> str:
    """The CSRF token for the client's next form post, as a form of its session holds it (the
    account page; signed out, the sign-in page it leads to)."""
    page = client.get("/account", follow_redirects=True)
    found = CSRF_FIELD.search(page.text)
    assert found, "no CSRF token was issued"
    return found.group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD, next: str = "/",
            *, follow: bool = False):  # type: ignore[no-untyped-def]
    """Post the sign-in form as ``username``; the response, for the test to judge."""
    return client.post(
        "/login",
        data={"csrftoken": csrf_token(client), "username": username, "password": password,
              "next": next},
        follow_redirects=follow,
    )


def signed_in(client: TestClient, username: str, password: str = PASSWORD) -> TestClient:
    """``client`` signed in as ``username``, failing the test when sign-in is refused."""
    response = sign_in(client, username, password)
    assert response.status_code == 303, f"sign-in as {username} refused: {response.text[:300]}"
    return client


def clients_by_role(app: FastAPI, usernames: dict[str, str], password: str = PASSWORD
                    ) -> Iterator[Callable[[str | None], TestClient]]:
    """For a ``client_for`` fixture (``yield from``): a function giving a client signed in with
    the role's login (``usernames``: role -> username; role None: a client not signed in),
    each closed when the test ends."""
    clients: list[TestClient] = []

    def build(role: str | None) -> TestClient:
        client = TestClient(app, follow_redirects=False)
        clients.append(client)
        return client if role is None else signed_in(client, usernames[role], password)

    yield build
    for client in clients:
        client.close()
