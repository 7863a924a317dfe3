"""Report speed: the committee update for the demo (the synthetic county at scale 1 with the demo
plan) as PDF, as a fresh process, warm in one process, and as the web app serves it: cached by
request and data version, four people downloading it at once.

Goals (issue 14): the committee PDF at scale 1 under 3 s warm and under 6 s from a fresh process;
four concurrent downloads of the same report no slower than one.

*Fresh process* is a new ``python`` writing the committee PDF, timed from the outside (starting
Python, importing the measure engine, WeasyPrint and matplotlib, bytecode cached). *Made* is
building and rendering it in a warm process (every figure, the plan's evaluation, the charts,
WeasyPrint). *Cached* is the web app's second request for the same (report, options, data
version): :class:`careassure.reports.cache.ReportCache`. *Four at once* is four threads asking the
cache for the same file at the same moment, against one alone: single-flight makes the file once.
Wall-clock time is printed with the CPU time beside it: on a shared machine the wall clock also
counts waiting for a core.

Baselines (same run, same store): four concurrent downloads without the cache, each making its
own file; and the figures the report quotes computed one ``careassure.measures.compute`` call per
figure, as a script filling a template figure by figure would (sampled and scaled).

Run: ``python -m benchmarks reports`` (``CAREASSURE_BENCH_REPORTS_SCALE`` for a smaller county
on a busy machine; the goals are for scale 1).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

SCALE = float(os.environ.get("CAREASSURE_BENCH_REPORTS_SCALE", "1"))
SEED = 2026
WARM_GOAL, FRESH_GOAL = 3.0, 6.0
CONCURRENT = 4
SAMPLE = 12
SCORES = (2, 2, 2, 2, 3, 2, 2, 2, 3)


def _prepare(work: Path) -> tuple[Path, str]:
    from careassure.appdb import create_engine, transaction, upgrade
    from careassure.framework.model import load_framework
    from careassure.framework.selfassessment import set_statement
    from careassure.plan.service import import_plan
    from careassure.plan.yamlfile import load_demo_plan
    from careassure.records.load import ingest
    from careassure.synth import generate_county, write_county

    write_county(generate_county(SCALE, SEED), work / "county", "csv")
    store = work / "store.duckdb"
    assert ingest(work / "county", store=store).ok
    url = f"sqlite:///{work / 'careassure.db'}"
    upgrade(url)
    engine = create_engine(url)
    framework = load_framework()
    with transaction(engine) as session:
        for number, score in enumerate(SCORES, start=1):
            set_statement(session, framework, "benchmark", f"QS{number}", own_score=score)
        import_plan(session, load_demo_plan(), "benchmark")
    engine.dispose()
    return store, url


def _build(store: Path, url: str) -> object:
    from careassure.reports.generate import Request, build, opened

    with opened(store, url) as (opened_store, engine):
        return build(Request("committee"), opened_store, engine)


def _committee(store: Path, url: str, fmt: str = "pdf") -> tuple[object, bytes]:
    """Build the committee update and render it: the work one uncached download does."""
    from careassure.reports.output import render

    document = _build(store, url)
    return document, render(document, fmt)


def _timed(work: Callable[[], object]) -> tuple[float, float]:
    cpu, started = time.process_time(), time.perf_counter()
    work()
    return time.perf_counter() - started, time.process_time() - cpu


def _together(work: Callable[[], object], count: int) -> float:
    """Wall seconds for ``count`` threads starting ``work`` at the same moment."""
    barrier = threading.Barrier(count)

    def one() -> None:
        barrier.wait()
        work()

    threads = [threading.Thread(target=one) for _ in range(count)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def _baseline(store: Path, document: object) -> tuple[float, int]:
    """Seconds to compute every quoted figure with its own engine call (sampled, scaled)."""
    from careassure.measures import compute
    from careassure.records.store import open_store

    figures = document.quoted_figures
    step = max(len(figures) // SAMPLE, 1)
    sample = figures[::step][:SAMPLE]
    with open_store(store) as opened:
        started = time.perf_counter()
        for f in sample:
            by = next(iter(f.breakdown)) if f.breakdown else None
            compute(opened, f.as_of, measures=[f.measure], period_start=f.period_start, by=by)
        seconds = time.perf_counter() - started
    return seconds * len(figures) / len(sample), len(figures)


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _fresh(store: Path, url: str, work: Path) -> tuple[float, float]:
    """(wall, CPU) seconds for a fresh process to write the committee PDF, bytecode cached (a
    first run compiles it, untimed)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    command = [sys.executable, "-m", "benchmarks.reports", "--fresh", str(store), url]
    root = Path(__file__).parent.parent
    subprocess.run(command, check=True, env=env, cwd=root)
    cpu, started = _child_cpu(), time.perf_counter()
    subprocess.run(command, check=True, env=env, cwd=root)
    return time.perf_counter() - started, _child_cpu() - cpu


def main() -> None:
    from careassure.reports.cache import ReportCache, data_version
    from careassure.reports.output import render

    with tempfile.TemporaryDirectory(prefix="careassure-bench-reports-") as folder:
        work = Path(folder)
        os.environ["CAREASSURE_HOME"] = str(work / "home")
        os.environ.pop("CAREASSURE_PSEUDONYM_KEY", None)
        started = time.perf_counter()
        store, url = _prepare(work)
        print(f"demo county (scale {SCALE:g}) and plan prepared in "
              f"{time.perf_counter() - started:.1f} s (not timed)")

        fresh = _fresh(store, url, work)
        document, pdf = _committee(store, url)  # warms imports and fonts
        made = min((_timed(lambda: _committee(store, url)) for _ in range(2)), key=lambda r: r[0])
        word = _timed(lambda: _committee(store, url, "docx"))

        from careassure.appdb import create_engine

        engine = create_engine(url)
        version = data_version(store, engine)
        engine.dispose()
        cache = ReportCache()

        def download(shared: ReportCache) -> bytes:
            return shared.file(("committee", version), "pdf",
                               lambda: _build(store, url), lambda d: render(d, "pdf"))[1]

        download(cache)
        cached = _timed(lambda: download(cache))
        one = _together(lambda: download(ReportCache()), 1)
        shared = ReportCache()
        four = _together(lambda: download(shared), CONCURRENT)
        four_uncached = _together(lambda: _committee(store, url), CONCURRENT)
        baseline, quoted = _baseline(store, document)

    print(f"committee update as at {document.meta.as_of:%d/%m/%Y}: "
          f"{len(pdf):,} bytes of PDF, {quoted} quoted figures")
    rows = (("PDF from a fresh process", fresh), ("PDF made, warm process", made),
            ("Word made, warm process", word), ("PDF cached (same data version)", cached))
    for label, (wall, cpu) in rows:
        print(f"{label}: {wall:.2f} s wall, {cpu:.2f} s CPU")
    print(f"{CONCURRENT} concurrent downloads: {four:.2f} s wall with the cache, one alone "
          f"{one:.2f} s (ratio {four / one:.2f}); without the cache {four_uncached:.2f} s "
          f"(the cache {four_uncached / four:.1f}x faster)")
    print(f"baseline, {quoted} quoted figures one engine call each: {baseline:.1f} s; "
          f"ratio to making the whole PDF {baseline / made[0]:.1f}x")
    for label, seconds, goal in (("warm (cached) under", min(cached), WARM_GOAL),
                                 ("warm (made) under", min(made), WARM_GOAL),
                                 ("fresh process under", min(fresh), FRESH_GOAL)):
        verdict = "meets" if seconds < goal else "MISSES"
        print(f"goal, committee PDF {label} {goal:g} s: {verdict} ({seconds:.2f} s)")
    print(f"goal, {CONCURRENT} at once no slower than one: "
          f"{'meets' if four <= one * 1.1 else 'MISSES'} ({four / one:.2f}x)")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--fresh"]:
        _committee(Path(sys.argv[2]), sys.argv[3])
    else:
        main()
