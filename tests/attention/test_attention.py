"""Needs attention: each provider on a plan and evidence built by hand, the list they make
together, and the e-mail digest composed, sent to a local SMTP server and sent by the CLI."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from smtp_server import smtp_server
from typer.testing import CliRunner

from careassure.attention.digest import (
    DigestError,
    DigestSettings,
    body_text,
    compose,
    send,
)
from careassure.attention.items import Attention, ordered, owned_by
from careassure.attention.providers import (
    actions_past_due,
    evidence_going_stale,
    needs_attention,
    outcomes_slipping,
    values_due,
)
from careassure.framework.evidence import EvidenceView
from careassure.measures.reported import ReportedMeasure, ReportedValue, due_values
from careassure.plan.model import (
    ActionSpec,
    AreaSpec,
    MeasuredTarget,
    Milestone,
    OutcomeSpec,
    OverrideSpec,
    PlanSpec,
)
from careassure.plan.status import PlanStatus, evaluate

TODAY = date(2026, 3, 10)
PLAN = PlanSpec(
    "test", "Test plan", "Shireham", date(2025, 1, 1),
    (
        AreaSpec("timeliness", "Timeliness", (
            # due by 31/01/2026, in progress on 10/03/2026: past due; its milestone is overdue
            ActionSpec("late", "Clear the backlog", date(2026, 1, 1), owner_account="lead",
                       status="in_progress",
                       outcomes=(OutcomeSpec("done", "Backlog cleared", milestone=Milestone()),)),
            # due by 31/01/2026 but complete: not past due
            ActionSpec("finished", "Recruit", date(2026, 1, 1), status="complete",
                       outcomes=(OutcomeSpec("hired", "Hired", milestone=Milestone(
                           True, date(2026, 1, 20))),)),
            # due by 31/12/2026: not yet due; its measured outcome has no data (not slipping) and
            # the second is overridden to off track by a manager
            ActionSpec("later", "Waiting well", date(2026, 12, 1), owner_account="other",
                       outcomes=(
                           OutcomeSpec("wait", "Median wait at most 14 days", measured=(
                               MeasuredTarget("care_act_assessment.median_wait", "<=", 14))),
                           OutcomeSpec("audit", "Audit complete", milestone=Milestone()),
                       )),
        )),
    ),
    overrides=(OverrideSpec("timeliness/later/audit", "off_track", "auditor not appointed",
                            "manager", datetime(2026, 3, 9, 9, 0, tzinfo=UTC)),),
)


def _status() -> PlanStatus:
    return evaluate(PLAN, [], TODAY, note="no data")


def _evidence(item_id: int, title: str, review_by: date | None) -> EvidenceView:
    return EvidenceView(
        id=item_id, title=title, owner="Quality team", category="processes",
        statements=("assessing_needs",), characteristics=(), evidence_date=date(2025, 1, 1),
        review_by=review_by, link="https://example.org/x", file_name=None, file_sha256=None,
        content_type=None, size_bytes=None, stale=review_by is not None and review_by < TODAY,
    )


EVIDENCE = [
    _evidence(1, "Old survey", date(2026, 3, 9)),  # stale since yesterday
    _evidence(2, "Audit report", date(2026, 4, 9)),  # due in 30 days: due soon
    _evidence(3, "Strategy", date(2026, 4, 10)),  # 31 days away: not yet
    _evidence(4, "Leaflet", None),  # no review date: never stale
]


def test_actions_past_due_are_the_unfinished_ones_whose_month_has_ended() -> None:
    (item,) = actions_past_due(_status(), TODAY)
    assert (item.kind, item.title, item.href, item.owner, item.due) == (
        "action_past_due", "Clear the backlog", "/plan/timeliness/late", "lead", date(2026, 1, 31)
    )
    assert item.reason == "due by 31/01/2026, in progress"
    assert actions_past_due(_status(), date(2026, 1, 31)) == []  # on time until the month's end


def test_outcomes_slipping_are_off_track_not_met_or_overdue_overrides_included() -> None:
    items = outcomes_slipping(_status())
    assert [(i.title, i.href, i.owner) for i in items] == [
        ("Backlog cleared", "/plan/timeliness/late/done", "lead"),  # overdue milestone
        ("Audit complete", "/plan/timeliness/later/audit", "other"),  # overridden: off track
    ]
    assert items[1].reason.startswith("Overridden to off track by manager on 09/03/2026: "
                                      "auditor not appointed")


def test_evidence_stale_and_due_within_thirty_days() -> None:
    items = evidence_going_stale(EVIDENCE, TODAY)
    assert [(i.kind, i.title, i.href) for i in items] == [
        ("evidence_stale", "Old survey", "/cqc/evidence/1"),
        ("evidence_due", "Audit report", "/cqc/evidence/2"),
    ]
    assert items[0].reason == "review was due 09/03/2026; owner Quality team"
    assert items[1].reason == "review due by 09/04/2026; owner Quality team"
    assert [i.title for i in evidence_going_stale(EVIDENCE, TODAY, within_days=31)][-1] == (
        "Strategy"
    )


def test_the_list_orders_by_kind_then_due_date_and_filters_by_owner() -> None:
    items = needs_attention(_status(), EVIDENCE, TODAY)
    assert [i.kind for i in items] == [
        "action_past_due", "outcome_slipping", "outcome_slipping", "evidence_stale",
        "evidence_due",
    ]
    # the overdue milestone (due 31/01/2026) before the overridden one (due 31/12/2026)
    assert [i.title for i in items[1:3]] == ["Backlog cleared", "Audit complete"]
    assert [i.title for i in owned_by(items, "lead")] == ["Clear the backlog", "Backlog cleared"]
    assert needs_attention(None, EVIDENCE, TODAY) == evidence_going_stale(EVIDENCE, TODAY)


def test_a_kind_the_list_does_not_know_comes_last_under_its_own_name() -> None:
    """What a new provider adds shows without any change to the list."""
    new = Attention("audit_due", "Case file audit", "due for 2025 Q4", "/plan")
    items = ordered([new], evidence_going_stale(EVIDENCE, TODAY))
    assert items[-1] == new and new.heading == "audit_due"


def test_reported_values_due_are_listed_with_their_period_owner_and_page() -> None:
    """A quarterly return first due for the quarter to 30/06/2025, 30 days after each quarter:
    at 20/03/2026 the quarters to 30/09 and 31/12/2025 are due (30/06 was entered; 31/03/2026
    has not ended), oldest first, after the plan's items and before the evidence."""
    fnc = ReportedMeasure(
        "reported.fnc", "FNC determinations per 50,000", "Determinations.", "per_50k", "higher",
        "quarterly", "workstream_lead", "Continuing healthcare team", "ICB return", 0, 1000,
        date(2025, 6, 30))
    entered = [ReportedValue("reported.fnc", date(2025, 6, 30), 32.6)]
    due = values_due([fnc], due_values([fnc], entered, date(2026, 3, 20)))
    assert [(i.kind, i.title, i.href, i.due) for i in due] == [
        ("value_due", "FNC determinations per 50,000", "/reported/reported.fnc",
         date(2025, 10, 30)),
        ("value_due", "FNC determinations per 50,000", "/reported/reported.fnc",
         date(2026, 1, 30)),
    ]
    assert due[0].reason == ("the value for the period ending 30/09/2025 was due 30/10/2025; "
                             "owner Continuing healthcare team")
    assert due[0].heading == "Reported values due" and due[0].owner is None
    items = needs_attention(_status(), EVIDENCE, TODAY, due)
    kinds = [i.kind for i in items]
    assert kinds.index("value_due") > kinds.index("outcome_slipping")
    assert kinds.index("value_due") < kinds.index("evidence_stale")


SETTINGS = DigestSettings("127.0.0.1", 25, "careassure@council.example",
                          ("improvement@council.example", "lead@council.example"),
                          site_url="https://careassure.council.example")


def test_the_digest_lists_each_kind_with_links_to_act_on() -> None:
    items = needs_attention(_status(), EVIDENCE, TODAY)
    text = body_text(items, "Shireham", TODAY, SETTINGS.site_url)
    assert text.startswith("Needs attention in Shireham's improvement plan and CQC evidence, "
                           "10/03/2026.\n")
    assert "Actions past their due date (1)\n\n- Clear the backlog: due by 31/01/2026, in " \
        "progress\n  https://careassure.council.example/plan/timeliness/late\n" in text
    assert "Evidence past its review date (1)" in text
    assert "Evidence due for review soon (1)" in text
    assert body_text([], "Shireham", TODAY).endswith("Nothing needs attention today.\n")
    message = compose(items, SETTINGS, "Shireham", TODAY)
    assert message["Subject"] == "careassure: 5 items need attention (10/03/2026)"
    assert message["To"] == "improvement@council.example, lead@council.example"


def test_settings_come_from_the_environment_and_bad_ones_are_named() -> None:
    assert DigestSettings.from_env({}) is None
    env = {"CAREASSURE_SMTP_HOST": "smtp.council.example", "CAREASSURE_SMTP_PORT": "587",
           "CAREASSURE_SMTP_STARTTLS": "1", "CAREASSURE_SMTP_USERNAME": "digest",
           "CAREASSURE_SMTP_PASSWORD": "secret", "CAREASSURE_DIGEST_FROM": "a@council.example",
           "CAREASSURE_DIGEST_TO": "b@council.example, c@council.example",
           "CAREASSURE_SITE_URL": "https://x.example/"}
    settings = DigestSettings.from_env(env)
    assert settings == DigestSettings("smtp.council.example", 587, "a@council.example",
                                      ("b@council.example", "c@council.example"), True,
                                      "digest", "secret", "https://x.example")
    for name, value, words in [
        ("CAREASSURE_SMTP_PORT", "smtp", "is not a port number"),
        ("CAREASSURE_SMTP_PORT", "70000", "is not a port number"),
        ("CAREASSURE_DIGEST_FROM", "", "CAREASSURE_DIGEST_FROM must be"),
        ("CAREASSURE_DIGEST_TO", "nobody", "CAREASSURE_DIGEST_TO must list"),
    ]:
        with pytest.raises(DigestError, match=words):
            DigestSettings.from_env(env | {name: value})


def test_the_digest_is_sent_to_an_smtp_server_with_its_login() -> None:
    items = needs_attention(_status(), EVIDENCE, TODAY)
    with smtp_server() as (port, received):
        settings = DigestSettings("127.0.0.1", port, SETTINGS.sender, SETTINGS.recipients,
                                  username="digest", password="secret")
        send(compose(items, settings, "Shireham", TODAY), settings)
    (sender, recipients, data), = received.messages
    assert sender == "careassure@council.example"
    assert recipients == ["improvement@council.example", "lead@council.example"]
    assert b"Subject: careassure: 5 items need attention (10/03/2026)" in data
    assert b"- Old survey: review was due 09/03/2026; owner Quality team" in data
    assert received.logins == [("digest", "secret")]


def test_a_server_that_is_not_there_is_a_digest_error_naming_it() -> None:
    with smtp_server() as (port, _):
        pass  # stopped: nothing listens on the port now
    settings = DigestSettings("127.0.0.1", port, SETTINGS.sender, SETTINGS.recipients)
    with pytest.raises(DigestError, match=f"could not send the digest through 127.0.0.1:{port}"):
        send(compose([], settings, "Shireham", TODAY), settings)


def _cli_env(tmp_path, migrated_url: str, **extra: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"CAREASSURE_HOME": str(tmp_path / "home"), "CAREASSURE_DATABASE_URL": migrated_url,
            "CAREASSURE_STORE": str(tmp_path / "no-store.duckdb"), **extra}


def test_careassure_digest_sends_the_list_or_prints_it(tmp_path, migrated_url: str) -> None:  # type: ignore[no-untyped-def]
    from careassure.appdb import create_engine, transaction
    from careassure.cli import app
    from careassure.framework.evidence import add_evidence
    from careassure.framework.model import load_framework
    from careassure.plan.service import import_plan

    engine = create_engine(migrated_url)
    with transaction(engine) as session:
        import_plan(session, PLAN, "tester")
        add_evidence(session, load_framework(), "tester", title="Old survey", owner="Quality",
                     category="processes", statements=["assessing_needs"],
                     evidence_date=date(2020, 1, 1), review_by=date(2021, 1, 1),
                     today=date.today(), link="https://example.org/survey")
    engine.dispose()
    runner = CliRunner()
    off = runner.invoke(app, ["digest"], env=_cli_env(tmp_path, migrated_url))
    assert off.exit_code == 2 and "CAREASSURE_SMTP_HOST" in off.output
    printed = runner.invoke(app, ["digest", "--dry-run"], env=_cli_env(tmp_path, migrated_url))
    assert printed.exit_code == 0, printed.output
    assert "Needs attention in Shireham's" in printed.output
    assert "- Clear the backlog: due by 31/01/2026, in progress" in printed.output
    assert "- Old survey: review was due 01/01/2021; owner Quality" in printed.output
    with smtp_server() as (port, received):
        env = _cli_env(tmp_path, migrated_url, CAREASSURE_SMTP_HOST="127.0.0.1",
                       CAREASSURE_SMTP_PORT=str(port),
                       CAREASSURE_DIGEST_FROM="careassure@council.example",
                       CAREASSURE_DIGEST_TO="team@council.example")
        sent = runner.invoke(app, ["digest"], env=env)
    assert sent.exit_code == 0, sent.output
    assert "to team@council.example" in sent.output
    (_, recipients, data), = received.messages
    assert recipients == ["team@council.example"] and b"Old survey" in data
    bad = runner.invoke(app, ["digest"], env=env | {"CAREASSURE_SMTP_PORT": "x"})
    assert bad.exit_code == 2 and "CAREASSURE_SMTP_PORT 'x' is not a port number" in bad.output
