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


# Plain ALTER TABLE (as 0015 and 0018): a batch operation would copy the tables on SQLite and, in
# reflecting the households table they refer to, meet its expression index (ix_households_email_lower).
VISIT_COLUMNS = (
    sa.Column("state", sa.String(length=10), nullable=False, server_default="planned"),
    sa.Column("municipality", sa.String(length=60), nullable=True),
    sa.Column("flexible_month", sa.String(length=7), nullable=True),
    sa.Column("wishes", sa.JSON(), nullable=True),
    sa.Column("message", sa.Text(), nullable=True),
    sa.Column("submission_id", sa.String(length=64), nullable=True),
    sa.Column("requested_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
)
CONTACT_COLUMNS = (
    sa.Column("agreed_on", sa.Date(), nullable=True),
    sa.Column("languages", sa.JSON(), nullable=True),
    sa.Column("occupation_field", sa.String(length=1), nullable=True),
    sa.Column("interests", sa.String(length=300), nullable=True),
    sa.Column("origin_country", sa.String(length=2), nullable=True),
    sa.Column("origin_consent_on", sa.Date(), nullable=True),
)


def upgrade() -> None:
    for column in VISIT_COLUMNS:
        op.add_column("visits", column)
    op.create_index("ix_visits_state", "visits", ["state"], unique=False)
    op.create_index("ix_visits_submission_id", "visits", ["submission_id"], unique=True)
    for column in CONTACT_COLUMNS:
        op.add_column("contacts", column)


def downgrade() -> None:
    for column in reversed(CONTACT_COLUMNS):
        op.drop_column("contacts", column.name)
    op.drop_index("ix_visits_submission_id", table_name="visits")
    op.drop_index("ix_visits_state", table_name="visits")
    for column in reversed(VISIT_COLUMNS):
        op.drop_column("visits", column.name)
