"""The DHSC quarterly return: values at the quarter end and the previous quarter end equal the
engine's; JSON, CSV and the document carry the same content."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from reports_helpers import assert_figures_match_engine, docx_document, headings, table_rows

from careassure.reports.dhsc import Quarter, QuarterError, parse_quarter, return_data
from careassure.reports.generate import Request, build
from careassure.reports.output import write_report

QUARTER = "2026Q1"


@pytest.fixture(scope="module")
def document(opened):
    store, engine = opened
    return build(Request("dhsc", quarter=QUARTER), store, engine)


@pytest.fixture(scope="module")
def data(document) -> dict:
    return json.loads(return_data(document, "json"))


def test_quarters_are_calendar_quarters() -> None:
    q = parse_quarter("2026q1")
    assert (q.start, q.end, q.previous.end) == (date(2026, 1, 1), date(2026, 3, 31),
                                                 date(2025, 12, 31))
    assert Quarter(2025, 4).end == date(2025, 12, 31)
    assert parse_quarter("2026-Q4").previous == Quarter(2026, 3)
    with pytest.raises(QuarterError, match="not written like 2026Q1"):
        parse_quarter("Q1 2026")


def test_values_equal_the_engine_at_quarter_ends(data, county_store) -> None:
    from careassure.measures import compute
    from careassure.records.store import open_store

    assert (data["as_of"], data["previous_quarter_end"]) == ("2026-03-31", "2025-12-31")
    whole = [o for o in data["outcomes"] if o["breakdown"] is None]
    measures = sorted({o["measure"] for o in whole})
    with open_store(county_store) as store:
        now = {v.measure: v for v in compute(store, date(2026, 3, 31), measures=measures)}
        before = {v.measure: v for v in compute(store, date(2025, 12, 31), measures=measures)}
    for o in whole:
        for key, values in (("this_quarter", now), ("previous_quarter", before)):
            engine = values[o["measure"]]
            if o[key]["shown"] == "*":
                continue
            assert o[key]["value"] == engine.value, (o["measure"], key)
    from careassure.measures.statuses import GLOSSARY

    assert data["overall"]["label"] in {word.label for word in GLOSSARY}


def test_csv_and_json_carry_the_same_rows(document, data) -> None:
    rows = list(csv.DictReader(io.StringIO(return_data(document, "csv").decode())))
    by_section = {s: [r for r in rows if r["section"] == s]
                  for s in ("area", "outcome", "milestone", "risk", "support")}
    assert len(by_section["area"]) == len(data["areas"])
    assert len(by_section["outcome"]) == len(data["outcomes"])
    assert len(by_section["milestone"]) == len(data["milestones"])
    assert len(by_section["risk"]) == len(data["risks"])
    assert [r["this_quarter"] for r in by_section["outcome"]] == [
        o["this_quarter"]["shown"] for o in data["outcomes"]]
    assert [r["status"] for r in by_section["area"]] == [a["rag"]["label"] for a in data["areas"]]


def test_document_matches_the_data(document, data, tmp_path: Path, county_store) -> None:
    path = tmp_path / "return.docx"
    write_report(document, path)
    word = docx_document(path)
    assert headings(word, 1)[:5] == ["Summary by improvement area",
                                     "Measured outcomes against target",
                                     "Milestones met and missed", "Risks", "Support needed"]
    tables = [table_rows(t) for t in word.tables]
    (outcomes,) = [t for t in tables if t[0][0] == "Area" and "This quarter" in t[0]]
    assert [r[6] for r in outcomes[1:]] == [o["this_quarter"]["shown"] for o in data["outcomes"]]
    quoted = sum(o[key]["as_of"] is not None for o in data["outcomes"]
                 for key in ("baseline", "previous_quarter", "this_quarter"))
    assert assert_figures_match_engine(county_store, path) == quoted > 2 * len(data["outcomes"])


def test_a_quarter_beyond_the_data_is_refused(opened) -> None:
    store, engine = opened
    with pytest.raises(QuarterError, match="choose an earlier quarter"):
        build(Request("dhsc", quarter="2031Q1"), store, engine)
