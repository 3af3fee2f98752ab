"""the mover's own page: the number its links are signed with, so a new link ends the older ones

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 08:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


# Plain ALTER TABLE (as 0015): a batch operation would copy the households table on SQLite and lose
# its expression index on the address (ix_households_email_lower).


def upgrade() -> None:
    op.add_column("households", sa.Column("link_generation", sa.Integer(), nullable=False, server_default=sa.text("0")))


def downgrade() -> None:
    op.drop_column("households", "link_generation")
