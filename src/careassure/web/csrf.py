"""CSRF protection with a token tied to the session: every request that is not GET, HEAD, OPTIONS
or TRACE must carry the token of the browser session it comes from.

Why not asgi-csrf's double-submit cookie: its token is a random cookie unrelated to who is signed
in, so a token taken from one session is accepted in another, and it skips the check for any
request with an ``Authorization: Bearer`` header although careassure has no bearer tokens (a
forged cross-site request may add any header a fetch allows). Here the token is an HMAC of the
session cookie under the app's secret key: only a page rendered for that session can hold it,
and signing in or out changes it. Before sign-in (the sign-in form itself, so that a forged
sign-in is refused) it is bound to a random ``csrftoken`` cookie instead. Nothing skips the
check: no header, no missing cookie, no content type.

The token is read from the ``csrftoken`` field of a url-encoded form (the body is bounded by
:class:`careassure.web.body_limit.BodyLimit` before this runs) or from an ``X-CSRFToken``
header; multipart uploads are checked by :mod:`careassure.web.multipart_csrf` behind this, with
the same token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs

from careassure.web.multipart_csrf import SAFE_METHODS, is_multipart

FIELD = "csrftoken"
HEADER = b"x-csrftoken"
BROWSER_COOKIE = "csrftoken"  # binds the token before sign-in; never the token itself
MAX_COOKIE = 100
SCOPE_KEY = "csrftoken"


def token_for(secret: str, binding: str) -> str:
    """The CSRF token of the browser session ``binding`` (a session or browser cookie)."""
    digest = hmac.new(secret.encode(), b"csrf\0" + binding.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _cookies(scope: dict[str, Any]) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for name, value in scope.get("headers") or []:
        if name == b"cookie":
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # a malformed cookie header binds nothing
                continue
    return {k: m.value for k, m in jar.items() if 0 < len(m.value) <= MAX_COOKIE}


class SessionCSRF:
    """Sets ``scope["csrftoken"]`` (a function giving this session's token, for the forms) and
    refuses an unsafe request whose token is missing or belongs to another session."""

    def __init__(
        self, app: Any, *, secret: str, session_cookie: str, secure: bool,
        send_failed: Callable[[dict[str, Any], Any, Any], Awaitable[None]],
    ) -> None:
        self.app = app
        self.secret = secret
        self.session_cookie = session_cookie
        self.secure = secure
        self.send_failed = send_failed

    def _browser_cookie_header(self, value: str) -> tuple[bytes, bytes]:
        flags = "; Path=/; HttpOnly; SameSite=Lax" + ("; Secure" if self.secure else "")
        return b"set-cookie", f"{BROWSER_COOKIE}={value}{flags}".encode()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cookies = _cookies(scope)
        binding = cookies.get(self.session_cookie) or cookies.get(BROWSER_COOKIE)
        new_browser_cookie: list[str] = []

        def token() -> str:
            nonlocal binding
            if binding is None:
                binding = secrets.token_urlsafe(32)
                new_browser_cookie.append(binding)
            return token_for(self.secret, binding)

        scope = {**scope, SCOPE_KEY: token}

        async def send_with_cookie(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start" and new_browser_cookie:
                header = self._browser_cookie_header(new_browser_cookie[0])
                message = {**message, "headers": [*message.get("headers", []), header]}
            await send(message)

        if scope.get("method") in SAFE_METHODS or is_multipart(scope):
            # multipart: MultipartCSRF, behind this, compares its field with token()
            await self.app(scope, receive, send_with_cookie)
            return
        messages: list[dict[str, Any]] = []
        given = dict(scope.get("headers") or []).get(HEADER, b"").decode("latin-1")
        if not given:
            body = b""
            more = True
            while more:
                message = await receive()
                messages.append(message)
                if message["type"] != "http.request":
                    break
                body += message.get("body", b"")
                more = message.get("more_body", False)
            fields = parse_qs(body.decode("latin-1"), max_num_fields=1000)
            given = (fields.get(FIELD) or [""])[0]
        expected = token_for(self.secret, binding) if binding else None
        if not (given and expected and secrets.compare_digest(given, expected)):
            await self.send_failed(scope, send, "token missing or not this session's")
            return

        async def replay() -> dict[str, Any]:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send_with_cookie)
