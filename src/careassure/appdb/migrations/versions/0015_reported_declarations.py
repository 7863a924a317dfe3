"""Reported measures declared on the admin page (a row per version) and an evidence file on a
reported value.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

EVIDENCE_COLUMNS = (
    ("evidence_sha256", sa.String(length=64)),
    ("evidence_name", sa.String(length=255)),
    ("evidence_type", sa.String(length=200)),
    ("evidence_bytes", sa.Integer()),
)


def upgrade() -> None:
    op.create_table(
        "reported_declaration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.String(length=120), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("definition", sa.String(length=2000), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("direction", sa.String(length=10), nullable=True),
        sa.Column("frequency", sa.String(length=20), nullable=False),
        sa.Column("owner_role", sa.String(length=40), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("minimum", sa.Float(), nullable=False),
        sa.Column("maximum", sa.Float(), nullable=False),
        sa.Column("first_period", sa.Date(), nullable=False),
        sa.Column("due_days", sa.Integer(), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.Column("saved_by", sa.String(length=200), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reported_declaration")),
        sa.UniqueConstraint("measure_id", "version",
                            name=op.f("uq_reported_declaration_measure_id_version")),
    )
    with op.batch_alter_table("reported_value") as batch:
        for name, kind in EVIDENCE_COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reported_value") as batch:
        for name, _kind in reversed(EVIDENCE_COLUMNS):
            batch.drop_column(name)
    op.drop_table("reported_declaration")
