"""magazine orders: when they were sent

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 15:15:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("magazine_orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_magazine_orders_sent_at"), ["sent_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("magazine_orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_magazine_orders_sent_at"))
        batch_op.drop_column("sent_at")
