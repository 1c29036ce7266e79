"""The change log by record: a record's history (and its count of positions or
entries) is read when it turns visible to more people (withdrawals and reveals,
protocol revision 3) without scanning the whole log.

Revision ID: 0004
Revises: 0003
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_changes_scope_seq", "changes", ["scope", "seq"])


def downgrade() -> None:
    op.drop_index("ix_changes_scope_seq", table_name="changes")
