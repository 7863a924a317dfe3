"""How fast the web app serves the overview and a measure page to 20 signed-in people at once
(goal: warm p95 under 150 ms on 2 cores; the first request after start-up or an upload under 1 s).

Set-up: ``careassure demo --no-serve`` builds a small synthetic county (scale 0.1 by default),
the demo plan, self-assessment and logins in a temporary home folder; ``careassure serve`` runs
the app as a council would (one uvicorn worker) on a free loopback port, in its own process.
Twenty clients each sign in through the form (so each has its own session, as twenty people
would), then each asks for a page ``REQUESTS_EACH`` times in a row, all twenty at once.

Reported apart: the first overview and measure page after start-up (``serve`` computes the
overview's figures in the background at start-up, so by then it is usually cached), and after
an upload of the same county through the data page (a new data version: every cached figure is
dropped, and the overview's are computed again in the background as the upload ends). Each
figure is computed once per data version: the cache (``careassure.web.figures``) is keyed on the
store file's identity, so warm requests only render.

Baseline (same run, same server, same clients): a static file (``/static/careassure.css``),
which passes the same middleware (security headers, CSRF) but renders nothing and reads no
data. The ratios are page p95 / baseline p95: the cost of the page itself.

The load generator (httpx, asyncio) runs on the same 2 cores as the server, so the figures are
pessimistic; wrk or locust on another machine would measure the server alone.

Filtered pages (issue "a dashboard an analyst can live in"): one signed-in client asks, one
request at a time, for the static file, then for a measure page filtered by a team and broken
down by team, and for the overview filtered by the same team. The first request of each is
cold (the filtered figures are computed); the rest are warm (cached per data version and
filter). Goals at scale 1: the filtered measure page under 300 ms warm, the filtered overview
under 500 ms; reported with their ratio to the static file's time in the same run.

Run: ``python -m benchmarks web`` (``CAREASSURE_BENCH_WEB_SCALE`` or ``--scale`` for the size).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import time

import httpx

from benchmarks._served_demo import ServedDemo, percentile_ms, served_demo, sign_in, upload

USERS = 20
REQUESTS_EACH = 25
GOAL_P95_MS = 150.0
GOAL_FIRST_MS = 1000.0
MEASURE_PAGE = "/measures/care_act_assessment.median_wait"
SCALE = float(os.environ.get("CAREASSURE_BENCH_WEB_SCALE", "0.1"))
WORKERS = int(os.environ.get("CAREASSURE_BENCH_WEB_WORKERS", "1"))
TEAM_BOX = re.compile(r'<input[^>]*name="team"[^>]*value="([^"]+)"')
FILTERED_GOALS_MS = {"measure page, filtered by team": 300.0, "overview, filtered by team": 500.0}


async def _one_user(client: httpx.AsyncClient, path: str, times: list[float],
                    each: int = REQUESTS_EACH) -> None:
    for _ in range(each):
        started = time.perf_counter()
        response = await client.get(path)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, f"{path}: HTTP {response.status_code}"


async def _load(clients: list[httpx.AsyncClient], path: str) -> tuple[list[float], float]:
    times: list[float] = []
    started = time.perf_counter()
    await asyncio.gather(*(_one_user(c, path, times) for c in clients))
    return times, time.perf_counter() - started


def _report(label: str, times: list[float], elapsed: float) -> float:
    p50, p95 = percentile_ms(times, 50), percentile_ms(times, 95)
    print(f"{label:<44} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  max {max(times) * 1000:6.1f} ms  "
          f"{len(times) / elapsed:6.0f} requests/s")
    return p95


async def _first(client: httpx.AsyncClient, path: str) -> float:
    started = time.perf_counter()
    response = await client.get(path)
    assert response.status_code == 200, f"{path}: HTTP {response.status_code}"
    return (time.perf_counter() - started) * 1000


async def _sequential(client: httpx.AsyncClient, path: str) -> tuple[float, list[float]]:
    """The first (cold) request's time and the next ``REQUESTS_EACH`` (warm), one at a time."""
    times = []
    for _ in range(REQUESTS_EACH + 1):
        started = time.perf_counter()
        response = await client.get(path)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, f"{path}: HTTP {response.status_code}"
    return times[0], times[1:]


async def _filtered(client: httpx.AsyncClient) -> None:
    from urllib.parse import quote

    found = TEAM_BOX.search((await client.get("/")).text)
    assert found, "no team to filter by on the overview"
    team = quote(found.group(1))
    print(f"one user, {REQUESTS_EACH} requests one at a time (after one cold request):")
    _, static = await _sequential(client, "/static/careassure.css")
    base_p95 = _report("baseline /static/careassure.css", static, sum(static))
    pages = {
        "measure page, filtered by team":
            f"/measures/care_act_assessment.median_wait?team={team}&by=team",
        "overview, filtered by team": f"/?team={team}",
    }
    for label, path in pages.items():
        cold, warm = await _sequential(client, path)
        p95 = _report(label, warm, sum(warm))
        goal = FILTERED_GOALS_MS[label]
        print(f"  cold {cold * 1000:.0f} ms; warm p95 {p95 / base_p95:.1f}x the baseline's; "
              f"goal (scale 1) warm < {goal:.0f} ms: {'met' if p95 < goal else 'NOT met'}")


async def _run(demo: ServedDemo) -> None:
    limits = httpx.Limits(max_connections=1)
    clients = [httpx.AsyncClient(base_url=demo.base, limits=limits, timeout=30)
               for _ in range(USERS)]
    try:
        for client in clients:
            await sign_in(client, demo.password)
        print(f"first request after start-up: overview {await _first(clients[0], '/'):.0f} ms, "
              f"measure page {await _first(clients[0], MEASURE_PAGE):.0f} ms "
              f"(goal < {GOAL_FIRST_MS:.0f} ms)")
        await _load(clients, "/static/careassure.css")  # warm-up: connections, caches
        print(f"{USERS} signed-in users x {REQUESTS_EACH} requests each, all at once:")
        base_p95 = _report("baseline /static/careassure.css", *await _load(
            clients, "/static/careassure.css"))
        for label, path in (("overview /", "/"), (f"measure page {MEASURE_PAGE}", MEASURE_PAGE)):
            p95 = _report(label, *await _load(clients, path))
            met = "met" if p95 < GOAL_P95_MS else "NOT met"
            print(f"  p95 is {p95 / base_p95:.1f}x the baseline's; goal p95 < "
                  f"{GOAL_P95_MS:.0f} ms: {met}")
        await _filtered(clients[0])
        took = await upload(demo)
        print(f"upload of the same county answered in {took:.1f} s")
        print(f"first request after the upload: overview {await _first(clients[1], '/'):.0f} ms,"
              f" measure page {await _first(clients[1], MEASURE_PAGE):.0f} ms "
              f"(goal < {GOAL_FIRST_MS:.0f} ms)")
    finally:
        for client in clients:
            await client.aclose()


def main(scale: float = SCALE, workers: int = WORKERS) -> None:
    with served_demo("careassure-bench-web-", scale, scale, workers) as demo:
        asyncio.run(_run(demo))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=SCALE)
    parser.add_argument("--workers", type=int, default=WORKERS)
    arguments = parser.parse_args()
    main(arguments.scale, arguments.workers)
