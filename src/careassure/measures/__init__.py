"""The measure catalogue and engine: every figure the seed papers quote, exact, at any date.

Public API::

    from careassure.measures import CATALOGUE, compute, series, load_targets, MeasureValue

``CATALOGUE`` maps measure ids to :class:`MeasureDef` (with the shipped default targets);
``compute`` evaluates measures at one date, ``series`` at each week, month or quarter end between
two dates. Definitions are in docs/measures.md.

Showing the values: ``careassure.measures.format.format_value`` writes one in its unit,
``careassure.measures.publish.suppress`` hides small numbers for publication (the one place that
rule lives), and ``careassure.measures.narrative.facts`` gives the sentence fragments progress
updates quote ("416 (down from a peak of 716 on 29/12/2024)").

The engine (Ibis, pandas) is imported on first use of ``compute`` or ``series``, so reading the
catalogue stays cheap for the CLI's help and the web app.
"""

from typing import Any

from careassure.measures.catalogue import (
    BREAKDOWNS,
    MeasureDef,
    Target,
    build_catalogue,
)
from careassure.measures.reported import on_declarations_changed
from careassure.measures.result import MeasureValue
from careassure.measures.targets import Targets, TargetsError, default_targets_path, load_targets

CATALOGUE: dict[str, MeasureDef] = build_catalogue(
    load_targets(default_targets_path()).for_measure
)


def _refresh_catalogue() -> None:
    """Bring CATALOGUE in line with the reported measures declared now (a measure declared on the
    admin page joins it, an edited one is replaced). Changed in place: modules hold the dict."""
    fresh = build_catalogue(load_targets(default_targets_path()).for_measure)
    for gone in set(CATALOGUE) - set(fresh):
        CATALOGUE.pop(gone, None)
    CATALOGUE.update(fresh)


on_declarations_changed(_refresh_catalogue)

__all__ = [
    "BREAKDOWNS",
    "CATALOGUE",
    "MeasureDef",
    "MeasureValue",
    "Target",
    "Targets",
    "TargetsError",
    "compute",
    "load_targets",
    "series",
]


def __getattr__(name: str) -> Any:
    if name in ("compute", "series"):
        from careassure.measures import engine

        return getattr(engine, name)
    raise AttributeError(f"module 'careassure.measures' has no attribute {name!r}")
