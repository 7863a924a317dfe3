"""Render a report document to HTML through its Jinja2 template: the single source of the HTML
and PDF versions (the PDF is this HTML, printed by WeasyPrint)."""

from __future__ import annotations

import base64
from datetime import date
from functools import cache

import jinja2
from markupsafe import Markup

from careassure.measures.labels import breakdown_text
from careassure.reports.document import Bullets, Chart, Document, Paragraph, Table

TEMPLATES = {
    "committee": "committee.html",
    "dhsc": "dhsc.html",
    "self-assessment": "self_assessment.html",
    "preparation": "preparation.html",
}


def _uk(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _css_string(text: str) -> Markup:
    """Text as a quoted CSS string: quotes, backslashes and anything that could end the style
    element are escaped as CSS hex escapes."""
    escaped = "".join(
        f"\\{ord(ch):x} " if ch in "\"\\<>&" or ord(ch) < 32 else ch for ch in text)
    return Markup(f'"{escaped}"')


@cache
def environment() -> jinja2.Environment:
    """Autoescaping is on: report text comes from the plan and the self-assessment, which people
    type, so it must never become markup."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("careassure.reports", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["b64"] = lambda data: base64.b64encode(data).decode("ascii")
    env.filters["uk"] = _uk
    env.filters["breakdown"] = breakdown_text
    env.filters["css_string"] = _css_string
    env.tests["paragraph"] = lambda block: isinstance(block, Paragraph)
    env.tests["bullets"] = lambda block: isinstance(block, Bullets)
    env.tests["table"] = lambda block: isinstance(block, Table)
    env.tests["chart"] = lambda block: isinstance(block, Chart)
    return env


def render_html(document: Document) -> str:
    """The report as one self-contained HTML page (charts inlined as data URIs)."""
    template = environment().get_template(TEMPLATES[document.meta.kind])
    return template.render(doc=document)
