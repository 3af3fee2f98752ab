"""the figures' day: created_on, the UTC day of created_at kept by the database; indexes in the figures' order

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27 23:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

COUNTED = sa.text("quarantine_reason IS NULL")
# What intake.models.utc_day compiles to, written out: a migration must not change when the models do.
DAY_OF_CREATED_AT = {
    "sqlite": "substr(created_at, 1, 10)",
    "postgresql": "date(timezone('UTC', created_at))",
}
FIGURES = {  # the columns of each table's index, in the order of the figures' GROUP BYs
    "households": [
        "created_on",
        "utm_source",
        "moved_on",
        "moved_to",
        "created_at",
        "first_contacted_at",
        "follow_up_on",
        "status",
        "quarantine_reason",
    ],
    "magazine_orders": ["created_on", "utm_source", "quarantine_reason"],
}
BEFORE = [  # ix_households_figures of 0008
    "created_at",
    "quarantine_reason",
    "utm_source",
    "status",
    "moved_on",
    "moved_to",
    "first_contacted_at",
    "follow_up_on",
    "id",
]


def upgrade() -> None:
    op.drop_index("ix_households_figures", table_name="households")
    # SQLite adds a generated column in place only if it is VIRTUAL (computed when read; the index
    # keeps its values); PostgreSQL (before 18) has STORED ones only.
    dialect = op.get_bind().dialect.name
    stored = dialect == "postgresql"
    for table, columns in FIGURES.items():
        # Not in batch mode, which would copy the table on SQLite.
        op.add_column(
            table,
            sa.Column(
                "created_on",
                sa.Date(),
                sa.Computed(DAY_OF_CREATED_AT[dialect], persisted=stored),
                nullable=False,
            ),
        )
        op.create_index(
            f"ix_{table}_figures", table, columns, unique=False, postgresql_where=COUNTED, sqlite_where=COUNTED
        )


def downgrade() -> None:
    for table in FIGURES:
        op.drop_index(f"ix_{table}_figures", table_name=table)
        op.drop_column(table, "created_on")
    op.create_index("ix_households_figures", "households", BEFORE, unique=False)
