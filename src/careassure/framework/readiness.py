"""Readiness against the characteristics of councils rated Outstanding or high Good (seed 000).

Each characteristic is judged on two signals, with the reason spelled out:

* measures: its linked measures that have a value and a target - all met (full), some (partial)
  or none (none). A characteristic with no linked measures is judged on evidence alone; one whose
  measures cannot be computed (no store, no target) counts as none, since nothing shows it yet.
* evidence: current (not stale) items tagged with the characteristic - including people's
  experience (full), other categories only (partial), or none.

Ready when every signal is full, not ready when every signal is none, partly otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from careassure.framework.evidence import EvidenceView
from careassure.framework.live import MET, NOT_MET, LiveMeasure, LiveValues
from careassure.framework.model import Characteristic, Framework
from careassure.words import counted

READY, PARTLY, NOT_READY = "ready", "partly", "not ready"
FULL, PARTIAL, NONE = 2, 1, 0


@dataclass(frozen=True)
class Readiness:
    characteristic: Characteristic
    status: str
    reason: str
    measures: tuple[LiveMeasure, ...]
    evidence: tuple[EvidenceView, ...]

    def to_json(self) -> dict[str, Any]:
        c = self.characteristic
        return {
            "id": c.id,
            "letter": c.letter,
            "name": c.name,
            "status": self.status,
            "reason": self.reason,
            "quality_statements": list(c.quality_statements),
            "measures": [m.to_json() for m in self.measures],
            "evidence": [
                {"id": e.id, "title": e.title, "category": e.category, "stale": e.stale}
                for e in self.evidence
            ],
        }


def _measure_signal(measures: Sequence[LiveMeasure]) -> tuple[int | None, str]:
    if not measures:
        return None, "no linked measures"
    judged = [m for m in measures if m.status in (MET, NOT_MET)]
    unjudged = len(measures) - len(judged)
    if not judged:
        return NONE, f"{counted(len(measures), 'linked measure')}, none with a value and target"
    met = sum(m.status == MET for m in judged)
    text = f"{met} of {counted(len(judged), 'linked measure')} meet target"
    if unjudged:
        text += f" ({unjudged} more without a value or target)"
    return (FULL if met == len(judged) else PARTIAL if met else NONE), text


def _evidence_signal(
    framework: Framework, items: Sequence[EvidenceView]
) -> tuple[int, str, tuple[EvidenceView, ...]]:
    current = [e for e in items if not e.stale]
    stale = len(items) - len(current)
    required = [c for c in framework.categories_in_use if c.required_for_every_statement]
    missing = [c.name for c in required if not any(e.category == c.id for e in current)]
    if not current:
        text, signal = "no current evidence tagged", NONE
    elif missing:
        text = (
            f"{counted(len(current), 'current evidence item')}, no {' or '.join(missing)} evidence"
        )
        signal = PARTIAL
    else:
        text, signal = f"{counted(len(current), 'current evidence item')}", FULL
    if stale:
        text += f"; {stale} stale"
    return signal, text, tuple(items)


def assess_readiness(
    framework: Framework, evidence: Sequence[EvidenceView], live: LiveValues
) -> list[Readiness]:
    """Readiness for every characteristic, in the framework's order."""
    results = []
    for c in framework.characteristics:
        measures = live.for_ids(c.measures)
        measure_signal, measure_text = _measure_signal(measures)
        tagged = [e for e in evidence if c.id in e.characteristics]
        evidence_signal, evidence_text, items = _evidence_signal(framework, tagged)
        signals = [s for s in (measure_signal, evidence_signal) if s is not None]
        if all(s == FULL for s in signals):
            status = READY
        elif all(s == NONE for s in signals):
            status = NOT_READY
        else:
            status = PARTLY
        results.append(Readiness(c, status, f"{measure_text}; {evidence_text}", measures, items))
    return results
