"""Loading an extract: read -> validate -> convert -> pseudonymise -> write, all or nothing.

Everything up to the write happens in a private in-memory DuckDB database (spilling to a
temporary folder when large), so the store is untouched, and unlocked, while an extract is read
and checked. A load with any error is rejected whole: nothing is written and the errors go to a
CSV report. A valid load is written into a copy of the store in ONE transaction, and the copy
then replaces the store with an atomic rename. So a load that fails at any point, even a power
cut, leaves the previous store byte for byte as it was, and readers (the web app, a report run)
keep reading the previous store until the new one is complete.

Rows carry the name of the extract they came from. Loading under a name replaces that extract's
rows and no other's: the record format loads as ``local`` by default (one current extract per
source system; each monthly refresh replaces the last), the national CLD file as ``cld``, and
one council's CLD given by its LA code (``council``) as ``cld-<la code>``, so a region loads its
councils' files as they arrive, each replacing only that council's rows. A CLD load never puts
a council or a person in two extracts (:func:`_check_councils_apart`).
"""

from __future__ import annotations

import contextlib
import errno
import getpass
import json
import os
import re
import secrets
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from careassure.records import checks, report
from careassure.records.cells import literal, quote, value_column
from careassure.records.limits import IngestLimits
from careassure.records.pseudonymise import hmac_pads, hmac_sql, load_key
from careassure.records.rules import ValidationError
from careassure.records.schema import CODE_PATTERN, STORE_ORDER, TABLES
from careassure.records.sources import IngestError, Source, read_source, sha256_file, stage_arrow
from careassure.records.staging import StagedTable, shape
from careassure.records.store import (
    EXTRACT_COLUMN,
    LOAD_LOG_TABLE,
    NotAStoreError,
    check_store_path,
    create_schema,
    store_path,
)

DEFAULT_EXTRACT = "local"
CLD_EXTRACT = "cld"
# An LA code as ONS writes it (E10000018): one letter, eight digits.
LA_CODE = re.compile(r"^[A-Z]\d{8}$")
FORMATS = ("records", "cld")
# Errors kept in memory for LoadResult.errors; the report file holds the first
# IngestLimits.max_errors_per_rule of each rule and counts the rest.
MAX_ERRORS_LISTED = 1000
_TARGET = "target"
_PSEUDONYMS = "pseudonyms"
# Names of what a load leaves while it runs, each carrying the process id, so that what a killed
# load left is recognised and removed by the next one (see remove_leftovers).
INGEST_PREFIX = "careassure-ingest-"
UPLOAD_PREFIX = "careassure-upload-"
_LOADING = re.compile(r"^\.(?P<store>.+)\.loading-(?P<pid>\d+)(\.wal)?$")
_TEMPORARY = re.compile(rf"^(?:{INGEST_PREFIX}|{UPLOAD_PREFIX})(?P<pid>\d+)-")

Progress = Callable[[str], None]


@dataclass
class LoadResult:
    """What a load did. ``errors`` lists the first MAX_ERRORS_LISTED problems in file and row
    order (``error_count`` counts all, ``error_counts`` per rule; ``error_report`` holds the
    first ``max_errors_per_rule`` of each rule and counts the rest). ``row_counts`` are the
    rows read (rejected) or stored (accepted) per table."""

    ok: bool
    errors: list[ValidationError]
    row_counts: dict[str, int]
    load_id: str | None
    extract: str
    extra_columns: dict[str, list[str]]
    error_report: Path | None
    error_count: int = 0
    error_counts: dict[str, int] = field(default_factory=dict)
    absent_columns: dict[str, list[str]] = field(default_factory=dict)
    report_lines: list[str] = field(default_factory=list)
    store: Path | None = None
    elapsed: float = 0.0


def ingest(path: str | Path, *, store: str | Path | None = None, extract: str | None = None,
           fmt: str = "records", loaded_by: str | None = None, error_report: Path | None = None,
           progress: Progress | None = None,
           population: str | Path | None = None, council: str | None = None) -> LoadResult:
    """Load the extract at ``path`` into the store: the record format (a folder of CSV or Parquet
    files, a ZIP of them or an XLSX workbook) or, with ``fmt="cld"``, a national CLD extract
    (``population``: a CSV of adults by age band for the ASCOF rates, which CLD lacks).
    ``council`` (an LA code, CLD only) loads one council's files as the extract
    ``cld-<la code>``, replacing that council's rows and leaving other councils' as they are;
    a row of another council is refused.

    Raises IngestError (and, for CLD, CldFormatError) when the extract cannot be read at all;
    problems in the data are returned in the result, never raised.
    """
    started = time.perf_counter()
    step = progress or (lambda _message: None)
    source_path = Path(path).expanduser()
    if council is not None and fmt != "cld":
        raise IngestError("--council is for --format cld: it names the council of a CLD file")
    if fmt == "cld":
        from careassure.records.cld import read_cld

        extract = _cld_extract(extract, council)
        if not source_path.exists():
            raise IngestError(f"{source_path} does not exist")
        _check_store(store_path(store))
        step(f"reading CLD extract {source_path.name}")
        cld = read_cld(source_path, population=population, council=council)
        result = load_tables(
            cld.tables, store=store, extract=extract, source_format="cld",
            source_path=str(source_path.resolve()),
            file_hashes={Path(f).name: sha256_file(Path(f)) for f in cld.source_files},
            loaded_by=loaded_by, error_report=error_report, progress=progress,
            notes=f"council {council}" if council else None)
        result.report_lines = cld.report.lines()
        result.elapsed = time.perf_counter() - started
        return result
    if fmt != "records":
        raise IngestError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if population is not None:
        raise IngestError("a population file is given with --format cld only: the record "
                          "format carries its own population table")
    extract = _extract_name(extract or DEFAULT_EXTRACT)
    _check_store(store_path(store))
    remove_leftovers(store_path(store))
    key = load_key()
    with _disk_full_explained(store_path(store)), _staging() as (con, work):
        source = read_source(source_path, con, work, step)
        result = _load(con, source, key, store=store, extract=extract,
                       source_path=str(source_path.resolve()), loaded_by=loaded_by, notes=None,
                       error_report=error_report, progress=step)
    result.elapsed = time.perf_counter() - started
    return result


def load_tables(tables: Mapping[str, pa.Table], *, store: str | Path | None, extract: str,
                source_format: str, source_path: str, file_hashes: dict[str, str],
                loaded_by: str | None = None, notes: str | None = None,
                error_report: Path | None = None,
                progress: Progress | None = None) -> LoadResult:
    """Load record-format tables held in memory (every column text, ISO or UK dates, person_id
    not yet pseudonymised), validated, converted, pseudonymised and written exactly as files
    are. Errors name each table as its file."""
    started = time.perf_counter()
    step = progress or (lambda _message: None)
    extract = _extract_name(extract)
    _check_store(store_path(store))
    remove_leftovers(store_path(store))
    key = load_key()
    with _disk_full_explained(store_path(store)), _staging() as (con, _work):
        source = stage_arrow(con, dict(tables))
        source.source_format = source_format
        source.file_hashes = dict(file_hashes)
        result = _load(con, source, key, store=store, extract=extract, source_path=source_path,
                       loaded_by=loaded_by, notes=notes, error_report=error_report,
                       progress=step)
    result.elapsed = time.perf_counter() - started
    return result


def _cld_extract(extract: str | None, council: str | None) -> str:
    """The extract a CLD load goes into: ``cld``, or ``cld-<la code>`` for one council."""
    if council is None:
        return extract or CLD_EXTRACT
    if not LA_CODE.match(council):
        raise IngestError(f"--council {council!r} is not an LA code: one capital letter and "
                          "eight digits, as E10000018")
    if extract is not None:
        raise IngestError(f"give --council or --extract, not both: council {council}'s rows "
                          f"are the extract cld-{council.lower()}")
    return f"cld-{council.lower()}"


def _extract_name(name: str) -> str:
    if not re.match(CODE_PATTERN, name):
        raise IngestError(f"extract name {name!r} is not a code: use lower-case letters, digits, "
                          "_ or - (e.g. local, cld, mosaic-2026-05)")
    return name


@contextlib.contextmanager
def _staging() -> Iterator[tuple[duckdb.DuckDBPyConnection, Path]]:
    """A private in-memory database, spilling to a temporary folder only its owner can read
    (the extract's raw values pass through it), removed afterwards."""
    with tempfile.TemporaryDirectory(prefix=f"{INGEST_PREFIX}{os.getpid()}-") as folder:
        work = Path(folder)
        con = duckdb.connect(":memory:")
        try:
            con.execute(f"SET temp_directory = {literal(str(work / 'spill'))}")
            con.execute("SET enable_progress_bar = false")
            yield con, work
        finally:
            con.close()


@contextlib.contextmanager
def _disk_full_explained(store: Path) -> Iterator[None]:
    """A full disk, met anywhere in a load (unpacking, spilling, writing), as one IngestError
    rather than a traceback. Everything the load wrote is removed by the exits it passes."""
    try:
        yield
    except OSError as exc:
        if exc.errno != errno.ENOSPC:
            raise
        raise IngestError(_DISK_FULL.format(store=store.parent)) from exc
    except duckdb.Error as exc:
        if "no space left" not in str(exc).lower():
            raise
        raise IngestError(_DISK_FULL.format(store=store.parent)) from exc


_DISK_FULL = ("the disk is full: the load was stopped and the store left as it was; free space "
              "(in {store} and the temporary folder) and load again")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_leftovers(store: Path) -> list[Path]:
    """Remove what killed loads left: copies of ``store`` being written (``.<store>.loading-<pid>``)
    and temporary folders holding a raw extract (``careassure-ingest-<pid>-*``,
    ``careassure-upload-<pid>-*``), whenever the process that made them is gone. Run before
    every load and when the web app starts. Returns what was removed."""
    import shutil

    removed: list[Path] = []
    candidates: list[tuple[Path, re.Match[str] | None]] = []
    if store.parent.is_dir():
        candidates += [(p, _LOADING.match(p.name)) for p in store.parent.iterdir()]
    temporary = Path(tempfile.gettempdir())
    candidates += [(p, _TEMPORARY.match(p.name)) for p in temporary.iterdir()
                   if p.name.startswith((INGEST_PREFIX, UPLOAD_PREFIX))]
    for path, match in candidates:
        if match is None or _alive(int(match["pid"])):
            continue
        if match.re is _LOADING and match["store"] != store.name:
            continue
        with contextlib.suppress(OSError):
            if path.is_dir() and not path.is_symlink():
                if path.stat().st_uid != os.getuid():
                    continue
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path)
    return removed


def _check_store(target: Path) -> None:
    """Refuse, before any work, a store path that is a folder or a file DuckDB did not write
    (a CSV given to --db by mistake would otherwise be replaced by the new store)."""
    try:
        check_store_path(target)
    except NotAStoreError as exc:
        raise IngestError(f"--db {exc}") from exc


def _load(con: duckdb.DuckDBPyConnection, source: Source, key: bytes, *,
          store: str | Path | None, extract: str, source_path: str, loaded_by: str | None,
          notes: str | None, error_report: Path | None, progress: Progress) -> LoadResult:
    target = store_path(store)
    checks.create_errors_table(con)
    checks.record(con, source.errors)
    staged: dict[str, StagedTable] = {}
    for raw in source.raw:
        checks.record_unreadable(con, raw)
        table, errors = shape(con, raw)
        checks.record(con, errors)
        staged[table.name] = table
    progress("validating")
    checks.run_checks(con, staged)
    row_counts = {name: _count(con, staged[name].relation) if name in staged else 0
                  for name in STORE_ORDER if name in staged or TABLES[name].required_table}
    extra = {n: t.extra_columns for n, t in staged.items() if t.extra_columns}
    absent = {n: t.absent_columns for n, t in staged.items() if t.absent_columns}
    result = LoadResult(ok=False, errors=[], row_counts=row_counts, load_id=None,
                        extract=extract, extra_columns=extra, error_report=None,
                        absent_columns=absent, store=target)
    result.error_count = report.error_count(con)
    if result.error_count:
        result.errors = report.first_errors(con, MAX_ERRORS_LISTED)
        result.error_counts = report.counts_by_rule(con)
        result.error_report = error_report or default_report_path(target)
        progress(f"writing the error report {result.error_report.name}")
        report.write_report(con, result.error_report,
                            IngestLimits.from_environment().max_errors_per_rule)
        return result
    progress("pseudonymising person ids")
    final = _pseudonymised(con, staged, key)
    progress(f"writing {sum(row_counts.values()):,} rows to the store")
    # Kept to the microsecond: two loads in one second must still list in the order they ran.
    loaded_at = datetime.now(UTC).replace(tzinfo=None)
    load_id = f"{loaded_at:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"
    log = {
        "load_id": load_id, "extract": extract, "source_format": source.source_format,
        "loaded_at": loaded_at, "loaded_by": loaded_by or _os_user(),
        "source_path": source_path, "file_hashes": json.dumps(source.file_hashes),
        "row_counts": json.dumps(row_counts), "extra_columns": json.dumps(extra),
        "notes": notes,
    }
    _write(con, final, target, extract, log)
    result.ok, result.load_id = True, load_id
    return result


def default_report_path(store: Path) -> Path:
    """Where a rejected load's errors go unless told: next to the store, stamped with the time."""
    return store.parent / (f"load-errors-{datetime.now():%Y%m%d-%H%M%S}-"
                           f"{secrets.token_hex(4)}.csv")


def _count(con: duckdb.DuckDBPyConnection, relation: str) -> int:
    found = con.execute(f"SELECT count(*) FROM {quote(relation)}").fetchone()
    return int(found[0]) if found else 0


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _pseudonymised(con: duckdb.DuckDBPyConnection, staged: Mapping[str, StagedTable],
                   key: bytes) -> dict[str, str]:
    """Each table as it will be stored (typed values, person ids replaced by their keyed hash),
    built in the private staging database before the store is opened, and every table holding
    raw ids dropped. So the store's file never receives a raw id, not even in a page it frees
    later, and a load stopped while writing leaves nothing identifying in its copy. Each id is
    hashed once into a lookup (people holds each id once and every id referenced elsewhere:
    validation saw to both); the key's pads are bound as parameters, so they appear in no query
    text or error message. Returns each table's relation."""
    inner, outer = hmac_pads(key)
    con.execute(f"CREATE OR REPLACE TABLE {_PSEUDONYMS} AS SELECT person_id AS raw, "
                f"{hmac_sql('person_id', '$ipad', '$opad')} AS pseudonym "
                f"FROM {quote(staged['people'].relation)}", {"ipad": inner, "opad": outer})
    final: dict[str, str] = {}
    for name in STORE_ORDER:
        if name not in staged:  # a table this reader does not fill
            continue
        table = TABLES[name]
        values: list[str] = []
        joins: list[str] = []
        for column in table.columns:
            if column.pseudonymised:
                alias = f"p{len(joins)}"
                joins.append(f"LEFT JOIN {_PSEUDONYMS} {alias} "
                             f"ON {alias}.raw = s.{quote(column.name)}")
                values.append(f"{alias}.pseudonym AS {quote(column.name)}")
            else:
                values.append(f"s.{quote(value_column(column))} AS {quote(column.name)}")
        relation = f"final_{name}"
        con.execute(f"CREATE OR REPLACE TABLE {quote(relation)} AS SELECT {', '.join(values)} "
                    f"FROM {quote(staged[name].relation)} s " + " ".join(joins))
        con.execute(f"DROP TABLE {quote(staged[name].relation)}")
        final[name] = relation
    con.execute(f"DROP TABLE {_PSEUDONYMS}")
    return final


def _insert(con: duckdb.DuckDBPyConnection, name: str, relation: str, extract: str) -> None:
    """Replace one table's rows of ``extract`` with its pseudonymised staged rows."""
    names = ", ".join(quote(n) for n in (*TABLES[name].column_names, EXTRACT_COLUMN))
    con.execute(f"DELETE FROM {quote(name)} WHERE {quote(EXTRACT_COLUMN)} = ?", [extract])
    con.execute(f"INSERT INTO {quote(name)} ({names}) SELECT *, {literal(extract)} "
                f"FROM memory.main.{quote(relation)}")


def _write(con: duckdb.DuckDBPyConnection, final: Mapping[str, str], store: Path,
           extract: str, log: dict[str, object]) -> None:
    """Write into a copy of the store in one transaction, then swap the copy in atomically."""
    store.parent.mkdir(parents=True, exist_ok=True)
    copy = store.with_name(f".{store.name}.loading-{os.getpid()}")
    with _load_lock(store):
        try:
            if store.exists():
                _copy_store(store, copy)
            try:
                con.execute(f"ATTACH {literal(str(copy))} AS {_TARGET}")
            except duckdb.Error as exc:
                raise IngestError(f"cannot write a new store next to {store}: {exc}") from exc
            try:
                # Row order no longer matters (every row carries its own number), and inserting
                # without it lets DuckDB write in parallel.
                con.execute("SET preserve_insertion_order = false")
                con.execute(f"USE {_TARGET}")
                con.execute("BEGIN TRANSACTION")
                try:
                    create_schema(con)
                    if "cld_people" in final:
                        _check_councils_apart(con, final, extract)
                    for name in STORE_ORDER:
                        if name in final:
                            _insert(con, name, final[name], extract)
                        else:  # a table this reader does not fill: the extract has none
                            con.execute(f"DELETE FROM {quote(name)} "
                                        f"WHERE {quote(EXTRACT_COLUMN)} = ?", [extract])
                    columns = ", ".join(log)
                    con.execute(f"INSERT INTO {LOAD_LOG_TABLE} ({columns}) VALUES "
                                f"({', '.join('?' * len(log))})", list(log.values()))
                    con.execute("COMMIT")
                except BaseException:
                    with contextlib.suppress(duckdb.Error):
                        con.execute("ROLLBACK")
                    raise
                con.execute(f"CHECKPOINT {_TARGET}")
            finally:
                con.execute("USE memory")
                con.execute(f"DETACH {_TARGET}")
            os.chmod(copy, 0o600)  # pseudonymised, but still personal data: its owner only
            _fsync(copy)
            os.replace(copy, store)
            _fsync(store.parent)
        finally:
            for leftover in (copy, copy.with_name(copy.name + ".wal")):
                leftover.unlink(missing_ok=True)


def _check_councils_apart(con: duckdb.DuckDBPyConnection, final: Mapping[str, str],
                          extract: str) -> None:
    """Refuse a CLD load (IngestError, so the copy is dropped and the store is unchanged) whose
    councils or people the store already holds in another extract: a council in two extracts
    would count twice, and a person (the same NHS number, or the same council's local number)
    in two would be two people rows for one person. A person known to two councils is one
    person only when both councils' files are loaded together (docs/national.md)."""
    column = quote(EXTRACT_COLUMN)
    councils = con.execute(
        f"SELECT DISTINCT s.la_code, s.{column} FROM cld_people s JOIN "
        f"(SELECT DISTINCT la_code FROM memory.main.{quote(final['cld_people'])}) n "
        f"ON s.la_code = n.la_code WHERE s.{column} <> ? ORDER BY 1, 2 LIMIT 1",
        [extract]).fetchone()
    if councils:
        raise IngestError(f"council {councils[0]} is already in the store in the extract "
                          f"'{councils[1]}': load its files again under that extract, or remove "
                          "it first; a council is in one extract only (docs/national.md)")
    shared = con.execute(
        f"SELECT count(*), min(s.la_code) FROM cld_people s "
        f"JOIN memory.main.{quote(final['cld_people'])} n ON s.person_id = n.person_id "
        f"WHERE s.{column} <> ?", [extract]).fetchone()
    if shared and shared[0]:
        raise IngestError(f"{shared[0]:,} person(s) of this file are already in the store for "
                          f"council {shared[1]} (the same NHS number): a person known to two "
                          "councils is one person only when both councils' files are loaded "
                          "together (docs/national.md)")


def _copy_store(store: Path, copy: Path) -> None:
    """Copy the store while holding DuckDB's read lock on it, so no writer changes it mid-copy.
    A store left with a write-ahead log (a writer stopped without closing it) is checkpointed
    first, since the copy must hold everything the store holds."""
    import shutil

    try:
        if store.with_name(store.name + ".wal").exists():
            duckdb.connect(str(store)).close()
        reader = duckdb.connect(str(store), read_only=True)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise IngestError(f"the store {store} is open for writing in another program: close "
                              "it and try again") from exc
        raise IngestError(f"{store} cannot be opened as a careassure store: {exc}") from exc
    except duckdb.Error as exc:
        raise IngestError(f"{store} cannot be opened as a careassure store: {exc}") from exc
    try:
        shutil.copyfile(store, copy)
    finally:
        reader.close()


@contextlib.contextmanager
def _load_lock(store: Path) -> Iterator[None]:
    """One load at a time per store: a second would copy the store before the first swapped its
    copy in, and one of the two loads would be lost."""
    lock = store.with_name(f".{store.name}.load-lock")
    with lock.open("a") as handle:
        try:
            import fcntl
        except ImportError:  # Windows: no advisory locks; loads are run by hand, one at a time
            yield
            return
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise IngestError(f"another load into {store} is running: wait for it to finish"
                              ) from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _fsync(path: Path) -> None:
    """Flush a file (or a folder's entries) to disk, so the rename cannot outrun the data."""
    flags = os.O_RDONLY | (os.O_DIRECTORY if path.is_dir() and hasattr(os, "O_DIRECTORY") else 0)
    try:
        descriptor = os.open(path, flags)
    except OSError:
        return  # folders cannot be opened on every platform; the rename is still atomic
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
