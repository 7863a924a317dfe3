"""The assessment framework as data: themes, quality statements, score levels, bands, evidence
categories, process timings and the characteristics of Good and Outstanding councils.

CQC revises its guidance (2024 method, 2026 approach), so the values live in ``framework.yaml``
beside this module and an installation can override any of them in ``<home>/framework.yaml``
without a code change. This module only reads and checks that file; the rules that use it are
the small pure functions in :mod:`scoring`, :mod:`whatif` and :mod:`timeline`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from careassure.config import home

DEFAULT_FILE = Path(__file__).with_name("framework.yaml")
OVERRIDE_NAME = "framework.yaml"


class FrameworkConfigError(ValueError):
    """The framework file is malformed; the message names the file, the key and the problem."""


@dataclass(frozen=True)
class Theme:
    id: str
    name: str


@dataclass(frozen=True)
class QualityStatement:
    id: str
    code: str
    number: int
    theme: str
    name: str
    aliases: tuple[str, ...]
    measures: tuple[str, ...]


@dataclass(frozen=True)
class Band:
    """A rating band: overall percentages ``min``..``max`` inclusive; ``score`` is the level the
    band converts back to when evidence categories are scored separately."""

    rating: str
    min: int
    max: int
    score: int


@dataclass(frozen=True)
class EvidenceCategory:
    id: str
    name: str
    required_for_every_statement: bool
    in_use: bool


@dataclass(frozen=True)
class TimelineRules:
    information_return_weeks: int
    site_visit_notice_weeks_min: int
    site_visit_notice_weeks_max: int
    site_visit_latest_months_after_notification: int
    site_visit_days: int
    factual_accuracy_working_days: int
    publication_expected_weeks_after_site_visit: int
    publication_latest_months_after_site_visit: int
    comprehensive_interval_years: Mapping[str, int]
    next_assessment_window_months: int
    dhsc_update_ratings: tuple[str, ...]
    dhsc_improvement_plan_months: int
    dhsc_first_quarterly_update_months: int
    dhsc_every_months: int


@dataclass(frozen=True)
class EvidenceRules:
    max_bytes: int
    allowed_types: tuple[str, ...]


@dataclass(frozen=True)
class Characteristic:
    id: str
    letter: str
    name: str
    summary: str
    quality_statements: tuple[str, ...]
    measures: tuple[str, ...]


def _key(text: str) -> str:
    """Comparison key for names: case, punctuation, '&' versus 'and' and spacing ignored."""
    return "".join(re.findall(r"[a-z0-9]+", text.lower().replace("&", " and ")))


@dataclass(frozen=True)
class Framework:
    """The whole framework; look statements, categories and characteristics up by any name."""

    themes: tuple[Theme, ...]
    statements: tuple[QualityStatement, ...]
    score_levels: Mapping[int, str]
    bands: tuple[Band, ...]
    categories: tuple[EvidenceCategory, ...]
    timeline: TimelineRules
    evidence: EvidenceRules
    characteristics: tuple[Characteristic, ...]
    sources: tuple[str, ...]

    @property
    def lowest_level(self) -> int:
        return min(self.score_levels)

    @property
    def highest_level(self) -> int:
        return max(self.score_levels)

    @property
    def categories_in_use(self) -> tuple[EvidenceCategory, ...]:
        return tuple(c for c in self.categories if c.in_use)

    def theme(self, theme_id: str) -> Theme:
        return next(t for t in self.themes if t.id == theme_id)

    def statement(self, name: str) -> QualityStatement:
        """A statement by id, code (QS1), number (1), name or alias; LookupError lists them."""
        wanted = _key(name)
        for qs in self.statements:
            names = (qs.id, qs.code, str(qs.number), qs.name, *qs.aliases)
            if wanted in {_key(n) for n in names}:
                return qs
        choices = "; ".join(f"{qs.code} {qs.name} ({qs.id})" for qs in self.statements)
        raise LookupError(f"unknown quality statement {name!r}; choose one of: {choices}")

    def category(self, name: str) -> EvidenceCategory:
        """An evidence category by id or name; LookupError lists the categories in use."""
        wanted = _key(name)
        for category in self.categories:
            if wanted in {_key(category.id), _key(category.name)}:
                if not category.in_use:
                    raise LookupError(
                        f"evidence category {category.name!r} is not used in council assessments"
                    )
                return category
        choices = ", ".join(f"{c.id} ({c.name})" for c in self.categories_in_use)
        raise LookupError(f"unknown evidence category {name!r}; choose one of: {choices}")

    def characteristic(self, name: str) -> Characteristic:
        """A characteristic by id, letter (a-k) or name; LookupError lists them."""
        wanted = _key(name)
        for ch in self.characteristics:
            if wanted in {_key(ch.id), _key(ch.letter), _key(ch.name)}:
                return ch
        choices = ", ".join(f"{c.letter}) {c.id}" for c in self.characteristics)
        raise LookupError(f"unknown characteristic {name!r}; choose one of: {choices}")

    def band(self, rating: str) -> Band:
        """The band for a rating name (any case) or the initials of a longer one ("RI");
        LookupError lists the ratings."""
        wanted = _key(rating)
        for band in self.bands:
            words = band.rating.split()
            initials = "".join(w[0] for w in words).lower() if len(words) > 1 else None
            if wanted in {_key(band.rating), initials}:
                return band
        choices = ", ".join(b.rating for b in self.bands)
        raise LookupError(f"unknown rating {rating!r}; choose one of: {choices}")


def _merge(base: Any, override: Any) -> Any:
    """Mappings merge key by key; anything else in the override replaces the base value."""
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = _merge(base[key], value) if key in base else value
        return merged
    return override


class _Reader:
    """Typed access to the parsed YAML, with errors that name the file and key path."""

    def __init__(self, sources: Iterable[str]) -> None:
        self.where = " + ".join(sources)

    def fail(self, path: str, problem: str) -> FrameworkConfigError:
        return FrameworkConfigError(f"{self.where}: {path}: {problem}")

    def get(self, data: Any, path: str, key: str, kind: type) -> Any:
        if not isinstance(data, dict) or key not in data:
            raise self.fail(f"{path}.{key}" if path else key, "missing")
        value = data[key]
        if (isinstance(value, bool) and kind is int) or not isinstance(value, kind):
            expected = {
                int: "a whole number",
                str: "text",
                bool: "true or false",
                list: "a list",
                dict: "a mapping",
            }[kind]
            raise self.fail(f"{path}.{key}" if path else key, f"expected {expected}, got {value!r}")
        return value

    def opt(self, data: dict[str, Any], path: str, key: str, kind: type, default: Any) -> Any:
        return self.get(data, path, key, kind) if key in data else default

    def strings(self, data: Any, path: str, key: str) -> tuple[str, ...]:
        values = self.get(data, path, key, list) if key in data else []
        if not all(isinstance(v, str) and v for v in values):
            raise self.fail(f"{path}.{key}", "expected a list of names")
        return tuple(values)


def _unique(reader: _Reader, path: str, ids: list[str]) -> None:
    seen = {i for i in ids if ids.count(i) > 1}
    if seen:
        raise reader.fail(path, f"duplicate ids: {', '.join(sorted(seen))}")


def _parse(data: Any, sources: list[str]) -> Framework:
    r = _Reader(sources)
    themes = tuple(
        Theme(r.get(t, f"themes[{i}]", "id", str), r.get(t, f"themes[{i}]", "name", str))
        for i, t in enumerate(r.get(data, "", "themes", list))
    )
    theme_ids = [t.id for t in themes]
    _unique(r, "themes", theme_ids)

    statements = []
    for i, q in enumerate(r.get(data, "", "quality_statements", list)):
        path = f"quality_statements[{i}]"
        theme = r.get(q, path, "theme", str)
        if theme not in theme_ids:
            raise r.fail(f"{path}.theme", f"unknown theme {theme!r}")
        statements.append(
            QualityStatement(
                id=r.get(q, path, "id", str),
                code=r.get(q, path, "code", str),
                number=i + 1,
                theme=theme,
                name=r.get(q, path, "name", str),
                aliases=r.strings(q, path, "aliases"),
                measures=r.strings(q, path, "measures"),
            )
        )
    if not statements:
        raise r.fail("quality_statements", "at least one statement is needed")
    statement_ids = [s.id for s in statements]
    _unique(r, "quality_statements", statement_ids)

    levels_raw = r.get(data, "", "score_levels", dict)
    if not levels_raw or not all(
        isinstance(k, int) and isinstance(v, str) for k, v in levels_raw.items()
    ):
        raise r.fail("score_levels", "expected whole-number levels mapped to their wording")
    levels = dict(sorted(levels_raw.items()))
    if list(levels) != list(range(min(levels), max(levels) + 1)) or min(levels) < 1:
        raise r.fail("score_levels", "levels must be consecutive whole numbers from 1 or more")

    bands = tuple(
        Band(
            rating=r.get(b, f"bands[{i}]", "rating", str),
            min=r.get(b, f"bands[{i}]", "min", int),
            max=r.get(b, f"bands[{i}]", "max", int),
            score=r.get(b, f"bands[{i}]", "score", int),
        )
        for i, b in enumerate(r.get(data, "", "bands", list))
    )
    lowest_percent = -(-100 * min(levels) // max(levels))  # all statements at the lowest level
    if not bands or bands[0].min > lowest_percent or bands[-1].max != 100:
        raise r.fail("bands", f"bands must run from {lowest_percent}% or lower up to 100%")
    for before, after in zip(bands, bands[1:], strict=False):
        if after.min != before.max + 1 or after.min > after.max:
            raise r.fail("bands", f"{before.rating!r} and {after.rating!r} must be contiguous")
    if any(b.score not in levels for b in bands):
        raise r.fail("bands", "each band's score must be one of the score levels")

    categories = tuple(
        EvidenceCategory(
            id=r.get(c, f"evidence_categories[{i}]", "id", str),
            name=r.get(c, f"evidence_categories[{i}]", "name", str),
            required_for_every_statement=r.opt(
                c, f"evidence_categories[{i}]", "required_for_every_statement", bool, False
            ),
            in_use=r.get(c, f"evidence_categories[{i}]", "in_use", bool),
        )
        for i, c in enumerate(r.get(data, "", "evidence_categories", list))
    )
    _unique(r, "evidence_categories", [c.id for c in categories])

    t = r.get(data, "", "timeline", dict)
    notice = r.get(t, "timeline", "site_visit_notice_weeks", dict)
    intervals = r.get(t, "timeline", "comprehensive_interval_years", dict)
    ratings = [b.rating for b in bands]
    if sorted(intervals) != sorted(ratings) or not all(
        isinstance(v, int) and v > 0 for v in intervals.values()
    ):
        raise r.fail(
            "timeline.comprehensive_interval_years", f"give whole years for each of {ratings}"
        )
    dhsc = r.get(t, "timeline", "dhsc_updates", dict)
    dhsc_ratings = r.strings(dhsc, "timeline.dhsc_updates", "ratings")
    if any(rating not in ratings for rating in dhsc_ratings):
        raise r.fail("timeline.dhsc_updates.ratings", f"ratings must be among {ratings}")
    timeline = TimelineRules(
        information_return_weeks=r.get(t, "timeline", "information_return_weeks", int),
        site_visit_notice_weeks_min=r.get(notice, "timeline.site_visit_notice_weeks", "min", int),
        site_visit_notice_weeks_max=r.get(notice, "timeline.site_visit_notice_weeks", "max", int),
        site_visit_latest_months_after_notification=r.get(
            t, "timeline", "site_visit_latest_months_after_notification", int
        ),
        site_visit_days=r.get(t, "timeline", "site_visit_days", int),
        factual_accuracy_working_days=r.get(t, "timeline", "factual_accuracy_working_days", int),
        publication_expected_weeks_after_site_visit=r.get(
            t, "timeline", "publication_expected_weeks_after_site_visit", int
        ),
        publication_latest_months_after_site_visit=r.get(
            t, "timeline", "publication_latest_months_after_site_visit", int
        ),
        comprehensive_interval_years=dict(intervals),
        next_assessment_window_months=r.get(t, "timeline", "next_assessment_window_months", int),
        dhsc_update_ratings=dhsc_ratings,
        dhsc_improvement_plan_months=r.get(
            dhsc, "timeline.dhsc_updates", "improvement_plan_months", int
        ),
        dhsc_first_quarterly_update_months=r.get(
            dhsc, "timeline.dhsc_updates", "first_quarterly_update_months", int
        ),
        dhsc_every_months=r.get(dhsc, "timeline.dhsc_updates", "every_months", int),
    )
    if timeline.dhsc_every_months < 1 or timeline.site_visit_days < 1:
        raise r.fail("timeline", "intervals and durations must be at least 1")

    e = r.get(data, "", "evidence", dict)
    evidence = EvidenceRules(
        max_bytes=r.get(e, "evidence", "max_bytes", int),
        allowed_types=r.strings(e, "evidence", "allowed_types"),
    )
    if evidence.max_bytes < 1:
        raise r.fail("evidence.max_bytes", "must be a positive number of bytes")

    characteristics = []
    for i, c in enumerate(r.get(data, "", "characteristics", list)):
        path = f"characteristics[{i}]"
        linked = r.strings(c, path, "quality_statements")
        unknown = [s for s in linked if s not in statement_ids]
        if unknown:
            raise r.fail(f"{path}.quality_statements", f"unknown statements {unknown}")
        characteristics.append(
            Characteristic(
                id=r.get(c, path, "id", str),
                letter=r.get(c, path, "letter", str),
                name=r.get(c, path, "name", str),
                summary=r.get(c, path, "summary", str),
                quality_statements=linked,
                measures=r.strings(c, path, "measures"),
            )
        )
    _unique(r, "characteristics", [c.id for c in characteristics])

    return Framework(
        themes=themes,
        statements=tuple(statements),
        score_levels=levels,
        bands=bands,
        categories=categories,
        timeline=timeline,
        evidence=evidence,
        characteristics=tuple(characteristics),
        sources=tuple(sources),
    )


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise FrameworkConfigError(f"{path}: not valid YAML: {exc}") from exc


def load_framework(override: Path | None = None) -> Framework:
    """The shipped framework, with ``override`` (default ``<home>/framework.yaml`` if present)
    merged over it."""
    data = _read_yaml(DEFAULT_FILE)
    sources = [str(DEFAULT_FILE)]
    chosen = override if override is not None else home() / OVERRIDE_NAME
    if override is not None or chosen.exists():
        if not chosen.is_file():
            raise FrameworkConfigError(f"{chosen}: framework override file not found")
        extra = _read_yaml(chosen)
        if extra is not None:
            if not isinstance(extra, dict):
                raise FrameworkConfigError(f"{chosen}: expected a mapping of settings")
            data = _merge(data, extra)
            sources.append(str(chosen))
    return _parse(data, sources)
