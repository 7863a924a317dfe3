"""Concurrent changes to one plan item (issue 15): each change and its audit row are one
transaction that reads the row it changes under a lock, so every "before" in the trail is what
the previous change left, and concurrent override set/clear never collide. On SQLite and
PostgreSQL, with real threads and connections."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa

from careassure.appdb import AuditEntry, create_engine, transaction
from careassure.plan.model import ACTION_STATUSES, PlanError
from careassure.plan.service import clear_override, import_plan, set_override, update_action
from careassure.plan.tables import PlanAction, RagOverride
from careassure.plan.yamlfile import load_demo_plan

ACTION = "timeliness/care-act-assessment"
THREADS = 6
ROUNDS = 6


@pytest.fixture
def engine(migrated_url: str) -> Iterator[sa.Engine]:
    engine = create_engine(migrated_url)
    with transaction(engine) as session:
        import_plan(session, load_demo_plan(), "importer")
    yield engine
    engine.dispose()


def _race(work: Callable[[int, int], None]) -> list[BaseException]:
    """Run ``work(thread, round)`` from THREADS threads at once; the unexpected failures."""
    start = threading.Barrier(THREADS)
    failures: list[BaseException] = []

    def run(thread: int) -> None:
        start.wait()
        for round_ in range(ROUNDS):
            try:
                work(thread, round_)
            except PlanError:
                pass  # e.g. nothing to clear: refused with a reason, as one user would be
            except BaseException as exc:  # noqa: BLE001 - collected for the assertion
                failures.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return failures


def _trail(engine: sa.Engine, entity: type) -> list[AuditEntry]:
    with transaction(engine) as session:
        return list(session.scalars(
            sa.select(AuditEntry).where(AuditEntry.entity_type == entity.__tablename__)
            .order_by(AuditEntry.id)))


def test_concurrent_status_changes_each_record_the_true_before(engine: sa.Engine) -> None:
    def change(thread: int, round_: int) -> None:
        with transaction(engine) as session:
            update_action(session, f"user{thread}", ACTION,
                          status=ACTION_STATUSES[(thread + round_) % len(ACTION_STATUSES)])

    assert _race(change) == []
    updates = [e for e in _trail(engine, PlanAction) if e.action == "update"]
    assert len(updates) > THREADS
    wrong = [(a.after["status"], b.before["status"]) for a, b in itertools.pairwise(updates)
             if a.after["status"] != b.before["status"]]
    assert wrong == []


def test_concurrent_override_set_and_clear_never_collide(engine: sa.Engine) -> None:
    def change(thread: int, round_: int) -> None:
        with transaction(engine) as session:
            if (thread + round_) % 2:
                clear_override(session, f"user{thread}", ACTION)
            else:
                set_override(session, f"user{thread}", ACTION, status="off_track",
                             reason=f"round {round_} by {thread}")

    assert _race(change) == []
    trail = _trail(engine, RagOverride)
    assert trail
    for earlier, later in itertools.pairwise(trail):
        # a create follows nothing (or a delete); an update or delete follows what was there
        if later.action == "create":
            assert earlier.action == "delete"
        else:
            assert earlier.action in ("create", "update")
            assert later.before == earlier.after
