"""The self-assessment report on the synthetic county: Word, PDF and HTML say the same, figures
equal the measure engine's, the rating is the framework's."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from reports_helpers import (
    SCORES,
    assert_figures_match_engine,
    body_text,
    docx_document,
    headings,
    pdf_text,
    table_rows,
    trace,
)

from careassure.reports.generate import Request, build
from careassure.reports.output import write_report


@pytest.fixture(scope="module")
def written(opened, tmp_path_factory) -> dict[str, Path]:
    store, engine = opened
    document = build(Request("self-assessment"), store, engine)
    folder = tmp_path_factory.mktemp("self-assessment")
    paths = {}
    for fmt in ("docx", "pdf", "html"):
        paths[fmt] = folder / f"self-assessment.{fmt}"
        write_report(document, paths[fmt])
    return paths


def test_word_headings_follow_the_framework(written) -> None:
    from careassure.framework.model import load_framework

    framework = load_framework()
    document = docx_document(written["docx"])
    level_1 = headings(document, 1)
    assert level_1[0] == "Estimated rating"
    assert [t.name for t in framework.themes] == level_1[1:5]
    assert headings(document, 2) == [f"{qs.code} {qs.name}" for qs in framework.statements]


def test_scores_table_and_estimated_rating_are_the_frameworks(written) -> None:
    from careassure.framework.model import load_framework
    from careassure.framework.scoring import score

    framework = load_framework()
    result = score(framework, SCORES)
    document = docx_document(written["docx"])
    scores = table_rows(document.tables[0])
    assert scores[0] == ["QS", "Quality statement", "Theme", "Score", "Level"]
    assert [int(row[3]) for row in scores[1:]] == list(SCORES)
    text = body_text(document)
    assert f"{result.total} of {result.max} points, {result.percent}%" in text
    assert f"which is {result.rating}" in text
    assert "Strength of statement 4" in text and "Development area of statement 9" in text


def test_live_measures_equal_the_engine(written, county_store, extract_date) -> None:
    from careassure.measures import compute
    from careassure.measures.format import format_value
    from careassure.records.store import open_store

    with open_store(county_store) as store:
        (waiting,) = compute(store, extract_date, measures=["care_act_assessment.waiting"])
    shown = format_value(waiting, publish=True)
    document = docx_document(written["docx"])
    rows = [row for table in document.tables for row in table_rows(table)]
    on = f"on {extract_date:%d/%m/%Y}"
    assert ["Care Act assessments: number waiting", f"{shown}\n{on}", "",
            f"No target is set for this measure ({on})"] in rows
    # A status cell never starts with an empty line (no status: the reason alone).
    assert all(not row[3].startswith("\n") for row in rows if len(row) == 4)
    assert shown in pdf_text(written["pdf"])
    assert assert_figures_match_engine(county_store, written["docx"]) > 20


def test_pdf_has_the_content_and_the_footer(written, extract_date: date) -> None:
    text = pdf_text(written["pdf"])
    assert "Self-assessment against the CQC quality statements" in text
    assert "QS7 Safeguarding" in text
    assert "Page 1 of" in text
    assert f"Data extract {extract_date:%d/%m/%Y}" in text


def test_trace_appendix_lists_every_figure(written) -> None:
    figures = trace(written["docx"])["figures"]
    document = docx_document(written["docx"])
    appendix = table_rows(document.tables[-1])
    assert appendix[0][:3] == ["Refs", "Quoted in", "Measure"]
    listed = [ref for row in appendix[1:] for ref in row[0].split(", ")]
    assert sorted(listed) == sorted(f["ref"] for f in figures)
    html = written["html"].read_text()
    assert 'id="figure-trace"' in html
    assert all(re.search(rf"[> ]{f['ref']}[,<]", html) for f in figures)
