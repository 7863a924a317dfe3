"""Run every benchmark module (``make bench``), or the ones named: ``python -m benchmarks ingest``.

Each module in this folder (but those named with a leading underscore, the shared helpers)
exposes ``main()``, prints its own figures and reports speed as a ratio
against a baseline it measures in the same run, so figures from different machines compare.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main(names: list[str]) -> None:
    available = sorted(  # a leading underscore marks a helper module, not a benchmark
        m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)])
        if not m.name.startswith("_")
    )
    unknown = sorted(set(names) - set(available))
    if unknown:
        sys.exit(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(available)}")
    for name in names or available:
        print(f"\n== benchmark: {name} ==", flush=True)
        importlib.import_module(f"benchmarks.{name}").main()


if __name__ == "__main__":
    main(sys.argv[1:])
