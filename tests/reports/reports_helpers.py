"""Reading generated reports back: Word text, headings and tables (python-docx), PDF text (pypdf),
and the engine values a trace file's figures must equal."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

# The self-assessment scores the shared test database holds (seed 001: Leicester's, 56%).
SCORES = (2, 2, 2, 2, 3, 2, 2, 2, 3)


def docx_document(path: Path) -> Any:
    import docx

    return docx.Document(str(path))


def headings(document: Any, level: int) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]


def body_text(document: Any) -> str:
    """Paragraphs and table cells, one per line."""
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.extend(c.text for c in row.cells)
    return "\n".join(lines)


def table_rows(table: Any) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def pdf_pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(path)).pages)


def trace(path: Path) -> dict[str, Any]:
    return json.loads(path.with_name(path.name + ".trace.json").read_text())


def engine_values(store_path: Path, figures: list[dict[str, Any]]) -> dict[tuple, Any]:
    """The measure engine's own value for every traced figure, keyed by (measure, as_of,
    period_start, breakdown): one ``compute`` per distinct date, period and breakdown column."""
    from careassure.measures import compute
    from careassure.records.store import open_store

    wanted: dict[tuple, set[str]] = {}
    for f in figures:
        p = f["parameters"]
        by = next(iter(p["breakdown"])) if p["breakdown"] else None
        wanted.setdefault((p["as_of"], p["period_start"], by), set()).add(f["measure"])
    found: dict[tuple, Any] = {}
    with open_store(store_path) as store:
        for (as_of, period_start, by), measures in wanted.items():
            start = date.fromisoformat(period_start) if period_start else None
            for value in compute(store, date.fromisoformat(as_of), measures=sorted(measures),
                                 period_start=start, by=by):
                key = (value.measure, as_of, period_start,
                       json.dumps(value.breakdown, sort_keys=True))
                found[key] = value
    return found


def assert_figures_match_engine(store_path: Path, report: Path) -> int:
    """Every figure in the report's trace equals the engine's value, and what the report shows
    is the engine value formatted (published: suppressed) by the measures' own formatter."""
    from careassure.measures.format import format_value

    data = trace(report)
    values = engine_values(store_path, data["figures"])
    for f in data["figures"]:
        p = f["parameters"]
        value = values[(f["measure"], p["as_of"], p["period_start"],
                        json.dumps(p["breakdown"], sort_keys=True))]
        assert f["shown"] == format_value(value, publish=data["published"]), f
        if f["suppressed"]:
            assert f["shown"] == "*" and f["value"] is None, f
        else:
            assert f["value"] == value.value, f
    return len(data["figures"])


def pdf_structure(path_or_bytes: Path | bytes) -> tuple[Any, list[tuple[str, Any]]]:
    """The PDF's catalogue and its structure tree's elements in reading order, as
    (structure type, element) pairs (pikepdf)."""
    import io

    import pikepdf

    data = path_or_bytes if isinstance(path_or_bytes, bytes) else path_or_bytes.read_bytes()
    pdf = pikepdf.open(io.BytesIO(data))
    found: list[tuple[str, Any]] = []

    def walk(node: Any) -> None:
        if "/S" in node:
            found.append((str(node.S), node))
        kids = node.get("/K")
        if kids is None:
            return
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary):
                walk(kid)

    walk(pdf.Root.StructTreeRoot)
    return pdf, found


def libreoffice_pdf(docx: Path, folder: Path) -> Path:
    """The Word file converted to PDF by LibreOffice (headless, with its own profile so runs in
    parallel do not share one). Skips where LibreOffice is absent, except in CI, which must have
    it (scripts/test.sh installs it)."""
    import os
    import shutil
    import subprocess

    import pytest

    soffice = shutil.which("soffice")
    if soffice is None:
        if os.environ.get("CI"):
            raise AssertionError("LibreOffice (soffice) is missing: scripts/test.sh installs "
                                 "libreoffice-writer-nogui when run as root")
        pytest.skip("LibreOffice (soffice) is not installed; scripts/test.sh installs it")
    profile = folder / "libreoffice-profile"
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(folder), str(docx)],
        check=True, capture_output=True, timeout=300)
    return folder / (docx.stem + ".pdf")
