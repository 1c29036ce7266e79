"""accountability records: detentions and use-of-force reports

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-08 09:00:00

- detention, use_of_force: append-only records (sync.protocol.accountability), the
  original and its amendments and hand-over as rows of their own;
- triggers that refuse to change what such a row reports once written: a
  correction is a new row (an amendment), never an edit. Only `hlc` may change (a
  change the server refused, sent again, is stamped anew) and a row the server
  refused may be removed (store/rejections.py).
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def _common() -> list[sa.Column]:
    return [
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('amends', sa.String(length=36), nullable=True),
        sa.Column('amend_reason', sa.Text(), nullable=True),
        sa.Column('agency', sa.String(length=40), nullable=False),
        sa.Column('unit_id', sa.String(length=36), nullable=True),
        sa.Column('incident_id', sa.String(length=36), nullable=True),
        sa.Column('operation_id', sa.String(length=36), nullable=True),
        sa.Column('lat', sa.Float(), nullable=True),
        sa.Column('lon', sa.Float(), nullable=True),
        sa.Column('address', sa.Text(), nullable=True),
        sa.Column('officers', sa.Text(), nullable=True),
        sa.Column('created_at', sa.String(length=32), nullable=False),
        sa.Column('author', sa.String(length=200), nullable=True),
        sa.Column('redacted', sa.Boolean(), nullable=True),
        sa.Column('hlc', sa.String(length=100), nullable=False),
    ]


DETENTION = [
    sa.Column('person_name', sa.String(length=200), nullable=True),
    sa.Column('person_description', sa.Text(), nullable=True),
    sa.Column('age', sa.Integer(), nullable=True),
    sa.Column('sex', sa.String(length=20), nullable=True),
    sa.Column('disability', sa.Text(), nullable=True),
    sa.Column('injuries', sa.Text(), nullable=True),
    sa.Column('detained_at', sa.String(length=32), nullable=True),
    sa.Column('motive', sa.Text(), nullable=True),
    sa.Column('legal_ground', sa.String(length=20), nullable=True),
    sa.Column('force_used', sa.Boolean(), nullable=True),
    sa.Column('relative_notified', sa.Boolean(), nullable=True),
    sa.Column('notified_person', sa.String(length=200), nullable=True),
    sa.Column('belongings', sa.Text(), nullable=True),
    sa.Column('authority', sa.String(length=30), nullable=True),
    sa.Column('handed_over_at', sa.String(length=32), nullable=True),
]
USE_OF_FORCE = [
    sa.Column('occurred_at', sa.String(length=32), nullable=True),
    sa.Column('level', sa.String(length=20), nullable=True),
    sa.Column('means', sa.Text(), nullable=True),
    sa.Column('people_affected', sa.Integer(), nullable=True),
    sa.Column('injured', sa.Integer(), nullable=True),
    sa.Column('deaths', sa.Integer(), nullable=True),
    sa.Column('injury_details', sa.Text(), nullable=True),
    sa.Column('medical_aid', sa.Boolean(), nullable=True),
    sa.Column('medical_aid_at', sa.String(length=32), nullable=True),
    sa.Column('medical_aid_by', sa.String(length=200), nullable=True),
    sa.Column('circumstances', sa.Text(), nullable=True),
    sa.Column('necessity', sa.Text(), nullable=True),
    sa.Column('detention_id', sa.String(length=36), nullable=True),
]
INDEXES = {
    'detention': [('ix_detention_amends', 'amends'), ('ix_detention_unit', 'unit_id'),
                  ('ix_detention_incident', 'incident_id'),
                  ('ix_detention_time', 'detained_at')],
    'use_of_force': [('ix_force_amends', 'amends'), ('ix_force_detention', 'detention_id'),
                     ('ix_force_time', 'occurred_at')],
}


def upgrade() -> None:
    for table, own in (('detention', DETENTION), ('use_of_force', USE_OF_FORCE)):
        columns = _common() + own
        op.create_table(table, *columns, sa.PrimaryKeyConstraint('id'))
        for name, column in INDEXES[table]:
            op.create_index(name, table, [column], unique=False)
        content = ", ".join(c.name for c in columns if c.name != 'hlc')
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OF {content} ON {table} "
            "BEGIN SELECT RAISE(ABORT, 'append-only record: add an amendment instead'); END")


def downgrade() -> None:
    for table in ('use_of_force', 'detention'):
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only")
        for name, _ in INDEXES[table]:
            op.drop_index(name, table_name=table)
        op.drop_table(table)
