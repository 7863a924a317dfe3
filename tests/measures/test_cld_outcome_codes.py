"""The CLD event outcomes the national measures name are exactly the value list's (no engine:
these are the lists the ASCOF 2A sequel and DHSC's "not progressed" rule are written with)."""

from __future__ import annotations

from careassure.measures.national import NO_FURTHER_ACTION
from careassure.measures.stmax import OUTCOME_HIERARCHY
from careassure.records.cld_values import value_lists


def test_every_no_further_action_outcome_the_measures_name_is_a_cld_code() -> None:
    outcomes = value_lists()["event_outcome"]
    nfa = {code for code, is_nfa in outcomes.attributes("nfa").items() if is_nfa}
    assert set(NO_FURTHER_ACTION) == nfa
    assert set(OUTCOME_HIERARCHY) == set(outcomes.codes)
