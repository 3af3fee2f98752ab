"""the consent record (legal basis, purpose), withdrawal and erasure marks, the audit log; TOTP replay guard

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 17:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TABLES = ("households", "magazine_orders")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            # Records stored before this revision were all taken with consent, for the form's purpose.
            batch_op.add_column(
                sa.Column("legal_basis", sa.String(length=20), nullable=False, server_default="consent")
            )
            batch_op.add_column(sa.Column("purpose", sa.String(length=40), nullable=False, server_default=""))
            batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
            batch_op.add_column(sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))
            batch_op.create_index(batch_op.f(f"ix_{table}_erased_at"), ["erased_at"], unique=False)
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))
    op.execute("UPDATE households SET purpose = 'relocation_guidance'")
    op.execute("UPDATE magazine_orders SET purpose = 'magazine_delivery'")
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=20), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("record", sa.String(length=20), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=True),
        sa.Column("detail", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_reference"), ["reference"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("totp_last_step")
    op.drop_table("audit_log")
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_erased_at"))
            for column in ("erased_at", "withdrawn_at", "purpose", "legal_basis"):
                batch_op.drop_column(column)
