"""Storing published figures and comparator groups, each change audited.

An import is all or nothing: the file is read and checked in full before the database is touched,
and the replacement of the sets it holds happens in the caller's transaction, with the import's
audit row, so a failure leaves the stored figures as they were.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from careassure.appdb.audit import record_change, snapshot
from careassure.compare.comparison import MeasureComparison, compare_council
from careassure.compare.layouts import read_national_file
from careassure.compare.model import NationalFigure, NationalFileError, Problem
from careassure.compare.neighbours import check_members, read_neighbours_file
from careassure.compare.tables import ComparatorGroup, NationalFigureRow, NationalImport

NEAREST = "nearest_neighbours"
COUNCIL = "council"


@dataclass(frozen=True)
class ImportResult:
    """What an import did, for the command's and the page's message."""

    layout: str
    figures: int
    replaced: int
    measures: tuple[str, ...]
    periods: tuple[str, ...]


def import_figures(session: Session, path: Path, actor: str) -> ImportResult:
    """Import a file of published figures (either layout), replacing the sets it holds."""
    layout, figures = read_national_file(path)
    sets = sorted({(f.measure_code, f.period) for f in figures})
    replaced = 0
    for measure_code, period in sets:  # a few dozen sets: one portable DELETE each
        result = session.execute(
            delete(NationalFigureRow).where(
                NationalFigureRow.measure_code == measure_code, NationalFigureRow.period == period
            )
        )
        replaced += getattr(result, "rowcount", 0) or 0
    record = NationalImport(
        file_name=path.name, layout=layout, imported_at=datetime.now(UTC), actor=actor,
        figures=len(figures), replaced=replaced, sets=[f"{m} {p}" for m, p in sets],
    )
    session.add(record)
    session.flush()
    session.add_all(_row(record.id, f) for f in figures)
    record_change(session, actor, "create", record, None, snapshot(record))
    return ImportResult(
        layout, len(figures), replaced,
        tuple(sorted({m for m, _ in sets})), tuple(sorted({p for _, p in sets})),
    )


def _row(import_id: int, figure: NationalFigure) -> NationalFigureRow:
    return NationalFigureRow(
        import_id=import_id, council_code=figure.council_code, council_name=figure.council_name,
        council_type=figure.council_type, region=figure.region,
        measure_code=figure.measure_code, measure_title=figure.measure_title,
        period=figure.period, value=figure.value, published_median=figure.published_median,
        better=figure.better,
    )


def import_neighbours(session: Session, path: Path, actor: str) -> int:
    """Import a nearest-neighbours file: each council's group replaces the stored one."""
    groups = read_neighbours_file(path)
    for code, members in groups.items():
        _save_group(session, NEAREST, code, members, actor)
    return len(groups)


def define_group(session: Session, name: str, members: list[str], actor: str) -> None:
    """Store (or replace) a comparator group the council defines, e.g. its CIPFA family."""
    cleaned = name.strip()
    problems = [] if 0 < len(cleaned) <= 100 else [
        Problem("group", None, "name", "must be 1 to 100 characters")]
    problems += check_members("group", cleaned, members)
    if problems:
        raise NationalFileError(problems)
    _save_group(session, COUNCIL, cleaned, list(dict.fromkeys(members)), actor)


def _save_group(session: Session, kind: str, name: str, members: list[str], actor: str) -> None:
    group = session.scalar(
        select(ComparatorGroup).where(ComparatorGroup.kind == kind, ComparatorGroup.name == name)
    )
    if group is None:
        group = ComparatorGroup(kind=kind, name=name, members=list(members))
        session.add(group)
        record_change(session, actor, "create", group, None, snapshot(group))
    elif group.members != list(members):
        before = snapshot(group)
        group.members = list(members)
        session.flush()
        record_change(session, actor, "update", group, before, snapshot(group))


def stored_figures(session: Session, measure_codes: Sequence[str] | None = None) -> list[
    NationalFigure
]:
    """The stored figures (of the given measures, or all), as plain values."""
    query = select(NationalFigureRow)
    if measure_codes is not None:
        query = query.where(NationalFigureRow.measure_code.in_(list(measure_codes)))
    return [
        NationalFigure(
            council_code=r.council_code, council_name=r.council_name,
            council_type=r.council_type, region=r.region, measure_code=r.measure_code,
            measure_title=r.measure_title, period=r.period, value=r.value,
            published_median=r.published_median,
            better=r.better if r.better in ("higher", "lower") else None,  # type: ignore[arg-type]
        )
        for r in session.scalars(query)
    ]


def neighbours_of(session: Session, council_code: str) -> list[str]:
    """The council's nearest neighbours as imported (empty when none were)."""
    group = session.scalar(
        select(ComparatorGroup).where(
            ComparatorGroup.kind == NEAREST, ComparatorGroup.name == council_code
        )
    )
    return [m for m in group.members if m != council_code] if group else []


def council_groups(session: Session) -> dict[str, list[str]]:
    """The groups the council has defined: name -> members."""
    rows = session.scalars(
        select(ComparatorGroup).where(ComparatorGroup.kind == COUNCIL).order_by(
            ComparatorGroup.name)
    )
    return {g.name: list(g.members) for g in rows}


def imports(session: Session) -> list[NationalImport]:
    """Every import, newest first."""
    return list(session.scalars(select(NationalImport).order_by(NationalImport.id.desc())))


def council_comparisons(session: Session, council_code: str) -> list[MeasureComparison]:
    """Every national measure the council has a figure for, beside its comparator groups."""
    return compare_council(
        stored_figures(session), council_code, neighbours_of(session, council_code),
        council_groups(session),
    )
