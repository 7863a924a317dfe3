"""Security headers, CSRF protection and safe redirects.

The Content-Security-Policy allows scripts, styles, fonts and images from this site only. The one
inline script (GOV.UK Frontend's template adds ``js-enabled`` to the body before it paints) is
allowed by its SHA-256, not by ``'unsafe-inline'``, so injected markup cannot run script. Charts
are inline SVG with presentation attributes, never ``style=``, so no inline style is allowed.

CSRF: every request that is not GET, HEAD, OPTIONS or TRACE must carry the token of its own
browser session (:mod:`careassure.web.csrf`: an HMAC of the session cookie, or before sign-in of
a random browser cookie); no header or missing cookie skips the check. File uploads are checked
by :mod:`careassure.web.multipart_csrf` with the same token.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote, urlsplit

from starlette.responses import RedirectResponse
from starlette.routing import Match

from careassure.web.csrf import SessionCSRF
from careassure.web.multipart_csrf import MultipartCSRF

# Exactly the inline script of govuk_frontend_jinja's template.html (a test checks it).
GOVUK_INLINE_SCRIPT = (
    "document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? "
    "' govuk-frontend-supported' : '');"
)
_SCRIPT_HASH = base64.b64encode(hashlib.sha256(GOVUK_INLINE_SCRIPT.encode()).digest()).decode()

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        f"script-src 'self' 'sha256-{_SCRIPT_HASH}'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

ASGIApp = Callable[[dict[str, Any], Callable[..., Awaitable[Any]], Callable[..., Awaitable[Any]]],
                   Awaitable[None]]


def security_headers(secure: bool) -> list[tuple[bytes, bytes]]:
    headers = [
        (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
        (b"x-frame-options", b"DENY"),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
        (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
        (b"cross-origin-opener-policy", b"same-origin"),
    ]
    if secure:
        headers.append((b"strict-transport-security", b"max-age=31536000"))
    return headers


class SecurityHeaders:
    """Adds the headers above to every response; pages (not static assets) also get
    ``Cache-Control: no-store``, because they can show unpublished figures."""

    def __init__(self, app: ASGIApp, *, secure: bool, static_prefixes: tuple[str, ...]) -> None:
        self.app = app
        self.headers = security_headers(secure)
        self.static_prefixes = static_prefixes

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith(self.static_prefixes)

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                added = [h for h in self.headers if h[0] not in present]
                if not static and b"cache-control" not in present:
                    added.append((b"cache-control", b"no-store"))
                message = {**message, "headers": [*message.get("headers", []), *added]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def csrf_protect(
    app: ASGIApp,
    *,
    secret: str,
    secure: bool,
    session_cookie: str,
    send_failed: Callable[[dict[str, Any], Any, Any], Awaitable[None]],
) -> ASGIApp:
    return SessionCSRF(
        MultipartCSRF(app, send_failed),
        secret=secret,
        session_cookie=session_cookie,
        secure=secure,
        send_failed=send_failed,
    )


class RelativeSlashRedirect:
    """``/measures/`` -> ``/measures``: a path with trailing slashes that names a page without them
    is redirected (307) by a relative ``Location`` (the path and query only). Starlette's own
    redirect builds an absolute URL from the request's ``Host`` header, which a client chooses,
    so it is turned off (``redirect_slashes=False``) and this takes its place."""

    def __init__(self, app: ASGIApp, *, routes: Callable[[], list[Any]]) -> None:
        self.app = app
        self.routes = routes

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        path = scope.get("path", "")
        target = path.rstrip("/")
        # "//host" as a Location would leave the site: such paths are never redirected.
        if scope["type"] == "http" and path != target and target.startswith("/") \
                and not target.startswith("//"):
            wanted = {**scope, "path": target}
            if any(route.matches(wanted)[0] is not Match.NONE for route in self.routes()):
                query = scope.get("query_string", b"").decode("latin-1")
                location = quote(target) + (f"?{query}" if query else "")
                await RedirectResponse(location, status_code=307)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def safe_next(target: str | None, default: str = "/") -> str:
    """``target`` when it is a path on this site, else ``default``: never an open redirect
    (``//evil.example``, ``https://...``, ``/\\evil.example`` and control characters refused)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    if any(ord(ch) < 32 or ch == "\\" for ch in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target
