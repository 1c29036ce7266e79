"""jurisdiction zones (protocol revision 5)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 09:00:00

- zone: an agency's territory (sync/protocol/zones.py), its polygons as JSON.
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'zone',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('agency', sa.String(length=40), nullable=False),
        sa.Column('level', sa.String(length=20), nullable=False),
        sa.Column('geometry', sa.JSON(), nullable=False),
        sa.Column('visibility', sa.String(length=20), nullable=False),
        sa.Column('notes', sa.Text(), nullable=True),
        sa.Column('field_hlcs', sa.JSON(), nullable=False),
        sa.Column('updated_at', sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_zone_agency', 'zone', ['agency'], unique=False)


def downgrade() -> None:
    op.drop_table('zone')
