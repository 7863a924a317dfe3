"""``careassure demo --no-serve`` on a tiny synthetic county: everything the web app needs is
loaded once, on SQLite and PostgreSQL, and a second run re-uses all of it."""

from __future__ import annotations

import re
import socket
import stat
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from careassure.appdb.testing import db_url  # noqa: F401
from careassure.cli import app

SCALE = "0.01"
runner = CliRunner()


def _demo(*args: str) -> str:
    result = runner.invoke(app, ["demo", "--scale", SCALE, *args], terminal_width=200)
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def _logins(output: str) -> dict[str, str]:
    return dict(re.findall(r"username (\w+)\s+password (\S+)", output))


def _audit_rows(url: str) -> int:
    from careassure.appdb import AuditEntry, create_engine, transaction

    engine = create_engine(url)
    try:
        with transaction(engine) as session:
            return session.scalar(select(func.count()).select_from(AuditEntry)) or 0
    finally:
        engine.dispose()


def test_demo_loads_everything_once_and_reuses_it(
    db_url: str,  # noqa: F811
    careassure_home: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CAREASSURE_DATABASE_URL", db_url)
    first = _demo("--no-serve")

    assert "Loaded " in first and "Imported the demo improvement plan" in first
    assert "Imported the demo budget: Medium Term Financial Strategy 2026/27-2029/30" in first
    assert "Self-assessment: 20 of 36 = 56%, Requires improvement." in first
    assert "values of the reported measures (demo data (synthetic history))." in first
    assert "Imported 6,376 published national figures (2015-16 to 2022-23)" in first
    assert (careassure_home / "council-code").read_text().strip() == "E10000018"
    assert (careassure_home / "synthetic-load").read_text().strip()  # the county is marked
    password_file = careassure_home / "demo-password"
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
    password = password_file.read_text().strip()
    assert len(password) >= 12
    assert _logins(first) == dict.fromkeys(["admin", "manager", "lead", "analyst", "viewer"],
                                            password)
    audited = _audit_rows(db_url)

    second = _demo("--no-serve")
    assert "Loaded " not in second and "Imported" not in second
    assert "Self-assessment: 20 of 36 = 56%, Requires improvement." in second
    assert _logins(second) == _logins(first)
    assert _audit_rows(db_url) == audited, "a second run must change nothing"

    _check_database(db_url, password)
    _check_kept_figures(careassure_home)


def _check_kept_figures(home: Path) -> None:
    """Every computed measure at the extract date is kept for the command line, and is what
    computing it gives; no reported measure is kept."""
    from careassure.measures import CATALOGUE, compute
    from careassure.measures.figure_cache import figure_cache
    from careassure.measures.reported import reported_ids
    from careassure.records.store import open_store

    store_file = home / "store.duckdb"
    computed = [m for m in CATALOGUE if m not in reported_ids()]
    kept = figure_cache(store_file).get(computed, None, None, None)
    assert kept is not None, "the demo kept every computed measure"
    assert figure_cache(store_file).get(sorted(reported_ids())[:1], None, None, None) is None
    with open_store(store_file) as store:
        as_of = store.extract_date()
        assert as_of is not None
        sample = computed[::25]
        fresh = compute(store, as_of, measures=sample)
    assert [(v.measure, v.value, v.denominator) for v in kept if v.measure in sample] == [
        (v.measure, v.value, v.denominator) for v in fresh]


def _check_database(url: str, password: str) -> None:
    from careassure.appdb import create_engine, transaction
    from careassure.compare.store import council_comparisons
    from careassure.framework.evidence import list_evidence
    from careassure.framework.tables import SelfAssessmentStatement
    from careassure.plan import actions_owned_by, load_plan
    from careassure.web.accounts import get_user, verify

    engine = create_engine(url)
    try:
        with transaction(engine) as session:
            rows = {r.statement_id: r for r in session.scalars(select(SelfAssessmentStatement))}
            assert {k for k, r in rows.items() if r.score == 3} == {"partnerships", "learning"}
            assert sorted(r.score for r in rows.values()) == [2] * 7 + [3] * 2
            assert all(r.strengths and r.areas_for_development for r in rows.values())
            evidence = list_evidence(session, date.today())
            assert len(evidence) == 6 and sum(e.stale for e in evidence) == 1
            found = {c.code: c.latest for c in council_comparisons(session, "E10000018")}
            assert len(found) == 7  # every published measure, beside England and neighbours
            asc3 = found["ASC3"]
            assert (asc3.value, asc3.england.median, asc3.england.counted) == (61.8, 67.5, 149)
            assert asc3.neighbours is not None and asc3.neighbours.median == 67.6
            plan = load_plan(session)
            assert plan.council == "Leicestershire County Council"
            from careassure.reported.service import current_values

            reported = {v.measure_id for v in current_values(session)}
            assert "reported.fnc_determinations_per_50k" in reported and len(reported) == 10
            owned = actions_owned_by(session, "lead")
            assert owned and all(path.startswith("timeliness/") for path in owned)
            for username, role in [("admin", "admin"), ("manager", "improvement_manager"),
                                   ("lead", "workstream_lead"), ("analyst", "analyst"),
                                   ("viewer", "viewer")]:
                user = get_user(session, username)
                assert user is not None and user.role == role and verify(user, password)
    finally:
        engine.dispose()


def test_a_demo_user_whose_password_was_changed_gets_the_demo_password_back(
    tmp_path: Path, careassure_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("CAREASSURE_DATABASE_URL", url)
    password = _logins(_demo("--no-serve"))["admin"]

    from careassure.appdb import create_engine, transaction
    from careassure.web.accounts import get_user, update_user, verify

    engine = create_engine(url)
    try:
        with transaction(engine) as session:
            update_user(session, "tester", "viewer", password="something-else-entirely")
        _demo("--no-serve")
        with transaction(engine) as session:
            assert verify(get_user(session, "viewer"), password)
    finally:
        engine.dispose()


def test_a_taken_port_is_refused_before_anything_is_loaded(careassure_home: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = runner.invoke(app, ["demo", "--scale", SCALE, "--port", str(port)])
    assert result.exit_code == 2
    assert f"port {port} on 127.0.0.1 is in use" in result.output
    assert not (careassure_home / "store.duckdb").exists()
