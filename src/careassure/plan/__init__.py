"""The improvement plan: areas -> actions -> outcomes with targets, judged on live measures.

Public API (docs/plan.md has the rules and the file layouts)::

    from careassure.plan import (
        load_plan, plan_status,            # the stored plan, judged at a date
        import_plan, add_progress,         # changes (each audited in the caller's transaction)
        set_override, clear_override,
        read_plan, plan_yaml, table_rows,  # files: YAML and the committee paper's table
    )

    with transaction(engine) as session:
        plan = load_plan(session)                      # PlanSpec: plain frozen data
    status = plan_status(plan, date(2025, 12, 28), backend=open_store_or_none)
    for area in status.areas:                          # AreaStatus -> ActionStatus -> OutcomeStatus
        print(area.spec.title, area.rag.label, area.rag.reason)

``plan_status`` makes one measure-series query for the whole plan (one per breakdown column);
the tree it returns (:class:`PlanStatus`) is what the web pages, the committee report and the
DHSC return read. Its ``to_json()`` is the documented JSON contract.

The names load on first use (PEP 562), so that ``careassure --help`` imports nothing heavy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    # plain data and errors
    "PlanError": "model",
    "PlanSpec": "model",
    "AreaSpec": "model",
    "ActionSpec": "model",
    "OutcomeSpec": "model",
    "MeasuredTarget": "model",
    "Milestone": "model",
    "ProgressSpec": "model",
    "RiskSpec": "model",
    "OverrideSpec": "model",
    # RAG rules and the status tree
    "Rag": "rag",
    "Trend": "rag",
    "STATUSES": "rag",
    "LABELS": "rag",
    "judge_measured": "rag",
    "judge_milestone": "rag",
    "roll_up": "rag",
    "apply_override": "rag",
    "PlanStatus": "status",
    "AreaStatus": "status",
    "ActionStatus": "status",
    "OutcomeStatus": "status",
    "evaluate": "status",
    "plan_status": "live",
    "fetch_points": "live",
    # files
    "read_plan": "yamlfile",
    "parse_plan": "yamlfile",
    "plan_yaml": "yamlfile",
    "plan_json": "yamlfile",
    "load_demo_plan": "yamlfile",
    "demo_plan_path": "yamlfile",
    "parse_table": "seedtable",
    "table_rows": "seedtable",
    "table_text": "seedtable",
    # the stored plan
    "load_plan": "service",
    "plan_keys": "service",
    "import_plan": "service",
    "remove_plan": "service",
    "add_progress": "service",
    "update_action": "service",
    "set_milestone": "service",
    "set_target": "service",
    "set_override": "service",
    "clear_override": "service",
    "set_risk": "service",
    "item_history": "service",
    "actions_owned_by": "service",
}

__all__ = [
    "ActionSpec",
    "ActionStatus",
    "AreaSpec",
    "AreaStatus",
    "LABELS",
    "MeasuredTarget",
    "Milestone",
    "OutcomeSpec",
    "OutcomeStatus",
    "OverrideSpec",
    "PlanError",
    "PlanSpec",
    "PlanStatus",
    "ProgressSpec",
    "Rag",
    "RiskSpec",
    "STATUSES",
    "Trend",
    "actions_owned_by",
    "add_progress",
    "apply_override",
    "clear_override",
    "demo_plan_path",
    "evaluate",
    "fetch_points",
    "import_plan",
    "item_history",
    "judge_measured",
    "judge_milestone",
    "load_demo_plan",
    "load_plan",
    "parse_plan",
    "parse_table",
    "plan_json",
    "plan_keys",
    "plan_status",
    "plan_yaml",
    "read_plan",
    "remove_plan",
    "roll_up",
    "set_milestone",
    "set_override",
    "set_risk",
    "set_target",
    "table_rows",
    "table_text",
    "update_action",
]

if TYPE_CHECKING:
    from careassure.plan.live import fetch_points, plan_status
    from careassure.plan.model import (
        ActionSpec,
        AreaSpec,
        MeasuredTarget,
        Milestone,
        OutcomeSpec,
        OverrideSpec,
        PlanError,
        PlanSpec,
        ProgressSpec,
        RiskSpec,
    )
    from careassure.plan.rag import (
        LABELS,
        STATUSES,
        Rag,
        Trend,
        apply_override,
        judge_measured,
        judge_milestone,
        roll_up,
    )
    from careassure.plan.seedtable import parse_table, table_rows, table_text
    from careassure.plan.service import (
        actions_owned_by,
        add_progress,
        clear_override,
        import_plan,
        item_history,
        load_plan,
        plan_keys,
        remove_plan,
        set_milestone,
        set_override,
        set_risk,
        set_target,
        update_action,
    )
    from careassure.plan.status import (
        ActionStatus,
        AreaStatus,
        OutcomeStatus,
        PlanStatus,
        evaluate,
    )
    from careassure.plan.yamlfile import (
        demo_plan_path,
        load_demo_plan,
        parse_plan,
        plan_json,
        plan_yaml,
        read_plan,
    )


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'careassure.plan' has no attribute {name!r}")
    return getattr(importlib.import_module(f"careassure.plan.{module}"), name)
