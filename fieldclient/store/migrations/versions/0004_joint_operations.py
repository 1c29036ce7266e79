"""joint operations (protocol revision 4)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 09:00:00

- operation, assignment, handover: the records of joint operations;
- unit.operation_id, incident.operation_id: the operation a record belongs to (its
  participants see it when its visibility is "operation").
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('unit', sa.Column('operation_id', sa.String(length=36), nullable=True))
    op.add_column('incident', sa.Column('operation_id', sa.String(length=36), nullable=True))
    op.create_table(
        'operation',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('lead_agency', sa.String(length=40), nullable=False),
        sa.Column('agencies', sa.JSON(), nullable=False),
        sa.Column('authority', sa.String(length=20), nullable=False),
        sa.Column('legal_basis', sa.String(length=40), nullable=False),
        sa.Column('legal_reference', sa.String(length=200), nullable=True),
        sa.Column('area', sa.JSON(), nullable=True),
        sa.Column('starts_at', sa.String(length=32), nullable=False),
        sa.Column('ends_at', sa.String(length=32), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('instructions', sa.Text(), nullable=True),
        sa.Column('field_hlcs', sa.JSON(), nullable=False),
        sa.Column('updated_at', sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_operation_code', 'operation', ['code'], unique=False)
    op.create_table(
        'assignment',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('operation_id', sa.String(length=36), nullable=False),
        sa.Column('unit_id', sa.String(length=36), nullable=False),
        sa.Column('role', sa.String(length=20), nullable=False),
        sa.Column('commanding_agency', sa.String(length=40), nullable=False),
        sa.Column('starts_at', sa.String(length=32), nullable=True),
        sa.Column('ends_at', sa.String(length=32), nullable=True),
        sa.Column('field_hlcs', sa.JSON(), nullable=False),
        sa.Column('updated_at', sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_assignment_unit', 'assignment', ['unit_id'], unique=False)
    op.create_index('ix_assignment_operation', 'assignment', ['operation_id'], unique=False)
    op.create_table(
        'handover',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('operation_id', sa.String(length=36), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('subject', sa.String(length=20), nullable=True),
        sa.Column('unit_id', sa.String(length=36), nullable=True),
        sa.Column('incident_id', sa.String(length=36), nullable=True),
        sa.Column('scene', sa.String(length=200), nullable=True),
        sa.Column('lat', sa.Float(), nullable=True),
        sa.Column('lon', sa.Float(), nullable=True),
        sa.Column('from_agency', sa.String(length=40), nullable=True),
        sa.Column('from_person', sa.String(length=200), nullable=True),
        sa.Column('to_agency', sa.String(length=40), nullable=True),
        sa.Column('to_person', sa.String(length=200), nullable=True),
        sa.Column('acknowledges', sa.String(length=36), nullable=True),
        sa.Column('at', sa.String(length=32), nullable=False),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('recorded_by', sa.String(length=200), nullable=True),
        sa.Column('hlc', sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_handover_operation', 'handover', ['operation_id', 'at'], unique=False)
    op.create_index('ix_handover_acknowledges', 'handover', ['acknowledges'], unique=False)


def downgrade() -> None:
    op.drop_table('handover')
    op.drop_table('assignment')
    op.drop_table('operation')
    with op.batch_alter_table('incident') as batch:
        batch.drop_column('operation_id')
    with op.batch_alter_table('unit') as batch:
        batch.drop_column('operation_id')
