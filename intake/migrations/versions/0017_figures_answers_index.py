"""indexes for the figures by where households heard of us and by their country of residence

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 06:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

COUNTED = sa.text("quarantine_reason IS NULL")
INDEXES = {
    "ix_households_heard": ["created_on", "heard_from", "moved_on"],
    "ix_households_country": ["created_on", "country"],
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(name, "households", columns, unique=False, postgresql_where=COUNTED, sqlite_where=COUNTED)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="households")
