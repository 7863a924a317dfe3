"""Security headers, CSRF protection and safe redirects.

The Content-Security-Policy allows scripts, styles, fonts and images from this site only. The one
inline script (GOV.UK Frontend's template adds ``js-enabled`` to the body before it paints) is
allowed by its SHA-256, not by ``'unsafe-inline'``, so injected markup cannot run script. Charts
are inline SVG with presentation attributes, never ``style=``, so no inline style is allowed.

CSRF: asgi-csrf (as datasette uses it) sets a signed ``csrftoken`` cookie and requires the same
value in the ``csrftoken`` form field of every request that is not GET, HEAD, OPTIONS or TRACE.
Out of the box it skips the check when a request carries no cookie at all; careassure protects
every path regardless, so a forged sign-in (login CSRF) is refused too. File uploads are checked
by :mod:`careassure.web.multipart_csrf` (asgi-csrf's own multipart check is broken with current
python-multipart).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from asgi_csrf import asgi_csrf

from careassure.web.multipart_csrf import MultipartCSRF, is_multipart

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


class _EveryPath:
    """asgi-csrf's ``always_protect``: a container holding every path."""

    def __contains__(self, _path: object) -> bool:
        return True


def csrf_protect(
    app: ASGIApp,
    *,
    secret: str,
    secure: bool,
    send_failed: Callable[[dict[str, Any], Any, Any], Awaitable[None]],
) -> ASGIApp:
    return asgi_csrf(
        MultipartCSRF(app, send_failed),
        signing_secret=secret,
        always_protect=_EveryPath(),
        skip_if_scope=is_multipart,  # checked by MultipartCSRF (see its module)
        cookie_secure=secure,
        cookie_samesite="Lax",
        send_csrf_failed=send_failed,
    )


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
