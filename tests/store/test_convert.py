"""A plain store of an earlier version is encrypted at start (issue 14 item 2): whatever
point a kill -9 (or a power cut) interrupts the conversion at, the next start opens a
complete store with its outbox, and afterwards no plain copy is left in the folder; a
full disk leaves the plain store as it was, said plainly."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import stat
import sys
from pathlib import Path

import pytest
import sqlcipher3.dbapi2 as cipher

from fieldclient.store import convert
from fieldclient.store.db import DB_NAME, _alembic_config, open_store
from tests.store.diskjail import run_on_bad_disk

MARKER = "ZQXJ-PLANO-4410"
WAITING = ("c1", "unit", "u1", "upsert", '{"callsign": "ALFA"}', "{}",
           "1764400000000-0000-n", "2026-11-29T00:00:00.000000+00:00", "waiting", 0)
STEPS = ("checkpoint", "attached", "exported", "flushed", "linked", "replaced", "shredded")


def _plain(folder: Path, units: int = 1) -> Path:
    """A data folder as the previous version left it: plain SQLite at the current schema
    (WAL mode, some of it still in the log), a unit whose notes hold MARKER, a waiting change."""
    from alembic import command
    from sqlalchemy import create_engine

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / DB_NAME
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.begin() as con:
            cfg = _alembic_config(str(engine.url))
            cfg.attributes["connection"] = con
            command.upgrade(cfg, "head")
    finally:
        engine.dispose()
    pid = os.fork()
    if pid == 0:  # the previous version, killed after its last commit: the log stays
        con = sqlite3.connect(path)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA wal_autocheckpoint=0")
        con.execute(
            "INSERT INTO outbox (change_id, entity, entity_id, op, fields, base, hlc,"
            " created_at, state, attempts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", WAITING)
        con.executemany(
            "INSERT INTO unit (id, callsign, agency, kind, status, visibility, notes, "
            "field_hlcs) VALUES (?, ?, 'sedena', 'police', 'available', 'shared', ?, '{}')",
            [(f"u{i}", f"ALFA {i}", MARKER) for i in range(1, units + 1)])
        con.commit()
        os.kill(os.getpid(), signal.SIGKILL)
    os.waitpid(pid, 0)
    assert (path.with_name(DB_NAME + "-wal")).stat().st_size > 0
    return path


def _check(folder: Path) -> None:
    """The next start: a complete encrypted store with the waiting change and the unit,
    and no plain copy or half-made file left."""
    store = open_store(folder)
    try:
        with store.session() as s:
            con = s.connection()
            assert con.exec_driver_sql("SELECT change_id, state FROM outbox").all() == \
                [("c1", "waiting")]
            assert con.exec_driver_sql("SELECT callsign, notes FROM unit").all() == \
                [("ALFA 1", MARKER)]
    finally:
        store.close()
    assert not (folder / DB_NAME).read_bytes().startswith(b"SQLite format 3")
    names = sorted(p.name for p in folder.iterdir())
    assert not [n for n in names if n.endswith((convert.OLD_SUFFIX, convert.NEW_SUFFIX))], names
    held = [p.name for p in folder.iterdir() if p.is_file() and MARKER.encode() in p.read_bytes()]
    assert held == []


def test_a_plain_store_is_encrypted_with_its_outbox(tmp_path: Path) -> None:
    """Proves a plain store (records partly in its log) opens encrypted, with its waiting
    change, and neither the plain file nor its log survives anywhere in the folder."""
    _plain(tmp_path)
    assert MARKER.encode() in b"".join(p.read_bytes() for p in tmp_path.iterdir())
    _check(tmp_path)


def test_the_encrypted_file_is_owner_only_from_the_moment_it_exists(tmp_path: Path) -> None:
    """Proves the conversion's encrypted copy is made 0600 whatever the umask (it replaced
    the plain file readable by others until the next start tightened it)."""
    from fieldclient.store import crypto
    from fieldclient.store.db import Unlock

    _plain(tmp_path)
    os.chmod(tmp_path, 0o755)
    os.chmod(tmp_path / "enlace.db", 0o644)  # as an earlier version left it
    key = crypto.create(tmp_path, Unlock.from_env())[1]  # enlace.key, as open_store makes it
    old = os.umask(0o022)
    try:
        convert.encrypt_plain(tmp_path, key)
    finally:
        os.umask(old)
        key.wipe()
    assert stat.S_IMODE((tmp_path / "enlace.db").stat().st_mode) == 0o600


class _Counting:
    """sqlcipher3 for the conversion alone, its connections killing the process at their
    n-th SQLite instruction (counted across statements; `count` says how many ran)."""

    def __init__(self, kill_at: int | None) -> None:
        self.kill_at, self.count = kill_at, 0

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(cipher, name)

    def connect(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        con = cipher.connect(*args, **kwargs)

        def tick() -> int:
            self.count += 1
            if self.count == self.kill_at:
                os.kill(os.getpid(), signal.SIGKILL)
            return 0

        con.set_progress_handler(tick, 1)
        return con


def _instructions(folder: Path) -> int:
    """How many SQLite instructions converting this folder runs."""
    counting = _Counting(None)
    convert.cipher = counting  # type: ignore[assignment]
    try:
        open_store(folder).close()
    finally:
        convert.cipher = cipher  # type: ignore[assignment]
    return counting.count


def _killed(folder: Path, step: str | None = None, after_ops: int | None = None) -> int:
    """Open the folder in a child process killed (SIGKILL) at a named step of the
    conversion, or after `after_ops` SQLite instructions of it; how the child ended."""
    pid = os.fork()
    if pid == 0:
        try:
            def die(name: str) -> None:
                if name == step:
                    os.kill(os.getpid(), signal.SIGKILL)

            convert._step = die  # type: ignore[assignment]
            if after_ops is not None:
                convert.cipher = _Counting(after_ops)  # type: ignore[assignment]
            open_store(folder).close()
        except BaseException:  # noqa: BLE001 - the parent sees it as exit status 1
            import traceback

            traceback.print_exc()
            os._exit(1)
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


@pytest.mark.parametrize("step", STEPS)
def test_a_kill_at_each_step_leaves_old_or_new_complete(tmp_path: Path, step: str) -> None:
    """Proves a kill -9 at each step of the conversion (before the copy, during, after
    the flush, between the link and the rename, after it, after the overwrite) leaves a
    folder the next start opens complete, encrypted and with no plain copy."""
    _plain(tmp_path)
    assert _killed(tmp_path, step=step) == -signal.SIGKILL
    _check(tmp_path)


def test_a_kill_at_random_points_inside_the_copy(tmp_path: Path) -> None:
    """Proves kills after a random number of SQLite instructions of the conversion (inside
    the checkpoint and sqlcipher_export) leave the store whole every time (seeded)."""
    total = _instructions(_plain(tmp_path / "count").parent)
    assert total > 100
    rng = random.Random(1414)
    killed = 0
    for n, ops in enumerate(sorted(rng.sample(range(1, total + 1), 10))):
        folder = tmp_path / f"r{n}"
        _plain(folder, units=1)
        if _killed(folder, after_ops=ops) == -signal.SIGKILL:
            killed += 1
        _check(folder)
    assert killed == 10  # every point fell inside the conversion


@pytest.mark.parametrize("disk", ["full"])
def test_a_full_disk_leaves_the_plain_store_as_it_was(tmp_path: Path, disk: str) -> None:
    """Proves on a full disk the command line says the database could not be encrypted
    and nothing was lost (exit 6), and the plain database is unchanged."""
    folder = tmp_path / "laptop"
    _plain(folder, units=300)
    con = sqlite3.connect(folder / DB_NAME)  # as a cleanly closed old version leaves it
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    cli = [sys.executable, "main.py", "--data-dir", "{data}", "--lang", "en", "unit", "list"]
    res = run_on_bad_disk(folder, disk, [cli], tmp_path)
    (run,) = res["runs"]
    assert run["rc"] == 6, run["stderr"]
    assert "could not be encrypted" in run["stderr"] and "nothing was lost" in run["stderr"]
    assert "Traceback" not in run["stderr"]
    assert res["after"] == res["before"]
