"""The document model rendered three ways: Word styles, HTML escaping and alt text, the PDF footer,
and the tracer's small-number suppression. Hand-built documents, no store."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from reports_helpers import docx_document, pdf_structure

from careassure.measures import MeasureValue
from careassure.reports.charts import line_chart
from careassure.reports.document import Bullets, Chart, Document, Meta, Paragraph, Table, cell
from careassure.reports.output import ReportOutputError, format_of, render, write_report
from careassure.reports.trace import Tracer

AS_OF = date(2026, 3, 31)


def _document(published: bool = True) -> Document:
    meta = Meta(council="Test <Council>", kind="committee",
                title="Improvement Plan Delivery Update",
                subtitle="Report of the Director", as_of=AS_OF, extract_date=date(2026, 3, 30),
                generated_at=datetime(2026, 4, 2, 9, 30, tzinfo=UTC), published=published,
                header_lines=("TEST COMMITTEE",))
    return Document(meta)


def _count(value: int, measure: str = "care_act_assessment.over_6_months") -> MeasureValue:
    return MeasureValue(measure=measure, value=value, numerator=value, denominator=None,
                        as_of=AS_OF)


def _filled(published: bool = True) -> Document:
    doc = _document(published)
    tracer = Tracer(doc)
    small = tracer.quote(_count(3), "Timeliness")
    large = tracer.quote(_count(416, "care_act_assessment.waiting"), "Timeliness")
    doc.section("Purpose of report").add(
        Paragraph("The purpose of <this> report.", number="1"),
        Paragraph("Detail", lead=True),
        Bullets(("first", "second")),
    )
    section = doc.section("Timeliness of Assessments and Reviews", level=2)
    section.add(Paragraph(f"{small} people waiting over 6 months; {large} waiting."))
    png = line_chart([(date(2026, 1, 31), 5), (date(2026, 2, 28), 4), (date(2026, 3, 31), 3)],
                     title="Waiting", unit_label="people", target=2)
    section.add(Chart(png, "Line chart of people waiting, falling from 5 to 3.", "Waiting"))
    doc.section("Appendix", key="appendix", wide=True).add(Table(
        ("Improvement Area", "Progress", "RAG"),
        ((cell("Timeliness", bold=True), cell(["line one", "line two"]),
          cell("Off track", rag="red")),),
        widths=(1, 3, 1), key="appendix"))
    return doc


def test_published_figures_suppress_counts_of_one_to_four() -> None:
    doc = _filled(published=True)
    small, large = doc.figures
    assert (small.shown, small.value, small.suppressed) == ("*", None, True)
    assert (large.shown, large.value, large.suppressed) == ("416", 416, False)
    internal = _filled(published=False)
    assert (internal.figures[0].shown, internal.figures[0].value) == ("3", 3)
    assert internal.figures[0].to_json()["parameters"] == {
        "as_of": "2026-03-31", "period_start": None, "breakdown": None}


def test_word_uses_real_styles_and_alt_text(tmp_path) -> None:
    path = tmp_path / "r.docx"
    write_report(_filled(), path)
    document = docx_document(path)
    styles = {p.style.name for p in document.paragraphs}
    assert {"Title", "Heading 1", "Heading 2", "List Bullet", "Caption"} <= styles
    assert all(t.style.name == "Table Grid" for t in document.tables)
    (picture,) = document.inline_shapes
    described = picture._inline.docPr.get("descr")
    assert described == "Line chart of people waiting, falling from 5 to 3."
    appendix = document.tables[0]
    assert [c.text for c in appendix.rows[1].cells] == ["Timeliness", "line one\nline two",
                                                          "Off track"]
    assert "w:tblHeader" in appendix.rows[0]._tr.xml
    assert 'w:fill="F4CCCC"' in appendix.rows[1].cells[2]._tc.xml
    footer = document.sections[0].footer.paragraphs[0]
    assert "Data extract 30/03/2026 · generated 02/04/2026 09:30 UTC" in footer.text
    assert "PAGE" in footer._p.xml
    orientation = [s.page_width > s.page_height for s in document.sections]
    assert orientation == [False, True, False]  # the wide appendix, then the trace


def test_html_escapes_text_and_keeps_alt_text() -> None:
    html = render(_filled(), "html").decode()
    assert "Test &lt;Council&gt;" in html and "<Council>" not in html
    assert "The purpose of &lt;this&gt; report." in html
    assert 'alt="Line chart of people waiting, falling from 5 to 3."' in html
    assert 'class="rag-red"' in html
    assert "line one<br>line two" in html
    assert "Data extract 30/03/2026" in html


def test_css_strings_cannot_end_the_style_element() -> None:
    from careassure.reports.html import environment

    escape = environment().filters["css_string"]
    assert str(escape('a "b" </style> \\')) == '"a \\22 b\\22  \\3c /style\\3e  \\5c "'


def test_pdf_prints_page_numbers_and_footer(tmp_path) -> None:
    from pypdf import PdfReader

    pdf = render(_filled(), "pdf")
    pages = PdfReader(io.BytesIO(pdf)).pages
    text = "\n".join(p.extract_text() for p in pages)
    assert "Page 1 of 3" in text
    assert [p.mediabox.width > p.mediabox.height for p in pages] == [False, True, False]
    assert "Data extract 30/03/2026 · generated 02/04/2026 09:30 UTC" in text
    assert "* people waiting over 6 months; 416 waiting." in text


def test_output_format_comes_from_the_file_name(tmp_path) -> None:
    assert format_of(tmp_path / "a.PDF") == "pdf"
    with pytest.raises(ReportOutputError, match=r"must end in \.html, \.pdf, \.docx"):
        format_of(tmp_path / "a.txt")
    with pytest.raises(ReportOutputError, match="no such folder"):
        write_report(_filled(), tmp_path / "missing" / "a.html")


def test_trace_side_file_is_written_beside_the_report(tmp_path) -> None:
    import json

    trace = write_report(_filled(), tmp_path / "r.html")
    assert trace.name == "r.html.trace.json"
    data = json.loads(trace.read_text())
    assert data["published"] is True
    assert [f["shown"] for f in data["figures"]] == ["*", "416"]
    assert data["figures"][0]["value"] is None


def test_pdf_is_tagged_pdf_ua_with_language_title_alt_text_and_table_headers() -> None:
    pdf, elements = pdf_structure(render(_filled(), "pdf"))
    assert pdf.Root.Lang == "en-GB"
    assert pdf.Root.MarkInfo.Marked is True
    assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
    assert str(pdf.docinfo.Title) == "Improvement Plan Delivery Update – Test <Council>"
    with pdf.open_metadata() as xmp:
        assert 'pdfuaid:part="1"' in str(xmp)
    kinds = [kind for kind, _ in elements]
    figures = [node for kind, node in elements if kind == "/Figure"]
    assert [str(f.Alt) for f in figures] == ["Line chart of people waiting, falling from 5 to 3."]
    # the appendix table (3 columns) and the figure trace (8), each with its header row
    assert kinds.count("/Table") == kinds.count("/THead") == 2 and kinds.count("/TH") == 3 + 8
    # Reading order: the headings in the order the document gives them.
    assert [k for k in kinds if k in ("/H1", "/H2", "/H3")] == ["/H1", "/H2", "/H3", "/H2",
                                                                 "/H2"]
    assert "/L" in kinds and "/LI" in kinds


def _word_document(tmp_path):
    doc = _filled()
    doc.sections[0].add(Paragraph("A lettered point.", number="a)"),
                        Paragraph("The next numbered paragraph.", number="2"))
    doc.sections[-1].add(Table(("Only", "Columns"), ((cell("x"), cell("y")),)))
    path = tmp_path / "r.docx"
    write_report(doc, path)
    return docx_document(path)


def test_word_numbers_paragraphs_with_word_numbering(tmp_path) -> None:
    from docx.oxml.ns import qn

    document = _word_document(tmp_path)
    numbered = {p.text: p._p.pPr.numPr for p in document.paragraphs
                if p._p.pPr is not None and p._p.pPr.numPr is not None}
    levels = {text: int(pr.ilvl.val) for text, pr in numbered.items()}
    assert levels == {"The purpose of <this> report.": 0, "A lettered point.": 1,
                      "The next numbered paragraph.": 0}
    assert len({pr.numId.val for pr in numbered.values()}) == 1  # one sequence
    numbering = document.part.numbering_part.element
    formats = [(lvl.get(qn("w:ilvl")), lvl.find(qn("w:numFmt")).get(qn("w:val")),
                lvl.find(qn("w:lvlText")).get(qn("w:val")))
               for lvl in numbering.iter(qn("w:lvl"))]
    assert ("0", "decimal", "%1") in formats and ("1", "lowerLetter", "%2)") in formats


def test_word_table_grids_match_their_cells_and_tables_never_touch(tmp_path) -> None:
    from docx.oxml.ns import qn

    document = _word_document(tmp_path)
    for table in document.tables:
        grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.iter(qn("w:gridCol"))]
        for row in table.rows:
            assert [int(c._tc.tcPr.tcW.get(qn("w:w"))) for c in row.cells] == grid
        assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
        assert int(table._tbl.tblPr.find(qn("w:tblW")).get(qn("w:w"))) == sum(grid)
    body = [child.tag for child in document.element.body]
    assert not any(a == b == qn("w:tbl") for a, b in zip(body, body[1:], strict=False))


def test_word_uses_the_pdfs_font_page_n_of_m_and_document_properties(tmp_path) -> None:
    from docx.oxml.ns import qn

    document = _word_document(tmp_path)
    styles = document.styles.element
    fonts = list(styles.iter(qn("w:rFonts")))
    assert fonts and all(f.get(qn("w:ascii")) == "Arial" and f.get(qn("w:asciiTheme")) is None
                         for f in fonts)
    assert document.styles["Heading 1"].font.name in (None, "Arial")
    assert all(lang.get(qn("w:val")) == "en-GB" for lang in styles.iter(qn("w:lang")))
    footer = document.sections[0].footer.paragraphs[0]._p.xml
    assert " PAGE " in footer and " NUMPAGES " in footer
    assert document.sections[0].footer.paragraphs[0].text.endswith("Page  of ")
    properties = document.core_properties
    assert (properties.title, properties.author) == ("Improvement Plan Delivery Update",
                                                     "Test <Council>")
    assert properties.created == datetime(2026, 4, 2, 9, 30, tzinfo=UTC)
    assert properties.last_modified_by == "Test <Council>"
