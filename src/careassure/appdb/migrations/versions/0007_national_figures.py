"""Published national figures, their imports and comparator groups.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "national_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("layout", sa.String(length=20), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("figures", sa.Integer(), nullable=False),
        sa.Column("replaced", sa.Integer(), nullable=False),
        sa.Column("sets", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_national_import")),
    )
    op.create_table(
        "national_figure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("council_code", sa.String(length=9), nullable=False),
        sa.Column("council_name", sa.String(length=200), nullable=False),
        sa.Column("council_type", sa.String(length=100), nullable=False),
        sa.Column("region", sa.String(length=100), nullable=False),
        sa.Column("measure_code", sa.String(length=40), nullable=False),
        sa.Column("measure_title", sa.String(length=300), nullable=False),
        sa.Column("period", sa.String(length=20), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("published_median", sa.Float(), nullable=True),
        sa.Column("better", sa.String(length=10), nullable=True),
        sa.ForeignKeyConstraint(
            ["import_id"], ["national_import.id"],
            name=op.f("fk_national_figure_import_id_national_import"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_national_figure")),
        sa.UniqueConstraint(
            "measure_code", "period", "council_code",
            name=op.f("uq_national_figure_measure_code_period_council_code"),
        ),
    )
    op.create_index(
        op.f("ix_national_figure_import_id"), "national_figure", ["import_id"]
    )
    op.create_table(
        "comparator_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("members", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('nearest_neighbours', 'council')", name=op.f("ck_comparator_group_kind")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comparator_group")),
        sa.UniqueConstraint("kind", "name", name=op.f("uq_comparator_group_kind_name")),
    )


def downgrade() -> None:
    op.drop_table("comparator_group")
    op.drop_index(op.f("ix_national_figure_import_id"), table_name="national_figure")
    op.drop_table("national_figure")
    op.drop_table("national_import")
