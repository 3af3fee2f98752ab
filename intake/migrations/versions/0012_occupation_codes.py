"""occupation optional; each adult's occupation mapped to the taxonomy (concept id, SSYK-4) or a situation

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 03:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

PEOPLE = ("occupation", "partner_occupation")
# Written out rather than taken from intake.models: a migration must not change when the models do.
COLUMNS = (("concept", 40), ("ssyk", 4), ("situation", 12))


def upgrade() -> None:
    for person in PEOPLE:
        for suffix, length in COLUMNS:
            # Not in batch mode, which would copy the table on SQLite.
            op.add_column("households", sa.Column(f"{person}_{suffix}", sa.String(length=length), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        _set_not_null_sqlite("households", "occupation", False)
    else:
        op.alter_column("households", "occupation", existing_type=sa.String(length=200), nullable=True)


def _set_not_null_sqlite(table: str, column: str, not_null: bool) -> None:
    """SQLite cannot ALTER a column. Copying the table (Alembic's batch mode) would have to rebuild its
    generated column and partial and expression indexes; dropping a NOT NULL constraint changes no
    stored row, and SQLite documents editing the table's schema text for it (the "simpler procedure" of
    https://www.sqlite.org/lang_altertable.html#otheralter), checked afterwards by integrity_check."""
    bind = op.get_bind()
    sql = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).scalar()
    before, after = f"{column} VARCHAR(200) NOT NULL,", f"{column} VARCHAR(200),"
    if not_null:
        before, after = after, before
    if before not in sql:
        raise RuntimeError(f"{table}.{column}: unexpected schema, not changed")
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql(
        "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?",
        (sql.replace(before, after, 1), table),
    )
    bind.exec_driver_sql(f"PRAGMA schema_version = {version + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")
    if bind.exec_driver_sql("PRAGMA integrity_check").scalar() != "ok":
        raise RuntimeError(f"{table}: integrity check failed after changing {column}")


def downgrade() -> None:
    op.execute(sa.text("UPDATE households SET occupation = '' WHERE occupation IS NULL"))
    if op.get_bind().dialect.name == "sqlite":
        _set_not_null_sqlite("households", "occupation", True)  # safe: no row is NULL any more
    else:
        op.alter_column("households", "occupation", existing_type=sa.String(length=200), nullable=False)
    for person in PEOPLE:
        for suffix, _length in COLUMNS:
            op.drop_column("households", f"{person}_{suffix}")
