"""Planning defaults that are assumptions rather than data, kept apart from NumPy code so that the
command line can show them in ``--help`` without importing the planner."""

from __future__ import annotations

# The record format holds no staffing data, so converting cases to staff needs an assumption:
# 2.5 cases removed from the list per full-time worker per week (about 10 Care Act assessments a
# month, leave and bank holidays averaged in). It is printed with every result; a council should
# set its own figure (--cases-per-fte) from caseload data, and per queue: OT and financial
# assessments take different amounts of time.
DEFAULT_CASES_PER_FTE_WEEK = 2.5
