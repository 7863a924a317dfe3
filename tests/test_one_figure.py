"""One figure everywhere: on the demo, every figure of every measure in every view agrees.

The views: the overview, the measures index, the measure pages and their CSVs (web, at the
extract date, as an analyst sees them), the plan's judged outcomes, the three reports' traced
figures and the DHSC return's JSON and CSV (at three dates), and ``careassure measures --format
json`` (at the same dates). Each figure is keyed by (measure, date, period, breakdown) and must
equal the engine's ``compute`` for that key; and every flow figure must be over the default
period (the 3 months to its date), so a measure at a date has one value wherever it is read.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from careassure.cli import app as cli
from careassure.measures import CATALOGUE, MeasureValue, compute
from careassure.measures.calendar import default_period_start
from careassure.measures.format import format_value, period_text
from webhelpers import signed_in

SCALE = "0.02"
Key = tuple[str, date, date | None, str]  # measure, as_of, period_start, breakdown (JSON)


# The sweep builds the demo and reads every figure on every page, export and report: minutes,
# so `make check` leaves it to `make test` and CI.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    home = tmp_path_factory.mktemp("one-figure-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CAREASSURE_HOME", str(home))
        patch.delenv("CAREASSURE_DATABASE_URL", raising=False)
        patch.delenv("CAREASSURE_TARGETS", raising=False)
        result = CliRunner().invoke(cli, ["demo", "--no-serve", "--scale", SCALE],
                                    terminal_width=200)
        assert result.exit_code == 0, result.output + repr(result.exception)
        yield {"home": home, "store": home / "store.duckdb",
               "database_url": f"sqlite:///{home / 'careassure.db'}",
               "password": (home / "demo-password").read_text().strip()}


@pytest.fixture(scope="module")
def dates(demo: dict[str, Any]) -> tuple[date, date, date]:
    """The extract date, the quarter end before it and a day in mid-month."""
    from careassure.records.store import open_store

    with open_store(demo["store"]) as store:
        extract = store.extract_date()
    assert extract is not None
    quarter_end = date(extract.year, 3 * ((extract.month - 1) // 3) + 1, 1) - timedelta(days=1)
    return extract, quarter_end, extract - timedelta(days=47)


def entered_values(database_url: str) -> tuple[Any, ...]:
    """The reported measures' values the demo entered (the application database holds them)."""
    from careassure.appdb import create_engine, transaction
    from careassure.reported.service import current_values

    engine = create_engine(database_url)
    try:
        with transaction(engine) as session:
            return current_values(session)
    finally:
        engine.dispose()


def reference(store_path: Path, keys: set[Key], reported: tuple[Any, ...] = ()
              ) -> dict[Key, MeasureValue]:
    """The engine's own figure for each key: one ``compute`` per date, period and breakdown
    column, of the measures asked for there (the reported ones from the values entered)."""
    from careassure.records.store import open_store

    wanted: dict[tuple[date, date | None, str | None], set[str]] = {}
    for measure, as_of, period_start, breakdown in keys:
        groups = json.loads(breakdown)
        by = next(iter(groups)) if groups else None
        wanted.setdefault((as_of, period_start, by), set()).add(measure)
    found: dict[Key, MeasureValue] = {}
    with open_store(store_path) as store:
        for (as_of, period_start, by), measures in wanted.items():
            for v in compute(store, as_of, period_start=period_start, by=by,
                             measures=sorted(measures), reported=reported):
                found[_key(v.measure, v.as_of, v.period_start, v.breakdown)] = v
    return found


def _key(measure: str, as_of: date | str, period_start: date | str | None,
         breakdown: dict[str, str] | None) -> Key:
    def day(d: date | str) -> date:
        return d if isinstance(d, date) else date.fromisoformat(d)

    # A snapshot is keyed by its date alone: a reported measure's figure carries the period its
    # value is for, which the views then show and the test compares as text.
    if CATALOGUE[measure].kind == "snapshot":
        period_start = None
    return (measure, day(as_of), day(period_start) if period_start else None,
            json.dumps(breakdown or None, sort_keys=True))


def _same(found: Any, engine: MeasureValue) -> bool:
    return found == "*" or found == engine.value


@pytest.fixture(scope="module")
def seen(demo: dict[str, Any], dates: tuple[date, date, date]) -> dict[str, dict[Key, Any]]:
    """Every figure each view shows: view -> key -> the figure (a number, None, "*" or, for
    web pages, the text shown with its period)."""
    views: dict[str, dict[Key, Any]] = {}
    views.update(_cli(demo, dates))
    views.update(_reports_and_plan(demo, dates))
    views.update(_web(demo, dates[0]))
    return views


def _cli(demo: dict[str, Any], dates: tuple[date, ...]) -> dict[str, dict[Key, Any]]:
    found: dict[Key, Any] = {}
    judged: dict[Key, Any] = {}
    for day in dates:
        result = CliRunner().invoke(cli, ["measures", "--store", str(demo["store"]), "--as-of",
                                          day.isoformat(), "--format", "json"])
        assert result.exit_code == 0, result.output
        for row in json.loads(result.output):
            key = _key(row["measure"], row["as_of"], row["period_start"], row["breakdown"])
            found[key] = row["value"]
            judged[key] = (row["target"], row["status"], row["judged_against"])
    return {"cli": found, "cli targets": judged}


def _reports_and_plan(demo: dict[str, Any], dates: tuple[date, ...]) -> dict[str, dict[Key, Any]]:
    from careassure.appdb import transaction
    from careassure.plan.live import plan_status
    from careassure.plan.service import load_plan
    from careassure.reports.dhsc import return_data
    from careassure.reports.generate import Request, build, opened

    views: dict[str, dict[Key, Any]] = {}
    with opened(demo["store"], demo["database_url"]) as (store, engine):
        with transaction(engine) as session:
            plan = load_plan(session)
        for day in dates:
            status = plan_status(plan, day, backend=store)
            for outcome in status.outcomes():
                if outcome.trend is None:
                    continue
                for point in (outcome.trend.current, outcome.trend.baseline):
                    if point is not None:
                        key = _key(point.measure, point.as_of, point.period_start,
                                   point.breakdown)
                        views.setdefault("plan", {})[key] = point.value
                measured = outcome.spec.measured
                current = outcome.trend.current
                if measured is not None and current is not None:
                    views.setdefault("plan targets", {})[_key(
                        current.measure, current.as_of, current.period_start, current.breakdown
                    )] = (measured.comparator, measured.target)
            quarter = f"{day.year}Q{(day.month - 1) // 3 + 1}"
            for kind in ("committee", "self-assessment", "dhsc"):
                document = build(Request(kind, as_of=day, quarter=quarter, publish=False),
                                 store, engine)
                for f in document.trace_json()["figures"]:
                    p = f["parameters"]
                    views.setdefault(f"{kind} trace", {})[
                        _key(f["measure"], p["as_of"], p["period_start"], p["breakdown"])
                    ] = f["value"]
                if kind == "dhsc":
                    _dhsc_return(document, return_data, views)
    return views


def _dhsc_return(document: Any, return_data: Any, views: dict[str, dict[Key, Any]]) -> None:
    """The return's outcome figures, JSON and CSV: each at its date over the default period."""
    data = json.loads(return_data(document, "json"))
    rows = [r for r in csv.DictReader(io.StringIO(return_data(document, "csv").decode()))
            if r["section"] == "outcome"]
    assert len(rows) == len(data["outcomes"])
    for o, row in zip(data["outcomes"], rows, strict=True):
        assert (row["item"], row["measure"]) == (o["outcome"], o["measure"])
        for when in ("this_quarter", "previous_quarter", "baseline"):
            point = o[when]
            if point["as_of"] is None:
                continue
            flow = CATALOGUE[o["measure"]].kind == "flow"
            as_of = date.fromisoformat(point["as_of"])
            key = _key(o["measure"], as_of, default_period_start(as_of) if flow else None,
                       o["breakdown"])
            views.setdefault("dhsc json", {})[key] = point["value"]
            views.setdefault("dhsc csv", {})[key] = ("shown", row[when])


def _web(demo: dict[str, Any], extract: date) -> dict[str, dict[Key, Any]]:
    from fastapi.testclient import TestClient

    from careassure.web import create_app

    app = create_app(store_path=demo["store"], database_url=demo["database_url"],
                     secret_key="one-figure-" * 4, secure_cookies=False,
                     evidence_dir=demo["home"] / "evidence")
    views: dict[str, dict[Key, Any]] = {}
    try:
        with TestClient(app, follow_redirects=False) as client:
            signed_in(client, "analyst", demo["password"])
            for url, view in (("/", "overview"), ("/measures", "measures index")):
                html = client.get(url).text
                for measure, value, period in re.findall(
                        r'href="/measures/([^"]+)">[^<]*</a></th>\s*'
                        r'<td class="govuk-table__cell govuk-table__cell--numeric">([^<]*)</td>\s*'
                        r'<td class="govuk-table__cell">([^<]*)</td>', html):
                    flow = CATALOGUE[measure].kind == "flow"
                    key = _key(measure, extract, default_period_start(extract) if flow else None,
                               None)
                    views.setdefault(view, {})[key] = ("shown", value, period)
            flows = [m for m, d in CATALOGUE.items() if d.kind == "flow"]
            for measure in [*flows, "care_act_assessment.waiting", "review.overdue"]:
                for by in (None, "team") if "team" in CATALOGUE[measure].breakdowns else (None,):
                    url = f"/measures/{measure}/data.csv?months=12" + (f"&by={by}" if by else "")
                    response = client.get(url)
                    assert response.status_code == 200, url
                    for row in csv.DictReader(io.StringIO(response.text.lstrip("\ufeff"))):
                        group = {row["breakdown"]: row["group"]} if row["breakdown"] else None
                        key = _key(row["measure"], row["as_of"], row["period_start"] or None,
                                   group)
                        value = float(row["value"]) if row["value"] else None
                        views.setdefault("measure csv", {})[key] = ("csv", value, row["period"])
    finally:
        app.state.engine.dispose()
    return views


def test_every_view_of_every_figure_agrees_with_the_engine(seen, demo) -> None:
    engine_values = reference(demo["store"], {key for figures in seen.values() for key in figures},
                              entered_values(demo["database_url"]))
    wrong = []
    for view, figures in seen.items():
        if view.endswith("targets"):
            continue  # targets, not figures: the test below
        assert figures, f"{view} showed no figures"
        for key, found in figures.items():
            engine = engine_values[key]
            if isinstance(found, tuple) and found[0] == "shown":
                ok = found[1] == format_value(engine) and (
                    len(found) < 3 or found[2] == period_text(engine.period_start, engine.as_of))
            elif isinstance(found, tuple):  # a CSV cell: the bare figure and the period
                ok = found[1] == (None if engine.value is None else float(engine.value)) and \
                    found[2] == period_text(engine.period_start, engine.as_of)
            else:
                ok = _same(found, engine)
            if not ok:
                wrong.append((view, key, found, engine.value))
    assert not wrong, wrong[:20]


def test_every_flow_figure_is_over_the_one_default_period(seen) -> None:
    odd = [(view, key) for view, figures in seen.items() for key in figures
           if CATALOGUE[key[0]].kind == "flow" and key[2] != default_period_start(key[1])]
    assert not odd, odd[:20]


def test_the_views_cover_each_date_and_overlap(seen, dates) -> None:
    """The test compares something: every date is read by several views, and the web views
    quote the headline measures the reports and the plan also quote."""
    for day in dates:
        views = {view for view, figures in seen.items() if any(k[1] == day for k in figures)}
        assert {"cli", "plan", "committee trace", "self-assessment trace"} <= views, (day, views)
    overview = {k for k in seen["overview"]}
    assert overview <= set(seen["cli"]) and overview & set(seen["measure csv"])
    assert any(CATALOGUE[k[0]].kind == "flow" for k in overview & set(seen["plan"]))


def test_the_command_line_says_whose_target_it_judges_a_plan_measure_by(seen, demo) -> None:
    """For every measure a plan outcome uses, at each date: ``careassure measures --format json``
    gives the council's target (its targets file), says so in ``judged_against``, and judges the
    status by it; where the plan's outcome sets the same target the two agree, and where it sets
    another the command line does not pass the council's off as the plan's."""
    from careassure.measures.targets import load_targets

    council = load_targets()
    cli = seen["cli targets"]
    same = differ = 0
    for key, (comparator, plan_target) in seen["plan targets"].items():
        if key not in cli:  # a breakdown group: the command line was asked for the whole area
            assert json.loads(key[3]), key
            continue
        target, status, against = cli[key]
        own = council.for_measure(key[0])
        if own is None:
            assert (target, status, against) == (None, None, None), key
            differ += 1
            continue
        assert against["set_by"] == "council" and against["file"] == Path(council.source).name
        assert (against["comparator"], against["value"], target) == (
            own.comparator, own.value, own.value), key
        assert status in ("met", "not_met", None)
        if (comparator, plan_target) == (own.comparator, own.value):
            same += 1
        else:
            differ += 1
    assert same, "no plan outcome shares the council's target: the test compares nothing"
    print(f"plan outcomes with the council's target: {same}; with their own: {differ}")
