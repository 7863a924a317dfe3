"""Audit trail: the append-only record of every change.

Revision ID: 0001
Revises:
Create Date: 2026-06-01

The triggers make the trail append-only in the database itself, so that a direct SQL session or
another client cannot rewrite history either. PostgreSQL also refuses TRUNCATE, which row
triggers do not see. Dropping the table (a schema change, done only by migrations) stays possible.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_PG_FUNCTION = """
CREATE FUNCTION careassure_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_trail is append-only: % refused', TG_OP;
END
$$
"""


def upgrade() -> None:
    op.create_table(
        "audit_trail",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("entity_type", sa.String(length=100), nullable=False),
        sa.Column("entity_id", sa.String(length=200), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_trail")),
    )
    op.create_index(
        op.f("ix_audit_trail_entity_type_entity_id"), "audit_trail", ["entity_type", "entity_id"]
    )
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(_PG_FUNCTION)
        op.execute(
            "CREATE TRIGGER audit_trail_no_change BEFORE UPDATE OR DELETE ON audit_trail "
            "FOR EACH ROW EXECUTE FUNCTION careassure_audit_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_trail_no_truncate BEFORE TRUNCATE ON audit_trail "
            "FOR EACH STATEMENT EXECUTE FUNCTION careassure_audit_append_only()"
        )
    elif dialect == "sqlite":
        for operation in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_trail_no_{operation.lower()} BEFORE {operation} "
                "ON audit_trail BEGIN "
                f"SELECT RAISE(ABORT, 'audit_trail is append-only: {operation} refused'); END"
            )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER audit_trail_no_truncate ON audit_trail")
        op.execute("DROP TRIGGER audit_trail_no_change ON audit_trail")
        op.execute("DROP FUNCTION careassure_audit_append_only()")
    elif dialect == "sqlite":
        op.execute("DROP TRIGGER audit_trail_no_update")
        op.execute("DROP TRIGGER audit_trail_no_delete")
    op.drop_index(op.f("ix_audit_trail_entity_type_entity_id"), table_name="audit_trail")
    op.drop_table("audit_trail")
