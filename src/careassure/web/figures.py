"""Measure values for the pages, computed once per store version and kept in memory.

Computing measures from the store takes hundreds of milliseconds; the overview must answer in
well under that with twenty people reading it. Values only change when an extract is loaded, and
a load replaces the store file (a copy renamed over it), so the file's identity (inode, size,
modification time) and its latest load id name a version of the data exactly. Results are cached
per (version, question); when the version changes, the old entries are dropped. One lock per
question stops twenty simultaneous first requests from computing the same thing twenty times.

DuckDB shares one database instance between the connections a process opens to the same path,
so while any connection to the replaced file is still open, a new connection reads the OLD file.
Every store connection the app opens therefore goes through :meth:`Figures.open`, which waits for
connections to an earlier version of the file to close before opening the new one (and, if they
do not close in time, reads without caching, so a stale answer is never kept).
"""

from __future__ import annotations

import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from careassure.measures.filters import Filter
from careassure.measures.reported import ReportedValue
from careassure.measures.result import MeasureValue
from careassure.records.store import LoadRecord, open_store

T = TypeVar("T")
MAX_ENTRIES = 256
WAIT_FOR_OLD_READERS = 30.0  # seconds
Version = tuple[int, int, int]


@dataclass(frozen=True)
class StoreInfo:
    """What the pages say about the data: the day it runs to and how it was loaded."""

    version: Version
    extract_date: date | None
    loads: tuple[LoadRecord, ...]

    @property
    def load_id(self) -> str | None:
        return self.loads[0].load_id if self.loads else None


class Figures:
    """The store behind the web app, with a cache of what has been computed from it.

    ``reported`` reads the reported measures' values in force from the application database
    (they change when someone enters one, not when an extract is loaded): every question about
    measures carries the values of the measures it asks for in its cache key, so an entered value
    shows at once and leaves the cached computed figures alone.
    """

    def __init__(
        self, store_path: Path,
        reported: Callable[[], tuple[ReportedValue, ...]] = tuple,
    ) -> None:
        self.store_path = store_path
        self.reported_values = reported
        self._lock = threading.Lock()
        self._readers_changed = threading.Condition(self._lock)
        self._readers: Counter[Version] = Counter()
        self._key_locks: dict[Hashable, threading.Lock] = {}
        self._cache: OrderedDict[Hashable, Any] = OrderedDict()
        self._version: Version | None = None
        self._info: StoreInfo | None = None

    def _file_version(self) -> Version | None:
        try:
            stat = self.store_path.stat()
        except FileNotFoundError:
            return None
        return (stat.st_ino, stat.st_size, stat.st_mtime_ns)

    @contextmanager
    def open(self, version: Version) -> Iterator[tuple[Any, bool]]:
        """The store, read-only, and whether what is read may be cached under ``version``
        (False when readers of an earlier file did not finish in time)."""
        with self._readers_changed:
            deadline = time.monotonic() + WAIT_FOR_OLD_READERS
            while any(v != version and n for v, n in self._readers.items()):
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._readers_changed.wait(left)
            fresh = not any(v != version and n for v, n in self._readers.items())
            self._readers[version] += 1
        try:
            with open_store(self.store_path) as store:
                yield store, fresh
        finally:
            with self._readers_changed:
                self._readers[version] -= 1
                self._readers_changed.notify_all()

    def info(self) -> StoreInfo | None:
        """The current store's extract date and load log; None when no store exists yet."""
        version = self._file_version()
        if version is None:
            return None
        with self._lock:
            if self._info is not None and self._info.version == version:
                return self._info
        with self.open(version) as (store, fresh):
            info = StoreInfo(version, store.extract_date(), tuple(store.loads()))
        if fresh:
            with self._lock:
                if version != self._version:
                    self._cache.clear()
                    self._key_locks.clear()
                    self._version = version
                self._info = info
        return info

    def cached(self, question: Hashable, compute: Callable[[Any], T]) -> T | None:
        """``compute(store)`` for ``question`` on the current data, from the cache when asked
        before; None when there is no store."""
        info = self.info()
        if info is None:
            return None
        key = (info.version, info.load_id, question)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                if key in self._cache:
                    return self._cache[key]
            with self.open(info.version) as (store, fresh):
                result = compute(store)
            if not fresh:
                return result
            with self._lock:
                self._cache[key] = result
                while len(self._cache) > MAX_ENTRIES:
                    old, _ = self._cache.popitem(last=False)
                    self._key_locks.pop(old, None)
                self._key_locks.pop(key, None)
        return result

    def reported_for(self, measures: Iterable[str]) -> tuple[ReportedValue, ...]:
        """The reported values in force of ``measures`` (none for computed measures, without
        asking the database)."""
        from careassure.measures.reported import PREFIX

        wanted = {m for m in measures if m.startswith(PREFIX)}
        if not wanted:
            return ()
        return tuple(v for v in self.reported_values() if v.measure_id in wanted)

    def values(
        self,
        measures: tuple[str, ...],
        as_of: date,
        by: str | None = None,
        where: Filter | None = None,
    ) -> list[MeasureValue] | None:
        """``careassure.measures.compute`` at ``as_of`` (for the part of the area ``where``
        keeps), cached."""
        from careassure.measures import compute

        reported = self.reported_for(measures)
        where = where or None  # an empty filter is the whole area: one cache entry for both
        return self.cached(
            ("compute", measures, as_of, by, reported, where),
            lambda store: compute(store, as_of, measures=list(measures), by=by,
                                  reported=reported, where=where),
        )

    def series(
        self,
        measures: tuple[str, ...],
        start: date,
        end: date,
        by: str | None = None,
        where: Filter | None = None,
    ) -> list[MeasureValue] | None:
        """``careassure.measures.series`` at month ends from ``start`` to ``end``, and at ``end``
        itself when it is not a month end, so the last point is always the figure ``compute``
        gives at ``end`` (the one the overview and every report quote), cached."""
        from careassure.measures import series

        reported = self.reported_for(measures)
        where = where or None
        return self.cached(
            ("series", measures, start, end, by, reported, where),
            lambda store: series(store, start, end, "month", measures=list(measures), by=by,
                                 also_at=(end,), reported=reported, where=where),
        )

    def team_types(self) -> dict[str, str | None] | None:
        """Each team's type (``teams``), cached: what a reader knows of how teams add up to team
        types, so published breakdowns by either are suppressed together."""
        from careassure.measures.breakdowns import team_types

        return self.cached(
            ("team_types",), lambda store: team_types({"teams": store.ibis().table("teams")})
        )
