"""Loading into the store: all or nothing, idempotent, logged, and pseudonymised with a key that
never reaches the store."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import stat
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb
import pytest
from records_samples import RAW_PERSON_IDS, tables, with_cell, write_folder

from careassure.records import load
from careassure.records.load import ingest
from careassure.records.pseudonymise import (
    PseudonymKeyError,
    hmac_pads,
    hmac_sql,
    key_path,
    load_key,
)
from careassure.records.schema import LOAD_ORDER
from careassure.records.sources import IngestError
from careassure.records.store import open_store

KEY_A = "a" * 40
KEY_B = "b" * 40


def _dump(store: Path) -> dict[str, list[tuple]]:
    """Every row of every record table, sorted, for comparing two stores' contents."""
    with open_store(store) as opened:
        return {name: sorted(opened.connection.execute(f'SELECT * FROM "{name}"').fetchall(),
                             key=repr) for name in LOAD_ORDER}


def _pseudonyms(store: Path) -> list[str]:
    with open_store(store) as opened:
        return [r[0] for r in opened.connection.execute(
            "SELECT person_id FROM people ORDER BY person_id").fetchall()]


def test_a_valid_extract_loads_every_row_and_logs_the_load(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "extract")
    store = tmp_path / "store.duckdb"
    result = ingest(folder, store=store, loaded_by="A Analyst")
    assert result.ok, result.errors
    expected = {name: len(rows) for name, (_, rows) in tables().items()}
    assert result.row_counts == expected
    with open_store(store) as opened:
        assert opened.row_counts() == expected
        [record] = opened.loads()
    assert record.load_id == result.load_id
    assert (record.extract, record.source_format, record.loaded_by) == ("local", "csv",
                                                                        "A Analyst")
    assert record.row_counts == expected
    assert record.file_hashes == {
        f"{name}.csv": hashlib.sha256((folder / f"{name}.csv").read_bytes()).hexdigest()
        for name in LOAD_ORDER}


def test_a_rejected_load_leaves_the_previous_store_byte_for_byte(tmp_path: Path) -> None:
    store = tmp_path / "store.duckdb"
    assert ingest(write_folder(tmp_path / "good"), store=store).ok
    before = store.read_bytes()
    bad = with_cell(tmp_path / "bad", "episodes", 0, "received_date", "yesterday")
    result = ingest(bad, store=store, error_report=tmp_path / "errors.csv")
    assert not result.ok
    assert store.read_bytes() == before


def test_a_load_failing_half_way_through_the_write_leaves_the_store_byte_for_byte(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The write fails after some tables were inserted: the store is untouched, still opens and
    still holds the previous load; no half-written copy is left behind."""
    store = tmp_path / "store.duckdb"
    assert ingest(write_folder(tmp_path / "first"), store=store).ok
    before, contents = store.read_bytes(), _dump(store)
    real_insert = load._insert
    written: list[str] = []

    def failing_insert(con: duckdb.DuckDBPyConnection, name: str, relation: str,
                       extract: str) -> None:
        if name == "services":
            raise OSError(28, "No space left on device")
        real_insert(con, name, relation, extract)
        written.append(name)

    monkeypatch.setattr(load, "_insert", failing_insert)
    changed = with_cell(tmp_path / "second", "people", 0, "gender", "male")
    with pytest.raises(IngestError, match="^the disk is full: the load was stopped"):
        ingest(changed, store=store)
    assert written == ["people", "teams", "episodes"]  # the failure really was half way
    assert store.read_bytes() == before
    assert _dump(store) == contents
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".store")) == [
        ".store.duckdb.load-lock"]


def test_loading_the_same_extract_twice_gives_the_same_store_contents(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "extract")
    store = tmp_path / "store.duckdb"
    assert ingest(folder, store=store).ok
    once = _dump(store)
    assert ingest(folder, store=store).ok
    assert _dump(store) == once
    with open_store(store) as opened:
        assert len(opened.loads()) == 2


def test_a_new_load_of_an_extract_replaces_it_and_leaves_other_extracts(tmp_path: Path) -> None:
    store = tmp_path / "store.duckdb"
    assert ingest(write_folder(tmp_path / "march"), store=store, extract="mosaic").ok
    assert ingest(write_folder(tmp_path / "other"), store=store, extract="las").ok
    data = tables()
    data["episodes"] = (data["episodes"][0], data["episodes"][1][:2])
    assert ingest(write_folder(tmp_path / "april", data), store=store, extract="mosaic").ok
    with open_store(store) as opened:
        counts = dict(opened.connection.execute(
            "SELECT extract, count(*) FROM episodes GROUP BY extract").fetchall())
        assert opened.extracts() == ["las", "mosaic"]
    assert counts == {"mosaic": 2, "las": 4}


def test_an_extract_name_that_is_not_a_code_is_refused(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="is not a code"):
        ingest(write_folder(tmp_path / "extract"), store=tmp_path / "s.duckdb",
               extract="March 2026")


# --- pseudonymisation ----------------------------------------------------------------------------


def test_person_ids_are_stored_as_their_keyed_hash(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAREASSURE_PSEUDONYM_KEY", KEY_A)
    store = tmp_path / "store.duckdb"
    assert ingest(write_folder(tmp_path / "extract"), store=store).ok
    expected = sorted(hmac.new(KEY_A.encode(), p.encode(), hashlib.sha256).hexdigest()
                      for p in RAW_PERSON_IDS)
    assert _pseudonyms(store) == expected
    with open_store(store) as opened:
        episode_people = {r[0] for r in opened.connection.execute(
            "SELECT person_id FROM episodes UNION SELECT person_id FROM services").fetchall()}
    assert episode_people <= set(expected)


def test_same_key_same_pseudonyms_different_key_different_pseudonyms(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = write_folder(tmp_path / "extract")
    runs = {}
    for name, key in (("a1", KEY_A), ("a2", KEY_A), ("b", KEY_B)):
        monkeypatch.setenv("CAREASSURE_PSEUDONYM_KEY", key)
        assert ingest(folder, store=tmp_path / f"{name}.duckdb").ok
        runs[name] = _pseudonyms(tmp_path / f"{name}.duckdb")
    assert runs["a1"] == runs["a2"]
    assert not set(runs["a1"]) & set(runs["b"])


def test_the_key_and_the_raw_ids_never_reach_the_store(tmp_path: Path) -> None:
    store = tmp_path / "store.duckdb"
    assert ingest(write_folder(tmp_path / "extract"), store=store).ok
    key = load_key()  # the key file made on first use
    raw = store.read_bytes()
    assert key not in raw and key.hex().encode() not in raw
    for person in RAW_PERSON_IDS:
        assert person.encode() not in raw
    assert key_path().parent != store.parent
    with open_store(store) as opened:
        assert all(key.hex() not in json.dumps(r.__dict__, default=str)
                   for r in opened.loads())


def test_the_key_file_is_created_private_and_reused(careassure_home: Path) -> None:
    key = load_key()
    path = key_path()
    assert path.parent == careassure_home
    assert len(key) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_key() == key


def test_a_key_file_others_can_read_is_refused(careassure_home: Path) -> None:
    load_key()
    os.chmod(key_path(), 0o644)
    with pytest.raises(PseudonymKeyError, match="chmod 600"):
        load_key()


def test_a_short_key_in_the_environment_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAREASSURE_PSEUDONYM_KEY", "secret")
    with pytest.raises(PseudonymKeyError, match="at least 32"):
        load_key()


@pytest.mark.parametrize("key", [b"k" * 32, b"\x00\xff" * 16, ("x" * 100).encode()],
                         ids=["32 bytes", "binary", "longer than a block"])
def test_the_sql_hmac_is_rfc_2104_hmac_sha256(key: bytes) -> None:
    ids = ["P001", "p001", "", "Zoë-42 ✓", "x" * 200]
    inner, outer = hmac_pads(key)
    con = duckdb.connect()
    con.execute("CREATE TABLE people AS SELECT unnest($ids) AS person_id", {"ids": ids})
    got = con.execute(f"SELECT person_id, {hmac_sql('person_id', '$ipad', '$opad')} FROM people",
                      {"ipad": inner, "opad": outer}).fetchall()
    assert dict(got) == {i: hmac.new(key, i.encode(), hashlib.sha256).hexdigest() for i in ids}


@pytest.mark.parametrize(("make", "message"), [
    (lambda p: p.mkdir(), "is a folder, not a store: give the store's file name"),
    (lambda p: p.write_text("person_id\nP001\n"), "is not a careassure store"),
])
def test_a_store_path_that_is_not_a_store_is_refused_and_left_alone(
        tmp_path: Path, make: Callable[[Path], object], message: str) -> None:
    target = tmp_path / "target"
    make(target)
    with pytest.raises(IngestError, match=message):
        ingest(write_folder(tmp_path / "extract"), store=target)
    assert target.is_dir() or target.read_text() == "person_id\nP001\n"


def test_the_store_says_which_day_the_data_runs_to(tmp_path: Path) -> None:
    store = tmp_path / "store.duckdb"
    assert ingest(write_folder(tmp_path / "extract"), store=store, extract="mosaic").ok
    with open_store(store) as opened:
        assert opened.extract_date() == date(2024, 6, 12)  # E004 received, the latest activity
        assert opened.extract_date("mosaic") == date(2024, 6, 12)
        assert opened.extract_date("other") is None
        assert not opened.is_empty()
