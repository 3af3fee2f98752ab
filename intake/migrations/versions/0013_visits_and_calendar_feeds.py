"""the week ahead: households' planned visits, staff's calendar feeds, the index of follow-ups due

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 05:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("viewings", sa.Boolean(), nullable=False),
        sa.Column("employer_meetings", sa.Boolean(), nullable=False),
        sa.Column("school", sa.Boolean(), nullable=False),
        sa.Column("coworking", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["household_id"], ["households.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_visits_household_id"), ["household_id"], unique=False)
        batch_op.create_index("ix_visits_days", ["ends_on", "starts_on"], unique=False)
    op.create_table(
        "calendar_feeds",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index(
        "ix_households_due",
        "households",
        ["follow_up_on", "owner_id", "status", "quarantine_reason", "withdrawn_at", "erased_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_households_due", table_name="households")
    op.drop_table("calendar_feeds")
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.drop_index("ix_visits_days")
        batch_op.drop_index(batch_op.f("ix_visits_household_id"))
    op.drop_table("visits")
