"""The committee paper: "Care Quality Commission Assessment – Improvement Plan Delivery Update",
in the structure of seeds 000 and 004: purpose, background (rating and DHSC reporting stage), a
section per improvement area with the latest progress and the measure facts, key risks, and the
appendix table (Improvement Area | Actions | Outcome(s) | Delivery Date | Progress) with RAG,
and, when an MTFS version is stored, its roll-forward and Appendices A-D (:mod:`.mtfs`).

Every status comes from the plan's live evaluation (:mod:`careassure.plan.status`), every figure
from the measure engine through the tracer; the prose around them is fixed wording from the seeds.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from careassure.framework.model import Framework
from careassure.reports.common import long_date, new_document, short_date
from careassure.reports.comparison import add_comparison
from careassure.reports.cycle import Cycle, cycle_at
from careassure.reports.document import Bullets, Document, Paragraph, Section, Table, cell
from careassure.reports.mtfs import add_stored_mtfs
from careassure.reports.planstatus import latest_progress, load_plan_status
from careassure.reports.quotes import action_facts, outcome_chart
from careassure.reports.readings import Readings
from careassure.reports.settings import ReportSettings
from careassure.reports.trace import Tracer

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from careassure.plan.model import PlanSpec, RiskSpec
    from careassure.plan.status import ActionStatus, AreaStatus, PlanStatus

APPENDIX_COLUMNS = ("Improvement Area", "Actions", "Outcome(s)", "Delivery Date", "Progress",
                    "RAG")
LETTERS = "abcdefghijklmnopqrstuvwxyz"


class _Numbering:
    """Committee papers number every paragraph of the body in one sequence (1, 2, 3, ...)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, text: str) -> Paragraph:
        self.count += 1
        return Paragraph(text, number=str(self.count))


def _sub(index: int, text: str) -> Paragraph:
    return Paragraph(text, number=f"{LETTERS[index % 26]})")


def _purpose(section: Section, number: _Numbering, cycle: Cycle | None, as_of: date) -> None:
    text = ("The purpose of this report is to provide the Committee with an update of the "
            "progress made to deliver the Care Quality Commission (CQC) Improvement Plan, as at "
            f"{long_date(as_of)}")
    if cycle is not None and cycle.next_update is not None:
        text += (", prior to submission of the progress update to the Department of Health and "
                 f"Social Care (DHSC) due {long_date(cycle.next_update)}")
    section.add(number(text + ". The Improvement Plan is attached as the Appendix to this "
                       "report."))


def _background(section: Section, number: _Numbering, settings: ReportSettings,
                cycle: Cycle | None, status: PlanStatus) -> None:
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
                section.add(_sub(index, line))
        section.add(number(
            "The next comprehensive CQC assessment is due by "
            f"{long_date(cycle.next_assessment_due)} (the usual maximum after a {cycle.rating} "
            f"rating); careassure plans for it from {long_date(cycle.next_assessment_window)}."))
    section.add(number(settings.governance))
    counts: dict[str, int] = {}
    for area in status.areas:
        counts[area.rag.label] = counts.get(area.rag.label, 0) + 1
    summary = ", ".join(f"{n} {label.lower()}" for label, n in counts.items())
    section.add(number(
        f"Of the {len(status.areas)} improvement areas, {summary}. Overall the plan is "
        f"{status.rag.label.lower()}: {status.rag.reason}."))


def _action_blocks(action: ActionStatus, status: PlanStatus, readings: Readings, tracer: Tracer,
                   section: str, index: int) -> list[Paragraph | Bullets]:
    """One lettered paragraph per action: the latest progress as written, then the measure facts
    (waiting-list sizes first) and the status as a list under it."""
    as_of = readings.as_of
    progress = latest_progress(action, as_of)
    if progress is None:
        words = "no progress update has been written yet."
    else:
        words = f"progress at {short_date(progress.written_on)}: {progress.narrative}"
        if progress.written_on < as_of:
            words += (f" (Progress last updated {short_date(progress.written_on)}; the figures "
                      f"below are at {short_date(as_of)}.)")
    facts = action_facts(action, status, readings, tracer, section)
    rag = f"Status: {action.rag.label} – {action.rag.reason.rstrip('.')}."
    return [_sub(index, f"{action.spec.title} – {words}"), Bullets((*facts, rag))]


def _area(doc: Document, area: AreaStatus, status: PlanStatus, number: _Numbering,
          readings: Readings, tracer: Tracer) -> None:
    section = doc.section(area.spec.title, level=2, key=f"area-{area.spec.key}")
    section.add(number(f"{area.rag.label}: {area.rag.reason}."))
    for index, action in enumerate(area.actions):
        section.add(*_action_blocks(action, status, readings, tracer, area.spec.title, index))
    for action in area.actions:
        for outcome in action.outcomes:
            chart = outcome_chart(outcome, tracer, area.spec.title)
            if chart is not None:
                section.add(chart)
                return


def _risks(section: Section, number: _Numbering, plan: PlanSpec) -> None:
    """The plan's open risks, highest score first (the demo plan carries the seeds' two DHSC
    risks among them)."""
    open_risks: list[RiskSpec] = sorted(
        (r for r in plan.risks if r.status == "open"), key=lambda r: -r.score)
    if not open_risks:
        section.add(number("No open risks are recorded in the plan."))
    for risk in open_risks:
        owner = f" Owner: {risk.owner}." if risk.owner else ""
        section.add(number(
            f"{risk.description} (likelihood {risk.likelihood} x impact {risk.impact} = "
            f"{risk.score}). Mitigation: {risk.mitigation.rstrip('.')}.{owner}"))


def _appendix(doc: Document, status: PlanStatus, readings: Readings, tracer: Tracer) -> None:
    as_of = readings.as_of
    section = doc.section("Appendix: CQC Improvement Plan", key="appendix", wide=True)
    rows = []
    for area in status.areas:
        for index, action in enumerate(area.actions):
            steps = [f"{n}. {step}" for n, step in enumerate(action.spec.steps, start=1)]
            outcomes = [f"{n}. {o.spec.text} ({o.rag.label}: {o.rag.reason})"
                        for n, o in enumerate(action.outcomes, start=1)]
            progress = latest_progress(action, as_of)
            facts = action_facts(action, status, readings, tracer, "Appendix")
            words = [progress.narrative] if progress else ["No progress update yet."]
            if progress is not None and progress.written_on < as_of:
                words.insert(0, f"Progress last updated {short_date(progress.written_on)}:")
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
) -> Document:
    """The committee update as at the readings' date."""
    as_of = readings.as_of
    status = load_plan_status(session, readings, publish=publish)
    cycle = cycle_at(framework, settings.last_assessment, as_of) if settings.last_assessment \
        else None
    year = settings.last_assessment.published.year if settings.last_assessment else as_of.year
    doc = new_document(
        "committee",
        "Improvement Plan Delivery Update",
        f"Report of the {settings.director}",
        settings, as_of=as_of, extract_date=extract_date, publish=publish,
        header_lines=(settings.committee.upper(), f"Update at {long_date(as_of)}",
                      f"Care Quality Commission Assessment {year}".upper()),
    )
    tracer = Tracer(doc)
    number = _Numbering()
    _purpose(doc.section("Purpose of report", key="purpose"), number, cycle, as_of)
    _background(doc.section("Background", key="background"), number, settings, cycle, status)
    doc.section("Improvement Plan Delivery Update", key="delivery")
    for area in status.areas:
        _area(doc, area, status, number, readings, tracer)
    _risks(doc.section("Key risks", key="risks"), number, status.plan)
    add_comparison(doc, session)
    _appendix(doc, status, readings, tracer)
    add_stored_mtfs(doc, session)
    return doc
