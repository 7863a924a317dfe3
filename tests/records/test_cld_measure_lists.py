"""The CLD load report's lists of measures (what can and cannot be computed from a CLD extract
alone, records/cld_values.yaml) are checked against the catalogue: every name listed is a measure
(or a group of measures) the catalogue has, and every catalogue measure is listed once, so a
measure added to the catalogue must say whether a CLD-only council gets it."""

from __future__ import annotations

from fnmatch import fnmatch

from careassure.measures import CATALOGUE
from careassure.measures.catalogue import BREAKDOWNS
from careassure.records.cld_values import value_lists

# Named in the report so a reader knows why it is absent, but not a catalogue measure: ASCOF 2D
# needs hospital discharge data, which no careassure input holds.
NEVER_COMPUTED = {"ascof.2d"}
BREAKDOWN_NOTE = "breakdowns by "


def listed() -> dict[str, list[str]]:
    """Each list of the yaml's ``measures`` section -> the names it gives (comma-joined keys
    split)."""
    sections = value_lists().measures
    names: dict[str, list[str]] = {}
    for section, entries in sections.items():
        keys = entries if isinstance(entries, list) else list(entries)
        names[section] = [name.strip() for key in keys for name in str(key).split(",")]
    return names


def covered_by(name: str) -> set[str]:
    """The catalogue ids a listed name stands for: itself, a pattern, or a family prefix."""
    return {m for m in CATALOGUE
            if m == name or fnmatch(m, name) or m.startswith(name + ".")}


def test_every_listed_name_is_in_the_catalogue() -> None:
    unknown = []
    for names in listed().values():
        for name in names:
            if name.startswith(BREAKDOWN_NOTE):
                words = name.removeprefix(BREAKDOWN_NOTE).replace(" and ", " ").split()
                unknown += [word for word in words if word not in BREAKDOWNS]
            elif not covered_by(name) and name not in NEVER_COMPUTED:
                unknown.append(name)
    assert unknown == []


def test_every_catalogue_measure_is_listed_exactly_once() -> None:
    seen: dict[str, int] = dict.fromkeys(CATALOGUE, 0)
    for names in listed().values():
        for measure in set().union(*(covered_by(name) for name in names)):
            seen[measure] += 1
    assert sorted(m for m, count in seen.items() if count == 0) == []
    assert sorted(m for m, count in seen.items() if count > 1) == []
