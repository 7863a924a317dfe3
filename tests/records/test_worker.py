"""The load worker the web app uses: a separate process, stopped at its time limit, answering
with the same result or refusal as an ingest in the same process."""

from __future__ import annotations

import os
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
from records_samples import with_cell, write_folder

from careassure.records.limits import IngestLimits
from careassure.records.load import UPLOAD_PREFIX
from careassure.records.sources import IngestError
from careassure.records.worker import ingest_in_worker


def test_the_worker_loads_and_reports_as_ingest_does(tmp_path: Path) -> None:
    store = tmp_path / "store.duckdb"
    result = ingest_in_worker(write_folder(tmp_path / "extract"), store=store, loaded_by="ann")
    assert result.ok and result.row_counts["people"] == 3 and store.exists()
    rejected = ingest_in_worker(with_cell(tmp_path / "bad", "people", 0, "gender", "robot"),
                                store=store, loaded_by="ann")
    assert not rejected.ok and rejected.errors[0].rule == "allowed_value"
    with pytest.raises(IngestError, match="does not exist"):
        ingest_in_worker(tmp_path / "missing.zip", store=store, loaded_by="ann")


def test_a_load_that_never_ends_is_stopped_at_its_time_limit(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    extract = tmp_path / "extract.zip"
    os.mkfifo(extract)  # a pipe nobody writes to: reading it blocks for ever
    limits = replace(IngestLimits(), worker_seconds=3)
    with pytest.raises(IngestError, match="longer than 3 seconds, the limit, and was stopped"):
        ingest_in_worker(extract, store=tmp_path / "s.duckdb", loaded_by="ann", limits=limits)
    assert not [p for p in (tmp_path / "tmp").iterdir() if p.name.startswith(UPLOAD_PREFIX)]
    assert not (tmp_path / "s.duckdb").exists()


def test_a_load_over_its_memory_limit_is_stopped_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """CAREASSURE_INGEST_WORKER_MEMORY_BYTES set to 1 GiB: the small extract loads within it (a
    worker needs some 800 MB of address space for its libraries), one with six million contacts
    (about 280 MB of CSV) cannot, and is stopped with one line; the store, the temporary folders
    and the folder beside the store are as they were."""
    import hashlib

    import duckdb

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.setenv("TMPDIR", str(scratch))  # the worker's own temporary folders
    monkeypatch.setenv("CAREASSURE_INGEST_WORKER_MEMORY_BYTES", str(1024**3))
    store = tmp_path / "data" / "store.duckdb"
    store.parent.mkdir()
    assert ingest_in_worker(write_folder(tmp_path / "small"), store=store, loaded_by="ann").ok
    before = hashlib.sha256(store.read_bytes()).hexdigest()
    beside = sorted(p.name for p in store.parent.iterdir())

    big = write_folder(tmp_path / "big")
    duckdb.sql(
        "COPY (SELECT 'C' || i AS contact_id, '2024-04-01T09:15:00' AS received_at, 'true' AS "
        "answered, 35 AS queue_seconds, 'new_request' AS category FROM range(6000000) t(i)) "
        f"TO '{big / 'contacts.csv'}' (HEADER)"
    )
    with pytest.raises(IngestError) as refused:
        ingest_in_worker(big, store=store, loaded_by="ann")
    message = str(refused.value)
    assert message == ("the load needed more than 1,073,741,824 bytes of memory, the limit, "
                       "and was stopped; the store is unchanged")
    assert "\n" not in message
    assert hashlib.sha256(store.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in store.parent.iterdir()) == beside
    assert list(scratch.iterdir()) == []
