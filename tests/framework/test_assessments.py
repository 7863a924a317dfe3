"""The 2026 assessment cycle: assessments of both types, assurance meetings with their data pack,
the next comprehensive assessment and focused-assessment triggers (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy.engine import Engine

from careassure.appdb import create_engine, history, transaction
from careassure.framework.assessments import (
    AGENDA,
    CycleError,
    assessments,
    data_pack,
    focused_triggers,
    meetings,
    next_comprehensive,
    quarter_ends,
    record_assessment,
    record_meeting,
    self_assessment_version,
)
from careassure.framework.live import LiveMeasure, LiveValues
from careassure.framework.model import load_framework
from careassure.framework.selfassessment import set_statement

FRAMEWORK = load_framework()


@pytest.fixture
def engine(migrated_url: str) -> Iterator[Engine]:
    engine = create_engine(migrated_url)
    yield engine
    engine.dispose()


def test_assessments_of_both_types_and_the_next_comprehensive(engine: Engine) -> None:
    with transaction(engine) as session:
        first = record_assessment(session, FRAMEWORK, "manager", kind="comprehensive",
                                  assessment_date=date(2025, 3, 10), outcome="RI",
                                  published_on=date(2025, 9, 17),
                                  report_link="https://www.cqc.org.uk/example")
        record_assessment(session, FRAMEWORK, "manager", kind="focused",
                          assessment_date=date(2026, 10, 5), scope=["QS1", "Safeguarding"],
                          outcome="Waits for assessment reviewed: improving",
                          published_on=date(2026, 11, 20))
        first_id = first.id
    with transaction(engine) as session:
        recorded = assessments(session)
        assert [a.kind for a in recorded] == ["focused", "comprehensive"]
        assert recorded[1].outcome == "Requires improvement"
        assert len(recorded[1].scope) == len(FRAMEWORK.statements)  # all statements
        assert len(recorded[0].scope) == 2
        # a focused assessment never moves the next comprehensive one: 3 years after RI
        nxt = next_comprehensive(FRAMEWORK, recorded, date(2026, 12, 3))
        assert nxt is not None
        assert (nxt.due, nxt.window_opens) == (date(2028, 9, 17), date(2027, 9, 17))
        assert not nxt.inside_window
        trail = history(session, "cqc_assessment", first_id)
        assert trail[0].actor == "manager" and trail[0].after["outcome"] == "Requires improvement"
        assert next_comprehensive(FRAMEWORK, recorded[:1], date(2026, 12, 3)) is None


def test_good_rating_gives_four_years(engine: Engine) -> None:
    with transaction(engine) as session:
        record_assessment(session, FRAMEWORK, "manager", kind="comprehensive",
                          assessment_date=date(2026, 1, 5), outcome="Good",
                          published_on=date(2026, 4, 1))
        nxt = next_comprehensive(FRAMEWORK, assessments(session), date(2029, 6, 1))
    assert nxt is not None and nxt.due == date(2030, 4, 1) and nxt.inside_window


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "annual"}, "choose comprehensive or focused"),
        ({"kind": "comprehensive", "outcome": "Fine"}, "outcome"),
        ({"kind": "focused", "scope": []}, "at least one quality statement"),
        ({"kind": "focused", "scope": ["QS99"]}, "unknown quality statement"),
        ({"published_on": date(2020, 1, 1)}, "is before the assessment"),
        ({"report_link": "ftp://x"}, "http"),
    ],
)
def test_bad_assessments_are_refused(engine: Engine, fields: dict, message: str) -> None:
    values = {"kind": "focused", "assessment_date": date(2026, 5, 1), "scope": ["QS1"],
              "outcome": "Findings"} | fields
    with pytest.raises(CycleError, match=message), transaction(engine) as session:
        record_assessment(session, FRAMEWORK, "manager", **values)
    with transaction(engine) as session:
        assert assessments(session) == []


def test_assurance_meeting_with_its_pack(engine: Engine) -> None:
    live = LiveValues({"care_act_assessment.median_wait": LiveMeasure(
        "care_act_assessment.median_wait", 18, 14, "not_met")}, "test", date(2026, 9, 30))
    with transaction(engine) as session:
        assert self_assessment_version(session) == 0
        set_statement(session, FRAMEWORK, "manager", "QS1", own_score=2)
        version = self_assessment_version(session)
        pack = data_pack(FRAMEWORK, version, live)
        row = record_meeting(
            session, "manager", meeting_date=date(2026, 10, 1),
            attendees=["Principal social worker", "Director of Adult Social Services"],
            agenda=["key_data", "self_assessment"],
            actions=[{"text": "Share the OT trajectory", "plan_action":
                      "occupational-therapy"}, {"text": "Carers data", "plan_action": None}],
            pack=pack)
        meeting_id = row.id
    assert version == 1
    with transaction(engine) as session:
        (meeting,) = meetings(session)
        assert meeting.attendees == ["Director of Adult Social Services",
                                     "Principal social worker"]
        assert meeting.agenda == ["self_assessment", "key_data"]  # CQC's order
        assert meeting.pack["self_assessment_version"] == 1
        qs1 = meeting.pack["statements"][0]
        assert qs1["code"] == "QS1"
        assert {"id": "care_act_assessment.median_wait", "value": 18, "target": 14,
                "status": "not_met", "note": None} in qs1["measures"]
        assert history(session, "assurance_meeting", meeting_id)[0].action == "create"
    assert set(AGENDA) >= {"self_assessment", "key_data", "strengths", "progress"}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"attendees": ["Jane Smith"]}, "recorded by role"),
        ({"agenda": ["gossip"]}, "agenda items"),
        ({"actions": [{"text": "", "plan_action": None}]}, "action 1 is required"),
        ({"actions": [{"text": "x", "plan_action": "Not A Path"}]}, "not a plan action path"),
    ],
)
def test_bad_meetings_are_refused(engine: Engine, fields: dict, message: str) -> None:
    values = {"meeting_date": date(2026, 10, 1), "attendees": ["Lead member"],
              "agenda": ["key_data"], "actions": [], "pack": {}} | fields
    with pytest.raises(CycleError, match=message), transaction(engine) as session:
        record_meeting(session, "manager", **values)


def test_quarter_ends() -> None:
    assert quarter_ends(date(2026, 12, 3), 2) == [date(2026, 6, 30), date(2026, 9, 30)]
    assert quarter_ends(date(2026, 12, 31), 2) == [date(2026, 9, 30), date(2026, 12, 31)]
    assert quarter_ends(date(2026, 1, 15), 1) == [date(2025, 12, 31)]


def test_focused_triggers_need_every_quarter_off_target() -> None:
    def values(day: date, **status: str) -> LiveValues:
        return LiveValues({m.replace("__", "."): LiveMeasure(m.replace("__", "."), 1, 1, s)
                           for m, s in status.items()}, "test", day)

    history_ = [
        values(date(2026, 6, 30), care_act_assessment__median_wait="not_met",
               ot_assessment__median_wait="not_met"),
        values(date(2026, 9, 30), care_act_assessment__median_wait="not_met",
               ot_assessment__median_wait="met"),
    ]
    triggers = focused_triggers(FRAMEWORK, history_)
    assert [(t.code, t.measures) for t in triggers] == [
        ("QS1", ("care_act_assessment.median_wait",))]
    assert triggers[0].quarters == (date(2026, 6, 30), date(2026, 9, 30))
    assert focused_triggers(FRAMEWORK, history_[1:])[0].code == "QS1"
    assert focused_triggers(FRAMEWORK, []) == []
