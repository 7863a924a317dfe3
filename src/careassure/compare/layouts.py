"""Reading published national figures: the two file layouts careassure accepts.

**Oflog layout** (the Office for Local Government's adult social care data, as its data explorer
publishes it): one row per financial year, council and measure, with the columns ``Financial
year``, ``Local authority code``, ``Local authority name``, ``Entity_Name`` (council type),
``Region``, ``Measure``, ``Code``, ``Value``, ``MEDIAN`` (the median across councils) and
``rank_order`` (``desc``: higher is better; ``asc``: lower is better; ``None``: neither). Other
columns (``Grouping``, ``MADs_from_median``) are read past.

**Long layout** (careassure's own, for ASCOF and the CLD quarterly statistics as DHSC and NHS
England publish them: copy their per-council tables into it): one row per council, measure and
period, with the columns ``area_code``, ``area_name``, ``area_type``, ``region``,
``measure_code``, ``measure_title``, ``period`` (``2022-23`` or ``2023-24 Q1``), ``value`` and
``better`` (``higher``, ``lower`` or empty).

Both: a council code is an ONS code (E06, E07, E08, E09 or E10 followed by six digits). England's
(E92000001) and the regions' (E12 and six digits) published figures may be given too, with the
type and region left empty: they are shown beside the medians worked out from the councils, never
counted as councils. An empty
value means not published (suppressed or not collected). A file may be gzip-compressed
(``.csv.gz``). Every problem in the file is collected
and reported at once, naming the file, the row (the header is row 1), the column and the reason;
a file with any problem imports nothing.
"""

from __future__ import annotations

import csv
import gzip
import math
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from careassure.compare.model import (
    COUNCIL_CODE,
    TOTAL_CODE,
    Better,
    NationalFigure,
    NationalFileError,
    Problem,
    period_bounds,
)

OFLOG = "oflog"
LONG = "long"
OFLOG_COLUMNS = {
    "period": "Financial year",
    "council_code": "Local authority code",
    "council_name": "Local authority name",
    "council_type": "Entity_Name",
    "region": "Region",
    "measure_title": "Measure",
    "measure_code": "Code",
    "value": "Value",
    "median": "MEDIAN",
    "better": "rank_order",
}
LONG_COLUMNS = {
    "council_code": "area_code",
    "council_name": "area_name",
    "council_type": "area_type",
    "region": "region",
    "measure_code": "measure_code",
    "measure_title": "measure_title",
    "period": "period",
    "value": "value",
    "better": "better",
}
LAYOUTS = {OFLOG: OFLOG_COLUMNS, LONG: LONG_COLUMNS}
BETTER_WORDS: Mapping[str, Better | None] = {
    "desc": "higher", "higher": "higher", "asc": "lower", "lower": "lower", "none": None, "": None,
}
TEXT_FIELDS = ("council_name", "council_type", "region", "measure_code", "measure_title")
TOTAL_OPTIONAL = ("council_type", "region")  # England's and a region's rows may leave them empty


def read_national_file(path: Path) -> tuple[str, list[NationalFigure]]:
    """The layout and the figures of a published file; :class:`NationalFileError` listing every
    problem when anything is wrong with it."""
    name = path.name
    try:
        with open_text(path) as handle:
            rows = list(csv.reader(handle))
    except (OSError, EOFError, UnicodeDecodeError, csv.Error) as exc:
        raise NationalFileError([Problem(name, None, None, f"cannot be read: {exc}")]) from exc
    if not rows:
        raise NationalFileError([Problem(name, None, None, "is empty")])
    header = [cell.strip() for cell in rows[0]]
    layout = _layout(name, header)
    columns = {field: header.index(column) for field, column in LAYOUTS[layout].items()}
    problems: list[Problem] = []
    figures: list[NationalFigure] = []
    seen: dict[tuple[str, str, str], int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        figure = _figure(name, number, row, columns, LAYOUTS[layout], problems)
        if figure is None:
            continue
        key = (figure.council_code, figure.measure_code, figure.period)
        if key in seen:
            problems.append(Problem(name, number, None, (
                f"{figure.council_code} {figure.measure_code} {figure.period} is also on row "
                f"{seen[key]}")))
            continue
        seen[key] = number
        figures.append(figure)
    problems += _direction_problems(name, figures)
    if not figures and not problems:
        problems.append(Problem(name, None, None, "has a header but no figures"))
    if problems:
        raise NationalFileError(problems)
    return layout, _with_direction(figures)


def open_text(path: Path) -> TextIO:
    """A published file as text: plain, or gzip-compressed when its name ends ``.gz`` (national
    files are large and compress tenfold)."""
    if path.suffix == ".gz":
        return gzip.open(path, "rt", newline="", encoding="utf-8-sig")
    return path.open(newline="", encoding="utf-8-sig")


def _layout(name: str, header: list[str]) -> str:
    for layout, columns in LAYOUTS.items():
        if set(columns.values()) <= set(header):
            return layout
    best = min(LAYOUTS, key=lambda k: len(set(LAYOUTS[k].values()) - set(header)))
    missing = [c for c in LAYOUTS[best].values() if c not in header]
    raise NationalFileError([Problem(name, 1, None, (
        f"is not a layout careassure reads: for the {best} layout it lacks the columns "
        + ", ".join(repr(c) for c in missing)))])


def _cell(row: list[str], index: int) -> str:
    return row[index].strip() if index < len(row) else ""


def _number(
    name: str, number: int, column: str, text: str, problems: list[Problem]
) -> float | None:
    if text == "" or text.upper() == "NA":
        return None
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        problems.append(Problem(name, number, column, f"{text!r} is not a number"))
        return None
    return value


def _figure(
    name: str,
    number: int,
    row: list[str],
    columns: Mapping[str, int],
    headings: Mapping[str, str],
    problems: list[Problem],
) -> NationalFigure | None:
    before = len(problems)
    cells = {field: _cell(row, index) for field, index in columns.items()}
    total = bool(TOTAL_CODE.match(cells["council_code"]))
    if not (total or COUNCIL_CODE.match(cells["council_code"])):
        problems.append(Problem(name, number, headings["council_code"], (
            f"{cells['council_code']!r} is not a council's ONS code (E06, E07, E08, E09 or E10 "
            "and six digits), England's (E92000001) or a region's (E12 and six digits)")))
    if period_bounds(cells["period"]) is None:
        problems.append(Problem(name, number, headings["period"], (
            f"{cells['period']!r} is not a period: write a financial year (2022-23) or a "
            "quarter of one (2023-24 Q1)")))
    for field in TEXT_FIELDS:
        if not cells[field] and not (total and field in TOTAL_OPTIONAL):
            problems.append(Problem(name, number, headings[field], "is empty"))
    better_text = cells["better"].lower()
    if better_text not in BETTER_WORDS:
        problems.append(Problem(name, number, headings["better"], (
            f"{cells['better']!r} is not a direction: write higher, lower or leave it empty")))
    value = _number(name, number, headings["value"], cells["value"], problems)
    median = (
        _number(name, number, headings["median"], cells["median"], problems)
        if "median" in cells
        else None
    )
    if len(problems) > before:
        return None
    return NationalFigure(
        council_code=cells["council_code"],
        council_name=cells["council_name"],
        council_type=cells["council_type"],
        region=cells["region"],
        measure_code=cells["measure_code"],
        measure_title=cells["measure_title"],
        period=cells["period"],
        value=value,
        published_median=median,
        better=BETTER_WORDS.get(better_text),
    )


def _directions(figures: Iterable[NationalFigure]) -> dict[str, set[Better | None]]:
    """Each measure's directions as its published rows state them; rows without a value often
    leave the direction empty, so only rows with a value count."""
    found: dict[str, set[Better | None]] = {}
    for figure in figures:
        found.setdefault(figure.measure_code, set())
        if figure.value is not None:
            found[figure.measure_code].add(figure.better)
    return found


def _direction_problems(name: str, figures: list[NationalFigure]) -> list[Problem]:
    return [
        Problem(name, None, None, (
            f"measure {code} is given more than one direction of better: "
            + ", ".join(sorted(d or "neither" for d in directions))))
        for code, directions in _directions(figures).items()
        if len(directions) > 1
    ]


def _with_direction(figures: list[NationalFigure]) -> list[NationalFigure]:
    """Every row of a measure carries the measure's one direction (taken from its valued rows)."""
    one = {code: next(iter(d), None) for code, d in _directions(figures).items()}
    return [
        f if f.better == one[f.measure_code] else replace(f, better=one[f.measure_code])
        for f in figures
    ]

