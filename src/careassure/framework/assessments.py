"""The assessment cycle from April 2026 (seed 000 paras 19-29): CQC assessments of both types,
scheduled assurance meetings with their data packs, when the next comprehensive assessment is
expected, and what could trigger a focused one.

- A **comprehensive** assessment reviews every quality statement, can change the rating and is
  published; the next is due at most 3 years after publication of Requires improvement or
  Inadequate, 4 after Good or Outstanding (``framework.yaml``, ``timeline``).
- A **focused** assessment reviews specific aspects between comprehensive ones, in response to a
  risk; it is published but does not change the rating. careassure flags a quality statement
  whose linked measures were off target at each of the last N quarter ends as a possible trigger
  (a planning aid: CQC decides on its own intelligence).
- **Assurance meetings** follow CQC's agenda (the self-assessment, key data, strengths and
  innovation, progress since the last report, emerging themes) and produce no report. careassure
  records who attended by role (never by name), the agenda covered, the actions arising (linked
  to improvement plan actions by path) and the data pack: the self-assessment version and the key
  measures at the meeting date, frozen when recorded.

Every record is written with its audit row in the same transaction.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from careassure.appdb import record_change, snapshot
from careassure.appdb.audit import AuditEntry
from careassure.framework.live import NOT_MET, LiveValues
from careassure.framework.model import Framework
from careassure.framework.tables import AssuranceMeeting, CqcAssessment
from careassure.framework.timeline import NextAssessment

ASSESSMENT_KINDS = ("comprehensive", "focused")
# CQC's agenda for assurance meetings, in the words of seed 000 para 21.
AGENDA: dict[str, str] = {
    "self_assessment": "The self-assessment",
    "key_data": "Key data",
    "strengths": "Areas of strength and innovation",
    "progress": "Progress with improvements since the last CQC assessment report",
    "emerging_themes": "Emerging themes from feedback",
}
# Who attends, by role only (seed 000 para 20), so no name is ever stored.
ATTENDEE_ROLES = (
    "Director of Adult Social Services",
    "Principal social worker",
    "Assistant director",
    "Head of service",
    "Lead member",
    "Performance and intelligence lead",
    "Improvement manager",
    "CQC relationship holder",
    "CQC deputy director",
)
DEFAULT_TRIGGER_QUARTERS = 2
MAX_OUTCOME = 300
MAX_ACTION = 500
MAX_LINK = 2000
_PLAN_PATH = re.compile(r"[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)*")
SELF_ASSESSMENT_TABLE = "self_assessment_statement"


class CycleError(ValueError):
    """A record that cannot be made; the message names the field and why."""


def _text(field: str, value: str, limit: int) -> str:
    cleaned = " ".join(value.split())
    if not cleaned:
        raise CycleError(f"{field} is required")
    if len(cleaned) > limit:
        raise CycleError(f"{field} is longer than {limit} characters")
    return cleaned


def _link(url: str | None) -> str | None:
    if url is None or not url.strip():
        return None
    parts = urlsplit(url.strip())
    if parts.scheme not in {"http", "https"} or not parts.netloc or len(url) > MAX_LINK:
        raise CycleError(f"report link {url[:80]!r} must be an http:// or https:// address")
    return url.strip()


def record_assessment(
    session: Session,
    framework: Framework,
    actor: str,
    *,
    kind: str,
    assessment_date: date,
    outcome: str,
    scope: Sequence[str] = (),
    published_on: date | None = None,
    report_link: str | None = None,
) -> CqcAssessment:
    """Record one CQC assessment. A comprehensive one covers every statement and its outcome is
    a rating (checked against the framework's bands); a focused one names its statements."""
    if kind not in ASSESSMENT_KINDS:
        raise CycleError(f"assessment type {kind!r}: choose {' or '.join(ASSESSMENT_KINDS)}")
    if kind == "comprehensive":
        ids = [qs.id for qs in framework.statements]
        try:
            outcome = framework.band(outcome).rating
        except LookupError as exc:
            raise CycleError(f"outcome: {exc.args[0]}") from exc
    else:
        try:
            ids = sorted({framework.statement(name).id for name in scope})
        except LookupError as exc:
            raise CycleError(f"scope: {exc.args[0]}") from exc
        if not ids:
            raise CycleError("a focused assessment names at least one quality statement")
        outcome = _text("outcome", outcome, MAX_OUTCOME)
    if published_on is not None and published_on < assessment_date:
        raise CycleError(
            f"published {published_on:%d/%m/%Y} is before the assessment {assessment_date:%d/%m/%Y}"
        )
    row = CqcAssessment(
        kind=kind,
        assessment_date=assessment_date,
        scope=ids,
        outcome=outcome,
        published_on=published_on,
        report_link=_link(report_link),
        created_at=datetime.now(UTC),
    )
    session.add(row)
    record_change(session, actor, "create", row, None, snapshot(row))
    return row


def record_meeting(
    session: Session,
    actor: str,
    *,
    meeting_date: date,
    attendees: Sequence[str],
    agenda: Sequence[str],
    actions: Sequence[Mapping[str, str | None]],
    pack: Mapping[str, Any],
) -> AssuranceMeeting:
    """Record one assurance meeting. ``actions``: {"text", "plan_action"} with the plan action's
    path (``area/action``) or None; ``pack`` from :func:`data_pack`."""
    unknown = [role for role in attendees if role not in ATTENDEE_ROLES]
    if unknown or not attendees:
        raise CycleError(
            f"attendees are recorded by role: {', '.join(unknown) or 'none given'} is not one of "
            f"{'; '.join(ATTENDEE_ROLES)}"
        )
    bad = [item for item in agenda if item not in AGENDA]
    if bad or not agenda:
        raise CycleError(f"agenda items: choose from {', '.join(AGENDA)}")
    checked = []
    for n, action in enumerate(actions, 1):
        path = (action.get("plan_action") or "").strip() or None
        if path is not None and not _PLAN_PATH.fullmatch(path):
            raise CycleError(f"action {n}: {path!r} is not a plan action path (area/action)")
        checked.append({"text": _text(f"action {n}", action.get("text") or "", MAX_ACTION),
                        "plan_action": path})
    row = AssuranceMeeting(
        meeting_date=meeting_date,
        attendees=sorted(set(attendees), key=ATTENDEE_ROLES.index),
        agenda=[key for key in AGENDA if key in set(agenda)],
        actions=checked,
        pack=dict(pack),
        created_at=datetime.now(UTC),
    )
    session.add(row)
    record_change(session, actor, "create", row, None, snapshot(row))
    return row


def assessments(session: Session) -> list[CqcAssessment]:
    """Every recorded assessment, latest first."""
    query = select(CqcAssessment).order_by(
        CqcAssessment.assessment_date.desc(), CqcAssessment.id.desc()
    )
    return list(session.scalars(query))


def meetings(session: Session) -> list[AssuranceMeeting]:
    """Every recorded assurance meeting, latest first."""
    query = select(AssuranceMeeting).order_by(
        AssuranceMeeting.meeting_date.desc(), AssuranceMeeting.id.desc()
    )
    return list(session.scalars(query))


def self_assessment_version(session: Session) -> int:
    """The self-assessment's version: how many changes the audit trail holds for it (0: never
    recorded). A data pack quotes it so the pack can be matched to the audited text later."""
    query = select(func.count()).where(AuditEntry.entity_type == SELF_ASSESSMENT_TABLE)
    return int(session.scalar(query) or 0)


def data_pack(framework: Framework, version: int, live: LiveValues) -> dict[str, Any]:
    """The pack for an assurance meeting: the self-assessment version and, per quality
    statement, its key measures' values, targets and status at the meeting date."""
    return {
        "as_of": live.as_of.isoformat(),
        "self_assessment_version": version,
        "note": live.note,
        "statements": [
            {
                "code": qs.code,
                "name": qs.name,
                "measures": [reading.to_json() for reading in live.for_ids(qs.measures)],
            }
            for qs in framework.statements
        ],
    }


def next_comprehensive(
    framework: Framework, recorded: Sequence[CqcAssessment], today: date
) -> NextAssessment | None:
    """When the next comprehensive assessment is expected: the usual maximum interval after
    the last published comprehensive assessment's rating (None when none is recorded)."""
    published = [
        a for a in recorded if a.kind == "comprehensive" and a.published_on is not None
    ]
    if not published:
        return None
    last = max(published, key=lambda a: (a.published_on, a.id))
    assert last.published_on is not None
    rules = framework.timeline
    years = rules.comprehensive_interval_years[last.outcome]
    due = last.published_on + relativedelta(years=years)
    opens = due - relativedelta(months=rules.next_assessment_window_months)
    return NextAssessment(last.published_on, last.outcome, years, opens, due, today)


def quarter_ends(as_of: date, count: int) -> list[date]:
    """The last ``count`` calendar quarter ends on or before ``as_of``, oldest first."""
    month = (as_of.month - 1) // 3 * 3 + 3
    end = date(as_of.year, month, 1) + relativedelta(months=1, days=-1)
    if end > as_of:
        end = date(as_of.year, month - 2, 1) - relativedelta(days=1)
    return [end + relativedelta(day=31, months=-3 * k) for k in range(count - 1, -1, -1)]


@dataclass(frozen=True)
class Trigger:
    """A quality statement whose linked measures were all of ``measures`` off target at every
    one of the quarter ends ``quarters``: an area where CQC could focus."""

    code: str
    name: str
    measures: tuple[str, ...]
    quarters: tuple[date, ...]

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "measures": list(self.measures),
                "quarters": [q.isoformat() for q in self.quarters]}


def focused_triggers(framework: Framework, history: Sequence[LiveValues]) -> list[Trigger]:
    """The statements with a linked measure off target (not met) at every reading in
    ``history`` (one :class:`LiveValues` per quarter end; the caller chooses how many)."""
    if not history:
        return []
    found = []
    for qs in framework.statements:
        off = tuple(
            m for m in qs.measures if all(values.get(m).status == NOT_MET for values in history)
        )
        if off:
            found.append(Trigger(qs.code, qs.name, off, tuple(v.as_of for v in history)))
    return found
