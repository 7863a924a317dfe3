"""The self-assessment report: per quality statement the council's score, strengths, areas for
development, evidence and live measures, and the estimated rating (seed 002 paras 24-26: the
self-assessment CQC asks for in the information return; seed 000 para 42: updated before the
next assessment).

The judgement comes from the framework module (:func:`build_self_assessment`, scoring, what-if);
the live measures are the measure engine's values at the report date, quoted through the tracer.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from careassure.framework.live import LiveMeasure, LiveValues
from careassure.framework.model import Framework
from careassure.reports.common import long_date, new_document, short_date
from careassure.reports.comparison import add_comparison
from careassure.reports.document import Bullets, Document, Paragraph, Table, cell
from careassure.reports.readings import Readings
from careassure.reports.settings import ReportSettings
from careassure.reports.trace import Tracer

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from careassure.framework.selfassessment import SelfAssessment

STATUS_TEXT = {"met": "Met", "not_met": "Not met", None: ""}
STATUS_RAG = {"met": "green", "not_met": "red"}


def live_from_readings(framework: Framework, readings: Readings) -> LiveValues:
    """The framework's live readings, from the report's own engine values (so the rating
    estimate, the priorities and the printed figures agree)."""
    from careassure.measures import CATALOGUE

    wanted = sorted({m for qs in framework.statements for m in qs.measures})
    known = [m for m in wanted if m in CATALOGUE]
    readings.prefetch(readings.as_of, known)
    found: dict[str, LiveMeasure] = {}
    for measure in wanted:
        value = readings.at(measure) if measure in CATALOGUE else None
        if measure not in CATALOGUE:
            found[measure] = LiveMeasure(measure, note="reported by group: see the measures list")
        elif value is None or value.value is None:
            found[measure] = LiveMeasure(measure, note="no value (empty population)")
        else:
            found[measure] = LiveMeasure(measure, value.value, value.target, value.status)
    note = f"computed by the measure engine as at {short_date(readings.as_of)}"
    return LiveValues(found, note, readings.as_of)


def _estimate(doc: Document, framework: Framework, assessment: SelfAssessment) -> None:
    section = doc.section("Estimated rating", key="estimate")
    estimate = assessment.estimate
    if estimate is None:
        section.add(Paragraph("No quality statement has been scored yet, so no rating can be "
                              "estimated. Scores are recorded on the CQC self-assessment "
                              "page."))
        return
    section.add(Paragraph(
        f"Estimated from {estimate.statements_scored} of {len(framework.statements)} quality "
        f"statements: {estimate.total} of {estimate.max} points, {estimate.percent}%, which is "
        f"{estimate.rating}. All statements weigh the same; the bands are those CQC uses "
        f"(25-38 Inadequate, 39-62 Requires improvement, 63-87 Good, 88-100 Outstanding)."))
    if assessment.what_if and assessment.what_if.options:
        what = assessment.what_if
        options = "; or ".join(o.description for o in what.options)
        section.add(Paragraph(
            f"To reach {what.target}: {what.points_needed} more points, for example {options}."))
    rows = []
    for s in assessment.statements:
        level = framework.score_levels[s.score] if s.score is not None else "Not scored"
        rows.append((cell(s.statement.code), cell(s.statement.name),
                     cell(framework.theme(s.statement.theme).name),
                     cell("-" if s.score is None else str(s.score)), cell(level)))
    section.add(Table(("QS", "Quality statement", "Theme", "Score", "Level"), tuple(rows),
                      widths=(1, 5, 5, 1.2, 4), key="scores"))
    if assessment.priorities:
        section.add(Paragraph("The statements that most need to move, most in need first:"))
        section.add(Bullets(tuple(
            f"{p.statement.code} {p.statement.name}: {'; '.join(p.reasons)}"
            for p in assessment.priorities), numbered=True))


def _measures_table(tracer: Tracer, readings: Readings, measures: tuple[str, ...],
                    section: str) -> Table | Paragraph:
    from careassure.measures import CATALOGUE
    from careassure.measures.format import format_target, period_text
    from careassure.measures.publish import SUPPRESSED, suppress
    from careassure.measures.statuses import reason

    rows = []
    for measure in measures:
        definition = CATALOGUE.get(measure)
        if definition is None:
            continue
        value = readings.at(measure)
        if value is None:
            continue
        shown = tracer.quote(value, section)
        target = format_target(definition.target, measure) if definition.target else ""
        status = None if shown == SUPPRESSED else value.status
        why = reason(suppress([value])[0] if shown == SUPPRESSED else value, definition.target,
                     "council's targets file")
        rows.append((cell(definition.title),
                     cell([shown, period_text(value.period_start, value.as_of)]), cell(target),
                     cell([line for line in (STATUS_TEXT[status], why) if line],
                          rag=STATUS_RAG.get(status or ""))))
    if not rows:
        return Paragraph("No measure in the case-level record format bears on this statement "
                         "yet: it is evidenced by documents alone.")
    return Table(("Measure", "Value", "Target", "Status and why"),
                 tuple(rows), widths=(4.6, 2.6, 2.4, 4.2), key="measures")


def build_self_assessment_report(
    session: Session,
    framework: Framework,
    readings: Readings,
    settings: ReportSettings,
    *,
    extract_date: date | None,
    publish: bool,
) -> Document:
    """The self-assessment as at the readings' date."""
    from careassure.framework.selfassessment import build_self_assessment

    as_of = readings.as_of
    doc = new_document(
        "self-assessment",
        "Self-assessment against the CQC quality statements",
        f"{settings.department}: the council's own view of how it meets its Care Act duties, "
        f"as at {long_date(as_of)}",
        settings, as_of=as_of, extract_date=extract_date, publish=publish,
    )
    tracer = Tracer(doc)
    live = live_from_readings(framework, readings)
    assessment = build_self_assessment(session, framework, as_of, live)
    _estimate(doc, framework, assessment)
    categories = {c.id: c.name for c in framework.categories}
    for theme in framework.themes:
        doc.section(theme.name, key=f"theme-{theme.id}")
        for s in (a for a in assessment.statements if a.statement.theme == theme.id):
            qs = s.statement
            title = f"{qs.code} {qs.name}"
            section = doc.section(title, level=2, key=qs.id)
            if s.score is None:
                section.add(Paragraph("Score: not scored yet."))
            else:
                source = "the council's own score" if s.score_source == "own" else (
                    "from the evidence category scores")
                section.add(Paragraph(
                    f"Score: {s.score}, {framework.score_levels[s.score]} ({source})."))
            section.add(Paragraph("Strengths", lead=True))
            section.add(Bullets(s.strengths) if s.strengths else Paragraph("None recorded yet."))
            section.add(Paragraph("Areas for development", lead=True))
            section.add(Bullets(s.areas_for_development) if s.areas_for_development
                        else Paragraph("None recorded yet."))
            if s.evidence:
                section.add(Table(
                    ("Evidence", "Category", "Dated", "Review by"),
                    tuple((cell(e.title + (" (past its review-by date)" if e.stale else "")),
                           cell(categories.get(e.category, e.category)),
                           cell(short_date(e.evidence_date)),
                           cell(short_date(e.review_by) if e.review_by else ""))
                          for e in s.evidence),
                    widths=(7, 3.5, 2, 2), key="evidence"))
            else:
                section.add(Paragraph("No evidence linked yet."))
            if s.missing_categories:
                section.add(Paragraph(
                    "Missing current evidence: "
                    + ", ".join(categories[c] for c in s.missing_categories) + "."))
            section.add(_measures_table(tracer, readings, qs.measures, title))
    add_comparison(doc, session)
    return doc
