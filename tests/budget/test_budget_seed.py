"""Importing the committee paper's MTFS tables reproduces every printed total and the roll-forward.

The expected figures are worked out here by hand from the paper's lines (Appendices A-D of the
Adults and Communities MTFS 2026/27-2029/30), not read back from the ledger.
"""

from __future__ import annotations

from careassure.appdb import create_engine, transaction
from careassure.budget.checks import findings, roll_forward
from careassure.budget.model import VersionSpec
from careassure.budget.service import import_version, load_version
from careassure.budget.views import appendix_totals

# Appendix B, year by year: G7 + G8 + G9 + G10 + G11 + G12 + G13 + G14 + G15.
GROWTH = {
    "2026/27": 5130 + 3780 + 1420 + 340 - 530 - 1380 - 750 + 170 + 3990,
    "2027/28": 8980 + 6530 + 2400 + 670 - 1380 - 2380 - 750 + 120 + 4040,
    "2028/29": 12580 + 9150 + 3290 + 1040 - 2350 - 3330 - 750 + 100 + 3690,
    "2029/30": 16770 + 12000 + 4340 + 1370 - 3420 - 4390 - 750 + 100 + 3690,
}
# Appendix C, Adult Social Care: AC1 to AC21.
ASC_2026 = -(100 + 150 + 2000 + 80 + 25 + 100 + 150 + 250 + 200 + 50 + 160 + 50 + 250 + 50
             + 150 + 75 + 350 + 850 + 950 + 0 + 1000)
ASC_2029 = -(400 + 150 + 5000 + 155 + 25 + 100 + 400 + 250 + 200 + 50 + 160 + 50 + 250 + 50
             + 260 + 150 + 700 + 1700 + 1900 + 250 + 1000)


def test_hand_worked_appendix_totals_are_the_printed_ones() -> None:
    assert GROWTH == {"2026/27": 12170, "2027/28": 18230, "2028/29": 23420, "2029/30": 29710}
    assert (ASC_2026, ASC_2029) == (-6990, -13200)


def test_seed_reproduces_every_printed_total(seed: VersionSpec, migrated_url: str) -> None:
    engine = create_engine(migrated_url)
    try:
        with transaction(engine) as session:
            import_version(session, seed, "finance")
        with transaction(engine) as session:
            stored = load_version(session)
    finally:
        engine.dispose()
    totals = appendix_totals(stored)
    assert totals.growth == GROWTH
    assert totals.savings[""] == {"2026/27": -6990, "2027/28": -11000, "2028/29": -12140,
                                  "2029/30": -13240}
    assert totals.savings["Adult Social Care"]["2026/27"] == ASC_2026
    assert totals.savings["Adult Social Care"]["2029/30"] == ASC_2029
    assert totals.savings["Communities and Wellbeing"]["2029/30"] == -40
    # Appendix A is printed to the pound from a ledger in pence: the department's net total is
    # the paper's 255,512,604 (the printed lines add up to one pound less), and gross 412.1m
    # less income 156.6m is the net 255.5m of paragraph 18.
    assert totals.revenue[""]["net"] == 255_512_604
    assert totals.revenue[""]["gross"] == 412_062_743
    assert totals.revenue[""]["external_income"] == -156_550_139
    assert 412_062_743 - 156_550_139 == 255_512_604
    assert totals.revenue["Adult Social Care/Demand Led Commissioned Services"]["net"] == (
        103_094_761 + 1_576_675 + 51_526_853 + 50_238_790 + 46_007_030 + 10_252_689 + 590_750
        + 75_000 - 40_540_035
    )
    assert totals.capital[""] == {"2026/27": 5518 + 2920, "2027/28": 5518 + 419,
                                  "2028/29": 5518 + 419, "2029/30": 5518 + 0,
                                  "total": 22072 + 3758}
    assert totals.funding == 59000 + 21800 + 5500
    # Nothing in the paper is out by more than rounding.
    assert all(f.rounding for f in findings(stored))


def test_seed_roll_forward_is_the_printed_one(seed: VersionSpec) -> None:
    rows = roll_forward(seed)
    # 2026/27: 237,010 + 13,323 = 250,333; + 12,170 growth - 6,990 savings = 255,513.
    # Later years add the *increase* in cumulative growth and savings: 18,230 - 12,170 = 6,060
    # and 11,000 - 6,990 = 4,010, and so on.
    expected = [
        ("2026/27", 237010, 13323, 250333, 12170, -6990, 255513),
        ("2027/28", 255513, 0, 255513, 18230 - 12170, -(11000 - 6990), 257563),
        ("2028/29", 257563, 0, 257563, 23420 - 18230, -(12140 - 11000), 261613),
        ("2029/30", 261613, 0, 261613, 29710 - 23420, -(13240 - 12140), 266803),
    ]
    assert [(r.year, r.prior_year_budget, r.transfers, r.subtotal, r.growth, r.savings,
             r.net_budget) for r in rows] == expected
    assert rows == list(seed.rollforward)
    # The revenue budget's net total in pounds rounds to the first year's net budget in £000.
    assert round(255_512_604 / 1000) == rows[0].net_budget
