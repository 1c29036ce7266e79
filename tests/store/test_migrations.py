"""Opening a data folder: fresh schema at head; refused files are never modified."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from fieldclient.core.errors import StoreCorrupt, StoreTooNew
from fieldclient.store.db import DB_NAME, MIGRATIONS, connect_folder, open_store, quarantine

ROOT = Path(__file__).resolve().parents[2]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _head() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg).get_current_head()


def test_fresh_database_is_at_head_in_wal_mode(tmp_path: Path) -> None:
    """A new data folder gets the current schema and WAL journaling."""
    store = open_store(tmp_path)
    store.close()
    con = connect_folder(tmp_path)
    try:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == _head()
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        con.close()


def test_reopen_keeps_data(tmp_path: Path) -> None:
    """Reopening an up-to-date store migrates nothing and keeps the records."""
    from fieldclient.demo import load_agencies

    store = open_store(tmp_path)
    load_agencies(store)
    store.close()
    store = open_store(tmp_path)
    with store.session() as s:
        from fieldclient.store import queries

        assert len(queries.agencies(s)) == 11
    store.close()


def _make_too_new(folder: Path) -> Path:
    store = open_store(folder)
    store.close()
    path = folder / DB_NAME
    con = connect_folder(folder)
    con.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    con.commit()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return path


def test_newer_schema_is_refused_and_unmodified(tmp_path: Path) -> None:
    """A database stamped with an unknown (newer) revision is refused, byte for byte intact."""
    path = _make_too_new(tmp_path)
    before = _digest(path)
    with pytest.raises(StoreTooNew) as err:
        open_store(tmp_path)
    assert "newer version" in str(err.value) and "9999_from_the_future" in str(err.value)
    assert _digest(path) == before


@pytest.mark.parametrize(
    "content",
    [b"this is a spreadsheet, not a database\n", b"SQLite format 3\x00" + b"\xff" * 3000],
    ids=["text-file", "damaged-sqlite"],
)
def test_non_sqlite_or_damaged_file_is_refused_and_unmodified(tmp_path: Path, content: bytes) -> None:
    """A file that is not (or no longer) an SQLite database is refused and left as it was."""
    path = tmp_path / DB_NAME
    path.write_bytes(content)
    with pytest.raises(StoreCorrupt):
        open_store(tmp_path)
    assert path.read_bytes() == content


def test_foreign_sqlite_database_is_refused_and_unmodified(tmp_path: Path) -> None:
    """Another program's SQLite database is refused and not touched."""
    path = tmp_path / DB_NAME
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE contacts (name TEXT)")
    con.execute("INSERT INTO contacts VALUES ('Ana')")
    con.commit()
    con.close()
    before = _digest(path)
    with pytest.raises(StoreCorrupt) as err:
        open_store(tmp_path)
    assert "another program" in str(err.value)
    assert _digest(path) == before


def test_quarantine_moves_aside_and_a_new_store_opens(tmp_path: Path) -> None:
    """Quarantine renames the refused file (content kept) so a fresh store can start."""
    path = tmp_path / DB_NAME
    path.write_bytes(b"junk")
    moved = quarantine(path)
    assert not path.exists() and moved.read_bytes() == b"junk"
    assert moved.name.startswith(DB_NAME + ".refused-")
    open_store(tmp_path).close()
    assert path.exists()


def test_cli_refuses_newer_database(tmp_path: Path) -> None:
    """The command line exits 5 with a clear message and leaves a too-new database intact."""
    path = _make_too_new(tmp_path)
    before = _digest(path)
    proc = subprocess.run(
        [sys.executable, "main.py", "--data-dir", str(tmp_path), "--lang", "en", "unit", "list"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 5
    assert "written by a newer version of Enlace" in proc.stderr
    assert _digest(path) == before


def test_migrations_build_exactly_the_models(tmp_path: Path) -> None:
    """Proves the migrations create the schema the models declare (no table, column or index
    added to a model without its migration)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from fieldclient.store.models import Base

    store = open_store(tmp_path)
    try:
        with store.engine.connect() as con:
            diff = compare_metadata(MigrationContext.configure(con), Base.metadata)
    finally:
        store.close()
    assert diff == []


def test_a_store_of_the_first_schema_upgrades_keeping_its_outbox(tmp_path: Path) -> None:
    """Proves a data folder of schema 0001 with a waiting change opens at head with the
    change still waiting (and no rejection code yet)."""
    from alembic import command
    from sqlalchemy import create_engine

    from fieldclient.store.db import _alembic_config

    path = tmp_path / DB_NAME
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as con:
        cfg = _alembic_config(str(engine.url))
        cfg.attributes["connection"] = con
        command.upgrade(cfg, "0001")
        con.exec_driver_sql(
            "INSERT INTO outbox (change_id, entity, entity_id, op, fields, base, hlc, created_at,"
            " state, attempts) VALUES ('c1', 'unit', 'u1', 'upsert', '{}', '{}',"
            " '1764400000000-0000-n', '2026-11-29T00:00:00.000000+00:00', 'waiting', 0)")
    engine.dispose()
    store = open_store(tmp_path)
    try:
        from fieldclient.store import outbox

        with store.session() as s:
            assert outbox.counts(s).pending == 1
            assert s.connection().exec_driver_sql("SELECT code FROM outbox").all() == [(None,)]
    finally:
        store.close()


def test_a_conflict_over_a_number_survives_the_upgrade_to_server_copies(tmp_path: Path) -> None:
    """Proves a data folder of schema 0002 holding a conflict whose values are numbers
    (SQLite keeps JSON `16` as an integer) opens at head, with the server's copy of the
    conflict holding the numbers (the 0003 migration once failed on them: a laptop with
    such a conflict could not start after the upgrade)."""
    import json

    from alembic import command
    from sqlalchemy import create_engine

    from fieldclient.store.db import _alembic_config

    path = tmp_path / DB_NAME
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as con:
        cfg = _alembic_config(str(engine.url))
        cfg.attributes["connection"] = con
        command.upgrade(cfg, "0002")
        con.exec_driver_sql(
            "INSERT INTO conflict (id, entity, entity_id, field, winner_value, loser_value, "
            "winner_hlc, loser_hlc, status, field_hlcs) VALUES ('k1', 'unit', 'u1', "
            "'strength', '16', '2.5', 'h2', 'h1', 'open', "
            "'{\"status\": \"h3\", \"winner_value\": \"h3\", \"loser_value\": \"h3\"}')")
        assert con.exec_driver_sql("SELECT typeof(winner_value) FROM conflict").all() == [
            ("integer",)]
    engine.dispose()
    store = open_store(tmp_path)
    try:
        with store.session() as s:
            (fields,) = s.connection().exec_driver_sql(
                "SELECT fields FROM server_record WHERE id = 'k1'").one()
    finally:
        store.close()
    assert json.loads(fields) == {"status": "open", "winner_value": 16, "loser_value": 2.5}
