"""The plan in the committee paper's table layout: read it, and write it back.

Councils already keep their plan as this table (seed 004's appendix): a title line, an
``Updated: 29 December 2025`` line, then tab-separated rows under the header
``Improvement Area | Actions | Outcome(s) | Delivery Date | Progress``. An area's title is on its
first row only; the Actions cell is the action's title followed by its numbered steps
(``Annual Review: 1. ... 2. ...``); the Outcome(s) cell numbers its outcomes; the delivery date
is a month (``May-26``); Progress is the latest narrative. The header repeats at page breaks.

Reading gives every outcome as a milestone (the table does not say which measure an outcome is
about); link measures in the YAML file afterwards. Writing produces the same layout from any plan,
as text (:func:`table_text`) or as rows (:func:`table_rows`) for the report writer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from careassure.plan.model import (
    ActionSpec,
    AreaSpec,
    Milestone,
    OutcomeSpec,
    PlanError,
    PlanSpec,
    ProgressSpec,
    check_key,
)
from careassure.plan.wording import seed_month
from careassure.plan.yamlfile import parse_month, slug

if TYPE_CHECKING:
    from careassure.plan.status import PlanStatus

COLUMNS = ("Improvement Area", "Actions", "Outcome(s)", "Delivery Date", "Progress")
RAG_COLUMN = "RAG"


@dataclass(frozen=True)
class SeedRow:
    line: int
    area: str
    actions: str
    outcomes: str
    delivery: str
    progress: str


def _is_header(cells: Sequence[str]) -> bool:
    return [c.strip() for c in cells[:2]] == list(COLUMNS[:2])


def _numbered(text: str) -> tuple[str, list[str]]:
    """Split "Lead 1. first 2. second" into ("Lead", ["first", "second"]).

    Markers must run 1, 2, 3... and follow a space, so "Section 42 enquiries" or "2026-2030" in
    the text are not taken for steps.
    """
    starts: list[tuple[int, int]] = []
    position = 0
    number = 1
    while True:
        match = re.compile(rf"(?:(?<=\s)|^){number}\.\s+").search(text, position)
        if match is None:
            break
        starts.append((match.start(), match.end()))
        position = match.end()
        number += 1
    if not starts:
        return text.strip(), []
    items = [
        text[end : (starts[i + 1][0] if i + 1 < len(starts) else len(text))].strip()
        for i, (_, end) in enumerate(starts)
    ]
    return text[: starts[0][0]].strip(), items


def split_action(cell: str) -> tuple[str, list[str]]:
    """An Actions cell as (title, steps): "Annual Review: 1. a 2. b" -> ("Annual Review", [a, b]);
    an unnumbered "Caseload Review: Review case loads" is one step."""
    lead, steps = _numbered(cell)
    if steps:
        return lead.rstrip(":").strip(), steps
    if ": " in cell:
        title, step = cell.split(": ", 1)
        return title.strip(), [step.strip()]
    return cell.strip(), []


def split_outcomes(cell: str) -> list[str]:
    lead, items = _numbered(cell)
    if not items:
        return [cell.strip()] if cell.strip() else []
    if lead:
        items[0] = f"{lead} {items[0]}"
    return items


def _rows(text: str, source: str) -> tuple[str, date | None, list[SeedRow]]:
    lines = text.splitlines()
    header = next((i for i, line in enumerate(lines) if _is_header(line.split("\t"))), None)
    if header is None:
        raise PlanError(
            f"{source}: no plan table found (a line with the tab-separated header "
            f"{' | '.join(COLUMNS)})"
        )
    title, updated = "Improvement Plan", None
    for i in range(header - 1, max(header - 6, -1), -1):
        line = lines[i].strip()
        if line.lower().startswith("updated:"):
            stamp = line.split(":", 1)[1].strip()
            try:
                updated = datetime.strptime(stamp, "%d %B %Y").date()
            except ValueError as exc:
                raise PlanError(
                    f"{source}: line {i + 1}: {stamp!r} is not a date like 29 December 2025"
                ) from exc
            previous = [lines[j].strip() for j in range(i - 1, -1, -1) if lines[j].strip()]
            if previous:
                title = previous[0]
            break
    rows = []
    for number, line in enumerate(lines[header:], start=header + 1):
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) == 1:
            break  # prose after the table
        if _is_header(cells):
            continue
        if len(cells) > len(COLUMNS):
            raise PlanError(
                f"{source}: line {number}: {len(cells)} tab-separated cells, expected "
                f"{len(COLUMNS)} ({' | '.join(COLUMNS)})"
            )
        cells += [""] * (len(COLUMNS) - len(cells))
        rows.append(SeedRow(number, *(c.strip() for c in cells)))
    return title, updated, rows


def _unique_key(base: str, taken: set[str]) -> str:
    key, n = base, 2
    while key in taken:
        key = f"{base[: 60 - len(str(n)) - 1]}-{n}"
        n += 1
    taken.add(key)
    return key


def parse_table(
    text: str,
    source: str,
    *,
    council: str,
    key: str | None = None,
    updated_on: date | None = None,
    author: str = "plan table",
) -> PlanSpec:
    """The plan in a seed-layout table. ``updated_on`` is needed only when the text has no
    ``Updated:`` line; each Progress cell becomes an update dated then, by ``author``."""
    title, found_date, rows = _rows(text, source)
    updated = found_date or updated_on
    if updated is None:
        raise PlanError(f"{source}: no 'Updated: <date>' line above the table: give the date")
    if not council.strip():
        raise PlanError(f"{source}: the table does not name the council: give it")
    if not rows:
        raise PlanError(f"{source}: the plan table has no rows")
    areas: list[tuple[str, str, list[ActionSpec]]] = []
    area_keys: set[str] = set()
    action_keys: set[str] = set()
    for row in rows:
        where = f"{source}: line {row.line}"
        if row.area:
            areas.append((_unique_key(slug(row.area), area_keys), row.area, []))
            action_keys = set()
        elif not areas:
            raise PlanError(f"{where}, column {COLUMNS[0]}: the first row names no area")
        if not row.actions:
            continue
        action_title, steps = split_action(row.actions)
        if not action_title:
            raise PlanError(f"{where}, column {COLUMNS[1]}: the action has no title")
        outcomes = split_outcomes(row.outcomes)
        try:
            month = parse_month(row.delivery, f"{where}, column {COLUMNS[3]}")
        except PlanError as exc:
            raise PlanError(str(exc).replace("delivery ", "", 1)) from exc
        areas[-1][2].append(
            ActionSpec(
                key=_unique_key(slug(action_title), action_keys),
                title=action_title,
                delivery_month=month,
                steps=tuple(steps),
                status="in_progress" if row.progress else "not_started",
                outcomes=tuple(
                    OutcomeSpec(f"outcome-{i}", text, milestone=Milestone())
                    for i, text in enumerate(outcomes, start=1)
                ),
                progress=(
                    (ProgressSpec(updated, row.progress, author),) if row.progress else ()
                ),
            )
        )
    plan_key = check_key(key or slug(council, 60), source)
    return PlanSpec(
        key=plan_key,
        title=title,
        council=council.strip(),
        updated_on=updated,
        areas=tuple(AreaSpec(k, t, tuple(actions)) for k, t, actions in areas),
    )


# --- writing --------------------------------------------------------------------------------


def _cell(text: str) -> str:
    return " ".join(text.split())


def _numbered_cell(items: Sequence[str]) -> str:
    return " ".join(f"{i}. {_cell(item)}" for i, item in enumerate(items, start=1))


def table_rows(plan: PlanSpec, status: PlanStatus | None = None) -> list[dict[str, str]]:
    """One row per action, keyed by the seed's column names (plus "RAG" when ``status`` is
    given: the action's label and reason). The area's title is on its first row only."""
    rows = []
    for area in plan.areas:
        if not area.actions:
            rows.append(dict.fromkeys(COLUMNS, "") | {COLUMNS[0]: area.title})
            continue
        for position, action in enumerate(area.actions):
            title = _cell(action.title)
            row = {
                COLUMNS[0]: area.title if position == 0 else "",
                COLUMNS[1]: f"{title}: {_numbered_cell(action.steps)}" if action.steps else title,
                COLUMNS[2]: _numbered_cell([o.text for o in action.outcomes]),
                COLUMNS[3]: seed_month(action.delivery_month),
                COLUMNS[4]: _cell(action.progress[-1].narrative) if action.progress else "",
            }
            if status is not None:
                judged = status.find(f"{area.key}/{action.key}")
                row[RAG_COLUMN] = f"{judged.rag.label}: {judged.rag.reason}"
            rows.append(row)
    return rows


def table_text(plan: PlanSpec, status: PlanStatus | None = None) -> str:
    """The seed's layout as tab-separated text; :func:`parse_table` reads it back."""
    rows = table_rows(plan, status)
    columns = list(COLUMNS) + ([RAG_COLUMN] if status is not None else [])
    lines = [
        plan.title,
        f"Updated: {plan.updated_on.day} {plan.updated_on:%B %Y}",
        "",
        "\t".join(columns),
    ]
    lines += ["\t".join(row[c] for c in columns) for row in rows]
    return "\n".join(lines) + "\n"
