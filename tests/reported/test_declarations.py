"""Reported measures declared in the application database (the admin page's store): each save a
version with its audit row, the same rules as the council's file, ids in one place only, and the
measure usable at once (catalogue, unit, values, figures, due values, plan outcomes, the CLI)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from careassure.appdb import AuditEntry, create_engine, transaction
from careassure.measures.reported import (
    DeclarationError,
    ReportedValue,
    ReportedValueError,
    due_values,
    reported_measures,
)
from careassure.reported.declarations import (
    DeclarationConflict,
    declare,
    declared,
    edit,
    forget,
    saving,
    set_retired,
    sync,
    versions,
)
from careassure.reported.service import Entry, enter_value

CARERS = "reported.carers_groups_attended"
TODAY = date(2026, 1, 15)


def fields(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": CARERS, "title": "Carers attending support groups",
        "definition": "Carers who attended a commissioned support group in the quarter.",
        "unit": "count", "direction": "higher", "frequency": "quarterly",
        "owner_role": "analyst", "owner": "Carers' commissioning team",
        "source": "Carers' support provider quarterly return", "minimum": 0, "maximum": 5000,
        "first_period": date(2025, 6, 30), "due_days": 30,
    }
    return base | changes


@pytest.fixture
def engine(migrated_url: str):  # type: ignore[no-untyped-def]  # noqa: F811
    engine = create_engine(migrated_url)
    yield engine
    engine.dispose()


def audit_rows(engine: Any) -> list[AuditEntry]:
    with transaction(engine) as session:
        return list(session.scalars(select(AuditEntry).where(
            AuditEntry.entity_type == "reported_declaration").order_by(AuditEntry.id)))


def test_a_declared_measure_is_usable_at_once(engine: Any) -> None:
    from careassure.measures import CATALOGUE, compute
    from careassure.measures.format import format_value, unit_of

    assert CARERS not in CATALOGUE
    with transaction(engine) as session:
        declare(session, "ada", fields())
    sync(engine)
    assert CATALOGUE[CARERS].title == "Carers attending support groups"
    assert CATALOGUE[CARERS].breakdowns == frozenset() and unit_of(CARERS) == "count"
    assert reported_measures()[-1].id == CARERS
    with transaction(engine) as session:
        enter_value(session, "ann", Entry(CARERS, date(2025, 9, 30), "212"), today=TODAY)
    [value] = compute(None, date(2025, 12, 1), measures=[CARERS],
                      reported=[ReportedValue(CARERS, date(2025, 9, 30), 212)])
    assert (value.value, value.period_start) == (212, date(2025, 6, 30))
    assert format_value(value) == "212"
    # Q2 2025 was due 30/07/2025 and not entered; Q3 is entered; Q4 is due 30/01/2026.
    due = due_values(reported_measures(), [ReportedValue(CARERS, date(2025, 9, 30), 212)],
                     TODAY)
    assert [(d.period_end, d.owner) for d in due if d.measure_id == CARERS] == [
        (date(2025, 6, 30), "Carers' commissioning team")]
    [row] = audit_rows(engine)
    assert (row.actor, row.action, row.before) == ("ada", "create", None)
    assert row.after is not None and row.after["measure_id"] == CARERS


def test_a_plan_outcome_can_be_linked_to_a_declared_measure(engine: Any) -> None:
    from careassure.plan.model import PlanError, check_measure

    with pytest.raises(PlanError):
        check_measure(CARERS, None, "area/action/outcome")
    with transaction(engine) as session:
        declare(session, "ada", fields())
    sync(engine)
    check_measure(CARERS, None, "area/action/outcome")


@pytest.mark.parametrize(("changes", "field", "reason"), [
    ({"id": "reported.Carers"}, "id", "lower case"),
    ({"id": "carers"}, "id", "start with 'reported.'"),
    ({"id": "reported.fnc_determinations_per_50k"}, "id", "declared in the council's"),
    ({"title": ""}, "title", "title is missing"),
    ({"definition": "No full stop"}, "definition", "ending in '.'"),
    ({"unit": "people"}, "unit", "unit must be one of"),
    ({"frequency": "weekly"}, "frequency", "frequency must be one of"),
    ({"owner_role": "viewer"}, "owner_role", "owner_role must be one of"),
    ({"minimum": 10, "maximum": 5}, "maximum", "minimum below maximum"),
    ({"first_period": date(2025, 6, 29)}, "first_period", "last day of a quarterly period"),
    ({"due_days": 400}, "due_days", "from 0 to 366"),
])
def test_a_bad_declaration_names_its_field(engine: Any, changes: dict[str, Any], field: str,
                                           reason: str) -> None:
    with pytest.raises(DeclarationError, match=reason) as caught, \
            transaction(engine) as session:
        declare(session, "ada", fields(**changes))
    assert caught.value.field == field
    with transaction(engine) as session:
        assert declared(session) == ()
    assert audit_rows(engine) == []


def test_an_id_is_declared_once(engine: Any) -> None:
    with transaction(engine) as session:
        declare(session, "ada", fields())
    with pytest.raises(DeclarationError, match="already declared") as caught, \
            transaction(engine) as session:
        declare(session, "ada", fields(title="Again"))
    assert caught.value.field == "id"


def test_an_edit_is_a_new_version_and_values_fix_unit_frequency_and_range(engine: Any) -> None:
    with transaction(engine) as session:
        declare(session, "ada", fields())
        assert edit(session, "ada", CARERS, fields(), opened=1) is None  # nothing changed
        edit(session, "bo", CARERS, fields(owner="Carers' team", unit="percent",
                                            maximum=100), opened=1)
    with transaction(engine) as session:
        assert [(v.version, v.owner, v.unit) for v in versions(session, CARERS)] == [
            (2, "Carers' team", "percent"), (1, "Carers' commissioning team", "count")]
        enter_value(session, "ann", Entry(CARERS, date(2025, 9, 30), "64.5"), today=TODAY,
                    measures=declared(session))
    for changes, field in (({"unit": "count", "maximum": 100}, "unit"),
                           ({"unit": "percent", "frequency": "monthly",
                             "first_period": date(2025, 6, 30), "maximum": 100}, "frequency"),
                           ({"unit": "percent", "maximum": 60}, "maximum")):
        with pytest.raises(DeclarationError) as caught, transaction(engine) as session:
            edit(session, "bo", CARERS, fields(**changes), opened=2)
        assert caught.value.field == field
    create, update = audit_rows(engine)
    assert update.action == "update" and update.actor == "bo"
    assert update.before is not None and update.before["unit"] == "count"
    assert update.after is not None and update.after["version"] == 2


def test_a_save_opened_at_an_older_version_is_refused_and_writes_nothing(engine: Any) -> None:
    with transaction(engine) as session:
        declare(session, "ada", fields())
        edit(session, "bo", CARERS, fields(owner="Carers' team"), opened=1)
    for save in (lambda session: edit(session, "ada", CARERS, fields(maximum=6000), opened=1),
                 lambda session: set_retired(session, "ada", CARERS, True, opened=1)):
        with pytest.raises(DeclarationConflict) as caught, saving(engine, CARERS) as session:
            save(session)
        assert (caught.value.version, caught.value.saved_by) == (2, "bo")
    with transaction(engine) as session:
        assert [(v.version, v.maximum, v.retired) for v in versions(session, CARERS)] == [
            (2, 5000, False), (1, 5000, False)]
    assert len(audit_rows(engine)) == 2


def test_a_retired_measure_keeps_its_figures_but_takes_no_values_and_none_are_due(
        engine: Any) -> None:
    with transaction(engine) as session:
        declare(session, "ada", fields())
        set_retired(session, "ada", CARERS, True, opened=1)
        assert set_retired(session, "ada", CARERS, True, opened=2) is None
    sync(engine)
    [measure] = [m for m in reported_measures() if m.id == CARERS]
    assert measure.retired and due_values([measure], [], TODAY) == []
    from careassure.measures import CATALOGUE

    assert CARERS in CATALOGUE
    with pytest.raises(ReportedValueError, match="retired") as caught, \
            transaction(engine) as session:
        enter_value(session, "ann", Entry(CARERS, date(2025, 9, 30), "5"), today=TODAY)
    assert caught.value.field == "measure"
    with transaction(engine) as session:
        set_retired(session, "ada", CARERS, False, opened=2)
    sync(engine)
    assert not [m for m in reported_measures() if m.id == CARERS][0].retired


def test_sync_hands_down_only_what_changed_and_forgets_another_database(
        engine: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from careassure.appdb import upgrade
    from careassure.reported import declarations

    handed: list[tuple[str, ...]] = []
    real = declarations.use_app_declarations
    monkeypatch.setattr(declarations, "use_app_declarations",
                        lambda found: handed.append(tuple(m.id for m in found)) or real(found))
    with transaction(engine) as session:
        declare(session, "ada", fields())
    sync(engine)
    sync(engine)  # nothing changed: nothing handed down again
    assert handed == [(CARERS,)]
    with transaction(engine) as session:
        edit(session, "ada", CARERS, fields(title="Carers at support groups"), opened=1)
    sync(engine)
    assert [m.title for m in reported_measures() if m.id == CARERS] == [
        "Carers at support groups"]
    url = f"sqlite:///{tmp_path / 'other.db'}"
    upgrade(url)
    other = create_engine(url)
    try:
        sync(other)
        assert CARERS not in {m.id for m in reported_measures()}
    finally:
        other.dispose()


def test_the_command_line_sees_measures_declared_in_the_app(
        migrated_url: str, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    from careassure.cli import app

    engine = create_engine(migrated_url)
    try:
        with transaction(engine) as session:
            declare(session, "ada", fields())
    finally:
        engine.dispose()
    monkeypatch.setenv("CAREASSURE_DATABASE_URL", migrated_url)
    result = CliRunner().invoke(app, ["reported", "list"])
    assert result.exit_code == 0, result.output
    assert f"{CARERS}  Carers attending support groups: no value entered" in result.output
    entered = CliRunner().invoke(app, ["reported", "enter", CARERS, "2025-09-30", "212"])
    assert entered.exit_code == 0, entered.output


def _empty_store(path: Path) -> Path:
    from careassure.records.store import open_store

    with open_store(path, read_only=False) as store:
        store.connection.execute("SELECT 1")
    return path


def test_careassure_measures_finds_a_measure_declared_in_the_app(
        migrated_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:  # noqa: F811
    """`careassure measures` reads the app's declarations only when it needs them (here: an id
    the file-declared catalogue does not know), and then shows the declared measure."""
    from careassure.cli import app

    engine = create_engine(migrated_url)
    try:
        with transaction(engine) as session:
            declare(session, "ada", fields())
    finally:
        engine.dispose()
    monkeypatch.setenv("CAREASSURE_DATABASE_URL", migrated_url)
    store = _empty_store(tmp_path / "store.duckdb")
    result = CliRunner().invoke(app, ["measures", "--db", str(store), "--as-of", "2025-09-30",
                                      "-m", CARERS, "-f", "json"])
    assert result.exit_code == 0, result.output
    assert [row["measure"] for row in json.loads(result.output)] == [CARERS]


def test_careassure_measures_reads_declarations_and_values_on_one_connection(
        migrated_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:  # noqa: F811
    """The declarations and the values a run of `careassure measures` needs come through one
    engine: one database connection opened, and closed before the command ends."""
    from sqlalchemy import event
    from sqlalchemy.pool import Pool

    from careassure.cli import app

    engine = create_engine(migrated_url)
    try:
        with transaction(engine) as session:
            declare(session, "ada", fields())
        sync(engine)
        with transaction(engine) as session:
            enter_value(session, "ada", Entry(CARERS, date(2025, 9, 30), "212"), today=TODAY)
    finally:
        engine.dispose()
    forget()  # the command reads the declarations afresh, as a new process would
    monkeypatch.setenv("CAREASSURE_DATABASE_URL", migrated_url)
    store = _empty_store(tmp_path / "store.duckdb")
    opened: list[int] = []
    closed: list[int] = []

    def on_connect(connection: Any, _record: Any) -> None:
        opened.append(id(connection))

    def on_close(connection: Any, _record: Any) -> None:
        closed.append(id(connection))

    event.listen(Pool, "connect", on_connect)
    event.listen(Pool, "close", on_close)
    try:
        result = CliRunner().invoke(app, ["measures", "--db", str(store), "--as-of",
                                          "2025-10-31", "-m", CARERS, "-f", "json"])
    finally:
        event.remove(Pool, "connect", on_connect)
        event.remove(Pool, "close", on_close)
    assert result.exit_code == 0, result.output
    assert [row["value"] for row in json.loads(result.output)] == [212]
    assert len(opened) == 1 and closed == opened


def test_naming_computed_measures_never_opens_the_app_database(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """An unreachable database would end the run in one line if it were opened."""
    from careassure.cli import app

    monkeypatch.setenv("CAREASSURE_DATABASE_URL",
                       "postgresql://nobody@127.0.0.1:9/none?connect_timeout=1")
    store = _empty_store(tmp_path / "store.duckdb")
    result = CliRunner().invoke(app, ["measures", "--db", str(store), "--as-of", "2025-09-30",
                                      "-m", "care_act_assessment.waiting", "-f", "json"])
    assert result.exit_code == 0, result.output
    everything = CliRunner().invoke(app, ["measures", "--db", str(store), "--as-of",
                                          "2025-09-30", "-f", "json"])
    assert everything.exit_code == 2 and "cannot read" in everything.output
