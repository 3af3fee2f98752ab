"""an index of each household's two occupation groups, for the back office's competence filters

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 05:05:00
"""

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_households_occupations", "households", ["occupation_ssyk", "partner_occupation_ssyk"])


def downgrade() -> None:
    op.drop_index("ix_households_occupations", table_name="households")
