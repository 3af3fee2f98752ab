"""households and orders withdrawn or erased before erasure forgot the link's campaign detail lose it now

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 23:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# Written out rather than taken from intake.privacy: a migration must not change when the code does.
DETAIL = ("utm_medium", "utm_campaign", "utm_term", "utm_content")
GONE = {"households": "withdrawn_at IS NOT NULL OR erased_at IS NOT NULL", "magazine_orders": "erased_at IS NOT NULL"}


def upgrade() -> None:
    for table, where in GONE.items():
        cleared = ", ".join(f"{name} = NULL" for name in DETAIL)
        op.execute(sa.text(f"UPDATE {table} SET {cleared} WHERE {where}"))


def downgrade() -> None:
    pass  # what was erased stays erased
