"""The change log's bulk insert on SQLite (sync.server.changelog.insert_rows), which
writes many rows per statement."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy.exc
from sqlalchemy import Engine

from sync.server import changelog, db


def _rows(first: int, n: int) -> list[changelog.Row]:
    return [(s, f"c{s}", "position", f"e{s}", "append", "u1" if s % 2 else None, f'{{"seq":{s}}}')
            for s in range(first, first + n)]


def _log(engine: Engine) -> list[tuple]:
    with engine.connect() as c:
        return [tuple(r) for r in c.exec_driver_sql(
            f"SELECT {', '.join(changelog.COLUMNS)} FROM changes ORDER BY seq")]


@pytest.mark.parametrize("n", [1, 2, 199, 200, 201, 401, 5_000])
def test_every_row_lands_whole_whatever_the_count(tmp_path: Path, n: int) -> None:
    """Proves full statements, the rest and a NULL scope all land, column for column."""
    engine = db.make_engine(f"sqlite:///{tmp_path / 'log.sqlite3'}")
    db.migrate(engine)
    with db.write_tx(engine) as conn:
        changelog.insert_rows(conn, _rows(1, n))
    assert _log(engine) == _rows(1, n)


def test_a_row_already_in_the_log_fails_the_whole_insert(tmp_path: Path) -> None:
    """Proves a replayed change_id deep inside a big insert still breaks the unique index
    (what makes the group commit run again carefully) and leaves nothing of that insert."""
    engine = db.make_engine(f"sqlite:///{tmp_path / 'log.sqlite3'}")
    db.migrate(engine)
    with db.write_tx(engine) as conn:
        changelog.insert_rows(conn, _rows(1, 10))
    rows = _rows(11, 400)
    rows[300] = (rows[300][0], "c5", *rows[300][2:])  # change c5 again
    with pytest.raises((sqlite3.IntegrityError, sqlalchemy.exc.IntegrityError)):
        with db.write_tx(engine) as conn:
            changelog.insert_rows(conn, rows)
    assert _log(engine) == _rows(1, 10)
