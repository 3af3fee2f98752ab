"""staff accounts, sessions and the household timeline

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 15:06:58.717856
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("totp_secret", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email"),
    )
    op.create_table(
        "staff_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("staff_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_sessions_user_id"), ["user_id"], unique=False)

    op.create_table(
        "user_municipalities",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("municipality", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "municipality"),
    )
    with op.batch_alter_table("user_municipalities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_municipalities_municipality"), ["municipality"], unique=False)

    op.create_table(
        "household_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("old", sa.String(length=200), nullable=True),
        sa.Column("new", sa.String(length=200), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["household_id"], ["households.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("household_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_household_events_household_id"), ["household_id"], unique=False)

    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("follow_up_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("first_contacted_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("status_changed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("moved_to", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("moved_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("closed_reason", sa.String(length=200), nullable=True))
        batch_op.create_index(batch_op.f("ix_households_follow_up_on"), ["follow_up_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_households_owner_id"), ["owner_id"], unique=False)
        batch_op.create_foreign_key("fk_households_owner_id_users", "users", ["owner_id"], ["id"], ondelete="SET NULL")


def downgrade() -> None:
    with op.batch_alter_table("households", schema=None) as batch_op:
        # WARNING: constraint name is None; this directive will fail as
        # rendered.  Add a name, or use a naming convention; see
        # https://alembic.sqlalchemy.org/en/latest/naming.html
        batch_op.drop_constraint("fk_households_owner_id_users", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_households_owner_id"))
        batch_op.drop_index(batch_op.f("ix_households_follow_up_on"))
        batch_op.drop_column("closed_reason")
        batch_op.drop_column("moved_on")
        batch_op.drop_column("moved_to")
        batch_op.drop_column("status_changed_at")
        batch_op.drop_column("first_contacted_at")
        batch_op.drop_column("follow_up_on")
        batch_op.drop_column("owner_id")

    with op.batch_alter_table("household_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_household_events_household_id"))

    op.drop_table("household_events")
    with op.batch_alter_table("user_municipalities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_municipalities_municipality"))

    op.drop_table("user_municipalities")
    with op.batch_alter_table("staff_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_sessions_user_id"))

    op.drop_table("staff_sessions")
    op.drop_table("users")
