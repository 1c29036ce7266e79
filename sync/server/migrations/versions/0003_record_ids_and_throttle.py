"""A record id is unique across every kind of record; sign-in counters in the database.

The change that creates a mergeable record (unit, incident, conflict, agency) is now
stored with op 'create', and the unique index on append ids becomes one on every
creating change, so no two records share an id whatever their kinds (issue 10: a unit
created with a position's id). Existing logs are marked: the first change of each
mergeable record becomes its 'create', unless an append already holds the id (such a
record keeps its plain upserts; `fieldsync audit verify` is unaffected).

Sign-in failures are counted in `login_throttle` so every process shares them.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_APPENDS = sa.text("op = 'append'")
_CREATES = sa.text("op IN ('append', 'create')")


def upgrade() -> None:
    op.execute(
        "UPDATE changes SET op = 'create' WHERE op = 'upsert' AND seq IN ("
        " SELECT min(seq) FROM changes c WHERE c.op = 'upsert' GROUP BY c.entity_id)"
        " AND entity_id NOT IN (SELECT entity_id FROM changes WHERE op = 'append')"
    )
    op.create_index("uq_changes_record_id", "changes", ["entity_id"], unique=True,
                    sqlite_where=_CREATES, postgresql_where=_CREATES)
    op.drop_index("uq_changes_append_entity", table_name="changes")
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(400), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("since", sa.Float, nullable=False),
        sa.Column("until", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("login_throttle")
    op.create_index("uq_changes_append_entity", "changes", ["entity_id"], unique=True,
                    sqlite_where=_APPENDS, postgresql_where=_APPENDS)
    op.drop_index("uq_changes_record_id", table_name="changes")
    op.execute("UPDATE changes SET op = 'upsert' WHERE op = 'create'")
