"""Joint operations (protocol revision 4): each materialised record names the operation
whose participants may see it (`records.operation`), indexed so that a change of an
operation's participants finds its records without a scan.

The new kinds of record (operation, assignment, hand-over) need no table of their own:
they live in the change log and, the mergeable ones, in `records`.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("records", sa.Column("operation", sa.String(length=64), nullable=True))
    op.create_index("ix_records_operation", "records", ["operation"])


def downgrade() -> None:
    op.drop_index("ix_records_operation", table_name="records")
    with op.batch_alter_table("records") as batch:
        batch.drop_column("operation")
