"""Framework: evidence library and self-assessment.

Revision ID: 0002
Revises: 0001
Create Date: 2026-06-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evidence_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=60), nullable=False),
        sa.Column("evidence_date", sa.Date(), nullable=False),
        sa.Column("review_by", sa.Date(), nullable=True),
        sa.Column("link", sa.String(length=2000), nullable=True),
        sa.Column("file_sha256", sa.String(length=64), nullable=True),
        sa.Column("file_name", sa.String(length=255), nullable=True),
        sa.Column("content_type", sa.String(length=200), nullable=True),
        sa.Column("size_bytes", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(link IS NULL) <> (file_sha256 IS NULL)",
            name=op.f("ck_evidence_item_file_or_link"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_item")),
    )
    op.create_table(
        "evidence_link",
        sa.Column("evidence_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("target", sa.String(length=60), nullable=False),
        sa.CheckConstraint(
            "kind IN ('statement', 'characteristic')", name=op.f("ck_evidence_link_kind")
        ),
        sa.ForeignKeyConstraint(
            ["evidence_id"],
            ["evidence_item.id"],
            name=op.f("fk_evidence_link_evidence_id_evidence_item"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("evidence_id", "kind", "target", name=op.f("pk_evidence_link")),
    )
    op.create_table(
        "self_assessment_statement",
        sa.Column("statement_id", sa.String(length=60), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("category_scores", sa.JSON(), nullable=True),
        sa.Column("strengths", sa.JSON(), nullable=False),
        sa.Column("areas_for_development", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("statement_id", name=op.f("pk_self_assessment_statement")),
    )


def downgrade() -> None:
    op.drop_table("self_assessment_statement")
    op.drop_table("evidence_link")
    op.drop_table("evidence_item")
