"""Episodes as integer arrays until the very end: one batch per stream, concatenated once.

Keeping kinds, teams, subtypes and outcomes as small integer codes and dates as day indices
(``NO_DATE`` = NULL) makes every stream a handful of NumPy operations, whatever the scale; the
text and date columns of the ``episodes`` frame are built in one pass by
:mod:`careassure.synth.frames`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from careassure.records.schema import EPISODE_KINDS, EPISODE_SUBTYPES
from careassure.synth.calendar import N_DAYS, NO_DATE, WINDOW_START_DAY

SUBTYPES = tuple(s for kind in EPISODE_SUBTYPES.values() for s in kind)
NONE = -1  # a NULL code (team, subtype, outcome)


class Codes:
    """A growing list of code labels (outcomes), so each stream can name its own."""

    def __init__(self) -> None:
        self.labels: list[str] = []
        self._index: dict[str, int] = {}

    def code(self, label: str) -> int:
        if label not in self._index:
            self._index[label] = len(self.labels)
            self.labels.append(label)
        return self._index[label]

    def draw(self, rng: np.random.Generator, shares: dict[str, float], n: int) -> np.ndarray:
        """``n`` codes drawn with the given shares."""
        codes = np.array([self.code(k) for k in shares])
        p = np.array(list(shares.values()))
        return codes[rng.choice(p.size, size=n, p=p / p.sum())]


@dataclass
class Batch:
    """Episodes of one stream, column-wise. Dates are day indices, ``NO_DATE`` = NULL."""

    person: np.ndarray
    kind: np.ndarray
    team: np.ndarray
    subtype: np.ndarray
    received: np.ndarray
    allocated: np.ndarray
    completed: np.ndarray
    closed: np.ndarray
    outcome: np.ndarray

    @classmethod
    def of(cls, kind: str, person: np.ndarray, received: np.ndarray, *,
           team: np.ndarray | int = NONE, subtype: np.ndarray | str | None = None,
           allocated: np.ndarray | None = None, completed: np.ndarray | None = None,
           closed: np.ndarray | None = None, outcome: np.ndarray | None = None) -> Batch:
        n = received.size
        none = np.full(n, NONE, dtype=np.int64)
        no_date = np.full(n, NO_DATE, dtype=np.int64)
        if isinstance(subtype, str):
            subtype = np.full(n, SUBTYPES.index(subtype), dtype=np.int64)
        return cls(
            person=person.astype(np.int64),
            kind=np.full(n, EPISODE_KINDS.index(kind), dtype=np.int64),
            team=np.broadcast_to(np.asarray(team, dtype=np.int64), (n,)).copy(),
            subtype=none.copy() if subtype is None else subtype.astype(np.int64),
            received=received.astype(np.int64),
            allocated=no_date.copy() if allocated is None else allocated.astype(np.int64),
            completed=no_date.copy() if completed is None else completed.astype(np.int64),
            closed=no_date.copy() if closed is None else closed.astype(np.int64),
            outcome=none.copy() if outcome is None else outcome.astype(np.int64),
        )

    def __len__(self) -> int:
        return self.received.size

    def take(self, mask: np.ndarray) -> Batch:
        return Batch(**{f.name: getattr(self, f.name)[mask] for f in fields(self)})

    @classmethod
    def concat(cls, batches: list[Batch]) -> Batch:
        return Batch(**{
            f.name: np.concatenate([getattr(b, f.name) for b in batches]) for f in fields(cls)
        })

    def as_extracted(self) -> Batch:
        """What an extract taken on the last day shows: later events not yet happened, and only
        work received in the window or still open when it opened."""
        dates = {}
        for name in ("allocated", "completed", "closed"):
            values = getattr(self, name)
            dates[name] = np.where(values >= N_DAYS, NO_DATE, values)
        # Work not yet allocated cannot be completed; an outcome needs an ending.
        dates["completed"] = np.where(dates["allocated"] == NO_DATE, NO_DATE, dates["completed"])
        ended = (dates["completed"] != NO_DATE) | (dates["closed"] != NO_DATE)
        shown = Batch(**{
            **{f.name: getattr(self, f.name) for f in fields(self)},
            **dates,
            "outcome": np.where(ended, self.outcome, NONE),
        })
        open_at_start = (
            ((shown.completed == NO_DATE) | (shown.completed >= WINDOW_START_DAY))
            & ((shown.closed == NO_DATE) | (shown.closed >= WINDOW_START_DAY))
        )
        keep = (shown.received < N_DAYS) & ((shown.received >= WINDOW_START_DAY) | open_at_start)
        return shown.take(keep)
