"""Reports made once per data version: the web app keeps each built document and each rendered
file, keyed by what was asked for and the version of the data it was made from, and a request for
a file that is being made waits for it instead of making it again.

A report changes only when its inputs do: the analytical store (a new extract replaces the file),
the application database (every change there writes an audit-trail row, so the newest row's id
versions it) and the council's report settings file. :func:`data_version` reads those three
cheaply; anything else in a key (report, date, quarter, published or internal, format) is the
request itself. Building the document (every figure, the plan's evaluation, the charts) is shared
by the formats of one report; rendering is per format.

Concurrent identical requests are single-flight: the first caller makes the value and the others
block on the same future, so four people downloading the committee PDF at once cost one render.
The caches are bounded (least recently used first out): a version that is no longer current is
never asked for again and ages out.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from pathlib import Path
from typing import Any, Generic, TypeVar

Value = TypeVar("Value")
DOCUMENTS_KEPT, FILES_KEPT = 16, 48


class SingleFlight(Generic[Value]):
    """A bounded cache whose misses are computed once however many callers ask at the same
    time. An error is not cached: the callers waiting on it get it, the next caller tries
    again."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, Future[Value]] = OrderedDict()

    def get(self, key: Hashable, make: Callable[[], Value]) -> Value:
        with self._lock:
            future = self._entries.get(key)
            owner = future is None
            if future is None:
                future = Future()
                self._entries[key] = future
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
        if not owner:
            return future.result()
        try:
            value = make()
        except BaseException as exc:
            with self._lock:
                if self._entries.get(key) is future:
                    del self._entries[key]
            future.set_exception(exc)
            raise
        future.set_result(value)
        return value

    def __len__(self) -> int:
        return len(self._entries)


def data_version(store_path: Path, engine: Any) -> tuple[Hashable, ...]:
    """What a report's content depends on beyond the request: the store file's identity, the
    newest audit-trail row and the report settings files' modification times."""
    from sqlalchemy import func, select

    from careassure.appdb.audit import AuditEntry
    from careassure.config import home
    from careassure.reports.settings import DEFAULT_FILE, OVERRIDE_NAME

    stat = store_path.stat()
    with engine.connect() as connection:
        last_change = connection.execute(select(func.max(AuditEntry.id))).scalar()
    settings = [p.stat().st_mtime_ns if p.exists() else None
                for p in (DEFAULT_FILE, home() / OVERRIDE_NAME)]
    return (str(store_path), stat.st_ino, stat.st_mtime_ns, stat.st_size, last_change,
            *settings)


class ReportCache:
    """The documents and rendered files of one app: ``file(key, build, render)`` returns the
    bytes for ``key`` (request, format and data version), building the document at most once
    per request and data version and rendering each format at most once."""

    def __init__(self) -> None:
        self.documents: SingleFlight[Any] = SingleFlight(DOCUMENTS_KEPT)
        self.files: SingleFlight[bytes] = SingleFlight(FILES_KEPT)

    def file(self, document_key: Hashable, fmt: str, build: Callable[[], Any],
             render: Callable[[Any], bytes]) -> tuple[Any, bytes]:
        """The document (for its name and date) and the file's bytes."""
        document = self.documents.get(document_key, build)
        return document, self.files.get((document_key, fmt), lambda: render(document))
