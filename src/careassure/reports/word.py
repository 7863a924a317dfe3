"""Write a report document as a Word file with Word's own styles (Title, Heading 1/2, List
Bullet, List Number, Caption, Table Grid), so a council can restyle it with its house template
instead of fighting direct formatting. Pictures carry their alternative text (``descr``).

It is written to behave as a Word document, not a picture of one: committee paragraph numbers are
Word numbering (one list, numbers at level 1 and letters at level 2, so inserting a paragraph
renumbers the rest); every table's grid has the same column widths as its cells, so Word and
LibreOffice lay it out alike; adjacent tables are kept apart by a paragraph (Word would merge
them); every style uses the PDF's font (Arial) and British English; the footer says "Page N of M"
with Word's own fields; and the document properties name the report, the council and the time it
was made.
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING

from careassure.reports.document import Block, Bullets, Cell, Chart, Document, Paragraph, Table

if TYPE_CHECKING:
    from docx.document import Document as WordDocument
    from docx.section import Section as WordSection
    from docx.shared import Length
    from docx.table import Table as WordTable
    from docx.text.paragraph import Paragraph as WordParagraph

RAG_FILL = {"red": "F4CCCC", "amber": "FCE5CD", "green": "D9EAD3", "grey": "E5E5E5"}
TABLE_STYLE = "Table Grid"
# The PDF's font family (templates/report.css names Arial first) and language (<html lang>).
FONT = "Arial"
LANGUAGE = "en-GB"
# Committee paragraph numbers: "12" is level 0 of the paper's list, a letter ("b)") level 1.
LETTERED = re.compile(r"^[a-z]\)$")
INDENT_TWIPS = 567  # 1 cm
TWIPS_PER_CM = 567
# Sizes and margins of templates/report.css, so a page of Word holds what a page of PDF does.
BODY_PT, TABLE_PT, TRACE_PT, SPACE_AFTER_PT = 10.5, 8.5, 7.5, 5
HEADING_PT = {"Title": 17, "Subtitle": 11, "Heading 1": 13, "Heading 2": 11}
PORTRAIT_MARGINS_CM = (2.0, 1.6, 2.2, 1.6)  # top, right, bottom, left
LANDSCAPE_MARGINS_CM = (1.6, 1.4, 2.0, 1.4)


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


def _fill(target, c: Cell, size: float) -> None:
    from docx.shared import Pt

    paragraph = target.paragraphs[0]
    paragraph.paragraph_format.space_after = Pt(0)
    for index, line in enumerate(c.lines):
        run = paragraph.add_run(line)
        run.bold = c.bold or None
        run.font.size = Pt(size)
        if index < len(c.lines) - 1:
            run.add_break()
    if c.rag:
        _shade(target, RAG_FILL[c.rag])


def _table(doc: WordDocument, block: Table, usable_cm: float, size: float = TABLE_PT
           ) -> WordTable:
    """A table whose grid columns, cells and overall width all say the same widths (fixed
    layout), so no application has to reconcile them."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.oxml.ns import qn

    table = doc.add_table(rows=1, cols=len(block.columns))
    table.style = doc.styles[TABLE_STYLE]
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    header = table.rows[0]
    _repeat_header(header)
    for target, name in zip(header.cells, block.columns, strict=True):
        _fill(target, Cell((name,), bold=True), size)
    for row in block.rows:
        cells = table.add_row().cells
        for target, c in zip(cells, row, strict=True):
            _fill(target, c, size)
    relative = block.widths or (1.0,) * len(block.columns)
    total = sum(relative)
    twips = [round(usable_cm * width / total * TWIPS_PER_CM) for width in relative]
    table.autofit = False  # fixed layout
    for column, width in zip(table.columns, twips, strict=True):
        column.width = width * 635  # EMU per twip: sets the grid column
        for c in column.cells:
            c.width = width * 635
    properties = table._tbl.tblPr
    table_width = properties.find(qn("w:tblW"))
    if table_width is None:
        from docx.oxml import OxmlElement

        table_width = OxmlElement("w:tblW")
        properties.append(table_width)
    table_width.set(qn("w:type"), "dxa")
    table_width.set(qn("w:w"), str(sum(twips)))
    return table


def _chart(doc: WordDocument, block: Chart) -> None:
    from docx.shared import Cm

    doc.add_picture(io.BytesIO(block.png), width=Cm(block.width_cm))
    picture = doc.paragraphs[-1]
    for properties in picture._p.xpath(".//wp:docPr"):
        properties.set("descr", block.alt)
        properties.set("title", block.caption)
    doc.add_paragraph(block.caption, style="Caption")


def _numbering(doc: WordDocument) -> int:
    """Add the committee paper's list to numbering.xml (level 0 "1", "2", ... in bold; level 1
    "a)", "b)", ..., restarting after each level 0 paragraph) and return its numId."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn

    numbering = doc.part.numbering_part.element
    abstract_ids = [int(a.get(qn("w:abstractNumId")))
                    for a in numbering.findall(qn("w:abstractNum"))]
    num_ids = [int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))]
    abstract_id, num_id = max(abstract_ids, default=0) + 1, max(num_ids, default=0) + 1
    levels = "".join(
        f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
        f'<w:pPr><w:tabs><w:tab w:val="num" w:pos="{INDENT_TWIPS * (level + 1)}"/></w:tabs>'
        f'<w:ind w:left="{INDENT_TWIPS * (level + 1)}" w:hanging="{INDENT_TWIPS}"/></w:pPr>'
        f'{"<w:rPr><w:b/></w:rPr>" if level == 0 else ""}</w:lvl>'
        for level, fmt, text in ((0, "decimal", "%1"), (1, "lowerLetter", "%2)")))
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
        f'<w:multiLevelType w:val="multilevel"/>{levels}</w:abstractNum>')
    first_num = numbering.find(qn("w:num"))
    if first_num is None:
        numbering.append(abstract)
    else:  # every abstractNum must come before the first num
        first_num.addprevious(abstract)
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{num_id}">'
                               f'<w:abstractNumId w:val="{abstract_id}"/></w:num>'))
    return num_id


def _paragraph(doc: WordDocument, block: Paragraph, num_id: int) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    if block.lead:
        paragraph = doc.add_paragraph()
        paragraph.paragraph_format.keep_with_next = True
        paragraph.add_run(block.text).bold = True
        return
    paragraph = doc.add_paragraph(block.text)
    if block.number is not None:
        level = 1 if LETTERED.match(block.number) else 0
        paragraph._p.get_or_add_pPr().insert(0, parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/>'
            "</w:numPr>"))


def _field(paragraph: WordParagraph, instruction: str, size: Length) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice fill in."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    run.font.size = size
    for kind, body in (("begin", None), (None, instruction), ("end", None)):
        if kind:
            field = OxmlElement("w:fldChar")
            field.set(qn("w:fldCharType"), kind)
        else:
            field = OxmlElement("w:instrText")
            field.set(qn("xml:space"), "preserve")
            field.text = f" {body} "
        run._r.append(field)


def _footer(doc: WordDocument, text: str) -> None:
    """The data footer and "Page N of M" (PAGE and NUMPAGES fields) on every page."""
    from docx.shared import Pt

    paragraph = doc.sections[0].footer.paragraphs[0]
    paragraph.style = doc.styles["Footer"]
    paragraph.add_run(text + " · Page ").font.size = Pt(8)
    _field(paragraph, "PAGE", Pt(8))
    paragraph.add_run(" of ").font.size = Pt(8)
    _field(paragraph, "NUMPAGES", Pt(8))


def _house_style(doc: WordDocument) -> None:
    """Every style in the PDF's font and British English: theme fonts (Calibri, Cambria in
    python-docx's template) are replaced wherever a style or the defaults name them."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    styles = doc.styles.element
    for fonts in styles.iter(qn("w:rFonts")):
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(theme), None)
        for script in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(script), FONT)
    for language in styles.iter(qn("w:lang")):
        language.set(qn("w:val"), LANGUAGE)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    normal.paragraph_format.space_after = Pt(SPACE_AFTER_PT)
    for name, size in HEADING_PT.items():
        style = doc.styles[name]
        style.font.size = Pt(size)
        if name.startswith("Heading"):
            style.paragraph_format.space_before = Pt(12)
            style.paragraph_format.space_after = Pt(4)


def _properties(doc: WordDocument, document: Document) -> None:
    """Title, author (the council), subject and the time the report was made; python-docx's
    template otherwise says it was written by "python-docx" in 2013."""
    meta = document.meta
    made = meta.generated_at.replace(tzinfo=None)
    properties = doc.core_properties
    properties.title = meta.title
    properties.subject = meta.subtitle
    properties.author = meta.council
    properties.last_modified_by = meta.council
    properties.created = made
    properties.modified = made
    properties.revision = 1
    properties.language = LANGUAGE
    properties.comments = meta.footer
    properties.keywords = ""
    properties.category = ""


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
    _margins(section, LANDSCAPE_MARGINS_CM if wide else PORTRAIT_MARGINS_CM)


def _margins(section: WordSection, margins: tuple[float, float, float, float]) -> None:
    from docx.shared import Cm

    top, right, bottom, left = margins
    section.top_margin, section.right_margin = Cm(top), Cm(right)
    section.bottom_margin, section.left_margin = Cm(bottom), Cm(left)


def render_docx(document: Document) -> bytes:
    import docx
    from docx.shared import Cm

    doc = docx.Document()
    meta = document.meta
    _properties(doc, document)
    _house_style(doc)
    num_id = _numbering(doc)
    page = doc.sections[0]
    page.page_width, page.page_height = Cm(21.0), Cm(29.7)
    _margins(page, PORTRAIT_MARGINS_CM)
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
        previous: Block | None = None
        for block in section.blocks:
            if isinstance(block, Paragraph):
                _paragraph(doc, block, num_id)
            elif isinstance(block, Bullets):
                style = "List Number" if block.numbered else "List Bullet"
                for item in block.items:
                    doc.add_paragraph(item, style=style)
            elif isinstance(block, Table):
                if block.caption:
                    doc.add_paragraph(block.caption, style="Caption")
                elif isinstance(previous, Table):
                    doc.add_paragraph()  # Word joins tables that touch into one
                _table(doc, block, usable)
            elif isinstance(block, Chart):
                _chart(doc, block)
            previous = block
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
        "Every figure in this report, with the measure it was computed by, its "
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
    _table(doc, Table(columns, tuple(rows), widths=(1, 3, 5, 2, 2, 2, 1.5, 1.5)), usable,
           TRACE_PT)
