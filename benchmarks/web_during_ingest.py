"""Pages served while a large extract is being loaded (goal: p95 under 300 ms at 10 users).

An upload is loaded in a worker process (``careassure.records.worker``), so the web server keeps
serving while it runs; this measures how much the load slows the pages down. Set-up as
``benchmarks/web.py``: the demo county (scale ``--scale``, default 0.1) served by ``careassure
serve`` in its own process. The extract uploaded is the synthetic county at ``--ingest-scale``
(default 1: about 560,000 adults, several million rows), as the ZIP of CSV files a council sends.

Ten signed-in clients each ask in turn for the overview and a measure page, all at once:

- **idle**: ``REQUESTS_EACH`` requests each with no load running (the baseline, same run, same
  server, same clients);
- **during ingest**: the analyst uploads the extract through the data page, and the ten keep
  asking until its answer comes back; only requests that started and ended while the load was
  running count.

The static file ``/static/careassure.css`` is measured in both phases as well, so the ratio of
the pages to it separates the load's effect on the machine (both cores shared with the worker)
from its effect on the pages. The load generator runs on the same 2 cores, so the figures are
pessimistic.

Run: ``python -m benchmarks web_during_ingest`` (``--scale``, ``--ingest-scale``).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import time

import httpx

from benchmarks._served_demo import ServedDemo, percentile_ms, served_demo, sign_in, upload
from benchmarks.web import MEASURE_PAGE, SCALE

USERS = 10
REQUESTS_EACH = 10
GOAL_P95_MS = 300.0
INGEST_SCALE = 1.0
PAGES = ("/", MEASURE_PAGE)
STATIC = "/static/careassure.css"


async def _ask(client: httpx.AsyncClient, path: str) -> tuple[float, float]:
    """(start, end) of one request, perf_counter seconds."""
    started = time.perf_counter()
    response = await client.get(path)
    assert response.status_code == 200, f"{path}: HTTP {response.status_code}"
    return started, time.perf_counter()


async def _user(client: httpx.AsyncClient, paths: tuple[str, ...], times: list[tuple[float, float]],
                *, each: int | None = None, until: asyncio.Event | None = None) -> None:
    for n, path in enumerate(itertools.cycle(paths)):
        if (each is not None and n >= each) or (until is not None and until.is_set()):
            return
        times.append(await _ask(client, path))


def _summary(label: str, spans: list[tuple[float, float]]) -> float:
    durations = [end - start for start, end in spans]
    if len(durations) < 2:
        print(f"{label:<36} too few requests ({len(durations)}) to give a percentile")
        return float("nan")
    p50, p95 = percentile_ms(durations, 50), percentile_ms(durations, 95)
    print(f"{label:<36} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  max {max(durations) * 1000:6.1f}"
          f" ms  ({len(durations)} requests)")
    return p95


async def _phase(clients: list[httpx.AsyncClient], paths: tuple[str, ...]
                 ) -> list[tuple[float, float]]:
    spans: list[tuple[float, float]] = []
    await asyncio.gather(*(_user(c, paths, spans, each=REQUESTS_EACH) for c in clients))
    return spans


async def _run(demo: ServedDemo) -> None:
    limits = httpx.Limits(max_connections=1)
    clients = [httpx.AsyncClient(base_url=demo.base, limits=limits, timeout=60)
               for _ in range(USERS)]
    try:
        for client in clients:
            await sign_in(client, demo.password)
        await _phase(clients, PAGES)  # warm-up: connections, the measure page's figures
        print(f"{USERS} signed-in users, overview and {MEASURE_PAGE} in turn:")
        idle_static = _summary("idle: static file", await _phase(clients, (STATIC,)))
        idle = _summary("idle: pages", await _phase(clients, PAGES))

        done = asyncio.Event()
        pages: list[tuple[float, float]] = []
        static: list[tuple[float, float]] = []

        async def load() -> tuple[float, float]:
            started = time.perf_counter()
            await upload(demo)
            done.set()
            return started, time.perf_counter()

        users = [_user(c, PAGES, pages, until=done) for c in clients[:-1]]
        users.append(_user(clients[-1], (STATIC,), static, until=done))
        (load_start, load_end), *_ = await asyncio.gather(load(), *users)
        print(f"upload answered in {load_end - load_start:.1f} s")

        def inside(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
            return [(s, e) for s, e in spans if s >= load_start and e <= load_end]

        busy_static = _summary("during ingest: static file", inside(static))
        busy = _summary("during ingest: pages", inside(pages))
        met = "met" if busy < GOAL_P95_MS else "NOT met"
        print(f"pages p95 during ingest is {busy / idle:.1f}x idle "
              f"(static file {busy_static / idle_static:.1f}x idle); "
              f"goal p95 < {GOAL_P95_MS:.0f} ms at {USERS} users: {met}")
    finally:
        for client in clients:
            await client.aclose()


def main(scale: float = SCALE, ingest_scale: float = INGEST_SCALE) -> None:
    with served_demo("careassure-bench-ingest-", scale, ingest_scale) as demo:
        asyncio.run(_run(demo))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=SCALE)
    parser.add_argument("--ingest-scale", type=float, default=INGEST_SCALE)
    arguments = parser.parse_args()
    main(arguments.scale, arguments.ingest_scale)
