"""The report cache: a file is made once per request and data version, concurrent identical
requests wait for the one being made, errors are not kept, and the data version moves when the
store or the application database changes."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from careassure.reports.cache import ReportCache, SingleFlight, data_version


def test_concurrent_identical_requests_make_the_value_once() -> None:
    cache: SingleFlight[str] = SingleFlight(4)
    made = []
    started = threading.Event()

    def make() -> str:
        started.set()
        time.sleep(0.2)
        made.append(1)
        return "file"

    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(cache.get("k", make)))
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["file"] * 4 and made == [1]
    assert cache.get("k", lambda: "other") == "file"


def test_errors_are_not_kept_and_the_cache_is_bounded() -> None:
    cache: SingleFlight[int] = SingleFlight(2)

    def fail() -> int:
        raise ValueError("no data")

    with pytest.raises(ValueError, match="no data"):
        cache.get("a", fail)
    assert cache.get("a", lambda: 1) == 1
    cache.get("b", lambda: 2)
    cache.get("c", lambda: 3)
    assert len(cache) == 2 and cache.get("a", lambda: 10) == 10  # "a" was the oldest: dropped


def test_formats_of_one_report_share_one_document() -> None:
    cache = ReportCache()
    built = []

    def build() -> str:
        built.append(1)
        return "document"

    for fmt in ("pdf", "docx", "pdf"):
        document, data = cache.file(("committee", 1), fmt, build,
                                    lambda d, f=fmt: f"{d}.{f}".encode())
        assert (document, data) == ("document", f"document.{fmt}".encode())
    assert built == [1] and len(cache.files) == 2


def test_the_data_version_moves_with_the_store_and_the_database(tmp_path: Path) -> None:
    from careassure.appdb import create_engine, transaction, upgrade
    from careassure.framework.model import load_framework
    from careassure.framework.selfassessment import set_statement

    store = tmp_path / "store.duckdb"
    store.write_bytes(b"one")
    url = f"sqlite:///{tmp_path / 'careassure.db'}"
    upgrade(url)
    engine = create_engine(url)
    first = data_version(store, engine)
    assert data_version(store, engine) == first
    with transaction(engine) as session:
        set_statement(session, load_framework(), "tester", "QS1", own_score=3)
    second = data_version(store, engine)
    assert second != first
    store.write_bytes(b"a new extract")
    assert data_version(store, engine) != second
    engine.dispose()
