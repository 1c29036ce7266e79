"""An append-only record's id is unique in the change log, enforced by the database.

The push path inserts optimistically (no look-up of each change beforehand) and
relies on the unique indexes to find replays; the plain entity_id index it
replaces was used only by those look-ups.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_APPENDS = sa.text("op = 'append'")


def upgrade() -> None:
    op.create_index("uq_changes_append_entity", "changes", ["entity_id"], unique=True,
                    sqlite_where=_APPENDS, postgresql_where=_APPENDS)
    op.drop_index("ix_changes_entity_id", table_name="changes")


def downgrade() -> None:
    op.create_index("ix_changes_entity_id", "changes", ["entity_id"])
    op.drop_index("uq_changes_append_entity", table_name="changes")
