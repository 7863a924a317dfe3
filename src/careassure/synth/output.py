"""Write a generated county in the record format: CSV files, Parquet files, or one workbook.

CSV and Parquet go through Arrow, which writes ten million rows in seconds; dates are written as
ISO dates, ``received_at`` as ``YYYY-MM-DDTHH:MM:SS``, NULL as an empty cell. The workbook is for
small counties a person opens in Excel: it is refused before anything is written when a sheet
would not fit.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from careassure.records.schema import LOAD_ORDER, TABLES, ColumnType

FORMATS = ("csv", "parquet", "xlsx")
EXCEL_MAX_ROWS = 1_048_576  # rows per sheet, the header row included
WORKBOOK_NAME = "county.xlsx"


def _arrow_table(name: str, frame: pd.DataFrame, *, datetime_as_text: bool) -> pa.Table:
    """A frame as an Arrow table with the record format's types (dates as dates)."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    columns = []
    for column in TABLES[name].columns:
        values = table.column(column.name)
        if column.type is ColumnType.DATE:
            values = values.cast(pa.timestamp("s")).cast(pa.date32())
        elif column.type is ColumnType.DATETIME:
            values = values.cast(pa.timestamp("s"))
            if datetime_as_text:
                values = pc.strftime(values, format="%Y-%m-%dT%H:%M:%S")
        columns.append(values)
    return pa.table(columns, names=list(TABLES[name].column_names))


def write_county(county: dict[str, pd.DataFrame], out_dir: Path, fmt: str = "csv") -> list[Path]:
    """Write every table of ``county`` into ``out_dir`` (created if needed); return the files.

    ``fmt`` is ``csv`` (``<table>.csv``, UTF-8), ``parquet`` (``<table>.parquet``) or ``xlsx``
    (one workbook ``county.xlsx``, a sheet per table).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    missing = [name for name in LOAD_ORDER if name not in county]
    if missing:
        raise ValueError(f"the county has no table(s) {', '.join(missing)}")
    if fmt == "xlsx":
        too_big = {n: len(county[n]) for n in LOAD_ORDER if len(county[n]) + 1 > EXCEL_MAX_ROWS}
        if too_big:
            detail = ", ".join(f"{n} has {rows:,} rows" for n, rows in too_big.items())
            raise ValueError(
                f"too big for an Excel workbook ({detail}; a sheet holds at most "
                f"{EXCEL_MAX_ROWS - 1:,} rows under its header): use a smaller --scale or "
                "--format csv/parquet"
            )
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if fmt == "xlsx":
        return [_write_workbook(county, out_dir / WORKBOOK_NAME)]
    paths = []
    for name in LOAD_ORDER:
        path = out_dir / f"{name}.{fmt}"
        table = _arrow_table(name, county[name], datetime_as_text=fmt == "csv")
        if fmt == "csv":
            _write_csv(table, path)
        else:
            pq.write_table(table, path)
        paths.append(path)
    return paths


def _write_csv(table: pa.Table, path: Path) -> None:
    """Plain CSV: no quotes (generated values never hold commas, quotes or line breaks, and Arrow
    refuses to write one that does), the header written by hand because Arrow quotes it."""
    with path.open("wb") as sink:
        sink.write((",".join(table.column_names) + "\n").encode("utf-8"))
        pa_csv.write_csv(table, sink, pa_csv.WriteOptions(include_header=False,
                                                          quoting_style="none"))


def _write_workbook(county: dict[str, pd.DataFrame], path: Path) -> Path:
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name in LOAD_ORDER:
            frame = county[name].copy()
            for column in TABLES[name].columns:
                if column.type is ColumnType.DATE:
                    frame[column.name] = frame[column.name].dt.date
                elif column.type is ColumnType.DATETIME:
                    frame[column.name] = frame[column.name].dt.strftime("%Y-%m-%dT%H:%M:%S")
            frame.to_excel(writer, sheet_name=name, index=False)
    return path
