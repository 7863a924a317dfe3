"""Who is asking, and may they: the guard every route declares.

A route states the roles it allows with a dependency::

    @router.get("/measures")
    def measures_index(request: Request, user: SignedIn = Depends(Allow(EVERYONE))): ...

Anonymous requests are sent to the sign-in page (with ``next`` set to where they were going);
signed-in people without the role get the 403 page. The authorisation tests read every route of
the app and call it as each role, so a route without a guard fails them.
"""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import HTTPException, Request

from careassure.web.sessions import COOKIE_NAME, SignedIn, signed_in


class NotSignedIn(Exception):
    """Raised for an anonymous request to a page that needs an account."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def current_user(request: Request) -> SignedIn | None:
    """The signed-in account for this request (looked up once per request), or None."""
    if not hasattr(request.state, "user"):
        request.state.user = signed_in(
            request.app.state.engine, request.cookies.get(COOKIE_NAME)
        )
    return request.state.user


def client_ip(request: Request) -> str:
    """The caller's address: the connection's, or X-Forwarded-For's when the connection
    comes from a proxy listed in $CAREASSURE_TRUSTED_PROXIES (see settings.proxy_options)."""
    return request.client.host if request.client else "unknown"


class Allow:
    """A route dependency admitting the given roles; returns the signed-in account."""

    def __init__(self, roles: Iterable[str]) -> None:
        self.roles = frozenset(roles)

    def __call__(self, request: Request) -> SignedIn:
        user = current_user(request)
        if user is None:
            path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            raise NotSignedIn(path if request.method == "GET" else "/")
        if user.role not in self.roles:
            raise HTTPException(status_code=403)
        return user
