"""The MTFS ledger: versions, growth/saving/transfer lines, revenue budget, capital programme,
Better Care Fund, printed totals, and links from plan items to budget lines.

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "budget_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("department", sa.String(length=500), nullable=False),
        sa.Column("first_year", sa.Integer(), nullable=False),
        sa.Column("years", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=500), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=False),
        sa.Column("prior_year_budget", sa.BigInteger(), nullable=False),
        sa.Column("previous_key", sa.String(length=60), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_version")),
        sa.UniqueConstraint("key", name=op.f("uq_budget_version_key")),
    )
    op.create_table(
        "budget_capital_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("programme", sa.String(length=500), nullable=False),
        sa.Column("scheme", sa.String(length=500), nullable=False),
        sa.Column("completion", sa.String(length=20), nullable=True),
        sa.Column("gross_cost", sa.BigInteger(), nullable=False),
        sa.Column("amounts", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["budget_version.id"],
            name=op.f("fk_budget_capital_line_version_id_budget_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_capital_line")),
    )
    op.create_index(
        op.f("ix_budget_capital_line_version_id"),
        "budget_capital_line",
        ["version_id"],
        unique=False,
    )
    op.create_table(
        "budget_funding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["budget_version.id"],
            name=op.f("fk_budget_funding_version_id_budget_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_funding")),
    )
    op.create_index(
        op.f("ix_budget_funding_version_id"), "budget_funding", ["version_id"], unique=False
    )
    op.create_table(
        "budget_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("section", sa.String(length=500), nullable=False),
        sa.Column("classification", sa.String(length=10), nullable=True),
        sa.Column("client_group", sa.String(length=40), nullable=True),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=True),
        sa.Column("printed_star", sa.String(length=2), nullable=True),
        sa.Column("amounts", sa.JSON(), nullable=False),
        sa.Column("delivery_status", sa.String(length=20), nullable=True),
        sa.Column("delivery_reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "classification IS NULL OR classification IN ('Eff', 'SR', 'Inc', 'Eff/SR')",
            name=op.f("ck_budget_line_classification"),
        ),
        sa.CheckConstraint(
            "client_group IS NULL OR client_group IN ('older_people', 'learning_disability', "
            "'mental_health', 'physical_disability')",
            name=op.f("ck_budget_line_client_group"),
        ),
        sa.CheckConstraint(
            "delivery_status IS NULL OR "
            "delivery_status IN ('on_track', 'at_risk', 'not_delivered')",
            name=op.f("ck_budget_line_delivery_status"),
        ),
        sa.CheckConstraint(
            "printed_star IS NULL OR printed_star IN ('', '*', '**')",
            name=op.f("ck_budget_line_printed_star"),
        ),
        sa.CheckConstraint(
            "type IN ('growth', 'saving', 'transfer')", name=op.f("ck_budget_line_type")
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["budget_version.id"],
            name=op.f("fk_budget_line_version_id_budget_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_line")),
        sa.UniqueConstraint(
            "version_id", "reference", name=op.f("uq_budget_line_version_id_reference")
        ),
    )
    op.create_index(op.f("ix_budget_line_version_id"), "budget_line", ["version_id"], unique=False)
    op.create_table(
        "budget_plan_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=130), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.CheckConstraint("role IN ('funds', 'delivers')", name=op.f("ck_budget_plan_link_role")),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plan.id"],
            name=op.f("fk_budget_plan_link_plan_id_plan"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_plan_link")),
        sa.UniqueConstraint(
            "plan_id", "path", "reference", name=op.f("uq_budget_plan_link_plan_id_path_reference")
        ),
    )
    op.create_index(
        op.f("ix_budget_plan_link_plan_id"), "budget_plan_link", ["plan_id"], unique=False
    )
    op.create_index(
        op.f("ix_budget_plan_link_reference"), "budget_plan_link", ["reference"], unique=False
    )
    op.create_table(
        "budget_revenue_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("division", sa.String(length=500), nullable=False),
        sa.Column("section", sa.String(length=500), nullable=False),
        sa.Column("service", sa.String(length=500), nullable=False),
        sa.Column("statutory", sa.String(length=1), nullable=True),
        sa.Column("net_prior_year", sa.BigInteger(), nullable=False),
        sa.Column("employees", sa.BigInteger(), nullable=False),
        sa.Column("running_expenses", sa.BigInteger(), nullable=False),
        sa.Column("internal_income", sa.BigInteger(), nullable=False),
        sa.Column("gross", sa.BigInteger(), nullable=False),
        sa.Column("external_income", sa.BigInteger(), nullable=False),
        sa.Column("net", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "statutory IS NULL OR statutory IN ('S', 'D', 'B')",
            name=op.f("ck_budget_revenue_line_statutory"),
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["budget_version.id"],
            name=op.f("fk_budget_revenue_line_version_id_budget_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_revenue_line")),
    )
    op.create_index(
        op.f("ix_budget_revenue_line_version_id"),
        "budget_revenue_line",
        ["version_id"],
        unique=False,
    )
    op.create_table(
        "budget_total",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("appendix", sa.String(length=20), nullable=False),
        sa.Column("scope", sa.String(length=500), nullable=False),
        sa.Column("column_name", sa.String(length=40), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "appendix IN ('revenue', 'growth', 'saving', 'capital', 'funding')",
            name=op.f("ck_budget_total_appendix"),
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["budget_version.id"],
            name=op.f("fk_budget_total_version_id_budget_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_total")),
    )
    op.create_index(
        op.f("ix_budget_total_version_id"), "budget_total", ["version_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_budget_total_version_id"), table_name="budget_total")
    op.drop_table("budget_total")
    op.drop_index(op.f("ix_budget_revenue_line_version_id"), table_name="budget_revenue_line")
    op.drop_table("budget_revenue_line")
    op.drop_index(op.f("ix_budget_plan_link_reference"), table_name="budget_plan_link")
    op.drop_index(op.f("ix_budget_plan_link_plan_id"), table_name="budget_plan_link")
    op.drop_table("budget_plan_link")
    op.drop_index(op.f("ix_budget_line_version_id"), table_name="budget_line")
    op.drop_table("budget_line")
    op.drop_index(op.f("ix_budget_funding_version_id"), table_name="budget_funding")
    op.drop_table("budget_funding")
    op.drop_index(op.f("ix_budget_capital_line_version_id"), table_name="budget_capital_line")
    op.drop_table("budget_capital_line")
    op.drop_table("budget_version")
