"""The demo's reported values: histories generated from a fixed seed through the seeds' figures.

Why generated, not typed in: a history of eighteen months of returns per measure would be
hundreds of invented figures; a line through the figures the committee papers state, with seeded
noise between them (``demo_values.yaml`` says which figure comes from which paper), gives the
same plausible history on every run from a handful of facts. Every value is entered through
:func:`careassure.reported.service.import_entries` (so it is checked and audited like a person's)
with the source "demo data (synthetic history)", which the pages show beside each value.
"""

from __future__ import annotations

import random
from datetime import date
from importlib import resources
from typing import Any

import yaml

from careassure.measures.reported import ReportedMeasure, ReportedValue, period_ends
from careassure.reported.service import Entry

DEMO_SOURCE = "demo data (synthetic history)"


def demo_spec() -> dict[str, Any]:
    text = resources.files("careassure.reported").joinpath("demo_values.yaml").read_text(
        encoding="utf-8")
    spec: dict[str, Any] = yaml.safe_load(text)
    return spec


def _level(anchors: list[tuple[date, float]], drift: float, index: dict[date, int],
           end: date) -> float:
    """The line through the anchors at ``end``; before the first anchor flat, after the last
    anchor ``drift`` per period."""
    if end <= anchors[0][0]:
        return anchors[0][1]
    for (d0, v0), (d1, v1) in zip(anchors, anchors[1:], strict=False):
        if d0 <= end <= d1:
            share = (index[end] - index[d0]) / (index[d1] - index[d0])
            return v0 + share * (v1 - v0)
    last_day, last_value = anchors[-1]
    return last_value + drift * (index[end] - index[last_day])


def demo_history(
    measure: ReportedMeasure, spec: dict[str, Any], seed: int, as_of: date
) -> list[ReportedValue]:
    """One measure's demo values, every period due by ``as_of`` (or up to ``spec['last']``)."""
    last = min(as_of, spec.get("last", as_of))
    ends = [e for e in period_ends(measure.frequency, measure.first_period, last)
            if e.toordinal() + measure.due_days <= as_of.toordinal() or "last" in spec]
    anchors = sorted(spec["anchors"].items())
    index = {e: i for i, e in enumerate(period_ends(
        measure.frequency, min(measure.first_period, anchors[0][0]),
        max(as_of, anchors[-1][0])))}
    noise = random.Random(f"{seed}:{measure.id}")
    values = []
    for end in ends:
        level = _level(anchors, spec["drift"], index, end)
        if end not in spec["anchors"]:
            level += noise.gauss(0, spec["noise"])
        level = min(max(level, measure.minimum), measure.maximum)
        values.append(ReportedValue(measure.id, end, round(level, spec["decimals"])))
    return values


def demo_entries(measures: list[ReportedMeasure], as_of: date) -> list[tuple[int, Entry]]:
    """Every demo value of the declared measures the demo file covers, as import rows."""
    spec = demo_spec()
    rows: list[tuple[int, Entry]] = []
    for measure in measures:
        if measure.id not in spec["measures"]:
            continue
        for value in demo_history(measure, spec["measures"][measure.id], spec["seed"], as_of):
            rows.append((len(rows) + 2, Entry(value.measure_id, value.period_end,
                                              f"{value.value:g}")))
    return rows
