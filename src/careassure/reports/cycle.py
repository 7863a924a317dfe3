"""Where the council is in the CQC and DHSC cycle at a date: the last rating, the DHSC reporting
stage and the next dates, derived from the framework's assessment-cycle planner
(:func:`careassure.framework.timeline.plan_timeline`) and the last assessment in the report
settings (the framework does not store a council's rating or its dates).

The stages are those of seed 000 para 9 and seed 004 para 5: Stage 1, the response to the CQC
report; Stage 2, the improvement plan (due 3 months after publication); Stage 3, quarterly updates
(from 6 months after publication until the next assessment).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from careassure.framework.model import Framework
from careassure.framework.timeline import TimelineError, plan_timeline
from careassure.reports.common import long_date
from careassure.reports.settings import LastAssessment, ReportSettingsError


@dataclass(frozen=True)
class Cycle:
    rating: str
    published: date
    dhsc_reporting: bool
    stage: int | None
    stage_lines: tuple[str, ...]
    next_update: date | None
    update_number: int | None
    next_assessment_due: date
    next_assessment_window: date


def cycle_at(framework: Framework, last: LastAssessment, as_of: date) -> Cycle:
    try:
        timeline = plan_timeline(framework, today=as_of, published=last.published,
                                 rating=last.rating)
    except (LookupError, TimelineError) as exc:
        raise ReportSettingsError(f"reports.yaml: last_assessment: {exc.args[0]}") from exc
    plan = next((m for m in timeline.milestones if m.key == "dhsc_improvement_plan"), None)
    updates = tuple(m.due for m in timeline.milestones
                    if m.key.startswith("dhsc_update_") and m.due is not None)
    upcoming = [(n, d) for n, d in enumerate(updates, start=1) if d >= as_of]
    number, next_update = upcoming[0] if upcoming else (None, None)
    nxt = timeline.next_assessment
    assert nxt is not None  # a published rating always plans the next assessment
    lines: list[str] = []
    stage: int | None = None
    if plan is not None:
        stage = 1
        stage_1 = (f"submitted {long_date(last.stage_1_submitted)}" if last.stage_1_submitted
                   else "due shortly after publication")
        lines.append(f"Stage 1 – response to the CQC Assessment report, {stage_1}, included a "
                     "response to the CQC findings, emerging improvement priorities and action "
                     "planning.")
        plan_due = plan.due
        if last.stage_2_submitted is not None and last.stage_2_submitted <= as_of:
            when = f"submitted {long_date(last.stage_2_submitted)}"
            stage = 2
        elif plan_due is not None and plan_due < as_of:
            when = f"due {long_date(plan_due)}; no submission date is recorded"
            stage = 2
        else:
            when = f"due {long_date(plan_due)}" if plan_due else "due"
        lines.append("Stage 2 – the Improvement Plan, the oversight arrangements and the support "
                     f"required to deliver the plan, {when}.")
        if updates and updates[0] <= as_of:
            stage = 3
            tail = f"; the next is due {long_date(next_update)}" if next_update else ""
            lines.append(f"Stage 3 – quarterly updates to DHSC commenced {long_date(updates[0])}"
                         f"{tail}.")
        elif updates:
            lines.append(f"Stage 3 – quarterly updates to DHSC will commence "
                         f"{long_date(updates[0])}.")
    return Cycle(
        rating=nxt.rating,
        published=last.published,
        dhsc_reporting=plan is not None,
        stage=stage,
        stage_lines=tuple(lines),
        next_update=next_update,
        update_number=number,
        next_assessment_due=nxt.due,
        next_assessment_window=nxt.window_opens,
    )
