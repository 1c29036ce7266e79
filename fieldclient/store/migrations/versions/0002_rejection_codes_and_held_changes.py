"""rejection codes on the outbox, held pulled changes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 09:00:00

- outbox.code / outbox.params: a rejection's machine code and parameters
  (sync.protocol.problems), so the UI can say why in the user's language;
- held_change: pulled changes this version cannot apply yet (a kind of record
  or a value from a newer server), kept instead of skipped.
"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('outbox', sa.Column('code', sa.String(length=64), nullable=True))
    op.add_column('outbox', sa.Column('params', sa.JSON(), nullable=True))
    op.create_table(
        'held_change',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('seq', sa.Integer(), nullable=True),
        sa.Column('entity', sa.String(length=64), nullable=True),
        sa.Column('doc', sa.LargeBinary(), nullable=False),
        sa.Column('code', sa.String(length=64), nullable=False),
        sa.Column('params', sa.JSON(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('held_at', sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_held_seq', 'held_change', ['seq'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_held_seq', table_name='held_change')
    op.drop_table('held_change')
    op.drop_column('outbox', 'params')
    op.drop_column('outbox', 'code')
