"""How fast ``generate_county`` is at scale 1 and 10, against drawing the same cells at random.

Baseline (same run, same machine): filling every cell of the generated tables with
``numpy.random.Generator.integers`` and wrapping the arrays in pandas frames, the least any
generator of that many rows must do. The ratio says how much the story (queues, runs of support,
review cycles, text columns) costs on top; the scale-10 / scale-1 time ratio says how close to
linear the generator scales (10 would be exactly linear).
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from careassure.synth import generate_county

SCALES = (1.0, 10.0)
SEED = 2026


def _baseline_seconds(shape: dict[str, tuple[int, int]]) -> float:
    rng = np.random.default_rng(SEED)
    started = time.perf_counter()
    for rows, columns in shape.values():
        pd.DataFrame({f"c{i}": rng.integers(0, 1_000_000, rows) for i in range(columns)})
    return time.perf_counter() - started


def main() -> None:
    timings = {}
    print(f"{'scale':>6} {'rows':>12} {'episodes+contacts':>18} {'seconds':>8} {'rows/s':>11} "
          f"{'baseline s':>10} {'x baseline':>10}")
    for scale in SCALES:
        started = time.perf_counter()
        county = generate_county(scale, SEED)
        seconds = time.perf_counter() - started
        timings[scale] = seconds
        shape = {name: frame.shape for name, frame in county.items()}
        rows = sum(r for r, _ in shape.values())
        work_rows = len(county["episodes"]) + len(county["contacts"])
        baseline = _baseline_seconds(shape)
        print(f"{scale:>6g} {rows:>12,} {work_rows:>18,} {seconds:>8.1f} {rows / seconds:>11,.0f} "
              f"{baseline:>10.2f} {seconds / baseline:>10.1f}")
        del county
    print(f"scale 10 / scale 1 time: {timings[10.0] / timings[1.0]:.1f} (10 = linear)")


if __name__ == "__main__":
    main()
