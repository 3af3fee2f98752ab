"""a guide's message to a household: the outbox keeps the address replies go to (Reply-To)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 06:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


# Plain ALTER TABLE (SQLite 3.35 or newer drops a column too): a batch operation would copy the
# outbox on SQLite and lose its expression index on the address (ix_outbox_to_address_lower).


def upgrade() -> None:
    op.add_column("outbox", sa.Column("reply_to", sa.String(length=254), nullable=True))


def downgrade() -> None:
    op.drop_column("outbox", "reply_to")
