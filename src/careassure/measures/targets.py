"""Measure targets: a versioned YAML file per council, with a shipped default.

Targets are data, not code, because each council sets its own (Leicestershire's Care Act median
target is 14 days, Leicester City's 90). The shipped ``targets.yaml`` holds the seed papers'
figures with the line each came from; ``CAREASSURE_TARGETS`` points at a council's own copy.
"""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, cast, get_args

import yaml

from careassure.measures.catalogue import Comparator, Target, declared_measures
from careassure.measures.reported import on_declarations_changed

_UNITS = {m.id: m.unit for m in declared_measures()}


def _refresh_units() -> None:
    """A reported measure declared on the admin page has a unit too (never removed: an id
    keeps its unit)."""
    _UNITS.update({m.id: m.unit for m in declared_measures()})


on_declarations_changed(_refresh_units)
TOLERANCE_KEY = "tolerance_at_0_and_100_percent"

TARGETS_ENV = "CAREASSURE_TARGETS"
_YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
SUPPORTED_VERSIONS = (1,)
_COMPARATORS = get_args(Comparator)


# The committee papers a shipped target's ``source`` cites, by the file name the project keeps
# them under, as a reader knows them. One place, so every page names a paper the same way.
SEED_DOCUMENTS: dict[str, str] = {
    "000_437398569ab40590.txt": "Leicestershire improvement plan delivery update to scrutiny, "
    "1 June 2026",
    "001_01c56ce4bbfc276c.txt": "Leicester City CQC outcome and action plan to scrutiny, "
    "13 November 2025",
    "002_e1c019ef0412ae80.txt": "Leicestershire report on preparing for CQC assessment, "
    "4 November 2024",
    "003_28a72d281abc10a7.txt": "Leicestershire lead member's statement, 24 September 2025",
    "004_d7bc47fa68b1d77f.txt": "Leicestershire improvement plan, 29 December 2025",
}
_SEED_SOURCE = re.compile(r"(?P<file>\S+\.txt):(?P<line>\d+) '(?P<quote>.+)'")


def source_text(source: str) -> str:
    """A target's source as a reader understands it: "Leicestershire improvement plan, 29 December
    2025 (seed 004, line 1152): 'Median wait times to not exceed 14 days'". A source that is not
    a known seed line (a council's own file) is shown as written."""
    match = _SEED_SOURCE.fullmatch(source)
    if not match or match["file"] not in SEED_DOCUMENTS:
        return source
    seed = match["file"].split("_", 1)[0]
    return (f"{SEED_DOCUMENTS[match['file']]} (seed {seed}, line {match['line']}): "
            f"'{match['quote']}'")


class TargetsError(ValueError):
    """A targets file that cannot be used; the message names the file, entry and reason."""


@dataclass(frozen=True)
class Targets:
    """The targets in force: exact measure ids and shell-style patterns (an exact id wins).

    ``tolerance`` is the council's allowance, in percentage points, for a percentage target of
    0% or 100% (``tolerance_at_0_and_100_percent`` in the file; 0 when not given): such a target
    is met within that many points of it. Every target of that kind the council's file sets or
    a plan outcome sets is judged with it (:meth:`judged`).
    """

    version: int
    entries: dict[str, Target]
    source: str
    tolerance: float = 0.0
    _exact_ids: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_exact_ids", frozenset(self.entries))

    def for_measure(self, measure_id: str) -> Target | None:
        """The target for one measure id, or None when it has none."""
        found = self.entries.get(measure_id)
        if found is None:
            for pattern, target in self.entries.items():
                if _is_pattern(pattern) and fnmatch.fnmatchcase(measure_id, pattern):
                    found = target
                    break
        return self.judged(measure_id, found) if found is not None else None

    def judged(self, measure_id: str, target: Target) -> Target:
        """``target`` with the council's tolerance when it is a 0% or 100% percentage target."""
        if _UNITS.get(measure_id) == "percent" and target.value in (0, 100) and self.tolerance:
            return replace(target, tolerance=self.tolerance)
        return target


def _is_pattern(key: str) -> bool:
    return any(ch in key for ch in "*?[")


def default_targets_path() -> Path:
    """The targets file shipped inside the package."""
    return Path(str(resources.files("careassure.measures").joinpath("targets.yaml")))


def targets_path() -> Path:
    """The targets file in force: ``$CAREASSURE_TARGETS``, else the shipped default."""
    configured = os.environ.get(TARGETS_ENV)
    return Path(configured).expanduser() if configured else default_targets_path()


def load_targets(path: Path | None = None) -> Targets:
    """Read a targets file: ``path``, else ``$CAREASSURE_TARGETS``, else the shipped default.

    Every key must name a catalogue measure (or a pattern matching at least one), so that a typo
    in a council's file is an error rather than a target silently never applied.
    """
    if path is None:
        path = targets_path()
    try:
        stat = Path(path).stat()
    except OSError as exc:
        raise TargetsError(f"{path}: cannot read the targets file ({exc.strerror})") from exc
    return _load(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=16)
def _load(path: str, mtime_ns: int, size: int) -> Targets:
    """Parse a targets file once per version of it (keyed by modification time and size)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise TargetsError(f"{path}: cannot read the targets file ({exc.strerror})") from exc
    try:
        raw = yaml.load(text, Loader=_YamlLoader)
    except yaml.YAMLError as exc:
        raise TargetsError(f"{path}: not valid YAML ({exc})") from exc
    return parse_targets(raw, path)


def parse_targets(raw: Any, source: str) -> Targets:
    """Validate the parsed YAML of a targets file (``source`` names it in error messages)."""
    if not isinstance(raw, dict):
        raise TargetsError(f"{source}: expected a mapping with 'version' and 'targets'")
    version = raw.get("version")
    if version not in SUPPORTED_VERSIONS:
        raise TargetsError(
            f"{source}: 'version' is {version!r}; supported: "
            + ", ".join(str(v) for v in SUPPORTED_VERSIONS)
        )
    entries = raw.get("targets") or {}
    if not isinstance(entries, dict):
        raise TargetsError(f"{source}: 'targets' must map measure ids to targets")
    known = [m.id for m in declared_measures()]
    parsed: dict[str, Target] = {}
    for key, spec in entries.items():
        where = f"{source}: target {key!r}"
        if _is_pattern(str(key)):
            if not fnmatch.filter(known, str(key)):
                raise TargetsError(f"{where}: the pattern matches no measure")
        elif key not in known:
            close = [k for k in known if k.split(".")[0] == str(key).split(".")[0]]
            hint = f" (measures of that kind: {', '.join(close)})" if close else ""
            raise TargetsError(f"{where}: no such measure{hint}")
        if not isinstance(spec, dict):
            raise TargetsError(f"{where}: expected comparator, value and source")
        comparator = spec.get("comparator")
        if comparator not in _COMPARATORS:
            raise TargetsError(
                f"{where}: comparator {comparator!r} is not one of {', '.join(_COMPARATORS)}"
            )
        value = spec.get("value")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TargetsError(f"{where}: value {value!r} is not a number")
        parsed[str(key)] = Target(cast(Comparator, comparator), float(value),
                                  str(spec.get("source") or source))
    tolerance = raw.get(TOLERANCE_KEY, 0)
    if isinstance(tolerance, bool) or not isinstance(tolerance, int | float) or not (
        0 <= tolerance < 50
    ):
        raise TargetsError(
            f"{source}: {TOLERANCE_KEY} {tolerance!r} is not a number of percentage points "
            "from 0 to under 50"
        )
    return Targets(int(version), parsed, source, float(tolerance))
