"""The CSRF check for file uploads (multipart/form-data), behind :mod:`careassure.web.csrf`.

Read the body only up to the ``csrftoken`` field (which forms put first), compare it in constant
time with the session's token (``scope["csrftoken"]``, set by :class:`careassure.web.csrf.
SessionCSRF`), and replay what was read to the app. A file part before the token is refused, so
an upload is never buffered to find it; a malformed body is refused like a missing token.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
FIELD = b"csrftoken"
MAX_TOKEN = 1024
MAX_BEFORE_TOKEN = 64 * 1024  # the token comes first: a body hiding it further is refused


class _Found(Exception):
    def __init__(self, token: str | None) -> None:
        super().__init__(token)
        self.token = token


def is_multipart(scope: dict[str, Any]) -> bool:
    headers = dict(scope.get("headers") or [])
    content_type = headers.get(b"content-type", b"").split(b";", 1)[0].strip().lower()
    return scope.get("method") not in SAFE_METHODS and content_type == b"multipart/form-data"


def _parser(boundary: bytes) -> MultipartParser:
    """A parser that raises _Found with the token, or with None at a file part or the end."""
    state: dict[str, Any] = {"header": b"", "value": b"", "name": None, "data": b""}

    def on_part_begin() -> None:
        state.update(name=None, data=b"")

    def on_header_field(data: bytes, start: int, end: int) -> None:
        state["header"] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        state["value"] += data[start:end]

    def on_header_end() -> None:
        if state["header"].strip().lower() == b"content-disposition":
            _, options = parse_options_header(state["value"])
            if b"filename" in options:
                raise _Found(None)  # a file before the token
            state["name"] = options.get(b"name")
        state.update(header=b"", value=b"")

    def on_part_data(data: bytes, start: int, end: int) -> None:
        if state["name"] == FIELD:
            state["data"] += data[start:end]
            if len(state["data"]) > MAX_TOKEN:
                raise _Found(None)

    def on_part_end() -> None:
        if state["name"] == FIELD:
            raise _Found(state["data"].decode("utf-8", "replace"))

    def on_end() -> None:
        raise _Found(None)

    return MultipartParser(boundary, {
        "on_part_begin": on_part_begin,
        "on_header_field": on_header_field,
        "on_header_value": on_header_value,
        "on_header_end": on_header_end,
        "on_part_data": on_part_data,
        "on_part_end": on_part_end,
        "on_end": on_end,
    })


class MultipartCSRF:
    """Refuses multipart requests whose ``csrftoken`` field does not match the cookie's token
    (which SessionCSRF, running before this, puts in ``scope["csrftoken"]``)."""

    def __init__(self, app: Any, send_failed: Callable[..., Awaitable[None]]) -> None:
        self.app = app
        self.send_failed = send_failed

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not is_multipart(scope):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        _, options = parse_options_header(headers.get(b"content-type", b""))
        boundary = options.get(b"boundary")
        expected = scope["csrftoken"]() if "csrftoken" in scope else None
        messages: list[dict[str, Any]] = []
        token = None
        if boundary:
            parser = _parser(boundary)
            try:
                more = True
                read = 0
                while more and read <= MAX_BEFORE_TOKEN:
                    message = await receive()
                    messages.append(message)
                    if message["type"] != "http.request":
                        break
                    body = message.get("body", b"")
                    read += len(body)
                    parser.write(body)
                    more = message.get("more_body", False)
                parser.finalize()
            except _Found as found:
                token = found.token
            except FormParserError:
                token = None  # a malformed body is refused like a missing token, never a 500
        if not (token and expected and secrets.compare_digest(token, expected)):
            await self.send_failed(scope, send, "multipart token missing or wrong")
            return

        async def replay() -> dict[str, Any]:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)
