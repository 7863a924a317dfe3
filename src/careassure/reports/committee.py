"""The committee paper: "Care Quality Commission Assessment – Improvement Plan Delivery Update",
with every standing section of seed 000's layout in its order: purpose, policy framework and
previous decisions, background, the CQC's assessment approach, a section per improvement area with
the latest progress and the measure facts, looking ahead, the characteristics of Good and
Outstanding councils, key risks, resource implications, timetable for decisions, circulation
under the Local Issues Alert Procedure, equality and human rights implications, the list of
appendices, background papers and officers to contact; then the appendix table (Improvement Area |
Actions | Outcome(s) | Delivery Date | Progress | RAG) and, when an MTFS version is stored, its
roll-forward and Appendices A-D (:mod:`.mtfs`).

Every status comes from the plan's live evaluation (:mod:`careassure.plan.status`), every figure
from the measure engine through the tracer, the assessment approach and characteristics from the
framework file, the previous reports, officers and standing text from the report settings; the
prose around them is fixed wording from the seeds.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta

from careassure.framework.model import Framework
from careassure.reports.common import long_date, new_document, short_date
from careassure.reports.comparison import add_comparison
from careassure.reports.cycle import Cycle, cycle_at
from careassure.reports.document import Bullets, Document, Paragraph, Section, Table, cell
from careassure.reports.mtfs import add_stored_mtfs
from careassure.reports.papersections import (
    add_assessment_approach,
    add_characteristics,
    add_closing_sections,
    add_looking_ahead,
    add_previous_decisions,
    add_resources,
)
from careassure.reports.planstatus import latest_progress, load_plan_status
from careassure.reports.quotes import action_facts, outcome_chart
from careassure.reports.readings import Readings
from careassure.reports.settings import ReportSettings
from careassure.reports.trace import Tracer

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from careassure.plan.model import PlanSpec, RiskSpec
    from careassure.plan.status import ActionStatus, AreaStatus, PlanStatus

APPENDIX_TITLE = "Appendix: CQC Improvement Plan"
APPENDIX_COLUMNS = ("Improvement Area", "Actions", "Outcome(s)", "Delivery Date", "Progress",
                    "RAG")
LETTERS = "abcdefghijklmnopqrstuvwxyz"


class Numbering:
    """Committee papers number every paragraph of the body in one sequence (1, 2, 3, ...)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, text: str) -> Paragraph:
        self.count += 1
        return Paragraph(text, number=str(self.count))


def sub(index: int, text: str) -> Paragraph:
    return Paragraph(text, number=f"{LETTERS[index % 26]})")


def _purpose(section: Section, number: Numbering, cycle: Cycle | None, as_of: date) -> None:
    text = ("The purpose of this report is to provide the Committee with an update of the "
            "progress made to deliver the Care Quality Commission (CQC) Improvement Plan, as at "
            f"{long_date(as_of)}")
    if cycle is not None and cycle.next_update is not None:
        text += (", prior to submission of the progress update to the Department of Health and "
                 f"Social Care (DHSC) due {long_date(cycle.next_update)}")
    section.add(number(text + ". The Improvement Plan is attached as the Appendix to this "
                       "report."))


def _background(section: Section, number: Numbering, settings: ReportSettings,
                cycle: Cycle | None, status: PlanStatus, extract_date: date | None) -> None:
    if cycle is None:
        section.add(number("No CQC assessment is recorded in the report settings "
                           f"({settings.sources[-1]}), so the rating and the DHSC reporting "
                           "stage are not reported."))
    else:
        section.add(number(f"The CQC published its assessment report of {settings.council} in "
                           f"{cycle.published:%B %Y}, giving an overall rating of "
                           f"{cycle.rating}."))
        if cycle.dhsc_reporting:
            section.add(number(
                f"Authorities achieving a {cycle.rating} rating are required to develop an "
                "Improvement Plan and provide quarterly reporting to the DHSC demonstrating "
                "progress with improvement actions. The reporting is in three stages:"))
            for index, line in enumerate(cycle.stage_lines):
                section.add(sub(index, line))
    section.add(number(settings.governance))
    for text in settings.paper.get("background", ()):
        section.add(number(text))
    extract = f" (data extracted on {long_date(extract_date)})" if extract_date else ""
    section.add(number(f"The figures in this report{extract} are computed from "
                       f"{settings.data_source}. The last appendix lists each figure with its "
                       "source."))
    counts: dict[str, int] = {}
    for area in status.areas:
        counts[area.rag.label] = counts.get(area.rag.label, 0) + 1
    summary = ", ".join(f"{n} {label.lower()}" for label, n in counts.items())
    section.add(number(
        f"Of the {len(status.areas)} improvement areas, {summary}. Overall the plan is "
        f"{status.rag.label.lower()}: {status.rag.reason.rstrip('.')}."))


def _gap(earlier: date, later: date) -> str:
    """How long before ``later`` ``earlier`` is, in the unit a reader would use."""
    months = relativedelta(later, earlier)
    whole = months.years * 12 + months.months
    if whole >= 1:
        return f"{whole} month{'s' if whole > 1 else ''}"
    days = (later - earlier).days
    return f"{days} day{'s' if days > 1 else ''}"


def progress_words(written_on: date, narrative: str, as_of: date) -> str:
    """Progress text as written, flagged first when it is older than the figures beside it (a
    progress note of December beside figures of September must not read as current)."""
    if written_on >= as_of:
        return f"progress at {short_date(written_on)}: {narrative}"
    return (f"[Progress text written {short_date(written_on)}, {_gap(written_on, as_of)} before "
            f"the figures at {short_date(as_of)}; its own figures are of that date.] {narrative}")


def why_not_met(action: ActionStatus) -> str:
    """The status with its reasons: the summary, then each outcome not met and why."""
    text = f"Status: {action.rag.label} – {action.rag.reason.rstrip('.')}."
    behind = [o for o in action.outcomes if o.rag.colour != "green"]
    if behind:
        text += " Why: " + " ".join(
            f"{o.spec.text.rstrip('.')}: {o.rag.label.lower()}, {o.rag.reason[0].lower()}"
            f"{o.rag.reason[1:].rstrip('.')}." for o in behind)
    return text


def _area_status(area: AreaStatus) -> str:
    """The area's status and its reason, then which actions are behind (each action's own
    status below gives its reasons)."""
    text = f"{area.rag.label}: {area.rag.reason.rstrip('.')}."
    behind = [a for a in area.actions if a.rag.colour != "green"]
    if behind:
        text += (" Behind: " + "; ".join(f"{a.spec.title} ({a.rag.label.lower()})"
                                         for a in behind)
                 + "; each action's status below gives its reasons.")
    return text


def _action_blocks(action: ActionStatus, status: PlanStatus, readings: Readings, tracer: Tracer,
                   section: str, index: int) -> list[Paragraph | Bullets]:
    """One lettered paragraph per action: the latest progress as written, then the measure facts
    (waiting-list sizes first) and the status as a list under it."""
    as_of = readings.as_of
    progress = latest_progress(action, as_of)
    if progress is None:
        words = "no progress update has been written yet."
    else:
        words = progress_words(progress.written_on, progress.narrative, as_of)
    facts = action_facts(action, status, readings, tracer, section)
    return [sub(index, f"{action.spec.title} – {words}"), Bullets((*facts, why_not_met(action)))]


def _area(doc: Document, area: AreaStatus, status: PlanStatus, number: Numbering,
          readings: Readings, tracer: Tracer) -> None:
    section = doc.section(area.spec.title, level=2, key=f"area-{area.spec.key}")
    section.add(number(_area_status(area)))
    for index, action in enumerate(area.actions):
        section.add(*_action_blocks(action, status, readings, tracer, area.spec.title, index))
    for action in area.actions:
        for outcome in action.outcomes:
            chart = outcome_chart(outcome, tracer, area.spec.title)
            if chart is not None:
                section.add(chart)
                return


def _risks(section: Section, number: Numbering, plan: PlanSpec) -> None:
    """The plan's open risks, highest score first (the demo plan carries the seeds' two DHSC
    risks among them)."""
    open_risks: list[RiskSpec] = sorted(
        (r for r in plan.risks if r.status == "open"), key=lambda r: -r.score)
    if not open_risks:
        section.add(number("No open risks are recorded in the plan."))
    for risk in open_risks:
        owner = f" Owner: {risk.owner}." if risk.owner else ""
        section.add(number(
            f"{risk.description.rstrip('.')} (likelihood {risk.likelihood} x impact "
            f"{risk.impact} = {risk.score}). Mitigation: {risk.mitigation.rstrip('.')}.{owner}"))


def _appendix(doc: Document, status: PlanStatus, readings: Readings, tracer: Tracer) -> None:
    as_of = readings.as_of
    section = doc.section(APPENDIX_TITLE, key="appendix", wide=True)
    rows = []
    for area in status.areas:
        for index, action in enumerate(area.actions):
            steps = [f"{n}. {step}" for n, step in enumerate(action.spec.steps, start=1)]
            outcomes = [f"{n}. {o.spec.text} ({o.rag.label}: {o.rag.reason})"
                        for n, o in enumerate(action.outcomes, start=1)]
            progress = latest_progress(action, as_of)
            facts = action_facts(action, status, readings, tracer, "Appendix")
            words = ([progress_words(progress.written_on, progress.narrative, as_of)]
                     if progress else ["No progress update yet."])
            rows.append((
                cell(area.spec.title if index == 0 else "", bold=True),
                cell([action.spec.title + ":", *steps]),
                cell(outcomes),
                cell(f"{action.spec.delivery_month:%b-%y}"),
                cell(words + facts),
                cell([action.rag.label, action.rag.reason], rag=action.rag.colour),
            ))
    section.add(Table(
        APPENDIX_COLUMNS, tuple(rows),
        caption=f"Care Quality Commission Improvement Plan. Updated: "
                f"{long_date(status.plan.updated_on)}; RAG at {long_date(as_of)}",
        widths=(2.2, 4.6, 4.2, 1.4, 6.4, 1.4), key="appendix"))


def build_committee_report(
    session: Session,
    framework: Framework,
    readings: Readings,
    settings: ReportSettings,
    *,
    extract_date: date | None,
    publish: bool,
    meeting: str | None = None,
    meeting_date: date | None = None,
) -> Document:
    """The committee update as at the readings' date, for ``meeting`` (default: the committee
    in the settings) on ``meeting_date`` (default: none printed; the paper is dated by its
    figures)."""
    from careassure.budget.service import version_keys

    as_of = readings.as_of
    status = load_plan_status(session, readings, publish=publish)
    cycle = cycle_at(framework, settings.last_assessment, as_of) if settings.last_assessment \
        else None
    year = settings.last_assessment.published.year if settings.last_assessment else as_of.year
    committee = meeting or settings.committee
    heading = (f"{committee} {long_date(meeting_date)}" if meeting_date
               else f"{committee} – update at {long_date(as_of)}")
    doc = new_document(
        "committee",
        "Improvement Plan Delivery Update",
        f"Report of the {settings.director}",
        settings, as_of=as_of, extract_date=extract_date, publish=publish,
        header_lines=(heading.upper(), f"Care Quality Commission Assessment {year}".upper()),
    )
    tracer = Tracer(doc)
    number = Numbering()
    paper_date = meeting_date or as_of
    _purpose(doc.section("Purpose of report", key="purpose"), number, cycle, as_of)
    add_previous_decisions(doc, number, settings, paper_date)
    _background(doc.section("Background", key="background"), number, settings, cycle, status,
                extract_date)
    add_assessment_approach(doc, number, framework)
    doc.section("Improvement Plan Delivery Update", key="delivery")
    for area in status.areas:
        _area(doc, area, status, number, readings, tracer)
    add_looking_ahead(doc, number, settings, cycle, status, as_of)
    add_characteristics(doc, number, framework)
    _risks(doc.section("Key risks", key="risks"), number, status.plan)
    add_comparison(doc, session)
    add_resources(doc, number, settings, session)
    appendices = [APPENDIX_TITLE.removeprefix("Appendix: ")]
    if version_keys(session):
        appendices.append("Medium Term Financial Strategy (roll-forward and Appendices A to D)")
    add_closing_sections(doc, number, settings, paper_date, appendices)
    _appendix(doc, status, readings, tracer)
    add_stored_mtfs(doc, session)
    return doc
