"""How the reports quote a measured outcome: the measure facts sentence the seeds write ("Count
of individuals awaiting allocation: 416 (down from peak of 716 on 29/12/2024)") and the chart of
its series, both from the points the plan's live evaluation judged the outcome on, so the words,
the chart and the RAG can never disagree."""

from __future__ import annotations

from collections.abc import Sequence

from careassure.plan.status import ActionStatus, OutcomeStatus, PlanStatus
from careassure.reports.charts import line_chart
from careassure.reports.document import Chart
from careassure.reports.readings import Readings
from careassure.reports.trace import Tracer

MIN_CHART_POINTS = 3
UNIT_LABELS = {"count": "people", "days": "days", "working_days": "working days",
               "percent": "%", "ratio": "ratio", "seconds": "seconds",
               "per_100k": "per 100,000", "pounds": "£ a week", "per_50k": "per 50,000",
               "fte": "FTE"}


def measure_name(measure_id: str, breakdown: dict[str, str] | None = None) -> str:
    """The catalogue title as a sentence opener: "Care Act assessments, number waiting"."""
    from careassure.measures import CATALOGUE
    from careassure.measures.labels import breakdown_text

    title = CATALOGUE[measure_id].title if measure_id in CATALOGUE else measure_id
    title = title.replace(": ", ", ", 1)
    if breakdown:
        title += f" ({breakdown_text(breakdown)})"
    return title


def outcome_facts(outcome: OutcomeStatus, tracer: Tracer, section: str) -> str | None:
    """The outcome's facts sentence, each quoted figure traced; None for a milestone."""
    from careassure.measures.narrative import facts

    measured = outcome.spec.measured
    if measured is None:
        return None
    name = measure_name(measured.measure_id, measured.breakdown)
    if measured.breakdown is None:
        found = facts(measured.measure_id, outcome.points, baseline=measured.baseline_on,
                      publish=tracer.publish)
        if found.current is None:
            return f"{name}: no value"
        return f"{name}: {tracer.facts(found, section)}"
    trend = outcome.trend
    if trend is None or trend.current is None:
        return f"{name}: no value"
    shown = tracer.quote(trend.current, section)
    text = f"{name}: {shown}"
    if trend.baseline is not None and trend.baseline is not trend.current and trend.direction:
        was = tracer.quote(trend.baseline, section, "baseline")
        text += f" ({trend.direction} from {was} on {trend.baseline.as_of:%d/%m/%y})"
    return text


def queue_sizes(action: ActionStatus, status: PlanStatus, readings: Readings, tracer: Tracer,
                section: str) -> list[str]:
    """The size of each waiting list the action's outcomes measure, quoted first as the seeds'
    progress text does ("Count of individuals awaiting allocation: 416 (down from peak of 716 on
    29/12/2024)") when the plan does not already measure it; on the plan's own series grid, from
    the earliest baseline of the action's outcomes on that list."""
    from careassure.measures.engine import QUEUE_FLOW, QUEUE_SNAPSHOT
    from careassure.measures.narrative import facts
    from careassure.plan.live import series_grid
    from careassure.records.schema import QUEUE_KINDS

    measured = [o.spec.measured for o in action.outcomes if o.spec.measured is not None]
    outcome_ids = {m.measure_id for m in measured}
    queue_measures = {f"{k}.{name}" for k in QUEUE_KINDS for name in QUEUE_SNAPSHOT + QUEUE_FLOW}
    kinds = [k for k in QUEUE_KINDS
             if any(m.measure_id in queue_measures and m.measure_id.startswith(k + ".")
                    for m in measured)]
    wanted = [f"{k}.waiting" for k in kinds if f"{k}.waiting" not in outcome_ids]
    if not wanted:
        return []
    start, every = series_grid(status.plan, status.as_of)
    points = readings.series(wanted, start, every)
    quoted = []
    for measure in wanted:
        kind = measure.partition(".")[0]
        baselines = [m.baseline_on for m in measured
                     if m.measure_id.startswith(kind + ".") and m.baseline_on is not None]
        found = facts(measure, points[measure], baseline=min(baselines, default=None),
                      publish=tracer.publish)
        if found.current is not None:
            quoted.append(f"{measure_name(measure)}: {tracer.facts(found, section)}")
    return quoted


def action_facts(action: ActionStatus, status: PlanStatus, readings: Readings, tracer: Tracer,
                 section: str) -> list[str]:
    """Every facts sentence an action quotes: its waiting lists' sizes, then its outcomes."""
    quoted = queue_sizes(action, status, readings, tracer, section)
    return quoted + [text for o in action.outcomes if (text := outcome_facts(o, tracer, section))]


def outcome_chart(outcome: OutcomeStatus, tracer: Tracer, section: str) -> Chart | None:
    """A line chart of a whole-area measured outcome's series, with the target; None when there
    are too few points to show a trend."""
    from careassure.measures import CATALOGUE
    from careassure.measures.narrative import facts

    measured = outcome.spec.measured
    if measured is None or measured.breakdown is not None:
        return None
    points: Sequence = [p for p in outcome.points if p.breakdown is None]
    if len(points) < MIN_CHART_POINTS:
        return None
    values = tracer.series(points, section)
    unit = CATALOGUE[measured.measure_id].unit
    name = measure_name(measured.measure_id)
    png = line_chart(list(zip((p.as_of for p in points), values, strict=True)), title=name,
                     unit_label=UNIT_LABELS[unit], target=measured.target)
    found = facts(measured.measure_id, points, baseline=measured.baseline_on,
                  publish=tracer.publish)
    hidden = sum(v is None for v in values)
    alt = (f"Line chart of {name.lower()} from {points[0].as_of:%d/%m/%Y} to "
           f"{points[-1].as_of:%d/%m/%Y}, with the target of {measured.target:g} as a dashed "
           f"line. Latest value {found.sentence()}.")
    if hidden:
        alt += f" {hidden} points with no value or suppressed small numbers are not drawn."
    caption = f"{name}, {points[0].as_of:%d/%m/%Y} to {points[-1].as_of:%d/%m/%Y}"
    return Chart(png, alt, caption)
