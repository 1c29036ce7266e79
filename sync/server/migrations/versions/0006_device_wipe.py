"""A device revoked with the wipe policy (issue 14 item 5): `wipe` says how its laptop is
to erase its data at its next contact ('now', or 'after_push' once it has sent what it
can), `wiped_at` when it said it had done so (also in the audit trail).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("devices") as batch:
        batch.add_column(sa.Column("wipe", sa.String(20), nullable=True))
        batch.add_column(sa.Column("wiped_at", sa.String(40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("devices") as batch:
        batch.drop_column("wiped_at")
        batch.drop_column("wipe")
