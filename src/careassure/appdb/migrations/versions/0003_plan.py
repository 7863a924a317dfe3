"""Improvement plan: areas, actions, outcomes, progress updates, key risks, RAG overrides.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("council", sa.String(length=200), nullable=False),
        sa.Column("updated_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan")),
        sa.UniqueConstraint("key", name=op.f("uq_plan_key")),
    )
    op.create_table(
        "plan_area",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plan.id"], name=op.f("fk_plan_area_plan_id_plan"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_area")),
        sa.UniqueConstraint("plan_id", "key", name=op.f("uq_plan_area_plan_id_key")),
    )
    op.create_index(op.f("ix_plan_area_plan_id"), "plan_area", ["plan_id"], unique=False)
    op.create_table(
        "plan_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=True),
        sa.Column("owner_account", sa.String(length=200), nullable=True),
        sa.Column("delivery_month", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.CheckConstraint(
            "status IN ('not_started', 'in_progress', 'complete')",
            name=op.f("ck_plan_action_status"),
        ),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["plan_area.id"],
            name=op.f("fk_plan_action_area_id_plan_area"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_action")),
        sa.UniqueConstraint("area_id", "key", name=op.f("uq_plan_action_area_id_key")),
    )
    op.create_index(op.f("ix_plan_action_area_id"), "plan_action", ["area_id"], unique=False)
    op.create_index(
        op.f("ix_plan_action_owner_account"), "plan_action", ["owner_account"], unique=False
    )
    op.create_table(
        "plan_risk",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("likelihood", sa.Integer(), nullable=False),
        sa.Column("impact", sa.Integer(), nullable=False),
        sa.Column("mitigation", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.CheckConstraint("status IN ('open', 'closed')", name=op.f("ck_plan_risk_status")),
        sa.CheckConstraint("impact BETWEEN 1 AND 5", name=op.f("ck_plan_risk_impact")),
        sa.CheckConstraint("likelihood BETWEEN 1 AND 5", name=op.f("ck_plan_risk_likelihood")),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["plan_area.id"],
            name=op.f("fk_plan_risk_area_id_plan_area"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plan.id"], name=op.f("fk_plan_risk_plan_id_plan"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_risk")),
        sa.UniqueConstraint("plan_id", "key", name=op.f("uq_plan_risk_plan_id_key")),
    )
    op.create_index(op.f("ix_plan_risk_plan_id"), "plan_risk", ["plan_id"], unique=False)
    op.create_table(
        "plan_outcome",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("measure_id", sa.String(length=120), nullable=True),
        sa.Column("comparator", sa.String(length=5), nullable=True),
        sa.Column("target", sa.Float(), nullable=True),
        sa.Column("breakdown", sa.JSON(), nullable=True),
        sa.Column("baseline_on", sa.Date(), nullable=True),
        sa.Column("done", sa.Boolean(), nullable=True),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("evidence_link", sa.String(length=2000), nullable=True),
        sa.CheckConstraint(
            "(kind = 'measured' AND measure_id IS NOT NULL AND comparator IS NOT NULL "
            "AND target IS NOT NULL AND done IS NULL) OR "
            "(kind = 'milestone' AND measure_id IS NULL AND comparator IS NULL "
            "AND target IS NULL AND breakdown IS NULL AND done IS NOT NULL)",
            name=op.f("ck_plan_outcome_measured_or_milestone"),
        ),
        sa.CheckConstraint(
            "comparator IS NULL OR comparator IN ('<=', '<', '>=', '>', 'abs<')",
            name=op.f("ck_plan_outcome_comparator"),
        ),
        sa.CheckConstraint("kind IN ('measured', 'milestone')", name=op.f("ck_plan_outcome_kind")),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["plan_action.id"],
            name=op.f("fk_plan_outcome_action_id_plan_action"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_outcome")),
        sa.UniqueConstraint("action_id", "key", name=op.f("uq_plan_outcome_action_id_key")),
    )
    op.create_index(op.f("ix_plan_outcome_action_id"), "plan_outcome", ["action_id"], unique=False)
    op.create_table(
        "plan_progress",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("written_on", sa.Date(), nullable=False),
        sa.Column("narrative", sa.Text(), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["plan_action.id"],
            name=op.f("fk_plan_progress_action_id_plan_action"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_progress")),
    )
    op.create_index(
        op.f("ix_plan_progress_action_id"), "plan_progress", ["action_id"], unique=False
    )
    op.create_table(
        "plan_rag_override",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("action_id", sa.Integer(), nullable=True),
        sa.Column("outcome_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("set_by", sa.String(length=200), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('met', 'improving', 'not_met', 'off_track')",
            name=op.f("ck_plan_rag_override_status"),
        ),
        sa.CheckConstraint(
            "(CASE WHEN area_id IS NULL THEN 0 ELSE 1 END) + "
            "(CASE WHEN action_id IS NULL THEN 0 ELSE 1 END) + "
            "(CASE WHEN outcome_id IS NULL THEN 0 ELSE 1 END) = 1",
            name=op.f("ck_plan_rag_override_one_item"),
        ),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["plan_action.id"],
            name=op.f("fk_plan_rag_override_action_id_plan_action"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["plan_area.id"],
            name=op.f("fk_plan_rag_override_area_id_plan_area"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["outcome_id"],
            ["plan_outcome.id"],
            name=op.f("fk_plan_rag_override_outcome_id_plan_outcome"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_rag_override")),
        sa.UniqueConstraint("action_id", name=op.f("uq_plan_rag_override_action_id")),
        sa.UniqueConstraint("area_id", name=op.f("uq_plan_rag_override_area_id")),
        sa.UniqueConstraint("outcome_id", name=op.f("uq_plan_rag_override_outcome_id")),
    )


def downgrade() -> None:
    op.drop_table("plan_rag_override")
    op.drop_index(op.f("ix_plan_progress_action_id"), table_name="plan_progress")
    op.drop_table("plan_progress")
    op.drop_index(op.f("ix_plan_outcome_action_id"), table_name="plan_outcome")
    op.drop_table("plan_outcome")
    op.drop_index(op.f("ix_plan_risk_plan_id"), table_name="plan_risk")
    op.drop_table("plan_risk")
    op.drop_index(op.f("ix_plan_action_owner_account"), table_name="plan_action")
    op.drop_index(op.f("ix_plan_action_area_id"), table_name="plan_action")
    op.drop_table("plan_action")
    op.drop_index(op.f("ix_plan_area_plan_id"), table_name="plan_area")
    op.drop_table("plan_area")
    op.drop_table("plan")
