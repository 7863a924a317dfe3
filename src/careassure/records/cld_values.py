"""The CLD value lists (``cld_values.yaml``): loading, adding a council's spellings, matching.

The lists live in a data file because Release 1 and Release 2 of the national Client Level Data
specification spell the same value differently ("Service User" / "Service user", "Carer" / "Unpaid
carer", "NFA - Information & Advice / Signposting only" / "NFA: Information and advice or
signposting"), and councils' extracts add spellings of their own. Both the reader
(:mod:`careassure.records.cld`) and the round-trip emitter (:mod:`careassure.synth.cld`) read them
from here, so the two cannot drift apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

# Returned by ValueList.match for spellings recognised as meaning "not known".
NOT_KNOWN = "not_known"
_VALUES_FILE = "cld_values.yaml"
# Sections of the file that are not value lists.
_OTHER_SECTIONS = ("not_known", "measures")
_SPELLING_KEYS = ("r1", "r2", "also", "prefix")


def normalise(value: str) -> str:
    """The form values and spellings are compared in: lower case, "&" read as "and", letters and
    digits only. Case, spacing and punctuation (": " against " - ") then do not matter, which is
    most of the drift between releases and councils; different words still need a spelling."""
    return re.sub(r"[^0-9a-z]", "", value.lower().replace("&", "and"))


@dataclass(frozen=True)
class Code:
    """One code of one CLD column: its Release 1 and Release 2 spellings and what it means."""

    code: str
    r1: str
    r2: str
    attributes: dict[str, Any] = field(default_factory=dict)

    def spelling(self, release: int) -> str:
        return self.r1 if release == 1 else self.r2


@dataclass(frozen=True)
class ValueList:
    """The codes of one CLD column, in file order (for outcomes, the national hierarchy)."""

    column: str
    codes: dict[str, Code]
    exact: dict[str, str]  # normalised spelling -> code
    prefixes: tuple[tuple[str, str], ...]  # (normalised prefix, code), longest first
    not_known: frozenset[str]

    def match(self, value: str) -> str | None:
        """The code ``value`` spells, :data:`NOT_KNOWN`, or None when it is not recognised."""
        key = normalise(value)
        if key in self.exact:
            return self.exact[key]
        for prefix, code in self.prefixes:
            if key.startswith(prefix):
                return code
        return NOT_KNOWN if key in self.not_known else None

    def ranks(self) -> dict[str, int]:
        """Each code's position in the file: the national hierarchy for event outcomes."""
        return {code: position for position, code in enumerate(self.codes)}

    def attributes(self, name: str) -> dict[str, Any]:
        """Each code's value of one attribute (None where it has none), for ``Series.map``."""
        return {code: entry.attributes.get(name) for code, entry in self.codes.items()}


@dataclass(frozen=True)
class ValueLists:
    """Every value list plus the statement of which measures CLD supports."""

    lists: dict[str, ValueList]
    measures: dict[str, Any]

    def __getitem__(self, column: str) -> ValueList:
        return self.lists[column]


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _build(raw: dict[str, Any]) -> ValueLists:
    not_known = raw.get("not_known") or {}
    lists: dict[str, ValueList] = {}
    for column, entries in raw.items():
        if column in _OTHER_SECTIONS:
            continue
        codes: dict[str, Code] = {}
        exact: dict[str, str] = {}
        prefixes: list[tuple[str, str]] = []
        for code, entry in entries.items():
            if code == NOT_KNOWN:
                raise ValueError(f"{_VALUES_FILE}: {column}: '{NOT_KNOWN}' is reserved")
            attributes = {k: v for k, v in entry.items() if k not in _SPELLING_KEYS}
            codes[code] = Code(code, str(entry["r1"]), str(entry["r2"]), attributes)
            for spelling in [entry["r1"], entry["r2"], *_as_list(entry.get("also"))]:
                key = normalise(str(spelling))
                if exact.get(key, code) != code:
                    raise ValueError(f"{_VALUES_FILE}: {column}: '{spelling}' spells both "
                                     f"{exact[key]} and {code}")
                exact[key] = code
            prefixes.extend((normalise(p), code) for p in _as_list(entry.get("prefix")))
        prefixes.sort(key=lambda pair: len(pair[0]), reverse=True)
        lists[column] = ValueList(
            column,
            codes,
            exact,
            tuple(prefixes),
            frozenset(normalise(v) for v in _as_list(not_known.get(column))),
        )
    return ValueLists(lists, raw.get("measures") or {})


@cache
def _packaged() -> dict[str, Any]:
    text = resources.files("careassure.records").joinpath(_VALUES_FILE).read_text("utf-8")
    return yaml.safe_load(text)


def _merge(base: dict[str, Any], extra: dict[str, Any], source: Path) -> dict[str, Any]:
    """Add a council's spellings to the packaged lists. Only spellings may be added (``also``,
    ``prefix`` and ``not_known``): what a code means stays the same for every council, so that two
    councils' numbers are computed alike."""
    merged: dict[str, Any] = {column: {code: dict(entry) for code, entry in entries.items()}
              for column, entries in base.items() if column not in _OTHER_SECTIONS}
    merged["measures"] = base.get("measures")
    merged["not_known"] = {c: list(v) for c, v in (base.get("not_known") or {}).items()}
    for column, entries in (extra or {}).items():
        if column == "not_known":
            for col, spellings in (entries or {}).items():
                merged["not_known"].setdefault(col, []).extend(_as_list(spellings))
            continue
        if column not in merged or column == "measures":
            raise ValueError(f"{source}: '{column}' is not a CLD value list")
        for code, entry in (entries or {}).items():
            if code not in merged[column]:
                raise ValueError(f"{source}: {column}: '{code}' is not a known code; only new "
                                 "spellings (also, prefix) of existing codes can be added")
            unknown_keys = set(entry or {}) - {"also", "prefix"}
            if unknown_keys:
                raise ValueError(f"{source}: {column}: {code}: only 'also' and 'prefix' can be "
                                 f"added, not {', '.join(sorted(unknown_keys))}")
            target = merged[column][code]
            for key in ("also", "prefix"):
                if entry.get(key):
                    target[key] = _as_list(target.get(key)) + _as_list(entry[key])
    return merged


@cache
def _default_lists() -> ValueLists:
    return _build(_packaged())


def value_lists(extra: str | Path | None = None) -> ValueLists:
    """The packaged value lists, plus a council's extra spellings from a YAML file when given."""
    if extra is None:
        return _default_lists()
    path = Path(extra)
    return _build(_merge(_packaged(), yaml.safe_load(path.read_text("utf-8")), path))
