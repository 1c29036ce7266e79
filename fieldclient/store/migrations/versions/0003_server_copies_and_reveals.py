"""server copies of mergeable records, reveals

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 09:00:00

- server_record: each unit, incident, conflict and agency as the server last sent
  it (values and HLCs per field), so a rejected local edit can be undone. Filled
  here from the local rows, leaving out fields whose value is a local edit the
  server has not confirmed (an outbox row not applied) - those are not the server's;
- reveal: records that turned visible whose history is still to be fetched.
"""
import json

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

# The synced columns of each mergeable table as they were at this revision.
_COLUMNS = {
    "agency": ("agency", ("name", "kind")),
    "unit": ("unit", ("callsign", "name", "agency", "kind", "echelon", "sidc", "parent_id",
                      "commander", "strength", "status", "visibility", "notes")),
    "incident": ("incident", ("title", "kind", "severity", "status", "lat", "lon",
                              "occurred_at", "agency", "agencies", "visibility",
                              "void_reason")),
    "conflict": ("conflict", ("entity", "entity_id", "field", "winner_value", "loser_value",
                              "winner_hlc", "loser_hlc", "winner_by", "loser_by",
                              "detected_at", "status", "resolution")),
}
_JSON = {"agencies", "winner_value", "loser_value"}


def _json(value: object) -> object:
    """A JSON column's value as SQLite returns it: text, or a number (a column declared
    JSON has numeric affinity, so SQLite stores the text `16` as the integer 16)."""
    return json.loads(value) if isinstance(value, str | bytes) else value


def upgrade() -> None:
    op.create_table(
        'server_record',
        sa.Column('entity', sa.String(length=20), nullable=False),
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('fields', sa.JSON(), nullable=False),
        sa.Column('hlcs', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('entity', 'id'),
    )
    op.create_table(
        'reveal',
        sa.Column('entity', sa.String(length=20), nullable=False),
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('after', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('entity', 'id'),
    )
    con = op.get_bind()
    local = {(e, i, h) for e, i, h in con.exec_driver_sql(
        "SELECT entity, entity_id, hlc FROM outbox WHERE state NOT IN ('applied', 'duplicate')")}
    rows = []
    for entity, (table, cols) in _COLUMNS.items():
        for rid, hlcs_text, *values in con.exec_driver_sql(
                f"SELECT id, field_hlcs, {', '.join(cols)} FROM {table}"):  # noqa: S608
            hlcs = {k: v for k, v in json.loads(hlcs_text or "{}").items()
                    if k in cols and (entity, rid, v) not in local}
            by_name = dict(zip(cols, values, strict=True))
            fields = {k: _json(by_name[k]) if k in _JSON else by_name[k] for k in hlcs}
            rows.append((entity, rid, json.dumps(fields), json.dumps(hlcs)))
    if rows:
        con.exec_driver_sql(
            "INSERT INTO server_record (entity, id, fields, hlcs) VALUES (?, ?, ?, ?)", rows)


def downgrade() -> None:
    op.drop_table('reveal')
    op.drop_table('server_record')
