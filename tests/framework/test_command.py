"""`careassure cqc ...` and `careassure db upgrade` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from framework_samples import DOCUMENTS
from typer.testing import CliRunner

from careassure.cli import app

runner = CliRunner()


def _run(*args: str):
    return runner.invoke(app, list(args))


def test_score_json_is_the_documented_contract() -> None:
    result = _run("cqc", "score", "2,2,2,2,3,2,2,2,3", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert list(data)[:6] == [
        "total",
        "max",
        "percent",
        "rating",
        "next_band",
        "points_to_next_band",
    ]
    assert {k: data[k] for k in list(data)[:6]} == {
        "total": 20,
        "max": 36,
        "percent": 56,
        "rating": "Requires improvement",
        "next_band": "Good",
        "points_to_next_band": 3,
    }
    assert data["statements"][4] == {
        "id": "partnerships",
        "code": "QS5",
        "name": "Partnerships and communities",
        "theme": "How local authorities provide support",
        "score": 3,
        "level": "Evidence shows a good standard",
    }


def test_score_table() -> None:
    result = _run("cqc", "score", "2,2,2,2,3,2,2,2,3")
    assert result.exit_code == 0
    assert "Total 20 of 36 = 56%: Requires improvement" in result.output
    assert "3 more points reach Good." in result.output


@pytest.mark.parametrize(
    ("scores", "message"),
    [
        ("2,2,2", "expected 9 scores"),
        ("2,2,2,2,3,2,2,2,0", "score 0 for QS9"),
        ("2,2,2,2,3,2,2,2,5", "score 5 for QS9"),
        ("2,two,2,2,3,2,2,2,3", "'two' for QS2"),
    ],
)
@pytest.mark.parametrize("command", ["score", "whatif"])
def test_invalid_scores_exit_2_with_a_clear_message(
    command: str, scores: str, message: str
) -> None:
    result = _run("cqc", command, scores)
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output


def test_whatif_json_and_table() -> None:
    data = json.loads(_run("cqc", "whatif", "2,2,2,2,3,2,2,2,3", "-f", "json").output)
    assert data["points_needed"] == 3
    assert [o["description"] for o in data["options"]][0] == "any 3 statements +1"
    table = _run("cqc", "whatif", "2,2,2,2,3,2,2,2,3", "--target", "Outstanding").output
    assert "Outstanding needs 12 more points" in table
    bad = _run("cqc", "whatif", "2,2,2,2,3,2,2,2,3", "--target", "Excellent")
    assert bad.exit_code == 2 and "unknown rating 'Excellent'" in bad.output


def test_timeline_from_notification_reproduces_seed_002() -> None:
    result = _run(
        "cqc",
        "timeline",
        "--notified",
        "2024-09-09",
        "--returned",
        "27/09/2024",
        "--today",
        "2024-11-04",
        "-f",
        "json",
    )
    assert result.exit_code == 0, result.output
    milestones = {m["key"]: m for m in json.loads(result.output)["milestones"]}
    assert milestones["information_return"]["due"] == "2024-09-27"
    assert milestones["information_return"]["status"] == "done"
    assert milestones["site_visit"]["due"] == "2025-03-09"
    table = _run("cqc", "timeline", "--notified", "2024-09-09", "--today", "2024-10-01").output
    assert "27/09/2024" in table and "09/03/2025" in table


def test_timeline_from_publication_flags_the_window() -> None:
    result = _run(
        "cqc",
        "timeline",
        "--published",
        "2025-09-17",
        "--rating",
        "Requires improvement",
        "--today",
        "2027-10-01",
    )
    assert result.exit_code == 0, result.output
    assert "due by 17/09/2028" in result.output and "inside the window now" in result.output
    data = json.loads(
        _run(
            "cqc",
            "timeline",
            "--published",
            "2025-09-17",
            "--rating",
            "Good",
            "--today",
            "2026-01-01",
            "-f",
            "json",
        ).output
    )
    assert data["next_assessment"]["due"] == "2029-09-17"
    assert data["next_assessment"]["inside_window"] is False


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "give the notification date"),
        (["--notified", "9th September"], "--notified '9th September' is not a date"),
        (["--published", "2025-09-17", "--rating", "Brilliant"], "unknown rating"),
        (["--notified", "2024-09-09", "--site-visit", "2024-08-01"], "is before notification"),
    ],
)
def test_timeline_errors_exit_2(args: list[str], message: str) -> None:
    result = _run("cqc", "timeline", *args)
    assert result.exit_code == 2 and message in result.output


def test_database_commands_need_an_upgraded_database() -> None:
    result = _run("cqc", "evidence", "list")
    assert result.exit_code == 2
    assert "run `careassure db upgrade`" in result.output


def test_db_upgrade_reports_bad_urls() -> None:
    result = _run("db", "upgrade", "--url", "mysql://u@h/d")
    assert result.exit_code == 2 and "unsupported database 'mysql'" in result.output


@pytest.fixture
def database(db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("CAREASSURE_DATABASE_URL", db_url)
    result = _run("db", "upgrade")
    assert result.exit_code == 0, result.output
    assert "is at revision" in result.output
    return db_url


def test_evidence_self_assessment_and_readiness_end_to_end(
    database: str, tmp_path: Path, careassure_home: Path
) -> None:
    document = tmp_path / "Carers survey.pdf"
    document.write_bytes(DOCUMENTS["policy.pdf"])
    added = _run(
        "cqc",
        "evidence",
        "add",
        "--title",
        "Carers survey 2025",
        "--owner",
        "Carers lead",
        "-s",
        "QS1",
        "-s",
        "Supporting people to lead healthier lives",
        "--category",
        "People's experience",
        "--date",
        "2025-11-01",
        "--review-by",
        "2099-11-01",
        "--file",
        str(document),
        "-c",
        "carers",
        "--actor",
        "analyst",
    )
    assert added.exit_code == 0, added.output
    assert "added evidence item 1" in added.output
    assert len(list((careassure_home / "evidence").iterdir())) == 1
    linked = _run(
        "cqc",
        "evidence",
        "add",
        "--title",
        "Old safeguarding audit",
        "--owner",
        "SAB",
        "-s",
        "QS7",
        "--category",
        "processes",
        "--date",
        "2024-01-01",
        "--review-by",
        "2025-01-01",
        "--link",
        "https://example.org/audit",
    )
    assert linked.exit_code == 0, linked.output
    listed = json.loads(_run("cqc", "evidence", "list", "-f", "json").output)
    assert [(i["id"], i["stale"], i["file_name"]) for i in listed] == [
        (1, False, "Carers survey.pdf"),
        (2, True, None),
    ]
    assert [
        i["id"] for i in json.loads(_run("cqc", "evidence", "list", "--stale", "-f", "json").output)
    ] == [2]
    updated = _run("cqc", "evidence", "update", "2", "--review-by", "2099-01-01")
    assert updated.exit_code == 0, updated.output
    completeness = json.loads(_run("cqc", "evidence", "completeness", "-f", "json").output)
    assert completeness["lacking"]["peoples_experience"][0] == "equity"
    assert completeness["stale_items"] == []
    table = _run("cqc", "evidence", "completeness").output
    assert "No current People's experience evidence for: QS3" in table

    for code, value in zip(range(1, 10), [2, 2, 2, 2, 3, 2, 2, 2, 3], strict=True):
        result = _run("cqc", "self-assessment", "set", f"QS{code}", "--score", str(value))
        assert result.exit_code == 0, result.output
    data = json.loads(_run("cqc", "self-assessment", "--format", "json").output)
    assert data["estimate"]["percent"] == 56
    assert data["estimate"]["rating"] == "Requires improvement"
    assert data["statements"][0]["evidence"][0]["title"] == "Carers survey 2025"
    assert "Estimated from 9 of 9 statements" in _run("cqc", "self-assessment").output

    readiness = json.loads(_run("cqc", "readiness", "-f", "json").output)
    carers = next(c for c in readiness["characteristics"] if c["id"] == "carers")
    assert carers["status"] == "partly"
    assert "Carers and families" in _run("cqc", "readiness").output

    removed = _run("cqc", "evidence", "remove", "2")
    assert removed.exit_code == 0
    assert _run("cqc", "evidence", "remove", "2").exit_code == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--file", "/no/such/file.pdf"], "no such file"),
        (["--file", "/tmp"], "/tmp is a folder: give one document"),
        (["--link", "https://example.org", "--name", "x.pdf"], ""),
        (["--link", "ftp://example.org"], "http:// or https://"),
    ],
)
def test_evidence_add_errors_exit_2(database: str, args: list[str], message: str) -> None:
    base = [
        "cqc",
        "evidence",
        "add",
        "--title",
        "T",
        "--owner",
        "O",
        "-s",
        "QS1",
        "--category",
        "processes",
        "--date",
        "2025-01-01",
    ]
    result = _run(*base, *args)
    if message:
        assert result.exit_code == 2 and message in result.output
    else:
        assert result.exit_code == 0, result.output


def test_evidence_add_refuses_a_disguised_file(database: str, tmp_path: Path) -> None:
    fake = tmp_path / "report.pdf"
    fake.write_bytes(DOCUMENTS["chart.png"])
    result = _run(
        "cqc",
        "evidence",
        "add",
        "--title",
        "T",
        "--owner",
        "O",
        "-s",
        "QS1",
        "--category",
        "processes",
        "--date",
        "2025-01-01",
        "--file",
        str(fake),
    )
    assert result.exit_code == 2 and "looks like image/png" in result.output
    tricky = _run(
        "cqc",
        "evidence",
        "add",
        "--title",
        "T",
        "--owner",
        "O",
        "-s",
        "QS1",
        "--category",
        "processes",
        "--date",
        "2025-01-01",
        "--file",
        str(fake),
        "--name",
        "../../report.pdf",
    )
    assert tricky.exit_code == 2 and "path separator" in tricky.output


def test_self_assessment_set_errors_exit_2(database: str) -> None:
    bad = _run("cqc", "self-assessment", "set", "QS1", "--category", "processes:2")
    assert bad.exit_code == 2 and "CATEGORY=SCORE" in bad.output
    both = _run("cqc", "self-assessment", "set", "QS1", "--score", "2", "--clear-score")
    assert both.exit_code == 2
    nothing = _run("cqc", "self-assessment", "set", "QS1")
    assert nothing.exit_code == 2 and "nothing to set" in nothing.output
    unknown = _run("cqc", "self-assessment", "set", "QS10", "--score", "2")
    assert unknown.exit_code == 2 and "unknown quality statement" in unknown.output


def test_live_measures_default_to_the_data_end_and_refuse_later_dates(
    database: str, tmp_path: Path
) -> None:
    from careassure.records.store import open_store

    store = tmp_path / "store.duckdb"
    with open_store(store, read_only=False) as opened:
        opened.connection.execute(
            "INSERT INTO contacts (contact_id, received_at, answered, extract) "
            "VALUES ('C1', TIMESTAMP '2026-03-31 09:00:00', true, 't')")
    readiness = _run("cqc", "readiness", "--store", str(store), "--format", "json")
    assert readiness.exit_code == 0, readiness.output
    assert json.loads(readiness.output)["as_of"] == "2026-03-31"
    later = _run("cqc", "self-assessment", "--store", str(store), "--as-of", "2026-04-01")
    assert later.exit_code == 2
    assert "--as-of 01/04/2026 is after the store's data end (31/03/2026)" in later.output
