"""Alembic migrations and the table definitions the code uses never drift apart."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from sync.server import db


def test_migrations_create_exactly_the_declared_schema(tmp_path: Path) -> None:
    """Proves upgrading to head yields the schema in sync/server/db.py (no missing or extra columns)."""
    engine = db.make_engine(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    db.migrate(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert diff == []


def test_migrate_is_idempotent(tmp_path: Path) -> None:
    """Proves running migrations on every start is harmless."""
    engine = db.make_engine(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    db.migrate(engine)
    db.migrate(engine)
    with engine.connect() as conn:
        version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar_one()
    assert version == ScriptDirectory(str(db.MIGRATIONS)).get_current_head()
