"""The "preparation for assessment" committee document (seed 000, "Looking ahead"): the next
comprehensive assessment's window, what could prompt a focused assessment, the assurance meetings
held and their packs, the rating characteristics recorded, and readiness against the
characteristics of Good and Outstanding councils.

The judgements come from ``careassure.framework`` (assessments, rating characteristics,
readiness); the measures are the report engine's values at each date, so the document agrees with
the preparation page and the self-assessment report.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from careassure.framework.model import Framework
from careassure.reports.common import long_date, new_document, short_date
from careassure.reports.document import Bullets, Document, Paragraph, Table, cell
from careassure.reports.readings import Readings
from careassure.reports.selfassessment import live_from_readings
from careassure.reports.settings import ReportSettings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

TRIGGER_QUARTERS = 2


def build_preparation_report(
    session: Session,
    framework: Framework,
    reader: Callable[[date], Readings],
    as_of: date,
    settings: ReportSettings,
    *,
    extract_date: date | None,
    publish: bool,
) -> Document:
    """The preparation document as at ``as_of``."""
    from dateutil.relativedelta import relativedelta

    from careassure.framework.assessments import (
        AGENDA,
        assessments,
        focused_triggers,
        meetings,
        next_comprehensive,
        quarter_ends,
    )
    from careassure.framework.evidence import list_evidence
    from careassure.framework.ratingtext import coverage
    from careassure.framework.readiness import assess_readiness

    doc = new_document(
        "preparation",
        "Preparation for the next CQC assessment",
        f"{settings.department}: the assessment window, assurance meetings and readiness, as at "
        f"{long_date(as_of)}",
        settings, as_of=as_of, extract_date=extract_date, publish=publish,
    )
    recorded = assessments(session)
    nxt = next_comprehensive(framework, recorded, as_of)
    section = doc.section("The next comprehensive assessment", key="next")
    if nxt is None and settings.last_assessment is not None:
        last = settings.last_assessment
        years = framework.timeline.comprehensive_interval_years[framework.band(last.rating).rating]
        due = last.published + relativedelta(years=years)
        opens = due - relativedelta(months=framework.timeline.next_assessment_window_months)
        section.add(Paragraph(
            f"The last assessment ({last.rating}, published {long_date(last.published)}) puts the "
            f"next comprehensive assessment at most {years} years later: by {long_date(due)}, "
            f"most likely from {long_date(opens)}."))
    elif nxt is not None:
        section.add(Paragraph(
            f"The last comprehensive assessment ({nxt.rating}, published "
            f"{long_date(nxt.published)}) puts the next at most {nxt.interval_years} years later: "
            f"by {long_date(nxt.due)}, most likely from {long_date(nxt.window_opens)}."))
    else:
        section.add(Paragraph("No published assessment is recorded, so the next cannot be dated."))
    section.add(Paragraph(
        "From April 2026 CQC carries out comprehensive assessments (every quality statement, can "
        "change the rating, published) and focused assessments between them (specific aspects, "
        "prompted by risk, published, no change to the rating)."))
    history = [live_from_readings(framework, reader(day))
               for day in quarter_ends(as_of, TRIGGER_QUARTERS)]
    triggers = focused_triggers(framework, history)
    section = doc.section("What could prompt a focused assessment", key="triggers")
    quarters = ", ".join(short_date(h.as_of) for h in history)
    if triggers:
        section.add(Paragraph(f"Quality statements with a measure off target at each quarter end "
                              f"({quarters}):"))
        section.add(Bullets(tuple(f"{t.code} {t.name}: {', '.join(t.measures)}"
                                  for t in triggers)))
    else:
        section.add(Paragraph(f"No quality statement had a measure off target at every quarter "
                              f"end ({quarters})."))
    section = doc.section("Assessments and assurance meetings", key="meetings")
    rows = tuple((cell(short_date(a.assessment_date)), cell(a.kind.capitalize()),
                  cell(a.outcome),
                  cell(short_date(a.published_on) if a.published_on else "Not yet"))
                 for a in recorded)
    if rows:
        section.add(Table(("Date", "Type", "Outcome", "Published"), rows, key="assessments"))
    held = meetings(session)
    if held:
        section.add(Table(
            ("Date", "Attended (by role)", "Agenda", "Pack"),
            tuple((cell(short_date(m.meeting_date)), cell(", ".join(m.attendees)),
                   cell("; ".join(AGENDA[k] for k in m.agenda)),
                   cell(f"self-assessment version {m.pack.get('self_assessment_version')}, "
                        f"measures at {short_date(date.fromisoformat(m.pack['as_of']))}"
                        if m.pack.get("as_of") else "-"))
                  for m in held), key="assurance"))
    else:
        section.add(Paragraph("No assurance meeting has been recorded."))
    section = doc.section("Rating characteristics and the level the evidence supports",
                          key="levels")
    section.add(Table(
        ("QS", "Levels described", "Level the evidence supports", "Evidence items"),
        tuple((cell(f"{c.code} {c.name}"), cell(f"{len(c.texts)} of {len(framework.score_levels)}"),
               cell(f"{c.supported}: {framework.score_levels[c.supported]}"
                    if c.supported else "Not recorded"),
               cell(str(len(c.evidence_ids)))) for c in coverage(session, framework)),
        key="coverage"))
    evidence = list_evidence(session, as_of)
    readiness = assess_readiness(framework, evidence, history[-1] if history else
                                 live_from_readings(framework, reader(as_of)))
    section = doc.section("Characteristics of Good and Outstanding councils", key="readiness")
    section.add(Table(("Characteristic", "Status", "Why"), tuple(
        (cell(r.characteristic.name), cell(r.status.replace("_", " ").capitalize()),
         cell(r.reason)) for r in readiness), key="readiness-table"))
    return doc
