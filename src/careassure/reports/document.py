"""The report document model: what a report says, written once, rendered to HTML, PDF and Word.

A report builder fills a :class:`Document` with sections of paragraphs, bullet lists, tables and
charts; :mod:`careassure.reports.html` renders it through the report's Jinja2 template (and from
that HTML, :mod:`careassure.reports.pdf` prints the PDF), :mod:`careassure.reports.word` writes
the same blocks with Word's own styles. Keeping content out of the renderers is what makes the
three formats say the same thing.

Every figure a report quotes is a :class:`TracedFigure` in ``Document.figures`` (see
:mod:`careassure.reports.trace`), so a reader can find the measure, the parameters and the value
behind any number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

CHART_POINT = "chart point"


@dataclass(frozen=True)
class Cell:
    """One table cell. ``rag`` (red, amber, green, grey: the plan's RAG colours) colours it;
    ``lines`` are written one per line (HTML ``<br>``, Word line breaks) so lists inside a cell
    stay lists."""

    lines: tuple[str, ...]
    rag: str | None = None
    bold: bool = False

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def cell(text: str | list[str] | tuple[str, ...], *, rag: str | None = None,
         bold: bool = False) -> Cell:
    """A cell from one string or several lines."""
    lines = (text,) if isinstance(text, str) else tuple(text)
    return Cell(lines, rag, bold)


@dataclass(frozen=True)
class Paragraph:
    """Body text; ``number`` is the committee-paper paragraph number ("30", "a)"); ``lead``
    marks a short bold label that introduces the list or table after it."""

    text: str
    number: str | None = None
    lead: bool = False


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]
    numbered: bool = False


@dataclass(frozen=True)
class Table:
    """A table with a header row. ``widths`` are relative column widths (they sum to anything).
    ``key`` names the table for tests and the trace (e.g. "appendix")."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    caption: str | None = None
    widths: tuple[float, ...] | None = None
    key: str | None = None


@dataclass(frozen=True)
class Chart:
    """A PNG chart with the alternative text a screen reader speaks and a visible caption."""

    png: bytes
    alt: str
    caption: str
    width_cm: float = 15.0


Block = Paragraph | Bullets | Table | Chart


@dataclass
class Section:
    """A headed part of the report; ``level`` 1 or 2 (Word's Heading 1 / Heading 2). ``wide``
    sections print on landscape pages (the plan's appendix table, the return's outcomes)."""

    title: str
    blocks: list[Block] = field(default_factory=list)
    level: int = 1
    key: str | None = None
    wide: bool = False

    def add(self, *blocks: Block) -> Section:
        self.blocks.extend(blocks)
        return self


@dataclass(frozen=True)
class TracedFigure:
    """One figure quoted in a report: where it came from and what was printed.

    ``value`` is the engine's value, or None where the published report suppressed it (the side
    file of a published report must not leak what the report hides)."""

    ref: str
    measure: str
    title: str
    as_of: date
    period_start: date | None
    breakdown: dict[str, str] | None
    value: float | int | None
    shown: str
    suppressed: bool
    section: str
    role: str

    def to_json(self) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "measure": self.measure,
            "title": self.title,
            "parameters": {
                "as_of": self.as_of.isoformat(),
                "period_start": self.period_start.isoformat() if self.period_start else None,
                "breakdown": self.breakdown,
            },
            "value": self.value,
            "shown": self.shown,
            "suppressed": self.suppressed,
            "section": self.section,
            "role": self.role,
        }


@dataclass
class TraceRow:
    """One line of the trace appendix: a figure and the references that quote it."""

    figure: TracedFigure
    refs: list[str]
    sections: list[str]


@dataclass(frozen=True)
class Meta:
    """What the cover and every page footer say about the report's data and making."""

    council: str
    kind: str
    title: str
    subtitle: str
    as_of: date
    extract_date: date | None
    generated_at: datetime
    published: bool
    header_lines: tuple[str, ...] = ()

    @property
    def footer(self) -> str:
        extract = self.extract_date.strftime("%d/%m/%Y") if self.extract_date else "no data"
        version = "Published version (counts of 1 to 4 shown as *)" if self.published else (
            "Internal version: not for publication")
        return (f"Data extract {extract} · generated {self.generated_at:%d/%m/%Y %H:%M} UTC · "
                f"{version}")


@dataclass
class Document:
    meta: Meta
    sections: list[Section] = field(default_factory=list)
    figures: list[TracedFigure] = field(default_factory=list)
    # Machine-readable content beside the prose (the DHSC return's JSON and CSV).
    data: dict[str, Any] = field(default_factory=dict)

    def section(self, title: str, *, level: int = 1, key: str | None = None,
                wide: bool = False) -> Section:
        """Start a new section at the end of the report and return it."""
        new = Section(title, level=level, key=key, wide=wide)
        self.sections.append(new)
        return new

    @property
    def quoted_figures(self) -> list[TracedFigure]:
        """The figures printed as numbers; chart points are listed in the side file only (a
        chart of two years' points would fill pages)."""
        return [f for f in self.figures if f.role != CHART_POINT]

    def trace_rows(self) -> list[TraceRow]:
        """The trace appendix: each distinct quoted figure once, with every reference and
        section it is quoted in (the committee update quotes most facts twice: in the area's
        section and in the appendix table)."""
        rows: dict[tuple[Any, ...], TraceRow] = {}
        for f in self.quoted_figures:
            key = (f.measure, f.as_of, f.period_start, repr(f.breakdown), f.shown)
            if key not in rows:
                rows[key] = TraceRow(f, [], [])
            rows[key].refs.append(f.ref)
            if f.section not in rows[key].sections:
                rows[key].sections.append(f.section)
        return list(rows.values())

    @property
    def chart_points(self) -> int:
        return sum(f.role == CHART_POINT for f in self.figures)

    def trace_json(self) -> dict[str, Any]:
        """The side file: every figure with its measure, parameters and value."""
        return {
            "report": self.meta.kind,
            "title": self.meta.title,
            "council": self.meta.council,
            "as_of": self.meta.as_of.isoformat(),
            "extract_date": self.meta.extract_date.isoformat() if self.meta.extract_date else None,
            "generated_at": self.meta.generated_at.isoformat(timespec="seconds"),
            "published": self.meta.published,
            "figures": [f.to_json() for f in self.figures],
        }
