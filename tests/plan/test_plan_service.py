"""The stored plan on SQLite and PostgreSQL: import, every change audited, overrides need a
reason, the database's own checks, history."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from careassure.appdb import AuditEntry, create_engine, transaction
from careassure.plan.model import PlanError, ProgressSpec
from careassure.plan.service import (
    actions_owned_by,
    add_progress,
    clear_override,
    import_plan,
    item_history,
    load_plan,
    plan_keys,
    remove_plan,
    set_milestone,
    set_override,
    set_risk,
    set_target,
    update_action,
)
from careassure.plan.tables import PlanOutcome, PlanRisk
from careassure.plan.yamlfile import load_demo_plan

ACTION = "timeliness/care-act-assessment"


@pytest.fixture
def engine(migrated_url: str) -> Iterator[sa.Engine]:
    engine = create_engine(migrated_url)
    with transaction(engine) as session:
        import_plan(session, load_demo_plan(), "importer")
    yield engine
    engine.dispose()


def _audit(engine: sa.Engine) -> list[AuditEntry]:
    with transaction(engine) as session:
        return list(session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)))


def _new_audit(engine: sa.Engine, before: int) -> list[AuditEntry]:
    return _audit(engine)[before:]


def test_import_stores_the_plan_and_audits_every_item(engine: sa.Engine) -> None:
    demo = load_demo_plan()
    with transaction(engine) as session:
        assert load_plan(session) == demo
        assert plan_keys(session) == [(demo.key, demo.title)]
    counts = demo.counts()
    expected = 1 + sum(counts[k] for k in
                       ("areas", "actions", "outcomes", "progress_updates", "risks"))
    entries = _audit(engine)
    assert len(entries) == expected
    assert {e.action for e in entries} == {"create"} and {e.actor for e in entries} == {"importer"}
    paths = {e.after["path"] for e in entries if e.entity_type == "plan_outcome"}
    assert f"{ACTION}/median-wait" in paths


def test_a_second_import_is_refused_unless_replacing(engine: sa.Engine) -> None:
    with pytest.raises(PlanError, match="already stored: replace it"), transaction(engine) as s:
        import_plan(s, load_demo_plan(), "importer")
    before = len(_audit(engine))
    with transaction(engine) as session:
        import_plan(session, load_demo_plan(), "importer", replace=True)
    deleted = [e for e in _new_audit(engine, before) if e.action == "delete"]
    assert len(deleted) == before  # every row of the old plan has its delete row
    assert all(e.before is not None and e.after is None for e in deleted)
    with transaction(engine) as session:
        assert load_plan(session) == load_demo_plan()


def test_progress_updates_freeze_their_facts_and_are_audited(engine: sa.Engine) -> None:
    facts = [{"measure": "care_act_assessment.median_wait", "sentence": "18 days"}]
    before = len(_audit(engine))
    with transaction(engine) as session:
        add_progress(session, "lead", ACTION, narrative="Two more assessors.",
                     written_on=date(2026, 1, 12), facts=facts)
    (entry,) = _new_audit(engine, before)
    assert (entry.action, entry.entity_type, entry.actor) == ("create", "plan_progress", "lead")
    assert entry.after["facts"] == facts and entry.after["path"] == ACTION
    with transaction(engine) as session:
        latest = load_plan(session).areas[0].actions[0].progress[-1]
    assert (latest.narrative, latest.author, latest.facts) == (
        "Two more assessors.", "lead", tuple(facts))


def test_a_narrative_that_identifies_a_person_is_refused(engine: sa.Engine) -> None:
    with pytest.raises(PlanError, match="looks like an NHS number"), transaction(engine) as s:
        add_progress(s, "lead", ACTION, narrative="Reviewed 943 476 5919 today",
                     written_on=date(2026, 1, 12))
    with pytest.raises(PlanError, match="narrative is required"), transaction(engine) as s:
        add_progress(s, "lead", ACTION, narrative="   ", written_on=date(2026, 1, 12))
    with pytest.raises(PlanError, match="is not an action"), transaction(engine) as s:
        add_progress(s, "lead", "timeliness", narrative="x", written_on=date(2026, 1, 12))
    from dataclasses import replace

    demo = load_demo_plan()
    action = replace(demo.areas[0].actions[0], progress=(
        ProgressSpec(date(2026, 1, 5), "Visited 9434765919 at home", "lead"),))
    bad = replace(demo, key="bad", areas=(replace(demo.areas[0], actions=(action,)),))
    with pytest.raises(PlanError, match="care-act-assessment progress of 2026-01-05: the narr"), \
            transaction(engine) as s:
        import_plan(s, bad, "importer")


def test_an_override_needs_a_reason_and_every_change_is_audited(engine: sa.Engine) -> None:
    before = len(_audit(engine))
    for reason in ("", "   "):
        with pytest.raises(PlanError, match="an override needs a written reason"), \
                transaction(engine) as session:
            set_override(session, "manager", ACTION, status="improving", reason=reason)
    assert _new_audit(engine, before) == []
    with transaction(engine) as session:
        set_override(session, "manager", ACTION, status="improving",
                     reason="Six assessors start on 2 February")
        set_override(session, "director", ACTION, status="off_track",
                     reason="Recruitment paused")
        clear_override(session, "director", ACTION)
    entries = _new_audit(engine, before)
    assert [(e.action, e.actor) for e in entries] == [
        ("create", "manager"), ("update", "director"), ("delete", "director")]
    assert entries[0].after["reason"] == "Six assessors start on 2 February"
    assert entries[1].before["reason"] == "Six assessors start on 2 February"
    assert entries[1].after["reason"] == "Recruitment paused"
    assert entries[2].before["status"] == "off_track"
    with transaction(engine) as session:
        assert load_plan(session).overrides == ()
        with pytest.raises(PlanError, match="has no override to clear"):
            clear_override(session, "director", ACTION)


def test_an_override_is_part_of_the_stored_plan(engine: sa.Engine) -> None:
    with transaction(engine) as session:
        set_override(session, "manager", "timeliness", status="met", reason="Judged met")
        (override,) = load_plan(session).overrides
    assert (override.path, override.status, override.reason, override.set_by) == (
        "timeliness", "met", "Judged met", "manager")
    with pytest.raises(PlanError, match="status 'green' is not one of"), transaction(engine) as s:
        set_override(s, "manager", "timeliness", status="green", reason="x")


def test_action_milestone_target_and_risk_changes_are_audited(engine: sa.Engine) -> None:
    before = len(_audit(engine))
    with transaction(engine) as session:
        update_action(session, "lead", "timeliness/waiting-well", status="complete",
                      owner_account="lead.timeliness")
        update_action(session, "lead", "timeliness/waiting-well", status="complete")  # no change
        set_milestone(session, "lead", "timeliness/waiting-well/monitoring-in-place", done=True,
                      done_on=date(2026, 2, 1), evidence_link="https://example.org/audit")
        set_target(session, "manager", f"{ACTION}/median-wait", target=12,
                   baseline_on=date(2025, 1, 5))
        set_risk(session, "manager", "data-quality", likelihood=2)
        set_risk(session, "manager", "winter-pressure", description="Winter demand",
                 likelihood=4, impact=3, mitigation="Surge plan", area="timeliness")
    entries = _new_audit(engine, before)
    assert [(e.entity_type, e.action) for e in entries] == [
        ("plan_action", "update"), ("plan_outcome", "update"), ("plan_outcome", "update"),
        ("plan_risk", "update"), ("plan_risk", "create")]
    assert entries[0].before["status"] == "in_progress" and entries[0].after["status"] == "complete"
    assert entries[2].after["target"] == 12.0
    with transaction(engine) as session:
        plan = load_plan(session)
        assert actions_owned_by(session, "lead.timeliness") == ["timeliness/waiting-well"]
    milestone = plan.areas[0].actions[5].outcomes[0].milestone
    assert milestone is not None and milestone.done and milestone.done_on == date(2026, 2, 1)
    risk = next(r for r in plan.risks if r.key == "winter-pressure")
    assert (risk.score, risk.area, risk.status) == (12, "timeliness", "open")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: set_milestone(s, "x", f"{ACTION}/median-wait", done=True),
         "a measured outcome is met by its measure"),
        (lambda s: set_target(s, "x", "timeliness/waiting-well/monitoring-in-place", target=1),
         "a milestone has no measure or target"),
        (lambda s: set_target(s, "x", f"{ACTION}/median-wait", measure_id="no.such"),
         "measure 'no.such' is not in the catalogue"),
        (lambda s: update_action(s, "x", ACTION, status="finished"), "status 'finished'"),
        (lambda s: set_risk(s, "x", "new-risk", likelihood=3), "a new risk needs description"),
        (lambda s: set_risk(s, "x", "data-quality", impact=0), "impact 0 must be a whole number"),
        (lambda s: update_action(s, "x", "timeliness/nowhere", status="complete"),
         "no action 'nowhere' in area 'timeliness'"),
        (lambda s: update_action(s, "x", "Timeliness/Care", status="complete"),
         "is not a plan path"),
    ],
)
def test_refused_changes_leave_no_trace(engine: sa.Engine, change, message: str) -> None:
    before = len(_audit(engine))
    with pytest.raises(PlanError, match=message), transaction(engine) as session:
        change(session)
    assert len(_audit(engine)) == before


def test_the_database_refuses_an_outcome_that_is_neither_kind(engine: sa.Engine) -> None:
    with pytest.raises(IntegrityError), transaction(engine) as session:
        outcome = session.scalars(sa.select(PlanOutcome).where(PlanOutcome.kind == "measured")
                                  ).first()
        outcome.kind = "milestone"  # a milestone may not keep a measure
        session.flush()
    with pytest.raises(IntegrityError), transaction(engine) as session:
        session.scalars(sa.select(PlanRisk)).first().likelihood = 9
        session.flush()


def test_history_lists_progress_and_changes_newest_first(engine: sa.Engine) -> None:
    with transaction(engine) as session:
        add_progress(session, "lead", ACTION, narrative="Waits falling.",
                     written_on=date(2026, 1, 12))
        set_override(session, "manager", ACTION, status="improving", reason="New staff")
        update_action(session, "manager", ACTION, status="complete")
    with transaction(engine) as session:
        entries = item_history(session, ACTION)
        outcome_entries = item_history(session, f"{ACTION}/median-wait")
        area_entries = item_history(session, "timeliness")
    summaries = [e.summary for e in entries]
    assert "changed status: 'in_progress' -> 'complete'" in summaries
    assert "RAG set to improving by override: New staff" in summaries
    assert "12/01/2026: Waits falling." in summaries
    assert any(s.startswith("29/12/2025: Waiting lists have reduced") for s in summaries)
    assert sum(e.entity == "plan_outcome" for e in entries) == 3  # its outcomes' creation
    assert [e.entity for e in outcome_entries] == ["plan_outcome"]
    assert [e.entity for e in area_entries] == ["plan_area"]
    assert entries == sorted(entries, key=lambda e: e.at, reverse=True)


def test_loading_with_no_plan_or_several_says_what_to_do(migrated_url: str) -> None:
    engine = create_engine(migrated_url)
    try:
        with pytest.raises(PlanError, match="no improvement plan is stored: import one"), \
                transaction(engine) as session:
            load_plan(session)
        from dataclasses import replace

        with transaction(engine) as session:
            import_plan(session, load_demo_plan(), "importer")
            import_plan(session, replace(load_demo_plan(), key="copy"), "importer")
        with pytest.raises(PlanError, match="2 plans are stored .*: name one with --plan"), \
                transaction(engine) as session:
            load_plan(session)
        with transaction(engine) as session:
            assert load_plan(session, "copy").key == "copy"
            remove_plan(session, "importer", "copy")
            assert load_plan(session).key == "leicestershire-cqc-2025"
    finally:
        engine.dispose()
