"""A deliberately plain implementation of measures-spec.md, row by row in Python, to check the
engine against on generated data. It follows the spec's wording (including the walk back from D
for the LTS start) rather than the engine's set-based formulation, so the two can only agree by
both being right."""

from __future__ import annotations

import statistics
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

import holidays
import numpy as np
from dateutil.relativedelta import relativedelta

QUEUES = ("care_act_assessment", "carer_assessment", "ot_assessment", "financial_assessment")
_BANK = np.array(sorted(holidays.UK(subdiv="ENG", years=range(2015, 2031))), "datetime64[D]")


def busdays(a: date, b: date) -> int:
    return int(np.busday_count(a, b, holidays=_BANK))


def months(day: date, n: int) -> date:
    return day + relativedelta(months=n)


def one_place(x: Fraction | float) -> float:
    x = Fraction(x)
    return float((Decimal(x.numerator) / Decimal(x.denominator)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP))


def pct(num: int, den: int) -> float | None:
    return one_place(Fraction(100 * num, den)) if den else None


def median(values: list[int]) -> float | None:
    return one_place(statistics.median(values)) if values else None


def queue_snapshot(episodes: list[dict], kind: str, at: date) -> dict[str, Any]:
    waits, old = [], 0
    for e in episodes:
        if e["kind"] != kind or e["received_date"] > at:
            continue
        if any(e.get(c) is not None and e[c] <= at
               for c in ("allocated_date", "completed_date", "closed_date")):
            continue
        r = e["received_date"]
        waits.append(busdays(r, at) if kind == "financial_assessment" else (at - r).days)
        old += months(r, 6) < at
    return {
        "waiting": len(waits), "median_wait": median(waits),
        "max_wait": max(waits) if waits else None,
        "pct_over_28": pct(sum(w > 28 for w in waits), len(waits)), "over_6_months": old,
    }


def queue_flow(episodes: list[dict], kind: str, start: date, at: date) -> dict[str, Any]:
    waits = []
    for e in episodes:
        a = e.get("allocated_date")
        if e["kind"] == kind and a is not None and start < a <= at:
            r = e["received_date"]
            waits.append(busdays(r, a) if kind == "financial_assessment" else (a - r).days)
    return {
        "median_wait_to_allocation": median(waits),
        "max_wait_to_allocation": max(waits) if waits else None,
        "pct_allocated_within_28": pct(sum(w <= 28 for w in waits), len(waits)),
        "pct_allocated_within_56": pct(sum(w <= 56 for w in waits), len(waits)),
    }


def s42_open(episodes: list[dict], at: date) -> dict[str, Any]:
    ages = [
        (at - e["received_date"]).days for e in episodes
        if e["kind"] == "s42_enquiry" and e["received_date"] <= at
        and all(e.get(c) is None or e[c] > at for c in ("completed_date", "closed_date"))
    ]
    return {"open": len(ages), "pct_open_over_6_weeks": pct(sum(a > 42 for a in ages), len(ages))}


def in_time(episodes: list[dict], start: date, at: date) -> dict[str, Any]:
    rules = {
        "equipment_delivery.pct_within_5_working_days":
            ("equipment_delivery", lambda r, c: busdays(r, c) <= 5),
        "minor_adaptation.pct_within_60_days":
            ("minor_adaptation", lambda r, c: (c - r).days <= 60),
        "major_adaptation.pct_within_120_days":
            ("major_adaptation", lambda r, c: (c - r).days <= 120),
        "safeguarding_concern.pct_decided_within_5_working_days":
            ("safeguarding_concern", lambda r, c: busdays(r, c) <= 5),
        "s42_enquiry.pct_closed_within_3_months":
            ("s42_enquiry", lambda r, c: c <= months(r, 3)),
    }
    out = {}
    for measure, (kind, rule) in rules.items():
        done = [e for e in episodes if e["kind"] == kind and e.get("completed_date") is not None
                and start < e["completed_date"] <= at]
        out[measure] = pct(sum(rule(e["received_date"], e["completed_date"]) for e in done),
                           len(done))
    return out


def _covers(s: dict, at: date) -> bool:
    return s["start_date"] <= at and (s["end_date"] is None or s["end_date"] > at)


def lts_start(services: list[dict], at: date) -> date | None:
    """The spec's walk back: start from the services covering D, add any service that starts on
    or before the run's start and has not ended before it, until none joins."""
    run = [s for s in services if _covers(s, at)]
    if not run:
        return None
    start = min(s["start_date"] for s in run)
    while True:
        joining = [s for s in services if s not in run and s["start_date"] <= start
                   and (s["end_date"] is None or s["end_date"] >= start)]
        if not joining:
            return start
        run += joining
        start = min(start, *(s["start_date"] for s in joining))


def reviews(services: list[dict], episodes: list[dict], at: date) -> dict[str, Any]:
    people = sorted({s["person_id"] for s in services})
    overdue_days, n, over_6, eligible, recent = [], 0, 0, 0, 0
    for person in people:
        own = [s for s in services if s["person_id"] == person and s["support_type"] == "long_term"]
        start = lts_start(own, at)
        if start is None:
            continue
        n += 1
        done = [e["completed_date"] for e in episodes if e["person_id"] == person
                and e["kind"] == "review" and e.get("completed_date") is not None
                and e["completed_date"] <= at]
        last = max(done) if done else None
        due = months(last if last else start, 12)
        if due < at:
            overdue_days.append((at - due).days)
        over_6 += months(due, 6) < at
        if start <= months(at, -12):
            eligible += 1
            recent += last is not None and last > months(at, -12)
    return {
        "review.overdue": len(overdue_days),
        "review.median_overdue": median(overdue_days),
        "review.max_overdue": max(overdue_days) if overdue_days else None,
        "review.pct_overdue_over_6_months": pct(over_6, n),
        "review.pct_reviewed_within_12_months": pct(recent, eligible),
    }


def direct_payments(services: list[dict], at: date) -> float | None:
    active = [s for s in services if s["support_type"] == "long_term" and _covers(s, at)
              and s["setting"] not in ("residential", "nursing")]
    community = {s["person_id"] for s in active}
    paid = {s["person_id"] for s in active
            if "direct_payment" in (s["setting"], s.get("delivery_mechanism"))}
    return pct(len(paid), len(community))


def expected(tables: dict[str, list[dict]], at: date) -> dict[str, Any]:
    """Whole-area values of the measures above at ``at`` (flows over the 3 months to ``at``)."""
    episodes, services = tables.get("episodes", []), tables.get("services", [])
    start = months(at, -3)
    out: dict[str, Any] = {}
    for kind in QUEUES:
        for name, value in {**queue_snapshot(episodes, kind, at),
                            **queue_flow(episodes, kind, start, at)}.items():
            out[f"{kind}.{name}"] = value
    out.update({f"s42_enquiry.{k}": v for k, v in s42_open(episodes, at).items()})
    out.update(in_time(episodes, start, at))
    out.update(reviews(services, episodes, at))
    out["direct_payments.pct"] = direct_payments(services, at)
    return out


DAY0 = date(2023, 10, 1)


def day(offset: int) -> date:
    return DAY0 + timedelta(days=offset)
