"""Write a report document as a Word file with Word's own styles (Title, Heading 1/2, List
Bullet, List Number, Caption, Table Grid), so a council can restyle it with its house template
instead of fighting direct formatting. Pictures carry their alternative text (``descr``)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from careassure.reports.document import Bullets, Cell, Chart, Document, Paragraph, Table

if TYPE_CHECKING:
    from docx.document import Document as WordDocument
    from docx.table import Table as WordTable

RAG_FILL = {"red": "F4CCCC", "amber": "FCE5CD", "green": "D9EAD3", "grey": "E5E5E5"}
TABLE_STYLE = "Table Grid"


def _shade(cell, fill: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def _repeat_header(row) -> None:
    """Mark the header row to repeat on every page the table runs onto."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _fill(target, c: Cell) -> None:
    paragraph = target.paragraphs[0]
    for index, line in enumerate(c.lines):
        run = paragraph.add_run(line)
        run.bold = c.bold or None
        if index < len(c.lines) - 1:
            run.add_break()
    if c.rag:
        _shade(target, RAG_FILL[c.rag])


def _table(doc: WordDocument, block: Table, usable_cm: float) -> WordTable:
    from docx.shared import Cm

    table = doc.add_table(rows=1, cols=len(block.columns))
    table.style = doc.styles[TABLE_STYLE]
    header = table.rows[0]
    _repeat_header(header)
    for target, name in zip(header.cells, block.columns, strict=True):
        _fill(target, Cell((name,), bold=True))
    for row in block.rows:
        cells = table.add_row().cells
        for target, c in zip(cells, row, strict=True):
            _fill(target, c)
    if block.widths:
        total = sum(block.widths)
        table.autofit = False
        for index, width in enumerate(block.widths):
            for row_cells in table.columns[index].cells:
                row_cells.width = Cm(usable_cm * width / total)
    return table


def _chart(doc: WordDocument, block: Chart) -> None:
    from docx.shared import Cm

    doc.add_picture(io.BytesIO(block.png), width=Cm(block.width_cm))
    picture = doc.paragraphs[-1]
    for properties in picture._p.xpath(".//wp:docPr"):
        properties.set("descr", block.alt)
        properties.set("title", block.caption)
    doc.add_paragraph(block.caption, style="Caption")


def _paragraph(doc: WordDocument, block: Paragraph) -> None:
    from docx.shared import Cm

    if block.lead:
        paragraph = doc.add_paragraph()
        paragraph.paragraph_format.keep_with_next = True
        paragraph.add_run(block.text).bold = True
        return
    if block.number is None:
        doc.add_paragraph(block.text)
        return
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.left_indent = Cm(1.0)
    paragraph.paragraph_format.first_line_indent = Cm(-1.0)
    paragraph.paragraph_format.tab_stops.add_tab_stop(Cm(1.0))
    paragraph.add_run(block.number).bold = True
    paragraph.add_run("\t" + block.text)


def _footer(doc: WordDocument, text: str) -> None:
    """The data footer and "Page N" (a PAGE field Word fills in) on every page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    paragraph = doc.sections[0].footer.paragraphs[0]
    paragraph.style = doc.styles["Footer"]
    paragraph.add_run(text + " · Page ").font.size = Pt(8)
    run = paragraph.add_run()
    run.font.size = Pt(8)
    for kind, body in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            field = OxmlElement("w:fldChar")
            field.set(qn("w:fldCharType"), kind)
        else:
            field = OxmlElement("w:instrText")
            field.set(qn("xml:space"), "preserve")
            field.text = body
        run._r.append(field)


def _usable_cm(doc: WordDocument) -> float:
    """The width between the margins of the last section, in centimetres (360000 EMU each)."""
    last = doc.sections[-1]
    width, left, right = last.page_width, last.left_margin, last.right_margin
    if width is None or left is None or right is None:
        raise ValueError("the Word document's page width or margins are not set")
    return (width - left - right) / 360000


def _turn_page(doc: WordDocument, wide: bool) -> None:
    """Start a new Word section in landscape (``wide``) or back in portrait."""
    from docx.enum.section import WD_ORIENT, WD_SECTION

    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE if wide else WD_ORIENT.PORTRAIT
    short, long = sorted((section.page_width, section.page_height))
    section.page_width, section.page_height = (long, short) if wide else (short, long)


def render_docx(document: Document) -> bytes:
    import docx
    from docx.shared import Cm

    doc = docx.Document()
    meta = document.meta
    doc.core_properties.title = meta.title
    doc.core_properties.author = meta.council
    doc.core_properties.subject = meta.subtitle
    page = doc.sections[0]
    page.page_width, page.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(page, side, Cm(1.8))
    _footer(doc, meta.footer)

    for line in meta.header_lines or (meta.council,):
        doc.add_paragraph().add_run(line).bold = True
    doc.add_paragraph(meta.title, style="Title")
    doc.add_paragraph(meta.subtitle, style="Subtitle")
    wide = False
    for section in document.sections:
        if section.wide != wide:
            wide = section.wide
            _turn_page(doc, wide)
        usable = _usable_cm(doc)
        doc.add_heading(section.title, level=section.level)
        for block in section.blocks:
            if isinstance(block, Paragraph):
                _paragraph(doc, block)
            elif isinstance(block, Bullets):
                style = "List Number" if block.numbered else "List Bullet"
                for item in block.items:
                    doc.add_paragraph(item, style=style)
            elif isinstance(block, Table):
                if block.caption:
                    doc.add_paragraph(block.caption, style="Caption")
                _table(doc, block, usable)
            elif isinstance(block, Chart):
                _chart(doc, block)
    if wide:
        _turn_page(doc, False)
    _trace(doc, document)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _trace(doc: WordDocument, document: Document) -> None:
    doc.add_heading("Appendix: where each figure comes from", level=1)
    charts = (f", which also lists the {document.chart_points} points drawn in the charts"
              if document.chart_points else "")
    doc.add_paragraph(
        "Every figure in this report, with the careassure measure it was computed by, its "
        "parameters and its value. The same list is written beside the report as a .trace.json "
        f"file{charts}.")
    columns = ("Refs", "Quoted in", "Measure", "As at", "Period from", "Breakdown", "Value",
               "Shown")
    rows = []
    for row in document.trace_rows():
        f = row.figure
        rows.append(tuple(Cell(lines) for lines in (
            (", ".join(row.refs),), ("; ".join(row.sections),), (f.measure,),
            (f"{f.as_of:%d/%m/%Y}",),
            (f"{f.period_start:%d/%m/%Y}" if f.period_start else "",),
            (", ".join(f"{k}: {v}" for k, v in f.breakdown.items()) if f.breakdown
             else "whole area",),
            ("" if f.value is None else str(f.value),), (f.shown,))))
    usable = _usable_cm(doc)
    _table(doc, Table(columns, tuple(rows), widths=(1, 3, 5, 2, 2, 2, 1.5, 1.5)), usable)
