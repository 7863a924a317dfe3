"""Build and write a report from the stores: the one entry point the command line, the web app
and the benchmark share, so every way of getting a report runs the same code.

The analytical store (case-level records) gives the figures; the application database gives the
self-assessment and the improvement plan; ``reports.yaml`` gives the council's details and last
assessment.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from careassure.reports.document import Document
from careassure.reports.readings import Readings

KINDS = ("committee", "dhsc", "self-assessment", "preparation")


class ReportError(ValueError):
    """A report that cannot be made from what is stored; the message says what is missing."""


@dataclass(frozen=True)
class Request:
    """What to report: ``as_of`` defaults to the store's extract date (the day the data runs
    to); ``quarter`` (DHSC only) is "2026Q1"; ``publish`` suppresses small numbers;
    ``meeting`` and ``meeting_date`` (committee only) head the paper."""

    kind: str
    as_of: date | None = None
    quarter: str | None = None
    publish: bool = True
    meeting: str | None = None
    meeting_date: date | None = None


@contextmanager
def opened(store_path: Path | None, database_url: str | None) -> Iterator[tuple[Any, Any]]:
    """The analytical store (read-only) and an engine on the application database, checked to
    be at this careassure's schema."""
    from careassure.appdb import create_engine, require_current
    from careassure.records.store import open_store

    try:
        engine = create_engine(database_url)
    except ValueError as exc:
        raise ReportError(str(exc)) from exc
    try:
        require_current(engine)
        with open_store(store_path) as store:
            yield store, engine
    finally:
        engine.dispose()


WORK_RECEIVED = (("episodes", "received_date"), ("contacts", "received_at"))


def data_start(store: Any) -> date | None:
    """The first day the data records work arriving (a referral or request received, a call
    received); None for a store without any. A report dated before it would print zeros as if
    they were figures. Services are left out: an extract carries long-term support that started
    years before the cases it covers."""
    earliest = " UNION ALL ".join(
        f'SELECT min("{column}")::DATE AS day FROM "{table}"' for table, column in WORK_RECEIVED
        if table in _tables(store))
    if not earliest:
        return None
    row = store.connection.execute(f"SELECT min(day) FROM ({earliest})").fetchone()
    return row[0] if row else None


def _tables(store: Any) -> set[str]:
    return {r[0] for r in store.connection.execute(
        "SELECT table_name FROM information_schema.tables").fetchall()}


def _quarter_within(request: Request, start: date | None, extract: date) -> Any:
    """The DHSC return's quarter, refused when the data holds none of it."""
    if request.kind != "dhsc" or request.quarter is None:
        return None
    from careassure.reports.dhsc import check_quarter, parse_quarter

    quarter = parse_quarter(request.quarter)
    check_quarter(quarter, start, extract)
    return quarter


def build(request: Request, store: Any, engine: Any,
          readings: dict[date, Readings] | None = None) -> Document:
    """The report document. ``readings`` caches engine values by date across several reports
    built from one store (the web app and ``report all`` build three at once)."""
    from careassure.appdb import transaction
    from careassure.framework.model import load_framework
    from careassure.reports.settings import load_settings

    if request.kind not in KINDS:
        raise ReportError(f"unknown report {request.kind!r}: choose one of {', '.join(KINDS)}")
    settings = load_settings()
    framework = load_framework()
    extract = store.extract_date()
    if extract is None:
        raise ReportError("the store holds no data: load an extract with `careassure ingest`")
    if request.as_of is not None and request.as_of > extract:
        raise ReportError(
            f"the report date {request.as_of:%d/%m/%Y} is after the data's extract date "
            f"{extract:%d/%m/%Y}: figures after it would count nothing that happened")
    start = data_start(store)
    if request.as_of is not None and start is not None and request.as_of < start:
        raise ReportError(
            f"the report date {request.as_of:%d/%m/%Y} is before the data starts on "
            f"{start:%d/%m/%Y}: every figure would be zero; choose a date from "
            f"{start:%d/%m/%Y} to {extract:%d/%m/%Y}")
    quarter = _quarter_within(request, start, extract)
    cache = readings if readings is not None else {}
    from careassure.reported.service import stored_values

    reported = stored_values(engine)

    def reader(day: date) -> Readings:
        if day not in cache:
            cache[day] = Readings(store, day, reported)
        return cache[day]

    with transaction(engine) as session:
        if request.kind == "self-assessment":
            from careassure.reports.selfassessment import build_self_assessment_report

            return build_self_assessment_report(
                session, framework, reader(request.as_of or extract), settings,
                extract_date=extract, publish=request.publish)
        if request.kind == "committee":
            from careassure.reports.committee import build_committee_report
            from careassure.reports.papertext import latest

            return build_committee_report(
                session, framework, reader(request.as_of or extract),
                settings.with_paper_text(latest(session)), extract_date=extract,
                publish=request.publish, meeting=request.meeting,
                meeting_date=request.meeting_date)
        if request.kind == "preparation":
            from careassure.reports.preparation import build_preparation_report

            return build_preparation_report(
                session, framework, reader, request.as_of or extract, settings,
                extract_date=extract, publish=request.publish)
        from careassure.reports.dhsc import build_dhsc_report

        if quarter is None:
            raise ReportError("the DHSC return needs a quarter, e.g. --quarter 2026Q1")
        return build_dhsc_report(
            session, framework, reader, quarter, settings,
            extract_date=extract, publish=request.publish)
