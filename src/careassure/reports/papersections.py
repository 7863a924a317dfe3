"""The committee paper's standing sections around the improvement areas (seed 000's layout):
previous decisions, the CQC's assessment approach, looking ahead, the characteristics of Good and
Outstanding councils, resource implications, and the closing sections (timetable, Local Issues
Alert, equality, human rights, appendices, background papers, officers to contact).

Each is filled from what the product knows first (the framework file, the assessment cycle, the
plan's due dates, the budget ledger's links to the plan) and from the council's own text in the
report settings (``reports.yaml``, or its versions edited on the reports page) for the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta

from careassure.framework.model import Framework
from careassure.reports.common import long_date
from careassure.reports.document import Bullets, Document, Paragraph, Section
from careassure.reports.settings import ReportSettings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from careassure.plan.status import PlanStatus
    from careassure.reports.cycle import Cycle

Number = Callable[[str], Paragraph]
LETTERS = "abcdefghijklmnopqrstuvwxyz"
# How far ahead "Looking ahead" lists the plan's actions falling due.
LOOK_AHEAD_MONTHS = 3


def _sub(index: int, text: str) -> Paragraph:
    return Paragraph(text, number=f"{LETTERS[index % 26]})")


def _text(section: Section, number: Number, paragraphs: Sequence[str]) -> None:
    for text in paragraphs:
        section.add(number(text))


def add_previous_decisions(doc: Document, number: Number, settings: ReportSettings,
                           paper_date: date) -> None:
    """"Policy framework and previous decisions": the committee's earlier reports, newest
    first, as the report settings list them (only those dated before this paper)."""
    section = doc.section("Policy framework and previous decisions", key="previous")
    earlier = [r for r in settings.previous_reports if r.date < paper_date]
    if not earlier:
        section.add(number("This is the first report to the Committee on the CQC assessment "
                           "and the Improvement Plan."))
    for report in earlier:
        section.add(number(f"In {report.date:%B %Y}, the Committee received a report "
                           f"{report.summary.rstrip('.')}."))


def add_assessment_approach(doc: Document, number: Number, framework: Framework) -> None:
    """"Care Quality Commission updated assessment approach", from the framework file: the
    themes and quality statements, the two kinds of assessment with the usual maximum interval
    for each rating, assurance meetings and case tracking."""
    from careassure.framework.assessments import AGENDA

    section = doc.section("Care Quality Commission updated assessment approach",
                          key="approach")
    themes = [t.name for t in framework.themes]
    section.add(number(
        f"The local authority assessment framework has {len(framework.statements)} quality "
        f"statements across {len(themes)} themes: {', '.join(themes[:-1])} and {themes[-1]}. "
        "Each quality statement is described by rating characteristics for each judgement "
        "level."))
    section.add(number(
        "CQC assessments are of two kinds. A comprehensive assessment reviews every theme and "
        "quality statement, can change the overall rating and ends in a published report. A "
        "focused assessment, between comprehensive ones, reviews particular aspects of care, "
        "for example in response to a risk; its report is published but it does not change the "
        "rating, and its findings inform the next comprehensive assessment."))
    section.add(number("The usual maximum time between comprehensive assessments is:"))
    for index, (rating, years) in enumerate(
            framework.timeline.comprehensive_interval_years.items()):
        section.add(_sub(index, f"{rating}: {years} years from publication of the last report"))
    agenda = [text[0].lower() + text[1:] for text in AGENDA.values()]
    section.add(number(
        "Between assessments CQC holds scheduled assurance meetings with the Director and key "
        f"staff. They consider {', '.join(agenda[:-1])} and {agenda[-1]}; they do not lead to a "
        "published report or a change of rating."))
    section.add(number(
        f"An assessment starts with notification and an information return due within "
        f"{framework.timeline.information_return_weeks} weeks, followed by case tracking, case "
        f"sampling with staff, and a site visit of about {framework.timeline.site_visit_days} "
        "days; the evidence gathered decides the rating."))


def add_looking_ahead(doc: Document, number: Number, settings: ReportSettings,
                      cycle: Cycle | None, status: PlanStatus, as_of: date) -> None:
    """"Looking ahead and preparation for the next CQC assessment": the next DHSC update, the
    plan's actions due in the next months and not complete, the next assessment's window, then
    the council's own text."""
    section = doc.section("Looking ahead and preparation for the next CQC assessment",
                          key="ahead")
    if cycle is not None and cycle.next_update is not None:
        section.add(number("Progress with the Improvement Plan actions is due for submission "
                           f"to the DHSC on {long_date(cycle.next_update)}."))
    horizon = as_of + relativedelta(months=LOOK_AHEAD_MONTHS)
    due = [(area, action) for area in status.areas for action in area.actions
           if as_of < action.spec.due <= horizon and action.spec.status != "complete"]
    if due:
        section.add(number(f"Actions of the plan due by {long_date(horizon)}:"))
        for index, (area, action) in enumerate(due):
            section.add(_sub(index, f"{action.spec.title} ({area.spec.title}), due "
                                    f"{action.spec.delivery_month:%B %Y}: currently "
                                    f"{action.rag.label.lower()}."))
    else:
        section.add(number(f"No action of the plan falls due by {long_date(horizon)}."))
    if cycle is not None:
        section.add(number(
            "The next comprehensive CQC assessment is due by "
            f"{long_date(cycle.next_assessment_due)} (the usual maximum after a {cycle.rating} "
            "rating), and preparation should assume it could come from "
            f"{long_date(cycle.next_assessment_window)}."))
    _text(section, number, settings.paper.get("looking_ahead", ()))


def add_characteristics(doc: Document, number: Number, framework: Framework) -> None:
    """"Characteristics of local authorities with outstanding and good assessment ratings",
    from the framework file (Partners in Care and Health's analysis)."""
    if not framework.characteristics:
        return
    section = doc.section("Characteristics of local authorities with outstanding and good "
                          "assessment ratings", key="characteristics")
    section.add(number("Partners in Care and Health analysed CQC assessment reports to find "
                       "what councils rated Outstanding or at the upper end of Good have in "
                       "common:"))
    for c in framework.characteristics:
        section.add(Paragraph(f"{c.name}: {c.summary}", number=f"{c.letter})"))


def _budget_lines(session: Session) -> list[str]:
    """The budget ledger's lines linked to the plan, in the latest MTFS version, in words."""
    from careassure.budget.service import links, load_version, version_keys
    from careassure.reports.mtfs import money

    if not version_keys(session):
        return []
    version = load_version(session)
    by_reference = {line.reference: line for line in version.lines}
    found = []
    for link in links(session):
        line = by_reference.get(link.reference)
        if line is None:
            continue
        amounts = ", ".join(f"£{money(a)}k in {label}"
                            for label, a in zip(version.year_labels, line.amounts, strict=True)
                            if a)
        found.append(f"{line.title} ({line.reference}, {line.type}: {amounts or 'no amount'}) "
                     f"{link.role} {link.item_title}.")
    return found


def add_resources(doc: Document, number: Number, settings: ReportSettings,
                  session: Session) -> None:
    """"Resource implications": the budget lines the ledger links to the plan, then the
    council's own text."""
    section = doc.section("Resource implications", key="resources")
    lines = _budget_lines(session)
    if lines:
        section.add(number("The Medium Term Financial Strategy lines linked to the Improvement "
                           "Plan are:"))
        section.add(Bullets(tuple(lines)))
    paragraphs = settings.paper.get("resources", ())
    _text(section, number, paragraphs)
    if not lines and not paragraphs:
        section.add(number("No resource implications are recorded."))


def add_closing_sections(doc: Document, number: Number, settings: ReportSettings,
                         paper_date: date, appendices: Sequence[str]) -> None:
    """The paper's last numbered sections, the list of appendices, background papers and
    officers to contact."""
    titles = {"timetable": "Timetable for decisions",
              "local_issues_alert": "Circulation under the Local Issues Alert Procedure",
              "equality": "Equality implications",
              "human_rights": "Human rights implications"}
    for key, title in titles.items():
        section = doc.section(title, key=key)
        paragraphs = settings.paper.get(key, ())
        _text(section, number, paragraphs or ("None.",))
    section = doc.section("Appendices", key="appendices")
    section.add(Bullets(tuple(appendices)))
    section = doc.section("Background papers", key="background-papers")
    papers = [f"Report to the {settings.committee}, {long_date(r.date)}: {r.title}"
              + (f" – {r.link}" if r.link else "")
              for r in settings.previous_reports if r.date < paper_date]
    last = settings.last_assessment
    if last is not None:
        papers.append(f"CQC assessment of {settings.council}, published "
                      f"{long_date(last.published)}"
                      + (f" – {last.report_link}" if last.report_link else ""))
    section.add(Bullets(tuple(papers)) if papers else Paragraph("None."))
    section = doc.section("Officers to contact", key="officers")
    if not settings.officers:
        section.add(Paragraph(f"The {settings.director}."))
    for officer in settings.officers:
        lines = [officer.role]
        if officer.phone:
            lines.append(f"Tel: {officer.phone}")
        if officer.email:
            lines.append(f"Email: {officer.email}")
        section.add(Paragraph(officer.name, lead=True), Paragraph("; ".join(lines)))
