"""Plan evaluation speed: the demo plan (20 measured outcomes, 30 milestones) judged on the
synthetic county at scale 1 at 28/12/2025, weekly from the earliest baseline (goal: under 2 s
warm).

Baseline (same run, same store): the straightforward way, one ``careassure.measures.series`` call
per measured outcome, each over its own baseline-to-date span (and its baseline date), then the
same rules. Both give the
same statuses and reasons (checked), so the ratio baseline / careassure is the saving of fetching
the whole plan's points in one query.

Run: ``python -m benchmarks plan``.
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from typing import Any

SCALE = 1.0
SEED = 2026
AS_OF = date(2025, 12, 28)
REPEATS = 3
GOAL_SECONDS = 2.0


def _one_query_per_outcome(backend: Any, plan: Any) -> Any:
    from careassure.measures import series
    from careassure.plan.status import evaluate

    points = []
    for area in plan.areas:
        for action in area.actions:
            for outcome in action.outcomes:
                measured = outcome.measured
                if measured is None:
                    continue
                start = measured.baseline_on or AS_OF - timedelta(days=364)
                start = AS_OF - timedelta(weeks=-(-(AS_OF - start).days // 7))
                by = next(iter(measured.breakdown)) if measured.breakdown else None
                also_at = [measured.baseline_on] if measured.baseline_on else []
                points += series(backend, start, AS_OF, "week", measures=[measured.measure_id],
                                 by=by, also_at=also_at)
    return evaluate(plan, points, AS_OF)


def _best(run: Any) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(REPEATS):
        started = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - started)
    return best, result


def main() -> None:
    from benchmarks.measures import load
    from careassure.plan.live import plan_status
    from careassure.plan.yamlfile import load_demo_plan
    from careassure.synth import generate_county

    plan = load_demo_plan()
    backend = load(generate_county(SCALE, SEED))
    started = time.perf_counter()
    plan_status(plan, AS_OF, backend=backend, every="week")
    cold = time.perf_counter() - started
    ours, status = _best(lambda: plan_status(plan, AS_OF, backend=backend, every="week"))
    theirs, baseline = _best(lambda: _one_query_per_outcome(backend, plan))
    ours_reasons = [(o.path, o.rag.status, o.rag.reason) for o in status.outcomes()]
    their_reasons = [(o.path, o.rag.status, o.rag.reason) for o in baseline.outcomes()]
    assert ours_reasons == their_reasons, "the baseline and careassure disagree"
    measured = sum(o.spec.measured is not None for o in status.outcomes())
    print(f"demo plan, {measured} measured outcomes, scale {SCALE:g}, as at {AS_OF:%d/%m/%Y}")
    print(f"careassure: cold {cold:.2f} s, warm {ours:.2f} s (goal under {GOAL_SECONDS:g} s)")
    print(f"baseline (one series query per outcome): {theirs:.2f} s")
    print(f"ratio baseline / careassure: {theirs / ours:.1f}x")


if __name__ == "__main__":
    main()
