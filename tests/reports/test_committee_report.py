"""The committee update on the synthetic county with the demo plan: the seeds' structure, the
appendix table row for row, RAG from the plan's live evaluation, figures equal to the engine's."""

from __future__ import annotations

from pathlib import Path

import pytest
from reports_helpers import (
    assert_figures_match_engine,
    body_text,
    docx_document,
    headings,
    pdf_text,
    table_rows,
    trace,
)

from careassure.reports.committee import APPENDIX_COLUMNS
from careassure.reports.generate import Request, build
from careassure.reports.output import write_report


@pytest.fixture(scope="module")
def written(opened, tmp_path_factory) -> dict[str, Path]:
    store, engine = opened
    document = build(Request("committee"), store, engine)
    folder = tmp_path_factory.mktemp("committee")
    paths = {}
    for fmt in ("docx", "pdf", "html"):
        paths[fmt] = folder / f"committee.{fmt}"
        write_report(document, paths[fmt])
    return paths


@pytest.fixture(scope="module")
def plan_status(county_store, extract_date):
    from careassure.plan.live import plan_status
    from careassure.plan.yamlfile import load_demo_plan

    return plan_status(load_demo_plan(), extract_date, store=county_store, publish=True)


def _appendix(document) -> list[list[str]]:
    (table,) = [t for t in document.tables if tuple(table_rows(t)[0]) == APPENDIX_COLUMNS]
    return table_rows(table)


def test_headings_follow_the_seed_structure(written, plan_status) -> None:
    document = docx_document(written["docx"])
    assert headings(document, 1) == [
        "Purpose of report", "Background", "Improvement Plan Delivery Update", "Key risks",
        "Appendix: CQC Improvement Plan", "Appendix: where each figure comes from"]
    assert headings(document, 2) == [a.spec.title for a in plan_status.areas]


def test_appendix_has_a_row_per_action_with_the_plans_rag(written, plan_status) -> None:
    rows = _appendix(docx_document(written["docx"]))[1:]
    actions = [(area, action) for area in plan_status.areas for action in area.actions]
    assert len(rows) == len(actions)
    dated = 0
    for row, (area, action) in zip(rows, actions, strict=True):
        first = action is area.actions[0]
        assert row[0] == (area.spec.title if first else "")
        assert row[1].splitlines()[0] == action.spec.title + ":"
        assert row[3] == f"{action.spec.delivery_month:%b-%y}"
        assert row[5] == f"{action.rag.label}\n{action.rag.reason}"
        for outcome in action.outcomes:
            assert f"{outcome.spec.text} ({outcome.rag.label}: {outcome.rag.reason})" in row[2]
        # Progress text older than the figures beside it says so, with its date.
        progress = action.spec.progress[-1] if action.spec.progress else None
        if progress is not None and progress.written_on < plan_status.as_of:
            assert row[4].startswith(f"Progress last updated {progress.written_on:%d/%m/%Y}:")
            dated += 1
    assert dated, "no action in the demo plan has progress older than the figures"
    care_act = rows[0]
    assert care_act[:2] == ["Timeliness of Assessments and Reviews", care_act[1]]
    assert care_act[3] == "May-26"
    assert "Median wait times to not exceed 14 days" in care_act[2]


def test_measure_facts_are_the_engines(written, county_store, extract_date) -> None:
    from careassure.measures import compute
    from careassure.measures.format import format_value
    from careassure.records.store import open_store

    with open_store(county_store) as store:
        median, waiting = compute(store, extract_date, measures=[
            "care_act_assessment.median_wait", "care_act_assessment.waiting"])
    shown = format_value(median, publish=True)
    text = body_text(docx_document(written["docx"]))
    assert f"Care Act assessments, median wait so far: {shown}" in text
    # the list's size, quoted as the seeds quote it although the plan sets no target on it
    assert f"Care Act assessments, number waiting: {format_value(waiting, publish=True)} (" in text
    assert f"Care Act assessments, median wait so far: {shown}" in pdf_text(written["pdf"])
    assert assert_figures_match_engine(county_store, written["docx"]) > 50


def test_background_derives_the_dhsc_stage_from_the_framework(written) -> None:
    text = body_text(docx_document(written["docx"]))
    assert "giving an overall rating of Requires improvement" in text
    assert "Stage 2 – the Improvement Plan" in text and "submitted 17 December 2025" in text
    assert "Stage 3 – quarterly updates to DHSC commenced 17 March 2026" in text


def test_charts_carry_alt_text(written) -> None:
    document = docx_document(written["docx"])
    described = [s._inline.docPr.get("descr") for s in document.inline_shapes]
    assert described and all(d.startswith("Line chart of ") for d in described)
    html = written["html"].read_text()
    assert html.count('alt="Line chart of ') == len(described)


def test_pdf_renders_every_part(written) -> None:
    text = " ".join(pdf_text(written["pdf"]).split())  # header cells wrap
    for words in ("Improvement Plan Delivery Update", "Purpose of report", "Key risks",
                  "Improvement Area", "Delivery Date", "Page 1 of"):
        assert words in text


def test_trace_appendix_lists_the_quoted_figures(written) -> None:
    figures = trace(written["docx"])["figures"]
    quoted = [f for f in figures if f["role"] != "chart point"]
    appendix = table_rows(docx_document(written["docx"]).tables[-1])[1:]
    listed = {ref: row for row in appendix for ref in row[0].split(", ")}
    assert sorted(listed) == sorted(f["ref"] for f in quoted)
    for f in quoted:  # a figure quoted twice is listed once, with both references
        assert listed[f["ref"]][2] == f["measure"] and listed[f["ref"]][7] == f["shown"]
    assert len(appendix) < len(quoted)
    assert any(f["role"] == "chart point" for f in figures)
