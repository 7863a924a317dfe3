"""Attacks on ingest (issue 15), each reproduced and shown refused: ZIP members that read the
server's files, uploads built to exhaust memory, raw ids reaching the store's file, and what
killed or failed loads leave behind."""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import duckdb
import pytest
from records_samples import csv_text, tables, with_cell, write_folder

from careassure.records import load
from careassure.records.load import ingest, remove_leftovers
from careassure.records.sources import IngestError
from careassure.synth import generate_county
from careassure.synth.output import write_county

SECRET = "server-secret-7f3a"


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _extract_members() -> dict[str, bytes]:
    return {f"{name}.csv": csv_text(header, rows).encode()
            for name, (header, rows) in tables().items()}


def _server_file(tmp_path: Path) -> Path:
    """A file elsewhere on the server that an attacker names from inside a ZIP."""
    outside = tmp_path / "outside"
    outside.mkdir()
    target = outside / "people.csv"
    target.write_text(f"person_id,{SECRET}\n{SECRET},x\n")
    return target


@pytest.mark.parametrize("member", [
    "{outside}",  # absolute path
    "../outside/people.csv",
    "export/../../outside/people.csv",
    "*/people.parquet",
    "C:/outside/people.csv",
])
def test_a_zip_member_naming_a_server_path_or_a_pattern_is_refused(tmp_path: Path,
                                                                    member: str) -> None:
    target = _server_file(tmp_path)
    members = _extract_members()
    del members["people.csv"]
    members[member.format(outside=target)] = b"person_id\nP9\n"
    archive = _zip(tmp_path / "extract.zip", members)
    with pytest.raises(IngestError, match="careassure refuses the archive") as refused:
        ingest(archive, store=tmp_path / "store.duckdb")
    assert SECRET not in str(refused.value)
    assert not (tmp_path / "store.duckdb").exists()


def test_a_zip_member_that_is_not_a_table_is_refused(tmp_path: Path) -> None:
    members = _extract_members() | {"notes.txt": b"case notes"}
    with pytest.raises(IngestError, match=r"notes\.txt is not one of the extract's tables"):
        ingest(_zip(tmp_path / "extract.zip", members), store=tmp_path / "store.duckdb")


def test_a_zip_in_folders_with_safe_names_still_loads(tmp_path: Path) -> None:
    members = {f"export/{name}": data for name, data in _extract_members().items()}
    assert ingest(_zip(tmp_path / "extract.zip", members), store=tmp_path / "s.duckdb").ok


def test_a_folder_whose_path_is_a_pattern_is_not_read_as_one(tmp_path: Path) -> None:
    write_folder(tmp_path / "real")
    result = ingest(write_folder(tmp_path / "ex[a-z]"), store=tmp_path / "s.duckdb")
    assert not result.ok
    assert {e.rule for e in result.errors} == {"unreadable_file"}
    assert "pattern" in result.errors[0].reason


def test_a_zip_bomb_is_stopped_at_the_unpacked_size_limit(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAREASSURE_INGEST_MAX_UNCOMPRESSED_BYTES", "100000")
    members = _extract_members()
    members["contacts.csv"] += b"\n" * 1_000_000  # compresses to about a kilobyte
    archive = _zip(tmp_path / "extract.zip", members)
    assert archive.stat().st_size < 10_000
    with pytest.raises(IngestError, match=r"unpacks to more than 100,000 bytes, the limit"):
        ingest(archive, store=tmp_path / "store.duckdb")


def test_a_zip_whose_members_lie_about_their_size_is_stopped_while_unpacking(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAREASSURE_INGEST_MAX_UNCOMPRESSED_BYTES", "100000")
    members = _extract_members()
    members["contacts.csv"] += b"\n" * 1_000_000
    archive = _zip(tmp_path / "extract.zip", members)
    real = zipfile.ZipFile.infolist

    def lying(self: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
        infos = real(self)
        for info in infos:
            info.file_size = 10
        return infos

    monkeypatch.setattr(zipfile.ZipFile, "infolist", lying)
    with pytest.raises(IngestError, match=r"^extract\.zip (unpacks to more than|cannot be)"):
        ingest(archive, store=tmp_path / "store.duckdb")


def test_a_row_of_a_hundred_thousand_fields_is_refused_before_it_is_read(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "extract")
    header, rows = tables()["teams"]
    wide = [*header, *(f"x{i}" for i in range(100_000))]
    (folder / "teams.csv").write_text(",".join(wide) + "\n" + ",".join(rows[0]) + "\n")
    result = ingest(folder, store=tmp_path / "s.duckdb")
    assert [(e.file, e.rule, e.reason) for e in result.errors] == [
        ("teams.csv", "too_large", "has more than 500 columns, the limit")]


def test_a_huge_csv_cell_is_reported_without_its_value(tmp_path: Path) -> None:
    folder = with_cell(tmp_path / "extract", "episodes", 0, "outcome", "A" * 300_000)
    result = ingest(folder, store=tmp_path / "s.duckdb")
    assert not result.ok
    assert all(len(e.value or "") < 1_000 and len(e.reason) < 1_000 for e in result.errors)
    assert result.error_report is not None and result.error_report.stat().st_size < 10_000


def test_a_huge_workbook_cell_is_reported_without_its_value(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    import openpyxl

    monkeypatch.setenv("CAREASSURE_INGEST_MAX_CELL_CHARS", "1000")
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, (header, rows) in tables().items():
        sheet = workbook.create_sheet(name)
        sheet.append(header)
        for row in rows:
            sheet.append(row)
    workbook["episodes"]["C3"] = "B" * 5_000
    workbook.save(tmp_path / "extract.xlsx")
    result = ingest(tmp_path / "extract.xlsx", store=tmp_path / "s.duckdb")
    assert [(e.table, e.row, e.rule, e.value) for e in result.errors] == [
        ("episodes", 3, "too_large", None)]


def test_a_table_over_the_row_limit_is_refused(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAREASSURE_INGEST_MAX_ROWS", "2")
    result = ingest(write_folder(tmp_path / "extract"), store=tmp_path / "s.duckdb")
    assert "too_large" in {e.rule for e in result.errors}
    assert any(re.match(r"has \d+ rows, over the limit of 2$", e.reason) for e in result.errors)


def test_a_limit_that_is_not_a_positive_number_is_refused(monkeypatch: pytest.MonkeyPatch,
                                                          tmp_path: Path) -> None:
    from careassure.records.limits import IngestLimits, LimitSettingError

    monkeypatch.setenv("CAREASSURE_INGEST_MAX_ROWS", "-1")
    with pytest.raises(LimitSettingError, match="CAREASSURE_INGEST_MAX_ROWS"):
        IngestLimits.from_environment()


# --- raw ids never reach the store's file --------------------------------------------------------


def _raw_ids_in(folder: Path, ids: set[str]) -> set[str]:
    """Raw person ids (P followed by seven digits) found in any file under ``folder``."""
    found: set[str] = set()
    for path in folder.rglob("*"):
        if path.is_file():
            found |= {m.decode() for m in re.findall(rb"P\d{7}", path.read_bytes())} & ids
    return found


def test_raw_ids_never_reach_the_store_file_after_repeated_rejected_and_aborted_loads(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    county = generate_county(0.01, 3)
    ids = set(county["people"]["person_id"].astype(str))
    extract = tmp_path / "extract"
    write_county(county, extract)
    stores = tmp_path / "stores"
    store = stores / "store.duckdb"
    for _ in range(3):
        assert ingest(extract, store=store).ok
    rejected = tmp_path / "rejected"
    write_county(county, rejected)
    text = (rejected / "episodes.csv").read_text().replace("assessment", "guess", 1)
    (rejected / "episodes.csv").write_text(text)
    assert not ingest(rejected, store=store, error_report=tmp_path / "errors.csv").ok

    real_insert = load._insert

    def stopped(con: duckdb.DuckDBPyConnection, name: str, relation: str, extract: str) -> None:
        real_insert(con, name, relation, extract)
        if name == "episodes":
            raise KeyboardInterrupt

    monkeypatch.setattr(load, "_insert", stopped)
    with pytest.raises(KeyboardInterrupt):
        ingest(extract, store=store)
    monkeypatch.setattr(load, "_insert", real_insert)
    assert ingest(extract, store=store).ok
    assert len(ids) > 500
    assert _raw_ids_in(stores, ids) == set()


# --- leftovers -----------------------------------------------------------------------------------


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_what_a_killed_load_left_is_removed_by_the_next(tmp_path: Path) -> None:
    store = tmp_path / "store.duckdb"
    pid = _dead_pid()
    copy = tmp_path / f".store.duckdb.loading-{pid}"
    copy.write_bytes(b"half a store")
    tmp_path.joinpath(f".store.duckdb.loading-{pid}.wal").write_bytes(b"log")
    other_store = tmp_path / f".other.duckdb.loading-{pid}"
    other_store.write_bytes(b"not ours to judge")
    raw = Path(tempfile.mkdtemp(prefix=f"{load.INGEST_PREFIX}{pid}-"))
    (raw / "people.csv").write_text("person_id\nP0000001\n")
    alive = Path(tempfile.mkdtemp(prefix=f"{load.INGEST_PREFIX}1-"))  # pid 1 is always alive
    try:
        assert ingest(write_folder(tmp_path / "extract"), store=store).ok
        assert not copy.exists() and not raw.exists()
        assert not tmp_path.joinpath(f".store.duckdb.loading-{pid}.wal").exists()
        assert other_store.exists() and alive.exists()
        assert remove_leftovers(store) == []
    finally:
        alive.rmdir()


def test_a_failed_load_leaves_no_temporary_folder(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    members = _extract_members() | {"../x/people.csv": b"person_id\n"}
    with pytest.raises(IngestError):
        ingest(_zip(tmp_path / "extract.zip", members), store=tmp_path / "s.duckdb")

    def failing(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("stopped")

    monkeypatch.setattr(load, "_write", failing)
    with pytest.raises(RuntimeError):
        ingest(write_folder(tmp_path / "extract"), store=tmp_path / "s.duckdb")
    assert list((tmp_path / "tmp").iterdir()) == []


def test_rejected_loads_in_the_same_second_keep_their_own_reports(tmp_path: Path) -> None:
    folder = with_cell(tmp_path / "extract", "people", 0, "gender", "robot")
    reports = {ingest(folder, store=tmp_path / "s.duckdb").error_report for _ in range(3)}
    assert len(reports) == 3
    assert all(p is not None and p.exists() for p in reports)


def test_the_error_report_lists_the_first_errors_of_each_rule_and_counts_the_rest(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAREASSURE_INGEST_MAX_ERRORS_PER_RULE", "1")
    data = tables()
    header, rows = data["people"]
    for row in rows:
        row[header.index("gender")] = "robot"
    result = ingest(write_folder(tmp_path / "extract", data), store=tmp_path / "s.duckdb")
    assert result.error_counts == {"allowed_value": 3}
    assert result.error_report is not None
    lines = result.error_report.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 3  # the header, the first error, the count of the rest
    assert lines[1].startswith('"people.csv","people",2,"gender","robot","allowed_value",')
    assert lines[2] == ',,,,,"allowed_value","2 more errors of this rule are not listed"'


def test_the_store_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    import stat

    store = tmp_path / "store.duckdb"
    assert ingest(write_folder(tmp_path / "extract"), store=store).ok
    assert stat.S_IMODE(store.stat().st_mode) == 0o600
