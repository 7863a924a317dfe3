"""The planner's answers in words, shared by the command line and the web page so both say the
same thing (dates DD/MM/YYYY)."""

from __future__ import annotations

from datetime import date
from typing import Any


def _uk(iso: str | None) -> str:
    return "-" if iso is None else date.fromisoformat(iso).strftime("%d/%m/%Y")


def met_text(targets: dict[str, Any], unit: str) -> str:
    """The one definition of "targets met", in words."""
    text = (f"median wait at most {targets['median']:g} {unit} and longest wait of anyone "
            f"waiting at most {targets['maximum']:g} {unit}")
    if targets["waiting"] is not None:
        text += f" and at most {targets['waiting']:,.0f} waiting"
    return text


def when_text(scenario: dict[str, Any]) -> str:
    """The scenario's time to target, read off its trajectory."""
    reached = scenario["time_to_target"]
    if reached["week_ending"] is None:
        return "not within the horizon"
    return (f"week ending {_uk(reached['week_ending'])} ({reached['weeks']} "
            f"week{'s' if reached['weeks'] != 1 else ''}; "
            f"{100 * reached['share_of_runs_meeting']:.0f}% of runs meet them that week)")


def least_text(least: dict[str, Any]) -> str:
    cases, fte = least["cases_per_week"], least["fte"]
    if cases["p50"] is None:
        return (f"No extra capacity up to {least['grid_top_per_week']:g} cases a week meets the "
                f"targets by {_uk(least['by'])} in half the runs.")
    high = "more than the grid holds" if cases["p90"] is None else (
        f"{cases['p90']:g} cases a week ({fte['p90']:g} FTE)")
    return (f"Least extra capacity meeting the targets by {_uk(least['by'])} (at the snapshot "
            f"of {_uk(least['snapshot'])}): {cases['p50']:g} cases a week ({fte['p50']:g} FTE) "
            f"in half the runs; {cases['p10']:g} ({fte['p10']:g} FTE) in 1 run in 10; "
            f"{high} in 9 runs in 10.")
