"""`careassure plan ...` from the command line: import, export, status, update, override,
history; expected problems exit with status 2 and one clear line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from careassure.cli import app

runner = CliRunner()
# The plan appendix of Leicestershire's committee pack of 19 January 2026, as published.
SEED = Path(__file__).resolve().parents[1] / "fixtures" / "seed004_plan_appendix.txt"
ACTION = "timeliness/care-act-assessment"


def _run(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture
def database(migrated_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("CAREASSURE_DATABASE_URL", migrated_url)
    return migrated_url


@pytest.fixture
def demo(database: str) -> str:
    result = _run("plan", "import", "--demo", "--actor", "tester")
    assert result.exit_code == 0, result.output
    return database


def test_import_the_demo_and_export_it_again(demo: str, tmp_path: Path) -> None:
    out = tmp_path / "plan.yaml"
    result = _run("plan", "export", "--out", str(out))
    assert result.exit_code == 0, result.output
    from careassure.plan.yamlfile import load_demo_plan, read_plan

    assert read_plan(out) == load_demo_plan()
    tsv = _run("plan", "export", "--format", "tsv")
    assert tsv.output.splitlines()[3].split("\t") == [
        "Improvement Area", "Actions", "Outcome(s)", "Delivery Date", "Progress"]
    data = json.loads(_run("plan", "export", "-f", "json").output)
    assert data["key"] == "leicestershire-cqc-2025" and len(data["areas"]) == 11


def test_import_the_seed_table_and_refuse_it_twice(database: str) -> None:
    result = _run("plan", "import", str(SEED), "--council", "Leicestershire County Council")
    assert result.exit_code == 0, result.output
    assert "11 areas, 21 actions, 49 outcomes (0 measured, 49 milestones)" in result.output
    again = _run("plan", "import", str(SEED), "--council", "Leicestershire County Council")
    assert again.exit_code == 2
    assert "already stored: replace it (--replace)" in again.output
    assert _run("plan", "import", str(SEED), "--council", "Leicestershire County Council",
                "--replace").exit_code == 0
    assert _run("plan", "remove", "leicestershire-county-council").exit_code == 0
    gone = _run("plan", "remove", "leicestershire-county-council")
    assert gone.exit_code == 2
    assert "no plan 'leicestershire-county-council' is stored" in gone.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["plan", "import", "SEED"], "a seed table does not name the council: give --council"),
        (["plan", "import"], "give a plan file or --demo (exactly one)"),
        (["plan", "import", "missing.yaml"], "missing.yaml: cannot read the plan file"),
        (["plan", "status"], "no improvement plan is stored: import one"),
        (["plan", "status", "--as-of", "31/02/2026"], "--as-of '31/02/2026' is not a date"),
    ],
)
def test_expected_problems_exit_2_with_one_line(database: str, args: list[str],
                                                message: str) -> None:
    result = _run(*[str(SEED) if a == "SEED" else a for a in args])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_a_bad_plan_file_names_the_entry(database: str, tmp_path: Path) -> None:
    from careassure.plan.yamlfile import load_demo_plan, plan_data

    data = plan_data(load_demo_plan())
    data["areas"][0]["actions"][0]["outcomes"][1]["measure"] = "care_act.median"
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = _run("plan", "import", str(bad))
    assert result.exit_code == 2
    assert (f"{bad}: area 'timeliness' / action 'care-act-assessment' / outcome 'median-wait': "
            "measure 'care_act.median' is not in the catalogue") in result.output


def test_status_from_a_store_as_json_and_table(demo: str, store: Path) -> None:
    result = _run("plan", "status", "--store", str(store), "-f", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["as_of"] == "2025-02-15" and len(data["areas"]) == 11  # the data's end
    outcome = data["areas"][0]["actions"][0]["outcomes"][1]
    assert outcome["measure"] == "care_act_assessment.median_wait"
    assert outcome["rag"]["status"] == "off_track"
    # Waiting at 15/02/2025: two since 01/12/2024 (76 days) and one since that day (0 days).
    assert outcome["rag"]["reason"].startswith("76 days on 15/02/2025 against a target of at most")
    table = _run("plan", "status", "--db", str(store), "--as-of", "01/02/2025")
    assert table.exit_code == 0, table.output
    assert "Timeliness of Assessments" in table.output and "Overall:" in table.output
    assert "RAG as at 01/02/2025" in table.output


def test_status_refuses_a_date_after_the_data_ends(demo: str, store: Path) -> None:
    result = _run("plan", "status", "--store", str(store), "--as-of", "2025-03-02")
    assert result.exit_code == 2
    assert ("--as-of 02/03/2025 is after the store's data end (15/02/2025)" in result.output)


def test_update_freezes_the_current_facts(demo: str, store: Path) -> None:
    result = _run("plan", "update", ACTION, "--narrative", "Two assessors started.",
                  "--date", "2026-01-05", "--as-of", "2025-02-15", "--store", str(store),
                  "--actor", "lead")
    assert result.exit_code == 0, result.output
    assert "Care Act assessments: median wait so far: 76 days on 15/02/2025" in result.output
    history = json.loads(_run("plan", "history", ACTION, "-f", "json").output)
    assert history[0]["kind"] == "progress" and history[0]["actor"] == "lead"
    exported = yaml.safe_load(_run("plan", "export").output)
    update = exported["areas"][0]["actions"][0]["progress"][-1]
    assert update["narrative"] == "Two assessors started."
    assert [f["measure"] for f in update["facts"]] == [
        "care_act_assessment.pct_over_28", "care_act_assessment.median_wait",
        "care_act_assessment.max_wait"]
    assert update["facts"][1]["current"]["value"] == 76.0


def test_update_refuses_what_is_not_an_action(demo: str) -> None:
    result = _run("plan", "update", "timeliness", "--narrative", "x", "--no-facts")
    assert result.exit_code == 2 and "is not an action: write AREA/ACTION" in result.output


def test_override_requires_a_reason_and_can_be_cleared(demo: str) -> None:
    missing = _run("plan", "override", ACTION, "--status", "improving")
    assert missing.exit_code == 2 and "needs a written reason" in missing.output
    blank = _run("plan", "override", ACTION, "--status", "improving", "--reason", " ")
    assert blank.exit_code == 2
    done = _run("plan", "override", ACTION, "--status", "improving", "--reason",
                "Six assessors start on 2 February", "--actor", "manager")
    assert done.exit_code == 0, done.output
    status = json.loads(_run("plan", "status", "-f", "json", "--as-of", "2026-01-05").output)
    rag = status["areas"][0]["actions"][0]["rag"]
    assert rag["status"] == "improving"
    assert rag["reason"].startswith("Overridden to improving by manager on ")
    assert "Six assessors start on 2 February" in rag["reason"]
    assert _run("plan", "override", ACTION, "--clear").exit_code == 0
    again = _run("plan", "override", ACTION, "--clear")
    assert again.exit_code == 2 and "has no override to clear" in again.output
    history = _run("plan", "history", ACTION).output
    assert "RAG override cleared" in history
    assert "RAG set to improving by override: Six assessors start on 2 February" in history


def test_action_status_and_milestones_from_the_command_line(demo: str) -> None:
    item = "timeliness/waiting-well/monitoring-in-place"
    assert _run("plan", "action", "timeliness/waiting-well", "--status", "complete").exit_code == 0
    done = _run("plan", "milestone", item, "--done", "--date", "2026-02-01",
                "--evidence", "https://example.org/waiting-well")
    assert done.exit_code == 0, done.output
    status = json.loads(_run("plan", "status", "-f", "json", "--as-of", "2026-02-02").output)
    outcome = status["areas"][0]["actions"][5]["outcomes"][0]
    assert outcome["rag"]["status"] == "met"
    assert outcome["rag"]["reason"] == "Done on 01/02/2026; evidence: https://example.org/waiting-well"
    assert status["areas"][0]["actions"][5]["status"] == "complete"
    wrong = _run("plan", "milestone", "timeliness/care-act-assessment/median-wait", "--done")
    assert wrong.exit_code == 2 and "a measured outcome is met by its measure" in wrong.output
    dated = _run("plan", "milestone", item, "--not-done", "--date", "2026-02-01")
    assert dated.exit_code == 2 and "give it with --done" in dated.output
    assert _run("plan", "action", "timeliness/waiting-well").exit_code == 2


def test_the_public_api_names_resolve() -> None:
    import careassure.plan as plan

    assert plan.__all__ == sorted(plan.__all__)
    for name in plan.__all__:
        assert getattr(plan, name) is not None
    with pytest.raises(AttributeError):
        plan.no_such_name  # noqa: B018


def test_every_plan_help_ends_with_an_example() -> None:
    for command in ("import", "export", "status", "update", "override", "history", "action",
                    "milestone", "remove"):
        result = _run("plan", command, "--help")
        assert result.exit_code == 0
        assert "Example:" in result.output, command
