"""event sign-ups: the sign-ups, the row that serialises an event's places, and the outbox's link to
a sign-up and its calendar attachment

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 11:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event_sign_ups",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("event", sa.String(80), nullable=False),
        sa.Column("reference", sa.String(16), nullable=False, unique=True),
        sa.Column("submission_id", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("form_language", sa.String(2), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("queue_number", sa.Integer()),
        sa.Column("privacy_version", sa.String(64), sa.ForeignKey("privacy_notices.version"), nullable=False),
        sa.Column("consented_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("legal_basis", sa.String(20), nullable=False),
        sa.Column("purpose", sa.String(40), nullable=False),
        sa.Column("needs", sa.Text()),
        sa.Column("needs_consented_at", sa.DateTime(timezone=True)),
        sa.Column("needs_erased_at", sa.DateTime(timezone=True)),
        sa.Column("cancel_token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("household_id", sa.Integer(), sa.ForeignKey("households.id", ondelete="SET NULL")),
        sa.Column("quarantine_reason", sa.String(40)),
        sa.Column("status_changed_at", sa.DateTime(timezone=True)),
        sa.Column("marked_by", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("erased_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_event_sign_ups_created_at", "event_sign_ups", ["created_at"])
    op.create_index("ix_event_sign_ups_household_id", "event_sign_ups", ["household_id"])
    op.create_index("ix_event_sign_ups_erased_at", "event_sign_ups", ["erased_at"])
    op.create_index("ix_event_sign_ups_event", "event_sign_ups", ["event", "status", "queue_number"])
    op.create_table(
        "event_locks",
        sa.Column("event", sa.String(80), primary_key=True),
        sa.Column("changes", sa.Integer(), nullable=False),
    )
    # Plain ALTER TABLE (as 0015): a batch operation would copy the outbox on SQLite and lose its
    # expression index. SQLite adds a column with its foreign key only as part of the column itself.
    # No ON DELETE: a sign-up is never deleted, only erased (its row kept for the figures).
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE outbox ADD COLUMN sign_up_id INTEGER REFERENCES event_sign_ups (id)")
    else:
        op.add_column("outbox", sa.Column("sign_up_id", sa.Integer()))
        op.create_foreign_key("outbox_sign_up_id_fkey", "outbox", "event_sign_ups", ["sign_up_id"], ["id"])
    op.add_column("outbox", sa.Column("calendar", sa.Text()))
    op.create_index("ix_outbox_sign_up_id", "outbox", ["sign_up_id"])


def downgrade() -> None:
    op.drop_index("ix_outbox_sign_up_id", "outbox")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint("outbox_sign_up_id_fkey", "outbox", type_="foreignkey")
    op.drop_column("outbox", "calendar")
    op.drop_column("outbox", "sign_up_id")  # SQLite 3.35+ drops a column whose constraint is its own
    op.drop_table("event_locks")
    op.drop_table("event_sign_ups")
