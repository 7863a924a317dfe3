"""A synthetic national CLD: many councils' extracts, each a synthetic county of its own seed.

Council ``n`` (from 1) is the synthetic county at ``scale`` with seed ``seed + n``, written as
the Release 2 CLD extract it would submit (``to_cld``) under the made-up LA code ``E99`` +
``n`` (six digits): codes no real council has, so a synthetic figure can never be read as a real
council's. Scale 1 is a large county (about 560,000 adults, 110,000 CLD rows a year and a half);
153 councils at scale 1 are about 17 million rows, the order of the national collection.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from careassure.synth.cld import to_cld, write_cld
from careassure.synth.county import DEFAULT_SEED, generate_county


def council_code(n: int) -> str:
    """The made-up LA code of synthetic council ``n`` (1 -> E99000001)."""
    return f"E99{n:06d}"


@dataclass(frozen=True)
class NationalFiles:
    """What :func:`write_national_cld` wrote: one CLD file per council (read together as a
    folder) and the adults of every council by age band for the ASCOF rates."""

    folder: Path
    population: Path
    rows: int
    councils: tuple[str, ...]


def councils_cld(councils: int, scale: float, seed: int = DEFAULT_SEED
                 ) -> Iterator[tuple[str, pd.DataFrame, pd.DataFrame]]:
    """``(la_code, CLD extract, population)`` of each synthetic council in turn."""
    for n in range(1, councils + 1):
        county = generate_county(scale, seed + n)
        yield council_code(n), to_cld(county, la_code=council_code(n)), county["population"]


def write_national_cld(out: str | Path, councils: int, scale: float,
                       seed: int = DEFAULT_SEED) -> NationalFiles:
    """Write ``out/cld/cld_<la_code>.csv`` per council and ``out/population.csv``: each
    council's adults by ethnicity and age band under its LA code (the record format's population
    layout with ``la_code``), so ASCOF 2B/2C are rates per council and for the whole set."""
    folder = Path(out) / "cld"
    rows, codes, populations = 0, [], []
    for code, extract, population in councils_cld(councils, scale, seed):
        write_cld(extract, folder / f"cld_{code}.csv")
        rows += len(extract)
        codes.append(code)
        adults = population.groupby(["ethnicity", "age_band"], as_index=False)["count"].sum()
        populations.append(adults.assign(la_code=code, locality=""))
    population_file = Path(out) / "population.csv"
    frame = pd.concat(populations, ignore_index=True)
    frame[["la_code", "locality", "ethnicity", "age_band", "count"]].to_csv(population_file,
                                                                            index=False)
    return NationalFiles(folder, population_file, rows, tuple(codes))
