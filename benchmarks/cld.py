"""CLD reader speed: ``read_cld`` on a county-sized extract, against pandas reading the same CSV.

The baseline is the floor any CLD reader pays (parsing the file, every cell as text); the ratio is
what mapping, de-duplication, linking and building the six tables cost on top, so it compares
across machines. Sizes: a large county's rolling 12-month CLD file holds roughly 100,000-300,000
rows.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from careassure.records.cld import read_cld
from careassure.synth.cld import to_cld, write_cld

PEOPLE = 40_000
SEED = 20_240_401
REPEATS = 3


def _county(people: int, seed: int) -> dict[str, pd.DataFrame]:
    """Per person: one completed assessment (with its request), one review and two services."""
    rng = np.random.default_rng(seed)
    ids = [f"P{n}" for n in range(people)]
    received = pd.Timestamp("2024-04-01") + pd.to_timedelta(rng.integers(0, 300, people), "D")
    allocated = received + pd.to_timedelta(rng.integers(0, 60, people), "D")
    completed = allocated + pd.to_timedelta(rng.integers(1, 40, people), "D")
    reviewed = completed + pd.to_timedelta(rng.integers(30, 200, people), "D")
    person = pd.DataFrame({
        "person_id": ids, "birth_month": [f"{y}-{m:02d}" for y, m in
                                          zip(rng.integers(1930, 2000, people),
                                              rng.integers(1, 13, people), strict=True)],
        "gender": rng.choice(["female", "male"], people),
        "ethnicity": rng.choice(["white", "asian", "black", "mixed", "other"], people),
        "client_type": "service_user", "primary_support_reason": "physical_support",
        "locality": None, "rural_urban": None})
    episodes = pd.concat([
        pd.DataFrame({"episode_id": [f"a{n}" for n in range(people)], "person_id": ids,
                      "kind": "care_act_assessment", "team": None, "subtype": None,
                      "received_date": received, "allocated_date": allocated,
                      "completed_date": completed, "closed_date": pd.NaT,
                      "outcome": "eligible"}),
        pd.DataFrame({"episode_id": [f"r{n}" for n in range(people)], "person_id": ids,
                      "kind": "review", "team": None, "subtype": "planned",
                      "received_date": reviewed, "allocated_date": reviewed,
                      "completed_date": reviewed, "closed_date": pd.NaT, "outcome": None}),
    ], ignore_index=True)
    start = completed + pd.Timedelta(days=3)
    services = pd.concat([
        pd.DataFrame({"service_id": [f"s{n}" for n in range(people)], "person_id": ids,
                      "support_type": "short_term", "setting": "home_care",
                      "delivery_mechanism": "council_commissioned", "start_date": completed,
                      "end_date": start, "weekly_cost": None}),
        pd.DataFrame({"service_id": [f"t{n}" for n in range(people)], "person_id": ids,
                      "support_type": "long_term",
                      "setting": rng.choice(["home_care", "residential", "direct_payment"],
                                            people),
                      "delivery_mechanism": "council_commissioned", "start_date": start,
                      "end_date": pd.NaT, "weekly_cost": rng.integers(100, 1500, people)}),
    ], ignore_index=True)
    return {"people": person, "episodes": episodes, "services": services}


def _best(fn) -> float:
    timings = []
    for _ in range(REPEATS):
        began = time.perf_counter()
        fn()
        timings.append(time.perf_counter() - began)
    return min(timings)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = write_cld(to_cld(_county(PEOPLE, SEED), period_end=pd.Timestamp("2025-09-30")),
                         Path(folder) / "cld.csv")
        rows = sum(1 for _ in path.open()) - 1
        baseline = _best(lambda: pd.read_csv(path, dtype=str, keep_default_na=False))
        reader = _best(lambda: read_cld(path))
    print(f"CLD extract: {rows:,} rows, {PEOPLE:,} people")
    print(f"baseline pandas.read_csv (all text): {baseline:.2f} s")
    print(f"read_cld (six record tables):        {reader:.2f} s "
          f"({rows / reader:,.0f} rows/s, {reader / baseline:.1f}x the baseline)")


if __name__ == "__main__":
    main()
