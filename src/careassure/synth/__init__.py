"""Synthetic county generator: Shireham County, all six record tables, for demos, tests and
benchmarks.

``generate_county(scale, seed)`` returns the tables as pandas frames (deterministic per
arguments); ``write_county(county, out_dir, fmt)`` writes them as CSV, Parquet or one XLSX
workbook in the record format. The story the numbers tell is in :mod:`careassure.synth.story`.

Both are imported on first use, so that importing the package (as ``careassure --help`` does for
the ``synth`` command) does not load NumPy and pandas.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from careassure.synth.county import generate_county
    from careassure.synth.output import write_county

__all__ = ["generate_county", "write_county"]


def __getattr__(name: str) -> Any:
    if name == "generate_county":
        from careassure.synth.county import generate_county

        return generate_county
    if name == "write_county":
        from careassure.synth.output import write_county

        return write_county
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
