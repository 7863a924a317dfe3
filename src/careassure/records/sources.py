"""Readers: a folder of CSV or Parquet files, a ZIP of them, or one XLSX workbook, read as text.

Every cell is read as text first, so that a malformed date is reported with its row rather than
guessed at, and every row keeps the number a spreadsheet user sees (header = row 1). CSV and
Parquet are read by DuckDB in bulk (ten million rows in seconds); only workbooks are read cell by
cell, because that is the only way to see what Excel stored (dates as serial numbers or datetime
cells, formulas as text, which are kept as text and never evaluated).

A problem with the whole source (no such path, not a workbook, a corrupt ZIP) raises
:class:`IngestError`; a problem with one file or row is a :class:`ValidationError` collected with
the others.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path, PurePosixPath
from typing import Any

import duckdb
import pyarrow as pa

from careassure.records.cells import literal, quote
from careassure.records.csv_reader import FIRST_DATA_ROW, read_csv
from careassure.records.limits import IngestLimits
from careassure.records.rules import (
    TABLE_DUPLICATED,
    TABLE_MISSING,
    TOO_LARGE,
    UNREADABLE_FILE,
    ValidationError,
)
from careassure.records.schema import LOAD_ORDER, STORE_ORDER, TABLES, ColumnType
from careassure.records.staging import RawTable

FILE_FORMATS = ("csv", "parquet")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")

Progress = Callable[[str], None]
# Characters DuckDB's readers take as a file pattern: a path holding one could read other files.
GLOB_CHARACTERS = re.compile(r"[*?\[\]{}]")
_COPY_BLOCK = 1 << 20


class IngestError(Exception):
    """An expected problem that stops a load before validation (the message says what to do)."""


@dataclass
class Source:
    """What the readers found: each table's raw staging relation, the problems met while reading,
    and the SHA-256 of every file read (for the load log)."""

    source_format: str
    raw: list[RawTable] = field(default_factory=list)
    errors: list[ValidationError] = field(default_factory=list)
    file_hashes: dict[str, str] = field(default_factory=dict)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class _Hashes:
    """File hashes computed on a worker thread while DuckDB reads (hashlib releases the GIL)."""

    def __init__(self, executor: ThreadPoolExecutor) -> None:
        self._executor = executor
        self._futures: dict[str, Future[str]] = {}

    def add(self, label: str, path: Path) -> None:
        self._futures[label] = self._executor.submit(sha256_file, path)

    def result(self) -> dict[str, str]:
        return {label: future.result() for label, future in self._futures.items()}


def read_source(path: Path, con: duckdb.DuckDBPyConnection, work_dir: Path,
                progress: Progress, limits: IngestLimits | None = None) -> Source:
    """Read the extract at ``path`` into raw staging tables of ``con``, within ``limits``."""
    limits = limits or IngestLimits.from_environment()
    if not path.exists():
        raise IngestError(f"{path} does not exist")
    with ThreadPoolExecutor(max_workers=1) as executor:
        hashes = _Hashes(executor)
        if path.is_dir():
            source = _read_folder(path, con, hashes, progress, limits)
        elif path.suffix.lower() in WORKBOOK_SUFFIXES:
            hashes.add(path.name, path)
            source = _read_workbook(path, con, progress, limits)
        elif path.suffix.lower() == ".zip":
            hashes.add(path.name, path)
            source = _read_zip(path, con, work_dir, progress, limits)
        elif path.suffix.lower().lstrip(".") in FILE_FORMATS:
            raise IngestError(f"{path} is one file: give the folder that holds all six tables "
                              f"({', '.join(f'{t}.csv' for t in LOAD_ORDER)})")
        else:
            raise IngestError(f"{path} is not a folder, an .xlsx workbook or a .zip of CSV "
                              "files: careassure cannot read it")
        try:
            source.file_hashes = hashes.result()
        except OSError as exc:
            raise IngestError(f"cannot read {exc.filename}: {exc.strerror}") from exc
    return source


# --- folders and ZIPs of CSV / Parquet files -----------------------------------------------------


def _table_files(names: Iterable[str]) -> dict[str, list[str]]:
    """The files (by name) that hold each table: ``<table>.csv`` or ``<table>.parquet``, any
    case. Other files are not the extract's and are left alone."""
    found: dict[str, list[str]] = {}
    for name in names:
        stem, _, suffix = PurePosixPath(name).name.lower().rpartition(".")
        if stem in TABLES and suffix in FILE_FORMATS:
            found.setdefault(stem, []).append(name)
    return found


def _read_files(files: dict[str, list[str]], where: Callable[[str], Path], expected: str,
                con: duckdb.DuckDBPyConnection, source: Source, progress: Progress,
                limits: IngestLimits) -> None:
    for table in LOAD_ORDER:
        names = sorted(files.get(table, []))
        if not names:
            source.errors.append(ValidationError(
                expected.format(table=table), table, None, None, None, TABLE_MISSING.id,
                f"table {table} is missing: expected {table}.csv or {table}.parquet"))
            continue
        if len(names) > 1:
            source.errors.append(ValidationError(
                names[0], table, None, None, None, TABLE_DUPLICATED.id,
                f"table {table} is given {len(names)} times ({', '.join(names)}): keep one"))
            continue
        progress(f"reading {names[0]}")
        path = where(names[0])
        if GLOB_CHARACTERS.search(str(path)):
            source.errors.append(ValidationError(
                names[0], table, None, None, None, UNREADABLE_FILE.id,
                "its path holds one of * ? [ ] { }, which would be read as a pattern matching "
                "other files: rename the file or its folder"))
            continue
        reader = _read_parquet if names[0].lower().endswith(".parquet") else read_csv
        raw, errors = reader(con, table, names[0], path, limits)
        source.errors.extend(errors)
        if raw is not None and not _too_many_rows(con, raw, source, limits):
            source.raw.append(raw)


def _too_many_rows(con: duckdb.DuckDBPyConnection, raw: RawTable, source: Source,
                   limits: IngestLimits) -> bool:
    """Whether ``raw`` holds more than ``limits.max_rows`` rows (then reported and dropped)."""
    found = con.execute(f"SELECT count(*) FROM {quote(raw.relation)}").fetchone()
    rows = int(found[0]) if found else 0
    if rows <= limits.max_rows:
        return False
    source.errors.append(ValidationError(
        raw.file, raw.table, None, None, None, TOO_LARGE.id,
        f"has {rows:,} rows, over the limit of {limits.max_rows:,}"))
    con.execute(f"DROP TABLE IF EXISTS {quote(raw.relation)}")
    return True


def _read_folder(folder: Path, con: duckdb.DuckDBPyConnection, hashes: _Hashes,
                 progress: Progress, limits: IngestLimits) -> Source:
    files = _table_files(p.name for p in folder.iterdir() if p.is_file())
    for names in files.values():
        for name in names:
            hashes.add(name, folder / name)
    formats = {n.rpartition(".")[2].lower() for names in files.values() for n in names}
    source = Source("+".join(sorted(formats)) or "csv")
    _read_files(files, lambda name: folder / name, "{table}.csv", con, source, progress, limits)
    return source


def member_problem(name: str) -> str | None:
    """Why a ZIP member's name cannot be unpacked safely, or None. Names are confined to the
    unpacked folder: an absolute path, a drive letter or a ``..`` step would read or write
    elsewhere on the server, and a pattern character would make DuckDB read other files."""
    posix = name.replace("\\", "/")
    if posix.startswith("/") or re.match(r"^[A-Za-z]:", posix):
        return "is an absolute path"
    if ".." in PurePosixPath(posix).parts:
        return "climbs out of the archive's folder with .."
    if GLOB_CHARACTERS.search(posix):
        return "holds one of * ? [ ] { }, which would be read as a pattern"
    if "\0" in posix:
        return "holds a NUL character"
    return None


def _read_zip(path: Path, con: duckdb.DuckDBPyConnection, work_dir: Path,
              progress: Progress, limits: IngestLimits) -> Source:
    """Unpack the table files of a ZIP, each under a name of ours (never the member's), into
    ``work_dir``, refusing unsafe member names, members that are not table files and more than
    ``limits.max_uncompressed_bytes`` unpacked (counted as written: a member's declared size can
    lie)."""
    unpacked = work_dir / "unpacked"
    unpacked.mkdir(mode=0o700, exist_ok=True)
    local: dict[str, Path] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist()
                       if not m.is_dir() and not m.filename.startswith("__MACOSX/")]
            for member in members:
                problem = member_problem(member.filename)
                if problem:
                    raise IngestError(f"{path.name}: member {member.filename!r} {problem}: "
                                      "careassure refuses the archive")
            files = _table_files(m.filename for m in members)
            wanted = {name for names in files.values() for name in names}
            strays = [m.filename for m in members if m.filename not in wanted]
            if strays:
                expected = ", ".join(f"{t}.csv" for t in LOAD_ORDER)
                raise IngestError(f"{path.name}: {', '.join(sorted(strays)[:5])} "
                                  f"{'is' if len(strays) == 1 else 'are'} not one of the "
                                  f"extract's tables ({expected}, or .parquet): remove "
                                  f"{'it' if len(strays) == 1 else 'them'} from the archive")
            declared = sum(m.file_size for m in members)
            if declared > limits.max_uncompressed_bytes:
                raise _too_large(path, limits)
            progress(f"unpacking {path.name}")
            written = 0
            for index, member in enumerate(members):
                suffix = member.filename.rpartition(".")[2].lower()
                target = unpacked / f"{index}.{suffix}"
                with archive.open(member) as reader, target.open("xb") as writer:
                    while block := reader.read(_COPY_BLOCK):
                        written += len(block)
                        if written > limits.max_uncompressed_bytes:
                            raise _too_large(path, limits)
                        writer.write(block)
                local[member.filename] = target
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError) as exc:
        raise IngestError(f"{path.name} cannot be opened as a ZIP file: {exc}") from exc
    except OSError as exc:
        raise IngestError(f"{path.name} cannot be unpacked: {exc.strerror or exc}") from exc
    source = Source("zip")
    _read_files(files, local.__getitem__, f"{path.name}: {{table}}.csv", con, source,
                progress, limits)
    return source


def _too_large(path: Path, limits: IngestLimits) -> IngestError:
    return IngestError(f"{path.name} unpacks to more than {limits.max_uncompressed_bytes:,} "
                       f"bytes, the limit ({TOO_LARGE.id}; an administrator can raise "
                       "CAREASSURE_INGEST_MAX_UNCOMPRESSED_BYTES)")


def _read_parquet(con: duckdb.DuckDBPyConnection, table: str, label: str, path: Path,
                  limits: IngestLimits) -> tuple[RawTable | None, list[ValidationError]]:
    """A Parquet file as text: typed columns are written as the record format writes them
    (dates ISO, times with a T, months YYYY-MM), so they pass the same checks as a CSV."""
    scan = f"read_parquet({literal(str(path))}, file_row_number=true)"
    try:
        described = con.execute(f"DESCRIBE SELECT * EXCLUDE (file_row_number) FROM {scan}"
                                 ).fetchall()
        header = [name for name, *_ in described]
        if len(header) > limits.max_fields:
            return None, [ValidationError(label, table, None, None, None, TOO_LARGE.id,
                                          f"has more than {limits.max_fields:,} columns, "
                                          "the limit")]
        texts = [f"{_parquet_text(quote(name), kind, table, name)} AS c{i}"
                 for i, (name, kind, *_) in enumerate(described)]
        relation = f"raw_{table}"
        con.execute(f"CREATE OR REPLACE TABLE {quote(relation)} AS SELECT "
                    f"{', '.join(['file_row_number AS _row', *texts])} FROM {scan}")
        long = " OR ".join(f"length(c{i}) > {limits.max_cell_chars}" for i in range(len(texts)))
        found = con.execute(f"SELECT min(_row) FROM {quote(relation)} WHERE {long or 'false'}"
                            ).fetchone()
    except duckdb.Error as exc:
        return None, [ValidationError(label, table, None, None, None, UNREADABLE_FILE.id,
                                      f"cannot be read as Parquet: {str(exc).splitlines()[0]}")]
    if found and found[0] is not None:
        con.execute(f"DROP TABLE {quote(relation)}")
        return None, [_long_cell(label, table, int(found[0]) + FIRST_DATA_ROW, limits)]
    return RawTable(table, label, header, relation, f"_row + {FIRST_DATA_ROW}"), []


def _long_cell(label: str, table: str, row: int, limits: IngestLimits) -> ValidationError:
    """A cell over the length limit: reported on its row, its value left out of the report."""
    return ValidationError(label, table, row, None, None, TOO_LARGE.id,
                           f"has a cell of more than {limits.max_cell_chars:,} characters, "
                           "the limit")


def _column_types(table: str) -> dict[str, ColumnType]:
    return {column.name: column.type for column in TABLES[table].columns}


def _parquet_text(column: str, source_type: str, table: str, name: str) -> str:
    """SQL writing one typed Parquet column as record-format text."""
    kind = _column_types(table).get(name, ColumnType.TEXT)
    if source_type.startswith("TIMESTAMP WITH TIME ZONE"):
        column = f"timezone('Europe/London', {column})"
        source_type = "TIMESTAMP"
    if source_type == "DATE" or source_type.startswith("TIMESTAMP"):
        if kind is ColumnType.MONTH:
            return f"strftime({column}, '%Y-%m')"
        if kind is ColumnType.DATETIME:
            return f"strftime({column}, '%Y-%m-%dT%H:%M:%S')"
        if source_type != "DATE":
            return (f"CASE WHEN {column}::TIME = '00:00:00' THEN strftime({column}, '%Y-%m-%d') "
                    f"ELSE strftime({column}, '%Y-%m-%dT%H:%M:%S') END")
    return f"CAST({column} AS VARCHAR)"


# --- workbooks -----------------------------------------------------------------------------------


def _read_workbook(path: Path, con: duckdb.DuckDBPyConnection, progress: Progress,
                   limits: IngestLimits) -> Source:
    """One sheet per table, named as the table (any case). Formulas are read as their text
    (``data_only=False``), never as a value Excel computed: careassure does not evaluate them."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise IngestError(f"{path} cannot be opened as an Excel workbook: {exc}") from exc
    source = Source("xlsx")
    try:
        sheets = {title.strip().lower(): title for title in workbook.sheetnames}
        for table in LOAD_ORDER:
            label = f"{path.name}, sheet {table}"
            title = sheets.get(table)
            if title is None:
                source.errors.append(ValidationError(
                    label, table, None, None, None, TABLE_MISSING.id,
                    f"table {table} is missing: expected a sheet named {table}"))
                continue
            progress(f"reading sheet {title}")
            label = f"{path.name}, sheet {title}"
            try:
                header, columns, rows = _sheet(workbook[title], table, workbook.epoch, limits)
            except _SheetTooLarge as exc:
                source.errors.append(ValidationError(label, table, exc.row, None, None,
                                                     TOO_LARGE.id, str(exc)))
                continue
            source.raw.append(_raw_from_columns(con, table, label, header, columns, rows))
    finally:
        workbook.close()
    return source


class _SheetTooLarge(Exception):
    """A sheet goes over a limit at ``row``: it is reported there and read no further."""

    def __init__(self, row: int, reason: str) -> None:
        super().__init__(reason)
        self.row = row


def _sheet(sheet: Any, table: str, epoch: datetime,
           limits: IngestLimits) -> tuple[list[str], list[list[str | None]], list[int]]:
    """A worksheet's header, its columns as text and each row's spreadsheet number. Reading stops
    at the first row over a limit (columns, rows, characters in a cell), so a sheet built to
    exhaust memory is never held whole."""
    if (sheet.max_column or 0) > limits.max_fields:
        raise _SheetTooLarge(1, f"has more than {limits.max_fields:,} columns, the limit")
    # A sheet that does not declare its size is read one column past the limit, to notice it.
    width = min(sheet.max_column or limits.max_fields + 1, limits.max_fields + 1)
    rows = sheet.iter_rows(values_only=True, max_col=width)
    first = next(rows, ())
    if len(first) > limits.max_fields and first[limits.max_fields] is not None:
        raise _SheetTooLarge(1, f"has more than {limits.max_fields:,} columns, the limit")
    first = first[:limits.max_fields]
    header = ["" if v is None else _cell_text(v, None, epoch) or "" for v in first]
    types = _column_types(table)
    kinds = [types.get(h.strip()) for h in header]
    columns: list[list[str | None]] = [[] for _ in header]
    numbers: list[int] = []
    for number, values in enumerate(rows, start=FIRST_DATA_ROW):
        if all(v is None for v in values):
            continue
        if len(numbers) >= limits.max_rows:
            raise _SheetTooLarge(number, f"has more than {limits.max_rows:,} rows, the limit")
        numbers.append(number)
        for index, column in enumerate(columns):
            value = values[index] if index < len(values) else None
            text = None if value is None else _cell_text(value, kinds[index], epoch)
            if text is not None and len(text) > limits.max_cell_chars:
                raise _SheetTooLarge(number, f"has a cell of more than "
                                             f"{limits.max_cell_chars:,} characters, the limit")
            column.append(text)
    return header, columns, numbers


def _cell_text(value: Any, kind: ColumnType | None, epoch: datetime) -> str | None:
    """What a workbook cell holds, as record-format text. Dates become ISO text for the column's
    type; a number in a date column is an Excel serial date; booleans become true/false."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return _moment(value, kind)
    if isinstance(value, date):
        return _moment(datetime.combine(value, time()), kind)
    if isinstance(value, int | float):
        if kind in (ColumnType.DATE, ColumnType.DATETIME, ColumnType.MONTH):
            from openpyxl.utils.datetime import from_excel

            try:
                moment = from_excel(value, epoch)
            except (ValueError, OverflowError):
                return str(value)
            if isinstance(moment, datetime):
                return _moment(moment, kind)
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)
    text = getattr(value, "text", None)  # an array formula: its formula text, not evaluated
    return str(text) if text is not None else str(value)


def _moment(moment: datetime, kind: ColumnType | None) -> str:
    if kind is ColumnType.MONTH:
        return moment.strftime("%Y-%m")
    if kind is not ColumnType.DATETIME and moment.time() == time():
        return moment.strftime("%Y-%m-%d")
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def _raw_from_columns(con: duckdb.DuckDBPyConnection, table: str, label: str, header: list[str],
                      columns: list[list[str | None]], rows: list[int]) -> RawTable:
    arrays = {f"c{i}": pa.array(values, pa.string()) for i, values in enumerate(columns)}
    arrays["_row"] = pa.array(rows, pa.int64())
    return _register(con, table, label, header, pa.table(arrays))


def _register(con: duckdb.DuckDBPyConnection, table: str, label: str, header: list[str],
              data: pa.Table) -> RawTable:
    relation = f"raw_{table}"
    view = f"arrow_{table}"
    con.register(view, data)
    try:
        con.execute(f"CREATE OR REPLACE TABLE {quote(relation)} AS SELECT * FROM {quote(view)}")
    finally:
        con.unregister(view)
    return RawTable(table, label, header, relation, "_row")


# --- tables handed over in memory (the CLD reader) -----------------------------------------------


def stage_arrow(con: duckdb.DuckDBPyConnection, tables: dict[str, pa.Table]) -> Source:
    """Record-format tables given as Arrow (every column text): each table is named as its own
    file in errors, and rows are numbered as if written to a CSV with a header."""
    import pyarrow.compute as pc

    source = Source("arrow")
    for table in STORE_ORDER:
        data = tables.get(table)
        if data is None and not TABLES[table].required_table:
            continue
        if data is None:
            source.errors.append(ValidationError(table, table, None, None, None,
                                                 TABLE_MISSING.id, f"table {table} is missing"))
            continue
        header = list(data.column_names)
        arrays = {f"c{i}": (c if pa.types.is_string(c.type) else pc.cast(c, pa.string()))
                  for i, c in enumerate(data.columns)}
        arrays["_row"] = pa.array(range(FIRST_DATA_ROW, FIRST_DATA_ROW + data.num_rows),
                                  pa.int64())
        source.raw.append(_register(con, table, table, header, pa.table(arrays)))
    return source

