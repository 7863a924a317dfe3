"""Assessment cycle 2026: CQC assessments (comprehensive and focused), assurance meetings, rating
characteristics per quality statement and judgement level, and the level the evidence supports.

Revision ID: 0010
Revises: 0007
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cqc_assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("assessment_date", sa.Date(), nullable=False),
        sa.Column("scope", sa.JSON(), nullable=False),
        sa.Column("outcome", sa.String(length=300), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("report_link", sa.String(length=2000), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('comprehensive', 'focused')", name=op.f("ck_cqc_assessment_kind")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cqc_assessment")),
    )
    op.create_table(
        "assurance_meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=False),
        sa.Column("attendees", sa.JSON(), nullable=False),
        sa.Column("agenda", sa.JSON(), nullable=False),
        sa.Column("actions", sa.JSON(), nullable=False),
        sa.Column("pack", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assurance_meeting")),
    )
    op.create_table(
        "rating_characteristic",
        sa.Column("statement_id", sa.String(length=60), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=4000), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("statement_id", "level", name=op.f("pk_rating_characteristic")),
    )
    op.create_table(
        "supported_level",
        sa.Column("statement_id", sa.String(length=60), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("evidence_ids", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("statement_id", name=op.f("pk_supported_level")),
    )


def downgrade() -> None:
    op.drop_table("supported_level")
    op.drop_table("rating_characteristic")
    op.drop_table("assurance_meeting")
    op.drop_table("cqc_assessment")
