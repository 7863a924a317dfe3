"""How fast the web app serves the overview to 20 people at once (goal: p95 under 150 ms on
2 cores).

Set-up: ``careassure demo --no-serve`` builds a small synthetic county (scale 0.1 by default),
the demo plan, self-assessment and logins in a temporary home folder; ``careassure serve`` runs
the app as a council would (one uvicorn worker) on a free loopback port, in its own process.
Twenty clients each sign in through the form (so each has its own session, as twenty people
would), then each asks for the overview ``REQUESTS_EACH`` times in a row, all twenty at once.
The first overview request is reported apart (``serve`` computes the overview's figures in the
background at start-up, so by then it is usually cached).

Baseline (same run, same server, same clients): a static file (``/static/careassure.css``),
which passes the same middleware (security headers, CSRF) but renders nothing and reads no
data. The ratio is overview p95 / baseline p95: the cost of the page itself.

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
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

USERS = 20
REQUESTS_EACH = 25
GOAL_P95_MS = 150.0
SCALE = float(os.environ.get("CAREASSURE_BENCH_WEB_SCALE", "0.1"))
WORKERS = int(os.environ.get("CAREASSURE_BENCH_WEB_WORKERS", "1"))
START_TIMEOUT = 60.0
CSRF_FIELD = re.compile(r'name="csrftoken" value="([^"]+)"')
TEAM_BOX = re.compile(r'<input[^>]*name="team"[^>]*value="([^"]+)"')
FILTERED_GOALS_MS = {"measure page, filtered by team": 300.0, "overview, filtered by team": 500.0}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _careassure(*args: str, env: dict[str, str], **kwargs: object) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-c", "from careassure.cli import main; main()", *args]
    return subprocess.Popen(command, env=env, **kwargs)  # type: ignore[call-overload]


def _build(home: Path, scale: float, env: dict[str, str]) -> str:
    """The demo's data in ``home``; returns the demo password."""
    started = time.perf_counter()
    demo = _careassure("demo", "--no-serve", "--scale", f"{scale:g}", env=env,
                       stdout=subprocess.DEVNULL)
    if demo.wait() != 0:
        sys.exit("careassure demo --no-serve failed")
    print(f"demo data (scale {scale:g}) built in {time.perf_counter() - started:.1f} s")
    return (home / "demo-password").read_text().strip()


def _wait_until_up(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"careassure serve exited with status {server.returncode}")
        try:
            if httpx.get(f"{base}/login", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    sys.exit(f"careassure serve did not answer within {START_TIMEOUT:.0f} s")


async def _sign_in(client: httpx.AsyncClient, password: str) -> None:
    form = await client.get("/login")
    token = CSRF_FIELD.search(form.text)
    assert token, "no CSRF field on the sign-in form"
    response = await client.post("/login", data={
        "csrftoken": token.group(1), "username": "manager", "password": password, "next": "/",
    })
    assert response.status_code == 303, f"sign-in failed: {response.status_code}"


async def _one_user(client: httpx.AsyncClient, path: str, times: list[float]) -> None:
    for _ in range(REQUESTS_EACH):
        started = time.perf_counter()
        response = await client.get(path)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, f"{path}: HTTP {response.status_code}"


async def _load(clients: list[httpx.AsyncClient], path: str) -> tuple[list[float], float]:
    times: list[float] = []
    started = time.perf_counter()
    await asyncio.gather(*(_one_user(c, path, times) for c in clients))
    return times, time.perf_counter() - started


def _percentile(times: list[float], pct: float) -> float:
    return statistics.quantiles(times, n=100, method="inclusive")[int(pct) - 1] * 1000


def _report(label: str, times: list[float], elapsed: float) -> float:
    p50, p95 = _percentile(times, 50), _percentile(times, 95)
    print(f"{label:<40} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  max {max(times) * 1000:6.1f} ms  "
          f"{len(times) / elapsed:6.0f} requests/s")
    return p95


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


async def _run(base: str, password: str) -> None:
    limits = httpx.Limits(max_connections=1)
    clients = [httpx.AsyncClient(base_url=base, limits=limits, timeout=30) for _ in range(USERS)]
    try:
        for client in clients:
            await _sign_in(client, password)
        started = time.perf_counter()
        first = await clients[0].get("/")
        assert first.status_code == 200, f"overview: HTTP {first.status_code}"
        print(f"first overview request after start-up: "
              f"{(time.perf_counter() - started) * 1000:.0f} ms")
        await _load(clients, "/static/careassure.css")  # warm-up: connections, caches
        print(f"{USERS} signed-in users x {REQUESTS_EACH} requests each, all at once:")
        base_p95 = _report("baseline /static/careassure.css", *await _load(
            clients, "/static/careassure.css"))
        overview_p95 = _report("overview /", *await _load(clients, "/"))
        met = "met" if overview_p95 < GOAL_P95_MS else "NOT met"
        print(f"overview p95 is {overview_p95 / base_p95:.1f}x the baseline's; "
              f"goal p95 < {GOAL_P95_MS:.0f} ms: {met}")
        await _filtered(clients[0])
    finally:
        for client in clients:
            await client.aclose()


def main(scale: float = SCALE, workers: int = WORKERS) -> None:
    home = Path(tempfile.mkdtemp(prefix="careassure-bench-web-"))
    env = {**os.environ, "CAREASSURE_HOME": str(home)}
    for name in ("CAREASSURE_STORE", "CAREASSURE_DATABASE_URL"):
        env.pop(name, None)
    server = None
    try:
        password = _build(home, scale, env)
        port = _free_port()
        server = _careassure("serve", "--port", str(port), "--workers", str(workers), env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        _wait_until_up(base, server)
        asyncio.run(_run(base, password))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=SCALE)
    parser.add_argument("--workers", type=int, default=WORKERS)
    arguments = parser.parse_args()
    main(arguments.scale, arguments.workers)
