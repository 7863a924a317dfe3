"""The county's story in numbers: every volume, rate and capacity change the generator uses.

Kept in one module so that the story reads top to bottom and a calibration change is one edit.
Figures are at scale 1 (~560,000 adults) and come from the seed papers (Leicestershire's 2024-2026
improvement reports); the comments name the seed figure each series is tuned to reproduce. Rates
"per working day" are the expected count on an ordinary Tuesday-to-Thursday; arrivals follow the
weekday profile in :mod:`careassure.synth.queues`.
"""

from __future__ import annotations

from dataclasses import dataclass

from careassure.synth.calendar import Series


@dataclass(frozen=True)
class QueueStory:
    """One assessment queue: demand, capacity and how individual items deviate from FIFO."""

    demand: Series  # arrivals per working day
    capacity: Series  # allocations per working day with everyone at work
    fast_share: float  # share started within days (hospital discharge, urgent risk)
    withdraw_share: float  # share of queued items that leave before allocation
    deferred_share: float  # share waiting on something (a valuation, a family meeting)
    deferral_mean: Series  # mean extra days for deferred items, by received date
    deferral_cap: float  # longest deferral, days
    noise_sd: float  # day-to-day disorder in the queue, days
    work_days_mean: float  # calendar days from allocation to completion
    abandoned_share: float  # share of allocated items closed uncompleted (died, moved away)


# Care Act assessments. Demand grew after the pandemic and again in 2025 ("the number waiting has
# plateaued ... due to an increase in new requests"). Capacity fell just short of demand through
# 2023-24, so the list rose to a peak of 716 on 29/12/2024 (median wait 45 days, 62% over 28 days);
# temporary resource from January 2025 cut it to 416 by 28/12/2025 (median 18 days, 33% over 28),
# and by spring 2026 99% of assessments started within 8 weeks.
CARE_ACT = QueueStory(
    demand=Series((("2021-10-01", 15.5), ("2023-04-01", 16.0), ("2024-12-01", 16.6),
                   ("2025-06-01", 19.5), ("2025-12-01", 22.0), ("2026-09-30", 22.5))),
    capacity=Series((("2021-10-01", 13.5), ("2022-03-01", 15.8), ("2022-06-01", 15.67),
                     ("2024-12-31", 15.5), ("2025-01-20", 21.8), ("2025-05-01", 21.3),
                     ("2025-10-01", 21.2), ("2026-01-15", 22.8), ("2026-09-30", 23.0))),
    fast_share=0.30,
    withdraw_share=0.07,
    deferred_share=0.05,
    # Some waited very long at the peak; from 2025 the longest waits were tackled first.
    deferral_mean=Series((("2021-10-01", 25.0), ("2024-12-31", 25.0), ("2025-03-31", 12.0))),
    deferral_cap=200.0,
    noise_sd=3.0,
    work_days_mean=21.0,
    abandoned_share=0.05,
)
# Specialist teams wait a little longer than locality teams (the equity "team disparity" measure),
# and rural referrals a little longer again (CQC's finding on rural reach).
SPECIALIST_EXTRA_DAYS = 8.0
RURAL_EXTRA_DAYS = 3.0
HOSPITAL_SHARE_OF_FAST = 0.83  # the rest of the fast track is urgent risk, kept by its own team

# Carer assessments: about 150 waiting, median 15 days, the longest waits ~140 days.
CARERS = QueueStory(
    demand=Series((("2021-10-01", 6.0), ("2024-04-01", 6.8), ("2026-09-30", 7.4))),
    capacity=Series((("2021-10-01", 5.0), ("2022-04-01", 5.95), ("2024-04-01", 6.7),
                     ("2026-09-30", 7.3))),
    fast_share=0.08,
    withdraw_share=0.08,
    deferred_share=0.06,
    deferral_mean=Series((("2021-10-01", 30.0),)),
    deferral_cap=120.0,
    noise_sd=3.0,
    work_days_mean=14.0,
    abandoned_share=0.04,
)

# Financial assessments (waits in working days): 353 waiting in April 2025, 102 by December 2025
# and 19 at the end of April 2026 once finance case workers were recruited. Residential cases wait
# longer (property and capital checks: median 75 days against 19 for non-residential in June 2025).
FINANCIAL = QueueStory(
    demand=Series((("2021-10-01", 10.5), ("2024-04-01", 11.5), ("2026-09-30", 12.5))),
    capacity=Series((("2021-10-01", 10.3), ("2022-06-01", 10.8), ("2023-04-01", 11.12),
                     ("2025-04-30", 11.32), ("2025-05-20", 14.0), ("2025-12-31", 14.0),
                     ("2026-01-20", 15.0), ("2026-09-30", 15.0))),
    fast_share=0.05,
    withdraw_share=0.05,
    deferred_share=0.35,  # of residential cases only
    deferral_mean=Series((("2021-10-01", 45.0), ("2025-06-30", 45.0), ("2025-12-31", 8.0),
                          ("2026-09-30", 4.0))),
    deferral_cap=150.0,
    noise_sd=2.0,
    work_days_mean=7.0,
    abandoned_share=0.03,
)
FINANCIAL_RESIDENTIAL_SHARE = 0.35

# Occupational therapy assessments: about 600 waiting for most of 2025, 605 at the end of March
# 2026 and 551 at the end of April 2026 once an external OT assessment service started in April.
OT = QueueStory(
    demand=Series((("2021-10-01", 17.0), ("2024-04-01", 18.5), ("2026-09-30", 19.5))),
    capacity=Series((("2021-10-01", 12.5), ("2022-04-01", 16.8), ("2024-04-01", 18.05),
                     ("2025-04-01", 18.55), ("2026-03-31", 19.05), ("2026-04-02", 21.0),
                     ("2026-09-30", 21.0))),
    fast_share=0.10,
    withdraw_share=0.08,
    deferred_share=0.05,
    deferral_mean=Series((("2021-10-01", 30.0),)),
    deferral_cap=150.0,
    noise_sd=4.0,
    work_days_mean=10.0,
    abandoned_share=0.03,
)
EXTERNAL_OT_START = "2026-04-01"
EXTERNAL_OT_SHARE = 0.35  # of OT assessments allocated from then on

# Care Act outcomes, and how eligible needs turn into long-term support.
CARE_ACT_OUTCOMES = {"eligible": 0.56, "not_eligible": 0.24, "information_and_advice": 0.20}
LTS_FROM_ELIGIBLE = 0.7  # the rest manage with reablement, equipment or family
LTS_START_DELAY_MEAN = 14.0  # days from assessment sign-off to the service starting


@dataclass(frozen=True)
class SettingStory:
    """A long-term setting: its share of new starts, how long people stay, what it costs."""

    share_older: float  # of new long-term starts aged 65+
    share_younger: float  # of new long-term starts aged 18-64
    mean_years: float  # mean length of stay (exponential)
    cost_median: float  # weekly cost at 2023-24 prices, pounds
    cost_spread: float  # lognormal sigma of weekly cost


SETTINGS: dict[str, SettingStory] = {
    "residential": SettingStory(0.27, 0.12, 2.2, 1120.0, 0.12),
    "nursing": SettingStory(0.12, 0.02, 1.3, 1330.0, 0.10),
    "home_care": SettingStory(0.36, 0.15, 2.5, 430.0, 0.22),
    "direct_payment": SettingStory(0.12, 0.28, 4.0, 390.0, 0.30),
    "supported_living": SettingStory(0.03, 0.22, 6.0, 1450.0, 0.20),
    "day_care": SettingStory(0.04, 0.11, 4.0, 220.0, 0.25),
    "other_community": SettingStory(0.08, 0.06, 3.0, 180.0, 0.35),
}
# Long-term support at the start of the window (the stock that was already there), scale 1.
LTS_STOCK = 5_400
LTS_STOCK_EARLIEST = "1998-01-01"
# Home care often ends in a care home move: consecutive, touching services in one unbroken run.
HOME_CARE_TO_CARE_HOME = 0.22
# Some community packages add day care alongside: overlapping services in one run.
DAY_CARE_ALONGSIDE = 0.10
# Weekly costs rose through 2022-24 with market pressures, then stabilised (MTFS narrative).
COST_INDEX = Series((("2015-04-01", 0.74), ("2022-04-01", 0.90), ("2023-04-01", 1.0),
                     ("2024-04-01", 1.07), ("2025-04-01", 1.10), ("2026-09-30", 1.12)))
MANAGED_BUDGET_SHARE = 0.12  # of non-direct-payment services; the rest council commissioned
REABLEMENT_WEEKLY_COST = 480.0

# Reviews: annual reviews fall behind (1,203 awaiting review in January 2026, 78% reviewed within
# 12 months; the longest overdue 2,729 days in July 2025, 1,204 by January 2026 once review teams
# worked through the longest overdue first).
UNPLANNED_REVIEW_SHARE = 0.12
REVIEW_LISTING_DAYS = 42  # a planned review enters the review queue this long before it is due
REVIEW_ON_TIME_SHARE = 0.25  # done before its due date
REVIEW_EARLY_DAYS = 45.0  # how early on-time reviews can be
REVIEW_LATENESS_MEAN = Series((("2015-01-01", 100.0), ("2022-04-01", 140.0),
                               ("2023-10-01", 220.0), ("2025-06-30", 220.0),
                               ("2025-12-31", 140.0), ("2026-09-30", 80.0)))
REVIEW_LOST_SHARE = 0.006  # reviews that drop off every list until a clean-up finds them
REVIEW_LOST_FROM = "2018-01-01"
REVIEW_CLEANUP_START = "2025-07-15"  # review teams start on the longest overdue
REVIEW_CLEANUP_OLDEST_BY = "2026-01-15"  # ... and have reached everyone due before this cut-off
REVIEW_CLEANUP_CUTOFF = "2022-10-01"
REVIEW_CLEANUP_REST_UNTIL = "2027-12-31"  # the rest are found at random until then

# Safeguarding: ~7,000 concerns a year, decisions mostly within 5 working days, ~25% lead to a
# Section 42 enquiry, ~70% of enquiries concluded within 3 months.
SAFEGUARDING_CONCERNS = Series((("2021-10-01", 21.0), ("2024-04-01", 22.5), ("2026-09-30", 23.5)))
SAFEGUARDING_WEEKEND_SHARE = 0.35  # weekend volume relative to a weekday
CONCERN_DECIDED_IN_5_DAYS = Series((("2021-10-01", 0.86), ("2024-01-01", 0.80),
                                    ("2025-03-01", 0.74), ("2026-09-30", 0.88)))
CONCERN_OUTCOMES = {"s42_required": 0.25, "no_further_action": 0.40,
                    "other_safeguarding_action": 0.20, "information_and_advice": 0.15}
CONCERN_KNOWN_PERSON_SHARE = 0.35
S42_MEDIAN_DAYS = 60.0
S42_SPREAD = 0.65  # lognormal sigma of enquiry length
S42_CLOSED_SHARE = 0.05
S42_OUTCOMES = {"risk_removed": 0.35, "risk_reduced": 0.50, "risk_remains": 0.15}

# OT deliveries: equipment within 5 working days (most), minor adaptations within 60 days (most),
# major adaptations within 120 days (under half).
EQUIPMENT_PER_OT = 1.2  # mean items per completed OT assessment
EQUIPMENT_PRESCRIPTIONS = Series((("2021-10-01", 33.0), ("2026-09-30", 36.0)))  # non-OT orders
EQUIPMENT_ITEMS_PER_PRESCRIPTION = 1.8
EQUIPMENT_WITHIN_5 = 0.90
MINOR_ADAPTATION_SHARE = 0.25  # of completed OT assessments
MINOR_ADAPTATION_MEDIAN_DAYS = 32.0
MAJOR_ADAPTATION_SHARE = 0.06
MAJOR_ADAPTATION_MEDIAN_DAYS = Series((("2021-10-01", 140.0), ("2026-09-30", 115.0)))
DELIVERY_CANCELLED_SHARE = 0.02

# Reablement (Home First): ~2,500 episodes a year, about 80% at home 91 days after discharge.
REABLEMENT = Series((("2021-10-01", 9.0), ("2025-10-01", 9.6), ("2026-09-30", 11.0)))
REABLEMENT_HOSPITAL_SHARE = 0.65
REABLEMENT_DAYS_MEAN = 30.0
REABLEMENT_OUTCOMES = {"at_home_91_days": 0.80, "readmitted_to_hospital": 0.08,
                       "long_term_support": 0.09, "died": 0.03}

# Carer assessment outcomes.
CARER_OUTCOMES = {"support_plan": 0.55, "information_and_advice": 0.35, "no_eligible_needs": 0.10}
FINANCIAL_OUTCOMES = {"contribution": 0.55, "no_contribution": 0.25, "full_cost": 0.20}
OT_OUTCOMES = {"equipment": 0.60, "adaptation": 0.25, "advice_only": 0.15}
REVIEW_OUTCOMES = {"no_change": 0.60, "support_increased": 0.25, "support_reduced": 0.15}
WITHDRAWN_OUTCOMES = {"withdrawn": 0.70, "died": 0.15, "moved_away": 0.10, "duplicate": 0.05}
ABANDONED_OUTCOMES = {"died": 0.50, "moved_away": 0.20, "withdrawn": 0.30}

# Contacts: ~150,000 calls a year to the customer service centre; 70% answered on average in
# 2025 with a winter 2024-25 low, 81% in December 2025 after advisor recruitment.
CALLS = Series((("2021-10-01", 560.0), ("2024-10-01", 600.0), ("2026-09-30", 610.0)))
CALLS_WEEKDAY = (1.25, 1.05, 0.98, 0.95, 0.85)  # Monday to Friday
CALLS_ANSWERED = Series((("2021-10-01", 0.77), ("2023-04-01", 0.75), ("2024-04-01", 0.72),
                         ("2024-10-01", 0.67), ("2025-01-15", 0.59), ("2025-04-01", 0.65),
                         ("2025-09-01", 0.75), ("2025-12-15", 0.84), ("2026-09-30", 0.86)))
CALL_CATEGORIES = {"allocated_worker": 0.30, "new_request": 0.34, "safeguarding": 0.09,
                   "other": 0.27}
ANSWERED_QUEUE_MEDIAN_SECONDS = 150.0
ABANDONED_QUEUE_MEDIAN_SECONDS = 330.0

# Data quality: share of optional people and episode cells left empty, as a case system leaves
# them (the data quality measure should be low but not zero).
MISSING = {
    "birth_month": 0.015, "gender": 0.01, "ethnicity": 0.015, "ethnicity_unknown": 0.025,
    "primary_support_reason": 0.03, "locality": 0.01, "rural_urban": 0.01, "team": 0.015,
    "outcome": 0.02, "delivery_mechanism": 0.03, "weekly_cost": 0.01, "call_category": 0.01,
}
