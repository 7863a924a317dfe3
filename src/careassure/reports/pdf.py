"""Print a report's HTML to PDF with WeasyPrint: A4, page numbers and the data footer come from
the print rules in ``templates/report.css``, so the PDF is the HTML version on paper.

The PDF is tagged PDF/UA-1 (WeasyPrint's ``pdf/ua-1`` variant): a structure tree in reading order
with headings, lists, tables with their header cells and figures with their alternative text, the
document language from ``<html lang>`` and the title from ``<title>`` shown as the window title,
as the Public Sector Bodies Accessibility Regulations expect of a published document."""

from __future__ import annotations

import logging

from careassure.reports.document import Document
from careassure.reports.html import render_html

PDF_VARIANT = "pdf/ua-1"


def render_pdf(document: Document) -> bytes:
    import weasyprint

    # WeasyPrint logs every CSS property it does not support at WARNING; the report's
    # stylesheet also serves browsers, so those are noise on the command line.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    html = weasyprint.HTML(string=render_html(document))
    return html.write_pdf(pdf_variant=PDF_VARIANT)
