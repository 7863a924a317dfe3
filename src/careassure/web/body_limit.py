"""A cap on request bodies, checked before anything reads them.

The CSRF check reads a whole url-encoded body into memory to find its token, before any sign-in is
checked, and uvicorn sets no limit of its own, so without this a single anonymous request could
exhaust the server's memory. Forms are small: 1 MB is generous. File uploads (multipart) may be
as large as the data page allows. A declared size over the cap is refused at once; a body sent
without a declared size is counted as it arrives.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

FORM_LIMIT = 1024 * 1024


class BodyTooLarge(Exception):
    """Raised to the app when an undeclared body passes the cap while it is being read."""


class BodyLimit:
    def __init__(self, app: Any, *, upload_limit: int,
                 send_too_large: Callable[[dict[str, Any], Any], Awaitable[None]]) -> None:
        self.app = app
        self.upload_limit = upload_limit
        self.send_too_large = send_too_large

    def _limit(self, scope: dict[str, Any]) -> int:
        headers = dict(scope.get("headers") or [])
        content_type = headers.get(b"content-type", b"").split(b";", 1)[0].strip().lower()
        # Room for the form's other fields and the multipart framing around the file.
        return self.upload_limit + FORM_LIMIT if content_type == b"multipart/form-data" \
            else FORM_LIMIT

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await self.send_too_large(scope, send)
            return
        received = 0

        async def counted() -> dict[str, Any]:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(f"request body over {limit} bytes")
            return message

        started = False

        async def watched(message: dict[str, Any]) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge:
            if started:
                raise
            await self.send_too_large(scope, send)
