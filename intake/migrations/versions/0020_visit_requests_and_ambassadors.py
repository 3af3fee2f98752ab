"""try-out visits asked for by households (a "requested" state on visits), and what ambassadors offer

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 11:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.add_column(sa.Column("state", sa.String(length=10), nullable=False, server_default="planned"))
        batch_op.add_column(sa.Column("municipality", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("flexible_month", sa.String(length=7), nullable=True))
        batch_op.add_column(sa.Column("wishes", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("message", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("submission_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("requested_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_visits_state", ["state"], unique=False)
        batch_op.create_index("ix_visits_submission_id", ["submission_id"], unique=True)
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("agreed_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("languages", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("occupation_field", sa.String(length=1), nullable=True))
        batch_op.add_column(sa.Column("interests", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("origin_country", sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column("origin_consent_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        for name in ("origin_consent_on", "origin_country", "interests", "occupation_field", "languages", "agreed_on"):
            batch_op.drop_column(name)
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.drop_index("ix_visits_submission_id")
        batch_op.drop_index("ix_visits_state")
        for name in (
            "confirmed_at",
            "requested_at",
            "submission_id",
            "message",
            "wishes",
            "flexible_month",
            "municipality",
            "state",
        ):
            batch_op.drop_column(name)
