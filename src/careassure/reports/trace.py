"""Quoting figures: every number a report prints goes through a :class:`Tracer`, which formats it
with the measure engine's own formatting and small-number suppression and records where it came
from, so the trace appendix and the ``.trace.json`` side file list exactly what the report shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from careassure.reports.document import CHART_POINT, Document, TracedFigure

if TYPE_CHECKING:
    from careassure.measures import MeasureValue
    from careassure.measures.narrative import Facts


class Tracer:
    """Formats figures for one document and records each one it formats.

    ``publish`` suppresses counts of 1 to 4 (and statistics over so few people) as "*", as
    anything published must; the trace of a published report then omits the hidden value."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.publish = document.meta.published

    def quote(self, value: MeasureValue, section: str, role: str = "current") -> str:
        """The value as printed, recorded in the trace."""
        from careassure.measures import CATALOGUE
        from careassure.measures.format import format_value
        from careassure.measures.publish import SUPPRESSED

        shown = format_value(value, publish=self.publish)
        suppressed = self.publish and shown == SUPPRESSED
        definition = CATALOGUE.get(value.measure)
        self.document.figures.append(
            TracedFigure(
                ref=f"F{len(self.document.figures) + 1}",
                measure=value.measure,
                title=definition.title if definition else value.measure,
                as_of=value.as_of,
                period_start=value.period_start,
                breakdown=value.breakdown,
                value=None if suppressed else value.value,
                shown=shown,
                suppressed=suppressed,
                section=section,
                role=role,
            )
        )
        return shown

    def facts(self, facts: Facts, section: str) -> str:
        """A measure's narrative sentence ("416 people waiting (down from a peak of 716 on
        29/12/2024)"), with each value it quotes traced."""
        for role, value in (("current", facts.current), ("baseline", facts.baseline),
                            ("peak", facts.peak)):
            if value is not None:
                self.quote(value, section, role)
        return facts.sentence()

    def series(self, values: Iterable[MeasureValue], section: str) -> list[float | None]:
        """Chart points: each value traced; suppressed points come back as None (not drawn)."""
        from careassure.measures.publish import SUPPRESSED

        points = []
        for value in values:
            shown = self.quote(value, section, CHART_POINT)
            points.append(None if shown == SUPPRESSED else value.value)
        return points
