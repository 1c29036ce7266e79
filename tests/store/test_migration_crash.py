"""A kill -9 (or power cut) during a schema migration never bricks the client (issue 9
item 3): the process is killed before each statement of every migration in turn, and the
next start must open the store at the current schema with nothing lost."""

from __future__ import annotations

import os
import signal
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from fieldclient.store.db import DB_NAME, _alembic_config, open_store

WAITING = ("c1", "unit", "u1", "upsert", '{"callsign": "ALFA"}', "{}",
           "1764400000000-0000-n", "2026-11-29T00:00:00.000000+00:00", "waiting", 0)


def _at(path: Path, revision: str) -> None:
    """A data folder whose schema is `revision`, holding a unit and a waiting change."""
    from alembic import command
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.begin() as con:
            cfg = _alembic_config(str(engine.url))
            cfg.attributes["connection"] = con
            command.upgrade(cfg, revision)
            con.exec_driver_sql(
                "INSERT INTO outbox (change_id, entity, entity_id, op, fields, base, hlc,"
                " created_at, state, attempts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", WAITING)
            con.exec_driver_sql(
                "INSERT INTO unit (id, callsign, agency, kind, status, visibility, field_hlcs)"
                " VALUES ('u1', 'ALFA', 'sedena', 'police', 'available', 'shared', '{}')")
    finally:
        engine.dispose()


def _statements(folder: Path) -> int:
    """How many statements opening (and so migrating) this folder runs."""
    seen: list[str] = []

    def count(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", count)
    try:
        open_store(folder).close()
    finally:
        event.remove(Engine, "before_cursor_execute", count)
    return len(seen)


def _start_killed_at(folder: Path, n: int) -> int:
    """Start (open the store, which migrates it) in a child process killed (SIGKILL) just
    before its n-th statement; returns how the child ended (-9 when killed)."""
    pid = os.fork()
    if pid == 0:  # the child: count statements, die at the n-th
        try:
            seen = [0]

            def die(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
                seen[0] += 1
                if seen[0] == n:
                    os.kill(os.getpid(), signal.SIGKILL)

            event.listen(Engine, "before_cursor_execute", die)
            open_store(folder).close()
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


def _fresh(folder: Path) -> Path:
    folder.mkdir(parents=True)
    return folder / DB_NAME


def _from(revision: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = _fresh(folder)
        _at(path, revision)
        return path
    return make


@pytest.mark.parametrize("start", [_fresh, _from("0001"), _from("0002")],
                         ids=["empty", "schema-0001", "schema-0002"])
def test_kill_at_every_statement_of_every_migration_leaves_a_usable_store(
        tmp_path: Path, start: Callable[[Path], Path]) -> None:
    """Proves that whichever statement of the migrations a kill -9 interrupts, the next
    start opens the store at the current schema and every record and waiting change
    that was there before is still there."""
    counted = tmp_path / "count"
    start(counted)
    total = _statements(counted)
    assert total > 0
    killed = 0
    for n in range(1, total + 1):
        folder = tmp_path / f"k{n}"
        path = start(folder)
        had_data = path.exists() and path.stat().st_size > 0
        if _start_killed_at(folder, n) == -signal.SIGKILL:
            killed += 1
        store = open_store(folder)  # the next start
        try:
            with store.session() as s:
                con = s.connection()
                tables = {r[0] for r in con.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE type = 'table'")}
                assert {"unit", "outbox", "held_change", "alembic_version"} <= tables
                if had_data:
                    assert con.exec_driver_sql(
                        "SELECT change_id, state FROM outbox").all() == [("c1", "waiting")]
                    assert con.exec_driver_sql("SELECT callsign FROM unit").all() == [("ALFA",)]
        finally:
            store.close()
        raw = sqlite3.connect(path)
        try:
            assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            raw.close()
    assert killed == total  # every statement was interrupted once
