"""households, magazine orders and privacy notices

Revision ID: 0001
Revises:
Create Date: 2026-11-27 14:03:38.251958
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "privacy_notices",
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("version"),
    )
    op.create_table(
        "households",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("contact_channel", sa.String(length=10), nullable=False),
        sa.Column("contact_language", sa.String(length=2), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("occupation", sa.String(length=200), nullable=False),
        sa.Column("work_sought", sa.String(length=500), nullable=True),
        sa.Column("partner_occupation", sa.String(length=200), nullable=True),
        sa.Column("partner_work_sought", sa.String(length=500), nullable=True),
        sa.Column("children_count", sa.Integer(), nullable=False),
        sa.Column("children_ages", sa.JSON(), nullable=False),
        sa.Column("unsure", sa.Boolean(), nullable=False),
        sa.Column("seeks", sa.JSON(), nullable=False),
        sa.Column("housing_tenure", sa.String(length=10), nullable=True),
        sa.Column("housing_types", sa.JSON(), nullable=False),
        sa.Column("housing_setting", sa.String(length=10), nullable=True),
        sa.Column("timeframe", sa.String(length=10), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("heard_from", sa.String(length=20), nullable=True),
        sa.Column("reference", sa.String(length=16), nullable=False),
        sa.Column("submission_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("form_language", sa.String(length=2), nullable=False),
        sa.Column("utm_source", sa.String(length=200), nullable=True),
        sa.Column("utm_medium", sa.String(length=200), nullable=True),
        sa.Column("utm_campaign", sa.String(length=200), nullable=True),
        sa.Column("utm_term", sa.String(length=200), nullable=True),
        sa.Column("utm_content", sa.String(length=200), nullable=True),
        sa.Column("privacy_version", sa.String(length=64), nullable=False),
        sa.Column("consented_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("quarantine_reason", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["privacy_version"],
            ["privacy_notices.version"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("reference"),
        sa.UniqueConstraint("submission_id"),
    )
    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_households_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_households_email"), ["email"], unique=False)
        batch_op.create_index(batch_op.f("ix_households_quarantine_reason"), ["quarantine_reason"], unique=False)
        batch_op.create_index(batch_op.f("ix_households_status"), ["status"], unique=False)

    op.create_table(
        "magazine_orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("street", sa.String(length=200), nullable=False),
        sa.Column("postal_code", sa.String(length=12), nullable=False),
        sa.Column("city", sa.String(length=100), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("address_key", sa.String(length=400), nullable=True),
        sa.Column("reference", sa.String(length=16), nullable=False),
        sa.Column("submission_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("form_language", sa.String(length=2), nullable=False),
        sa.Column("utm_source", sa.String(length=200), nullable=True),
        sa.Column("utm_medium", sa.String(length=200), nullable=True),
        sa.Column("utm_campaign", sa.String(length=200), nullable=True),
        sa.Column("utm_term", sa.String(length=200), nullable=True),
        sa.Column("utm_content", sa.String(length=200), nullable=True),
        sa.Column("privacy_version", sa.String(length=64), nullable=False),
        sa.Column("consented_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("quarantine_reason", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["privacy_version"],
            ["privacy_notices.version"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("address_key"),
        sa.UniqueConstraint("reference"),
        sa.UniqueConstraint("submission_id"),
    )
    with op.batch_alter_table("magazine_orders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_magazine_orders_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_magazine_orders_quarantine_reason"), ["quarantine_reason"], unique=False)

    op.create_table(
        "household_municipalities",
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("municipality", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(["household_id"], ["households.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("household_id", "municipality"),
    )
    with op.batch_alter_table("household_municipalities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_household_municipalities_municipality"), ["municipality"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("household_municipalities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_household_municipalities_municipality"))

    op.drop_table("household_municipalities")
    with op.batch_alter_table("magazine_orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_magazine_orders_quarantine_reason"))
        batch_op.drop_index(batch_op.f("ix_magazine_orders_created_at"))

    op.drop_table("magazine_orders")
    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_households_status"))
        batch_op.drop_index(batch_op.f("ix_households_quarantine_reason"))
        batch_op.drop_index(batch_op.f("ix_households_email"))
        batch_op.drop_index(batch_op.f("ix_households_created_at"))

    op.drop_table("households")
    op.drop_table("privacy_notices")
