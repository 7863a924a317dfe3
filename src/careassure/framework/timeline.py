"""The assessment cycle planner: from a notification (or a published rating) to due dates.

Each milestone carries the rule and the guidance it comes from, so a due date can be checked by
hand. Dates the council already knows (the site visit letter, the visit, the draft report,
publication) replace the estimates. Working days skip weekends and England and Wales bank
holidays. Timings are in ``framework.yaml`` (``timeline``); docs/framework.md cites each one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

import holidays
from dateutil.relativedelta import relativedelta

from careassure.framework.model import Framework


class TimelineError(ValueError):
    """Dates that cannot describe one assessment (missing, or in an impossible order)."""


@cache
def _bank_holidays() -> holidays.HolidayBase:
    return holidays.UK(subdiv="ENG")


def is_working_day(day: date) -> bool:
    """Monday to Friday and not an England and Wales bank holiday."""
    return day.weekday() < 5 and day not in _bank_holidays()


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days after ``start`` (``start`` itself is day 0)."""
    current = start
    for _ in range(days):
        current += timedelta(days=1)
        while not is_working_day(current):
            current += timedelta(days=1)
    return current


def working_day_on_or_before(day: date) -> date:
    """``day`` if it is a working day, else the last working day before it."""
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def uk(day: date | None) -> str:
    """A date as people in England write it: DD/MM/YYYY."""
    return day.strftime("%d/%m/%Y") if day else ""


@dataclass(frozen=True)
class Milestone:
    """One step. ``earliest``..``due`` is the window; ``expected`` the usual date inside it;
    ``actual`` what happened. Any of them may be unknown (None); ``done`` marks a step that a
    later known step implies happened although its date was not given."""

    key: str
    name: str
    rule: str
    source: str
    earliest: date | None = None
    expected: date | None = None
    due: date | None = None
    actual: date | None = None
    done: bool = False

    def status(self, today: date) -> str:
        """done (recorded, or implied by a later step), late (done after the due date), open
        (today inside the window), upcoming, passed (due date gone, not recorded as done) or
        unknown (no dates yet)."""
        if self.actual is not None:
            return "late" if self.due is not None and self.actual > self.due else "done"
        if self.done:
            return "done"
        if self.earliest is None and self.due is None:
            return "unknown"
        if self.due is not None and today > self.due:
            return "passed"
        if self.earliest is not None and self.earliest <= today:
            return "open"
        return "upcoming"

    def to_json(self, today: date) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "earliest": self.earliest.isoformat() if self.earliest else None,
            "expected": self.expected.isoformat() if self.expected else None,
            "due": self.due.isoformat() if self.due else None,
            "actual": self.actual.isoformat() if self.actual else None,
            "status": self.status(today),
            "done": self.done,
            "rule": self.rule,
            "source": self.source,
        }


@dataclass(frozen=True)
class NextAssessment:
    """When the next comprehensive assessment is due after a published rating."""

    published: date
    rating: str
    interval_years: int
    window_opens: date
    due: date
    today: date

    @property
    def inside_window(self) -> bool:
        return self.window_opens <= self.today <= self.due

    @property
    def overdue(self) -> bool:
        return self.today > self.due

    def to_json(self) -> dict[str, Any]:
        return {
            "published": self.published.isoformat(),
            "rating": self.rating,
            "interval_years": self.interval_years,
            "window_opens": self.window_opens.isoformat(),
            "due": self.due.isoformat(),
            "inside_window": self.inside_window,
            "overdue": self.overdue,
        }


@dataclass(frozen=True)
class Timeline:
    today: date
    milestones: tuple[Milestone, ...]
    next_assessment: NextAssessment | None

    def milestone(self, key: str) -> Milestone:
        return next(m for m in self.milestones if m.key == key)

    def to_json(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "milestones": [m.to_json(self.today) for m in self.milestones],
            "next_assessment": self.next_assessment.to_json() if self.next_assessment else None,
        }


SEED_002 = "seed 002 para 14"
CQC_RATINGS = "CQC, How we determine ratings / How we report and share"
SEED_000 = "seed 000 para 26, CQC 2026 approach"


def _check_order(*pairs: tuple[str, date | None, str, date | None]) -> None:
    for first_name, first, second_name, second in pairs:
        if first is not None and second is not None and second < first:
            raise TimelineError(
                f"{second_name} ({uk(second)}) is before {first_name} ({uk(first)})"
            )


def _assessment_milestones(
    framework: Framework,
    notified: date,
    returned: date | None,
    second_letter: date | None,
    site_visit: date | None,
    draft_report: date | None,
    published: date | None,
) -> list[Milestone]:
    rules = framework.timeline
    weeks = rules.information_return_weeks
    return_due = working_day_on_or_before(notified + timedelta(weeks=weeks, days=-1))
    visit_latest = notified + relativedelta(
        months=rules.site_visit_latest_months_after_notification
    )
    notice_min = timedelta(weeks=rules.site_visit_notice_weeks_min)
    notice_max = timedelta(weeks=rules.site_visit_notice_weeks_max)
    if second_letter is not None:
        visit_earliest = second_letter + notice_min
        visit_due = min(second_letter + notice_max, visit_latest)
    else:
        visit_earliest = return_due + notice_min
        visit_due = visit_latest
    days = rules.site_visit_days
    visit_end = add_working_days(site_visit, days - 1) if site_visit else None
    fa_days = rules.factual_accuracy_working_days
    pub_weeks = rules.publication_expected_weeks_after_site_visit
    pub_months = rules.publication_latest_months_after_site_visit
    last_visit_day = visit_end or add_working_days(visit_due, days - 1)
    return [
        Milestone(
            "notification",
            "Notification",
            "CQC's letter of notification and information request starts the assessment",
            SEED_002 + "a",
            actual=notified,
        ),
        Milestone(
            "information_return",
            "Information return",
            f"self-assessment, policies and evidence by the end of week {weeks}, counting the "
            "notification day as day 1; a weekend or bank holiday moves it to the working day "
            "before",
            SEED_002 + "b",
            earliest=notified,
            due=return_due,
            actual=returned,
            done=any(d is not None for d in (second_letter, site_visit, draft_report, published)),
        ),
        Milestone(
            "site_visit_letter",
            "Site visit letter",
            f"after the information return, at least {rules.site_visit_notice_weeks_min} weeks "
            f"before the visit, which is at most "
            f"{rules.site_visit_latest_months_after_notification} months after notification",
            SEED_002 + "c",
            earliest=return_due,
            due=visit_latest - notice_min,
            actual=second_letter,
            done=any(d is not None for d in (site_visit, draft_report, published)),
        ),
        Milestone(
            "site_visit",
            f"Site visit ({days} days)",
            f"{rules.site_visit_notice_weeks_min} to {rules.site_visit_notice_weeks_max} weeks "
            f"after the letter, at most {rules.site_visit_latest_months_after_notification} "
            "months after notification"
            + (f"; this visit {uk(site_visit)} to {uk(visit_end)}" if visit_end else ""),
            SEED_002 + "c, g",
            earliest=visit_earliest,
            due=visit_due,
            actual=site_visit,
            done=any(d is not None for d in (draft_report, published)),
        ),
        Milestone(
            "factual_accuracy",
            "Factual accuracy check",
            f"{fa_days} working days from receiving the draft report",
            "CQC, How we report and share; " + SEED_002 + "i",
            earliest=draft_report or visit_end,
            due=add_working_days(draft_report, fa_days) if draft_report else None,
            done=published is not None,
        ),
        Milestone(
            "publication",
            "Publication",
            f"report and rating published usually about {pub_weeks} weeks, at most "
            f"{pub_months} months, after the site visit",
            f"{CQC_RATINGS}; {SEED_002}i",
            earliest=visit_end,
            expected=visit_end + timedelta(weeks=pub_weeks) if visit_end else None,
            due=last_visit_day + relativedelta(months=pub_months),
            actual=published,
        ),
    ]


def _after_publication(
    framework: Framework, published: date, rating: str, today: date
) -> tuple[list[Milestone], NextAssessment]:
    rules = framework.timeline
    band = framework.band(rating)
    years = rules.comprehensive_interval_years[band.rating]
    due = published + relativedelta(years=years)
    window = rules.next_assessment_window_months
    next_assessment = NextAssessment(
        published, band.rating, years, due - relativedelta(months=window), due, today
    )
    milestones = []
    if band.rating in rules.dhsc_update_ratings:
        milestones.append(
            Milestone(
                "dhsc_improvement_plan",
                "DHSC Stage 2 improvement plan",
                f"improvement plan to DHSC {rules.dhsc_improvement_plan_months} months after "
                "publication",
                "seed 000 para 9",
                earliest=published,
                due=published + relativedelta(months=rules.dhsc_improvement_plan_months),
            )
        )
        months, number = rules.dhsc_first_quarterly_update_months, 1
        while (update := published + relativedelta(months=months)) < due:
            milestones.append(
                Milestone(
                    f"dhsc_update_{number}",
                    f"DHSC Stage 3 update {number}",
                    f"progress update to DHSC every {rules.dhsc_every_months} months from "
                    f"{rules.dhsc_first_quarterly_update_months} months after publication",
                    "seed 000 paras 9 and 41",
                    due=update,
                )
            )
            months += rules.dhsc_every_months
            number += 1
    milestones.append(
        Milestone(
            "next_comprehensive_assessment",
            "Next comprehensive assessment",
            f"usual maximum {years} years from publication after {band.rating}; careassure "
            f"treats the last {window} months as the window in which it is likely",
            SEED_000,
            earliest=next_assessment.window_opens,
            due=due,
        )
    )
    return milestones, next_assessment


def plan_timeline(
    framework: Framework,
    *,
    today: date,
    notified: date | None = None,
    returned: date | None = None,
    second_letter: date | None = None,
    site_visit: date | None = None,
    draft_report: date | None = None,
    published: date | None = None,
    rating: str | None = None,
) -> Timeline:
    """The timeline from a notification date, a publication date and rating, or both.

    Raises TimelineError when neither is given, when a date precedes the one it must follow, or
    when a published date comes without the rating needed to plan the next assessment.
    """
    within = (returned, second_letter, site_visit, draft_report)
    if notified is None and any(d is not None for d in within):
        raise TimelineError("dates within an assessment need its notification date")
    if notified is None and published is None:
        raise TimelineError("give the notification date, or the publication date and rating")
    if published is not None and notified is None and rating is None:
        raise TimelineError("give the rating published with the report to plan the next one")
    if rating is not None and published is None:
        raise TimelineError("a rating needs the date its report was published")
    _check_order(
        ("notification", notified, "information return", returned),
        ("notification", notified, "site visit letter", second_letter),
        ("notification", notified, "site visit", site_visit),
        ("site visit letter", second_letter, "site visit", site_visit),
        ("site visit", site_visit, "draft report", draft_report),
        ("site visit", site_visit, "publication", published),
        ("draft report", draft_report, "publication", published),
        ("notification", notified, "publication", published),
    )
    milestones: list[Milestone] = []
    if notified is not None:
        milestones += _assessment_milestones(
            framework, notified, returned, second_letter, site_visit, draft_report, published
        )
    next_assessment = None
    if published is not None and rating is not None:
        after, next_assessment = _after_publication(framework, published, rating, today)
        if notified is None:
            milestones.append(
                Milestone(
                    "publication",
                    "Publication",
                    "report and rating published",
                    "",
                    actual=published,
                )
            )
        milestones += after
    return Timeline(today, tuple(milestones), next_assessment)
