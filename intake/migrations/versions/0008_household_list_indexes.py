"""indexes for 100 000 households: the list's order and search, the duplicate flags (e-mail in any case, phone), the figures

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 16:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# Every column the figures count by (see intake/models.py).
FIGURES = (
    "created_at",
    "quarantine_reason",
    "utm_source",
    "status",
    "moved_on",
    "moved_to",
    "first_contacted_at",
    "follow_up_on",
    "id",
)


def upgrade() -> None:
    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.create_index(
            "ix_households_list_order",
            ["created_at", "id", "quarantine_reason", "withdrawn_at", "erased_at"],
            unique=False,
        )
        batch_op.create_index("ix_households_phone", ["phone"], unique=False)
        batch_op.create_index("ix_households_figures", list(FIGURES), unique=False)
        batch_op.create_index("ix_households_search", ["name", "email", "reference"], unique=False)
    # The households a guide may see, in the list's order (a partial index).
    guides_see = sa.text("quarantine_reason IS NULL AND withdrawn_at IS NULL AND erased_at IS NULL")
    op.create_index(
        "ix_households_guides_see",
        "households",
        ["created_at", "id"],
        unique=False,
        postgresql_where=guides_see,
        sqlite_where=guides_see,
    )
    # An expression index: created outside batch mode, which would rebuild the table on SQLite.
    op.create_index("ix_households_email_lower", "households", [sa.text("lower(email)")], unique=False)


def downgrade() -> None:
    op.drop_index("ix_households_email_lower", table_name="households")
    op.drop_index("ix_households_guides_see", table_name="households")
    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.drop_index("ix_households_search")
        batch_op.drop_index("ix_households_figures")
        batch_op.drop_index("ix_households_phone")
        batch_op.drop_index("ix_households_list_order")
