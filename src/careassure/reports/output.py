"""Write a report document in the format its file name asks for, with its trace side file.

``<out>.trace.json`` lists every figure the report quotes (measure id, parameters, value), so a
reader of the Word or PDF version can check any number against the measure engine.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from careassure.reports.document import Document

DOCUMENT_FORMATS = ("html", "pdf", "docx")


class ReportOutputError(ValueError):
    """An output path careassure cannot write a report to; the message says why."""


def trace_path(out: Path) -> Path:
    return out.with_name(out.name + ".trace.json")


def render(document: Document, fmt: str) -> bytes:
    """The report as bytes in ``fmt`` (html, pdf or docx)."""
    renderers: dict[str, Callable[[Document], bytes]] = {
        "html": _html,
        "pdf": _pdf,
        "docx": _docx,
    }
    if fmt not in renderers:
        raise ReportOutputError(f"cannot write a {fmt!r} report: choose .html, .pdf or .docx")
    return renderers[fmt](document)


def _html(document: Document) -> bytes:
    from careassure.reports.html import render_html

    return render_html(document).encode("utf-8")


def _pdf(document: Document) -> bytes:
    from careassure.reports.pdf import render_pdf

    return render_pdf(document)


def _docx(document: Document) -> bytes:
    from careassure.reports.word import render_docx

    return render_docx(document)


def format_of(out: Path, allowed: tuple[str, ...] = DOCUMENT_FORMATS) -> str:
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in allowed:
        raise ReportOutputError(
            f"{out}: the file name must end in {', '.join('.' + f for f in allowed)} "
            "(the ending chooses the format)")
    return fmt


def check_writable(out: Path) -> None:
    """Refuse, before any work, an output path the report could not be written to: a folder,
    a missing folder or one careassure may not write in (the report and its trace side file
    are written through temporary files in that folder, so a read-only file there is replaced,
    not refused)."""
    for path in (out, trace_path(out)):
        if path.is_dir():
            raise ReportOutputError(f"{path} is a folder: give a file name, e.g. "
                                    f"{path / ('report' + (out.suffix or '.pdf'))}")
    if not out.parent.is_dir():
        raise ReportOutputError(f"{out.parent}: no such folder")
    try:
        handle, probe = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    except OSError as exc:
        raise ReportOutputError(f"{out.parent}: cannot write here ({exc.strerror})") from exc
    os.close(handle)
    Path(probe).unlink()


def write_atomic(path: Path, data: bytes) -> None:
    """Write through a temporary file in the same folder, so a half-written report never
    replaces a good one."""
    if not path.parent.is_dir():
        raise ReportOutputError(f"{path.parent}: no such folder")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_report(document: Document, out: Path, fmt: str | None = None) -> Path:
    """Write the report and its trace side file; returns the trace file's path."""
    chosen = fmt or format_of(out)
    write_atomic(out, render(document, chosen))
    trace = trace_path(out)
    write_atomic(trace, json.dumps(document.trace_json(), indent=2, ensure_ascii=False).encode())
    return trace
