"""The DHSC quarterly progress return (Stage 3 of seed 000 para 9): each area's RAG, measured
outcomes against target with their baseline and the change since last quarter, milestones met and
missed, risks and the support needed; as a document and as JSON or CSV with the same content.

Quarters are calendar quarters ("2026Q1" is January to March 2026). Measured values are the
measure engine's at the quarter end (snapshots at the end of the day, flows over the quarter);
"last quarter" is the value at the previous quarter end. The RAG is the plan's live evaluation
at the quarter end. When the data does not yet reach the quarter end, the return reports the
quarter to date and says so.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from careassure.framework.model import Framework
from careassure.records.csvcells import safe_cell
from careassure.reports.common import long_date, new_document, short_date
from careassure.reports.cycle import cycle_at
from careassure.reports.document import Document, Paragraph, Table, cell
from careassure.reports.planstatus import load_plan_status
from careassure.reports.quotes import measure_name
from careassure.reports.readings import Readings
from careassure.reports.settings import ReportSettings
from careassure.reports.trace import Tracer
from careassure.words import counted

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from careassure.measures import MeasureValue
    from careassure.plan.status import OutcomeStatus, PlanStatus

DATA_FORMATS = ("json", "csv")
QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*Q([1-4])\s*$", re.IGNORECASE)
CSV_COLUMNS = ("section", "area", "action", "item", "measure", "breakdown", "target",
               "baseline_on", "baseline", "previous_quarter", "this_quarter",
               "change_since_last_quarter", "due", "status", "reason")


class QuarterError(ValueError):
    """A quarter that is not written like 2026Q1, or that the data does not reach."""


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        first_of_next = (date(self.year + 1, 1, 1) if self.number == 4
                         else date(self.year, 3 * self.number + 1, 1))
        return first_of_next - timedelta(days=1)

    @property
    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year,
                                                                          self.number - 1)

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def words(self) -> str:
        return f"Quarter {self.number} {self.year} ({self.start:%B} to {self.end:%B %Y})"


def parse_quarter(text: str) -> Quarter:
    match = QUARTER.match(text)
    if not match:
        raise QuarterError(f"quarter {text!r} is not written like 2026Q1 (year, Q, 1 to 4)")
    return Quarter(int(match.group(1)), int(match.group(2)))


def check_quarter(quarter: Quarter, data_start: date | None, extract_date: date) -> None:
    """Refuse a quarter the data holds none of: one starting after the data ends (or one
    ending before it starts, when the start is known)."""
    if quarter.start > extract_date:
        raise QuarterError(f"the data runs to {short_date(extract_date)}, before "
                           f"{quarter.label} starts: choose an earlier quarter")
    if data_start is not None and quarter.end < data_start:
        raise QuarterError(f"the data starts on {short_date(data_start)}, after "
                           f"{quarter.label} ends: choose a later quarter")


def _figure(value: MeasureValue | None, tracer: Tracer, section: str, role: str
            ) -> dict[str, Any]:
    if value is None:
        return {"as_of": None, "value": None, "shown": "—"}
    shown = tracer.quote(value, section, role)
    hidden = tracer.document.figures[-1].suppressed
    return {"as_of": value.as_of.isoformat(), "value": None if hidden else value.value,
            "shown": shown}


def _change(current: dict[str, Any], previous: dict[str, Any], measure: str) -> str:
    from careassure.measures.format import format_number, unit_of

    if current["value"] is None or previous["value"] is None:
        return "—"
    delta = round(current["value"] - previous["value"], 2)
    if delta == 0:
        return "unchanged"
    unit = unit_of(measure)
    text = format_number(abs(delta), unit)
    if unit == "percent":
        text = text.replace("%", " points")
    return f"{'down' if delta < 0 else 'up'} {text}"


def _outcome_row(outcome: OutcomeStatus, area: str, action: str, quarter_end: date,
                 previous_end: date, reader: Callable[[date], Readings], tracer: Tracer
                 ) -> dict[str, Any]:
    from careassure.plan.wording import target_text

    measured = outcome.spec.measured
    assert measured is not None
    section = "Measured outcomes"
    measure, group = measured.measure_id, measured.breakdown
    # The baseline is the point the plan's RAG compares with (the last value on or before the
    # baseline date in the plan's series), so the return and the RAG reason agree.
    baseline_value = outcome.trend.baseline if outcome.trend else None
    current = _figure(reader(quarter_end).at(measure, breakdown=group), tracer, section,
                      "this quarter")
    previous = _figure(reader(previous_end).at(measure, breakdown=group), tracer, section,
                       "previous quarter")
    baseline = _figure(baseline_value, tracer, section, "baseline")
    return {
        "area": area,
        "action": action,
        "outcome": outcome.spec.text,
        "measure": measure,
        "measure_name": measure_name(measure, group),
        "breakdown": group,
        "target": target_text(measure, measured.comparator, measured.target),
        "baseline_on": measured.baseline_on.isoformat() if measured.baseline_on else None,
        "baseline": baseline,
        "previous_quarter": previous,
        "this_quarter": current,
        "change_since_last_quarter": _change(current, previous, measure),
        "rag": outcome.rag.to_json(),
    }


def _milestones(status: PlanStatus, quarter_start: date, quarter_end: date
                ) -> list[dict[str, Any]]:
    """Milestone outcomes and actions due by the end of the quarter (or met in it): met, or
    missed when not done by the quarter end (a return reports what the quarter delivered, so an
    action due in March and still open on 31 March is missed)."""
    found = []
    for area in status.areas:
        for action in area.actions:
            due = action.spec.due
            if due <= quarter_end:
                met = action.spec.status == "complete"
                found.append({
                    "area": area.spec.title, "action": action.spec.title,
                    "item": "Action delivered", "due": due.isoformat(),
                    "status": "met" if met else "missed",
                    "detail": "complete" if met else (
                        f"{action.spec.status.replace('_', ' ')} at {short_date(quarter_end)}"),
                })
            for outcome in action.outcomes:
                milestone = outcome.spec.milestone
                if milestone is None:
                    continue
                done_in_quarter = (milestone.done and milestone.done_on is not None
                                   and quarter_start <= milestone.done_on <= quarter_end)
                if due > quarter_end and not done_in_quarter:
                    continue
                if milestone.done:
                    when = f" on {short_date(milestone.done_on)}" if milestone.done_on else ""
                    detail = f"done{when}"
                else:
                    detail = f"not done by {short_date(quarter_end)}"
                found.append({
                    "area": area.spec.title, "action": action.spec.title,
                    "item": outcome.spec.text, "due": due.isoformat(),
                    "status": "met" if milestone.done else "missed", "detail": detail,
                })
    return found


def build_dhsc_report(
    session: Session,
    framework: Framework,
    reader: Callable[[date], Readings],
    quarter: Quarter,
    settings: ReportSettings,
    *,
    extract_date: date,
    publish: bool,
) -> Document:
    """The return for ``quarter``; ``reader(day)`` gives the engine's values at a date."""
    check_quarter(quarter, None, extract_date)
    as_of = min(quarter.end, extract_date)
    previous_end = quarter.previous.end
    readings = reader(as_of)
    status = load_plan_status(session, readings, publish=publish)
    cycle = cycle_at(framework, settings.last_assessment, as_of) if settings.last_assessment \
        else None
    header = []
    if as_of < quarter.end:
        header.append(f"Quarter to date: the data runs to {short_date(as_of)}")
    if cycle is not None and cycle.update_number is not None and cycle.next_update:
        header.append(f"Stage 3 quarterly update {cycle.update_number}, due "
                      f"{long_date(cycle.next_update)}")
    doc = new_document(
        "dhsc", "CQC Improvement Plan: quarterly progress return to DHSC",
        f"{settings.council}, {quarter.words}",
        settings, as_of=as_of, extract_date=extract_date, publish=publish,
        header_lines=tuple(header),
    )
    tracer = Tracer(doc)
    measures = status.plan.measure_ids()
    for day in (as_of, previous_end):
        reader(day).prefetch(day, measures)

    areas = [{"key": a.spec.key, "title": a.spec.title, "rag": a.rag.to_json()}
             for a in status.areas]
    outcomes = [
        _outcome_row(o, area.spec.title, action.spec.title, as_of, previous_end, reader, tracer)
        for area in status.areas for action in area.actions for o in action.outcomes
        if o.spec.measured is not None
    ]
    milestones = _milestones(status, quarter.start, as_of)
    risks = [{"key": r.key, "description": r.description, "likelihood": r.likelihood,
              "impact": r.impact, "score": r.score, "mitigation": r.mitigation,
              "owner": r.owner, "area": r.area}
             for r in sorted(status.plan.risks, key=lambda r: -r.score) if r.status == "open"]
    off_track = [a for a in status.areas if a.rag.colour == "red"]
    support = list(settings.support_needed) + [
        f"{a.spec.title} is {a.rag.label.lower()} at the quarter end ({a.rag.reason}): support "
        "to recover delivery would help." for a in off_track]
    doc.data["return"] = {
        "council": settings.council,
        "quarter": quarter.label,
        "period": {"start": quarter.start.isoformat(), "end": quarter.end.isoformat()},
        "as_of": as_of.isoformat(),
        "previous_quarter_end": previous_end.isoformat(),
        "published": publish,
        "stage": cycle.stage if cycle else None,
        "update_number": cycle.update_number if cycle else None,
        "update_due": cycle.next_update.isoformat() if cycle and cycle.next_update else None,
        "overall": status.rag.to_json(),
        "areas": areas,
        "outcomes": outcomes,
        "milestones": milestones,
        "risks": risks,
        "support_needed": support,
    }
    _write_sections(doc, status, outcomes, milestones, risks, support, as_of, previous_end)
    return doc


def _write_sections(doc: Document, status: PlanStatus, outcomes: list[dict[str, Any]],
                    milestones: list[dict[str, Any]], risks: list[dict[str, Any]],
                    support: list[str], as_of: date, previous_end: date) -> None:
    summary = doc.section("Summary by improvement area", key="summary")
    summary.add(Paragraph(f"Overall the plan is {status.rag.label.lower()} at "
                          f"{short_date(as_of)}: {status.rag.reason}."))
    summary.add(Table(("Improvement area", "RAG", "Why"), tuple(
        (cell(a.spec.title), cell(a.rag.label, rag=a.rag.colour), cell(a.rag.reason))
        for a in status.areas), widths=(4, 1.5, 10), key="areas"))

    section = doc.section("Measured outcomes against target", key="outcomes", wide=True)
    section.add(Paragraph(
        f"Values at {short_date(as_of)} against those at the end of the previous quarter "
        f"({short_date(previous_end)}) and at the baseline; flows (percentages within a time) "
        "are over the three months ending on each date."))
    section.add(Table(
        ("Area", "Outcome", "Measure", "Target", "Baseline", "Last quarter", "This quarter",
         "Change", "RAG"),
        tuple((cell(o["area"] if first else "", bold=True), cell(o["outcome"]),
               cell(o["measure_name"]), cell(o["target"]),
               cell([o["baseline"]["shown"], _on(o["baseline"])]),
               cell(o["previous_quarter"]["shown"]), cell(o["this_quarter"]["shown"]),
               cell(o["change_since_last_quarter"]),
               cell([o["rag"]["label"], o["rag"]["reason"]], rag=o["rag"]["colour"]))
              for o, first in zip(outcomes, _firsts([o["area"] for o in outcomes]),
                                  strict=True)),
        widths=(2.4, 3.6, 3.2, 2, 1.8, 1.6, 1.6, 1.6, 1.4), key="outcomes"))

    section = doc.section("Milestones met and missed", key="milestones", wide=True)
    met = sum(m["status"] == "met" for m in milestones)
    due = counted(len(milestones), "action or milestone", "actions and milestones")
    section.add(Paragraph(f"{met} met and {len(milestones) - met} missed of the {due} due by "
                          f"{short_date(as_of)}."))
    if milestones:
        section.add(Table(("Area", "Action", "Milestone", "Due", "Result", "Detail"), tuple(
            (cell(m["area"] if first else "", bold=True), cell(m["action"]), cell(m["item"]),
             cell(short_date(date.fromisoformat(m["due"]))),
             cell(m["status"].capitalize(), rag="green" if m["status"] == "met" else "red"),
             cell(m["detail"]))
            for m, first in zip(milestones, _firsts([m["area"] for m in milestones]),
                                strict=True)),
            widths=(2.5, 3.5, 3.5, 1.5, 1.2, 5), key="milestones"))

    section = doc.section("Risks", key="risks")
    if risks:
        section.add(Table(("Risk", "Likelihood", "Impact", "Score", "Mitigation", "Owner"), tuple(
            (cell(r["description"]), cell(str(r["likelihood"])), cell(str(r["impact"])),
             cell(str(r["score"])), cell(r["mitigation"]), cell(r["owner"] or ""))
            for r in risks), widths=(5, 1.7, 1.3, 1.2, 5, 2), key="risks"))
    else:
        section.add(Paragraph("No open risks are recorded in the plan."))
    section = doc.section("Support needed", key="support")
    if support:
        from careassure.reports.document import Bullets

        section.add(Bullets(tuple(support)))
    else:
        section.add(Paragraph("No support is requested this quarter."))


def _firsts(groups: list[str]) -> list[bool]:
    """Whether each row starts its group: the area is printed once, as in the plan's table."""
    return [i == 0 or groups[i - 1] != g for i, g in enumerate(groups)]


def _on(figure: dict[str, Any]) -> str:
    return f"on {short_date(date.fromisoformat(figure['as_of']))}" if figure["as_of"] else ""


def _csv_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for a in data["areas"]:
        rows.append({"section": "area", "area": a["title"], "status": a["rag"]["label"],
                     "reason": a["rag"]["reason"]})
    for o in data["outcomes"]:
        rows.append({
            "section": "outcome", "area": o["area"], "action": o["action"], "item": o["outcome"],
            "measure": o["measure"],
            "breakdown": json.dumps(o["breakdown"]) if o["breakdown"] else "",
            "target": o["target"], "baseline_on": o["baseline"]["as_of"],
            "baseline": o["baseline"]["shown"], "previous_quarter": o["previous_quarter"]["shown"],
            "this_quarter": o["this_quarter"]["shown"],
            "change_since_last_quarter": o["change_since_last_quarter"],
            "status": o["rag"]["label"], "reason": o["rag"]["reason"]})
    for m in data["milestones"]:
        rows.append({"section": "milestone", "area": m["area"], "action": m["action"],
                     "item": m["item"], "due": m["due"], "status": m["status"],
                     "reason": m["detail"]})
    for r in data["risks"]:
        rows.append({"section": "risk", "item": r["description"], "status": f"score {r['score']}",
                     "reason": r["mitigation"]})
    for text in data["support_needed"]:
        rows.append({"section": "support", "item": text})
    return rows


def return_data(document: Document, fmt: str) -> bytes:
    """The return as JSON (the whole structure) or CSV (one row per area, outcome, milestone,
    risk and support entry) with the same content as the document."""
    data = document.data["return"]
    if fmt == "json":
        return json.dumps({**data, "figures": document.trace_json()["figures"]}, indent=2,
                          ensure_ascii=False).encode("utf-8")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in _csv_rows(data):
        writer.writerow({k: safe_cell(row.get(k) or "") for k in CSV_COLUMNS})
    return out.getvalue().encode("utf-8")


def write_return_data(document: Document, out: Path, fmt: str) -> Path:
    """Write the JSON or CSV return and its trace side file; returns the trace path."""
    from careassure.reports.output import trace_path, write_atomic

    write_atomic(out, return_data(document, fmt))
    trace = trace_path(out)
    write_atomic(trace, json.dumps(document.trace_json(), indent=2,
                                   ensure_ascii=False).encode("utf-8"))
    return trace
