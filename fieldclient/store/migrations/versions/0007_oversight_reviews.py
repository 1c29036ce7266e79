"""what the oversight observer of this laptop has reviewed (local only)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 10:20:00

- reviewed: a detention or use-of-force report looked at in the oversight view, with
  how many amendments and hand-overs it had then; the view lists what is not reviewed
  (new, or amended since) right after what is overdue.
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'reviewed',
        sa.Column('entity', sa.String(length=20), nullable=False),
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('later', sa.Integer(), nullable=False),
        sa.Column('reviewed_at', sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint('entity', 'id'),
    )


def downgrade() -> None:
    op.drop_table('reviewed')
