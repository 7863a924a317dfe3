"""A measure's trend by breakdown group, for the measure page: the groups ordered by size, the
empty ones set aside, one small chart per group on a shared scale (small multiples) and the
table of the same figures, and the peak of the whole area's trend.

Everything here reads values the page already has (the engine's series by group, suppressed for
the reader), so a group's last point is the figure in the breakdown table beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from markupsafe import Markup

from careassure.measures.labels import group_label
from careassure.measures.spc import ControlChart, control_chart
from careassure.web import charts, display
from careassure.web.display import Shown

SMALL = (320, 220)  # drawn at about the size shown, so the text stays legible


@dataclass(frozen=True)
class GroupTrend:
    """One breakdown group: its code, its name, its value at each date and its size."""

    code: str
    name: str
    values: list[Shown]
    size: int

    @property
    def last(self) -> Shown:
        return self.values[-1]


def _count(value: object) -> int:
    """A numerator or denominator as a size (a hidden one counts as 0, so ordering never
    reveals a suppressed count)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def empty(value: Shown) -> bool:
    """A group with nobody in the measure: nothing counted, and no value or a zero count (a
    team with nobody waiting is not a team to list among those with a waiting list)."""
    nothing = value.value is None or (value.value == 0 and value.numerator is not None)
    return nothing and not value.numerator and not value.denominator


def by_group(values: list[Shown], by: str) -> tuple[list[GroupTrend], list[str]]:
    """The groups with anyone in the measure at the last date, largest first (then by name),
    and the names of those without, sorted."""
    series: dict[str, list[Shown]] = {}
    for value in values:
        if value.breakdown is not None:
            series.setdefault(value.breakdown[by], []).append(value)
    trends, nobody = [], []
    for code, points in series.items():
        name = group_label(by, code)
        last = points[-1]
        if empty(last):
            nobody.append(name)
            continue
        size = max(_count(last.denominator), _count(last.numerator))
        trends.append(GroupTrend(code, name, points, size))
    trends.sort(key=lambda t: (-t.size, t.name.lower()))
    return trends, sorted(nobody, key=str.lower)


def peak(whole: list[Shown]) -> Shown | None:
    """The highest point of the trend (the latest, when several are equal); None when nothing
    can be drawn."""
    best: Shown | None = None
    for value in whole:
        number = display.plottable(value)
        if number is not None and (best is None or number >= display.plottable(best)):  # type: ignore[operator]
            best = value
    return best


def peak_mark(whole: list[Shown]) -> charts.Mark | None:
    top = peak(whole)
    if top is None:
        return None
    return charts.Mark(
        f"Peak {display.show(top)} ({display.uk_date(top.as_of)})",
        whole.index(top),
        display.plottable(top),  # type: ignore[arg-type]
    )


def small_multiples(
    title: str,
    groups: list[GroupTrend],
    dates: list[date],
    target: float | None,
    target_text: str,
    y_label: str,
) -> list[Markup]:
    """One small chart per group, all on the scale of the largest, each with the target."""
    drawn = []
    rules = [charts.Rule("Target", target)] if target is not None else []
    built = [
        charts.Chart(
            title=f"{title}: {g.name}",
            description=_describe(g, target_text),
            x=dates,
            lines=[charts.Line(g.name, [display.plottable(v) for v in g.values])],
            rules=rules,
            y_label=y_label,
        )
        for g in groups
    ]
    scale = max((charts.highest(c) for c in built), default=1.0)
    for n, chart in enumerate(built):
        drawn.append(charts.render(chart, f"group-{n}", size=SMALL, scale_to=scale))
    return drawn


def _describe(group: GroupTrend, target_text: str) -> str:
    shown = [v for v in group.values if display.plottable(v) is not None]
    if not shown:
        return "No values to plot (small numbers are not shown)."
    first, last = shown[0], shown[-1]
    text = (
        f"From {display.show(first)} at {display.uk_date(first.as_of)} to "
        f"{display.show(last)} at {display.uk_date(last.as_of)}."
    )
    if target_text:
        text += f" Target {target_text}."
    return text + " The table below the charts gives every value."


def with_control_limits(chart: charts.Chart, whole: list[Shown]) -> ControlChart | None:
    """Add a control chart's mean and process limits to ``chart`` and mark the points a
    special-cause rule flags (careassure.measures.spc); None (chart unchanged) when the trend
    has too few values for limits."""
    control = control_chart([display.plottable(v) for v in whole])
    if control is None:
        return None
    chart.rules.append(charts.Rule(f"Mean {control.mean:.1f}", control.mean, "ca-chart__spc-mean",
                                   label_at_start=True))
    chart.rules.append(charts.Rule(f"Upper limit {control.upper:.1f}", control.upper,
                                   "ca-chart__spc-limit"))
    if control.lower > 0:
        chart.rules.append(charts.Rule(f"Lower limit {control.lower:.1f}", control.lower,
                                       "ca-chart__spc-limit"))
    chart.marks.extend(
        charts.Mark("", i, display.plottable(whole[i]), "ca-chart__spc-flag")  # type: ignore[arg-type]
        for i, rules in enumerate(control.flags) if rules
    )
    chart.description += (
        f" Control limits: mean {control.mean:.1f}, process limits {control.lower:.1f} to "
        f"{control.upper:.1f}; {sum(1 for f in control.flags if f)} points flagged as special "
        "cause (listed below the chart)."
    )
    return control
