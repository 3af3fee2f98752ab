"""the partner network: contacts, and the households introduced to them

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 15:46:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=True),
        sa.Column("person", sa.String(length=200), nullable=True),
        sa.Column("role", sa.String(length=200), nullable=True),
        sa.Column("municipality", sa.String(length=60), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contacts_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_contacts_municipality"), ["municipality"], unique=False)
    op.create_table(
        "household_contacts",
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contacts.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["household_id"], ["households.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("household_id", "contact_id"),
    )
    with op.batch_alter_table("household_contacts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_household_contacts_contact_id"), ["contact_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("household_contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_household_contacts_contact_id"))
    op.drop_table("household_contacts")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contacts_municipality"))
        batch_op.drop_index(batch_op.f("ix_contacts_kind"))
    op.drop_table("contacts")
