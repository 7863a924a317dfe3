"""The headline measures: the figures a director asks for first.

The seeds' progress narratives quote these, so the overview page, the demo's printed summary and
the reports' summaries all lead with the same list, declared once here in the measures layer
(the web app and the demo both read it; neither owns it).
"""

from __future__ import annotations

HEADLINE_MEASURES: tuple[str, ...] = (
    "care_act_assessment.waiting",
    "care_act_assessment.median_wait",
    "care_act_assessment.max_wait",
    "care_act_assessment.pct_allocated_within_56",
    "carer_assessment.waiting",
    "financial_assessment.waiting",
    "ot_assessment.waiting",
    "review.overdue",
    "review.pct_reviewed_within_12_months",
    "safeguarding_concern.pct_decided_within_5_working_days",
    "s42_enquiry.pct_closed_within_3_months",
    "contacts.pct_answered",
    "direct_payments.pct",
)
