"""Figures the command line has computed, kept until anything they were computed from changes.

A command-line run pays for its imports (Ibis, DuckDB, pandas, the bank-holiday calendar) every
time, which is most of the time one measure at one date takes. The figures depend only on the
store file, the targets file and the code, so ``careassure measures`` keeps what it computed in
``<home>/cache/figures/`` and answers the same question again from there while none of those has
changed. The key (:func:`inputs_version`) covers:

- the store file and its write-ahead log (device, inode, size, modification time): every load
  writes a new file and renames it over the old one, so a new extract is a new key;
- the targets file (path, size, modification time): a changed target changes a status;
- the code (careassure's version and the size and time of every file of the measures and
  records packages), so an upgrade or a local edit never reads an old figure.

Only computed measures are kept: reported measures are entered in the application database at
any time and are always read afresh. A figure is kept per measure, date, period and breakdown, so
a run asking for one measure is answered from a run that asked for all of them. Nothing is kept
but what ``--format json`` prints (aggregates, before suppression; the same data as the store,
so the folder is the owner's only, like the store). Files are replaced atomically, a damaged or
unreadable file is a miss, and only the newest few versions are kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from careassure import __version__
from careassure.config import home, store_path
from careassure.measures.result import MeasureValue
from careassure.measures.targets import targets_path

VERSIONS_KEPT = 8
ENTRIES_KEPT = 4000
_CODE_PACKAGES = ("measures", "records")


def inputs_version(store: Path, targets: Path) -> str:
    """A digest of everything a computed figure depends on (see the module docstring)."""
    parts: list[str] = [__version__]
    package = Path(__file__).resolve().parents[1]
    for name in _CODE_PACKAGES:
        for entry in sorted(os.scandir(package / name), key=lambda e: e.name):
            if entry.name.endswith((".py", ".yaml")):
                stat = entry.stat()
                parts.append(f"{name}/{entry.name}:{stat.st_size}:{stat.st_mtime_ns}")
    for path in (store, store.with_name(store.name + ".wal"), targets):
        try:
            stat = path.stat()
        except FileNotFoundError:
            parts.append(f"{path}:absent")
        else:
            parts.append(f"{path.resolve()}:{stat.st_dev}:{stat.st_ino}:{stat.st_size}:"
                         f"{stat.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def figure_cache(store: str | Path | None = None) -> FigureCache:
    """The kept figures of the store at ``store`` (default: the configured one) as it is now,
    judged by the targets file in force."""
    resolved = store_path(store)
    return FigureCache(home() / "cache" / "figures", inputs_version(resolved, targets_path()))


def _request(measure: str, as_of: date, period_start: date | None, by: str | None) -> str:
    """One kept figure's name: the measure, the date, the period start asked for (none: the
    default period) and the breakdown."""
    return "|".join((measure, as_of.isoformat(),
                     period_start.isoformat() if period_start else "", by or ""))


def _value(row: dict[str, Any]) -> MeasureValue:
    return MeasureValue(
        measure=row["measure"], value=row["value"], numerator=row["numerator"],
        denominator=row["denominator"], as_of=date.fromisoformat(row["as_of"]),
        period_start=date.fromisoformat(row["period_start"]) if row["period_start"] else None,
        breakdown=row["breakdown"], target=row["target"], status=row["status"])


class FigureCache:
    """The kept figures of one version of the inputs, in ``folder``."""

    def __init__(self, folder: Path, version: str) -> None:
        self.folder = folder
        self.path = folder / f"{version}.json"

    def _read(self) -> tuple[str | None, dict[str, list[dict[str, Any]]]]:
        """(the store's latest date as ISO text, the kept figures); nothing when unreadable."""
        try:
            kept = json.loads(self.path.read_text(encoding="utf-8"))
            latest, figures = kept["latest"], kept["figures"]
        except (OSError, ValueError, TypeError, KeyError):
            return None, {}
        if not isinstance(figures, dict) or not isinstance(latest, str | None):
            return None, {}
        return latest, figures

    def get(self, measures: Sequence[str], as_of: date | None, period_start: date | None,
            by: str | None) -> list[MeasureValue] | None:
        """Every figure of ``measures`` in order, or None unless all of them are kept. ``as_of``
        None is the store's latest date, known once a run has computed at it."""
        latest, entries = self._read()
        if as_of is None:
            if latest is None:
                return None
            as_of = date.fromisoformat(latest)
        found: list[MeasureValue] = []
        for measure in measures:
            rows = entries.get(_request(measure, as_of, period_start, by))
            if rows is None:
                return None
            try:
                found += [_value(row) for row in rows]
            except (KeyError, TypeError, ValueError):
                return None
        return found

    def put(self, values: Sequence[MeasureValue], as_of: date, period_start: date | None,
            by: str | None, *, latest: date | None) -> None:
        """Keep ``values`` (one run's figures at ``as_of``, whole measures) and the store's
        ``latest`` date. A folder that cannot be written is not an error: the figures were
        computed and printed, only the next run is slower."""
        kept_latest, entries = self._read()
        for value in values:
            entries.pop(_request(value.measure, as_of, period_start, by), None)
        for value in values:
            entries.setdefault(_request(value.measure, as_of, period_start, by),
                               []).append(value.to_json())
        while len(entries) > ENTRIES_KEPT:
            entries.pop(next(iter(entries)))
        latest_text = latest.isoformat() if latest else kept_latest
        with contextlib.suppress(OSError):
            self._write({"latest": latest_text, "figures": entries})
            self._prune()

    def _write(self, kept: dict[str, Any]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, name = tempfile.mkstemp(dir=self.folder, prefix=".figures-", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                json.dump(kept, file, separators=(",", ":"))
            os.replace(name, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(name)
            raise

    def _prune(self) -> None:
        kept = sorted(self.folder.glob("*.json"), key=lambda p: p.stat().st_mtime_ns,
                      reverse=True)
        for old in kept[VERSIONS_KEPT:]:
            with contextlib.suppress(OSError):
                old.unlink()
