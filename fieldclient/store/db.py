"""Opening the local store: data folder, SQLite in WAL mode, migrations, guards.

`open_store()` refuses (and never modifies) a file that is not an SQLite
database, a damaged one, or one written by a newer schema; the UI offers to
move such a file aside with `quarantine()`. A healthy file on a disk that
cannot be written (full, read-only) is not refused: the store opens read-only
(`Store.read_only` says why), reads work and every write raises
`StoreReadOnly`, so nobody is told to move a good database aside.

Migrations run in one SQLite transaction (`_migration_engine`): a kill or a
power cut at any statement leaves the schema as it was before, never half-built.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool, QueuePool

from fieldclient.core import timefmt
from fieldclient.core.errors import StoreCorrupt, StoreReadOnly, StoreTooNew, StoreWriteFailed
from fieldclient.store import disk, meta
from fieldclient.store.events import ChangeBus
from fieldclient.store.models import Meta
from sync.merge import HybridClock

if TYPE_CHECKING:  # alembic is imported where it is used, after the store file is checked
    from alembic.config import Config

DB_NAME = "enlace.db"
ENV_DATA_DIR = "ENLACE_DATA_DIR"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
log = logging.getLogger(__name__)


def default_data_dir() -> Path:
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("enlace", "Enlace"))


def _check_file(path: Path, uri: str | None = None) -> None:
    """Raise StoreCorrupt unless `path` is absent, empty or a healthy SQLite file. A file
    that cannot be read for want of disk space or write access raises `disk.Trouble`
    (the file is not at fault)."""
    if not path.exists() or path.stat().st_size == 0:
        return
    # The file is read only through SQLite: closing any other descriptor of it would drop
    # every POSIX lock this process holds on it (a store already open here would then
    # look closed to other processes, which delete the write-ahead log it is using).
    # Reading the schema catches a damaged header or schema and a foreign database in
    # milliseconds. A full `PRAGMA quick_check` here cost 0.2 s warm and 3 s cold per start
    # at 100,000 units and grows with every position; SQLite still reports a damaged page
    # when it reads one.
    try:
        con = sqlite3.connect(uri or f"file:{path}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        if disk.is_disk_error(exc):
            raise disk.Trouble(str(exc)) from None
        if getattr(exc, "sqlite_errorname", "") == "SQLITE_NOTADB":
            raise StoreCorrupt(str(path), "not an SQLite database") from None
        raise StoreCorrupt(str(path), str(exc)) from None
    if tables and "alembic_version" not in tables:
        raise StoreCorrupt(str(path), "it belongs to another program")


def quarantine(path: Path) -> Path:
    """Move a refused database (and its WAL files) aside; returns the new path."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.refused-{stamp}")
    path.rename(target)
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.rename(target.with_name(target.name + suffix))
    return target


def _on_connect(dbapi_con: sqlite3.Connection, _record: object) -> None:
    cur = dbapi_con.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=OFF")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


class Store:
    """The local database of one data folder: engine, sessions, the change bus and the
    hybrid clock every local edit and every pulled change goes through."""

    def __init__(self, data_dir: Path, engine: Engine, read_only: str | None = None) -> None:
        self.data_dir = data_dir
        self.path = data_dir / DB_NAME
        self.engine = engine
        # Why nothing can be written ("full", "read_only"), or None: see open_store.
        self.read_only = read_only
        # every session knows its store (store_of), e.g. for the clock of a re-sent change
        self.sessions = sessionmaker(engine, expire_on_commit=False, info={"store": self})
        self.bus = ChangeBus()
        self._clock: HybridClock | None = None
        self._clock_lock = threading.Lock()

    @property
    def clock(self) -> HybridClock:
        """This laptop's hybrid clock (node id made once and kept in `meta`), resumed
        from its saved high-water mark so an edit after a restart sorts after every
        HLC the store has seen. Not for use inside a write transaction (see `tick`)."""
        if self._clock is None:
            with self.transaction() as s:
                return self._clock_in(s)
        return self._clock

    def _clock_in(self, s: Session) -> HybridClock:
        """The clock, made from `meta` through `s` (the caller's transaction) if needed."""
        with self._clock_lock:
            if self._clock is None:
                node = self._clock_in_locked(s)
                last = s.get(Meta, meta.HLC)
                # the laptop's wall clock through timefmt, the one place the client reads it
                self._clock = HybridClock(node, wall_ms=lambda: timefmt.wall_ms(),
                                          last=last.value if last else None)
            return self._clock

    def _clock_in_locked(self, s: Session) -> str:
        """This laptop's node id (made once and kept in `meta`)."""
        if self._clock is not None:
            return self._clock.node_id
        node = s.get(Meta, meta.NODE)
        if node is None:
            node = Meta(key=meta.NODE, value="n" + uuid.uuid4().hex[:12])
            s.add(node)
        return node.value

    def tick(self, s: Session) -> str:
        """A new HLC for a local edit, saved as the high-water mark in the edit's transaction."""
        hlc = self._clock_in(s).now()
        s.merge(Meta(key=meta.HLC, value=hlc))
        return hlc

    def observe(self, s: Session, hlc: str) -> None:
        """Fold in an HLC pulled from the server and save the high-water marks in `s`: the
        clock's, and the greatest HLC the server has sent (`meta.HLC_SEEN`, the floor the
        clock is wound back to after a wrong clock, see `rewind_clock`)."""
        clock = self._clock_in(s)
        clock.observe(hlc)
        # compare time and counter only (the node id differs); one statement, no ORM
        s.connection().exec_driver_sql(
            "INSERT INTO meta (key, value) VALUES (?, ?), (?, ?) ON CONFLICT (key) DO UPDATE "
            "SET value = excluded.value "
            "WHERE substr(meta.value, 1, 18) < substr(excluded.value, 1, 18)",
            (meta.HLC, clock.last(), meta.HLC_SEEN, hlc),
        )

    def rewind_clock(self, s: Session, floor: str) -> str:
        """Set the clock back to `floor` (an HLC; the wall clock still moves it on): after
        a wrong clock stamped local edits days ahead, the saved high-water mark would
        otherwise keep every later edit days ahead too. The caller chooses a floor no
        lower than anything the server has or may accept (replication/clock.py)."""
        with self._clock_lock:
            node = self._clock_in_locked(s)
            self._clock = HybridClock(node, wall_ms=lambda: timefmt.wall_ms(), last=floor)
            last = self._clock.last()
        s.merge(Meta(key=meta.HLC, value=last))
        return last

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self.sessions() as s:
            yield s

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One write transaction; disk errors surface as StoreWriteFailed, nothing half-written
        (also from statements run on the driver's cursor, which SQLAlchemy does not wrap)."""
        from sqlalchemy.exc import OperationalError

        if self.read_only:
            raise StoreReadOnly(str(self.data_dir), self.read_only)
        with self.sessions() as s:
            try:
                with s.begin():
                    yield s
            except OperationalError as exc:
                raise StoreWriteFailed(str(exc.orig)) from exc
            except sqlite3.OperationalError as exc:
                raise StoreWriteFailed(str(exc)) from exc

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        with self.sessions() as s:
            row = s.get(Meta, key)
            return row.value if row else default

    def set_meta(self, key: str, value: str, session: Session | None = None) -> None:
        if session is not None:
            session.merge(Meta(key=key, value=value))
            return
        with self.transaction() as s:
            s.merge(Meta(key=key, value=value))

    def close(self) -> None:
        self.engine.dispose()


def store_of(s: Session) -> Store:
    """The store a session belongs to."""
    store: Store = s.info["store"]
    return store


def _alembic_config(engine_url: str) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", engine_url)
    return cfg


def _migration_engine(path: Path) -> Engine:
    """An engine whose transactions include DDL. The sqlite3 module opens a transaction
    only before INSERT/UPDATE/DELETE, so each CREATE TABLE of a migration used to be
    committed on its own and a kill between two left half a schema ("table agency
    already exists" at every later start). Here the module's own transaction handling
    is off and every transaction starts with BEGIN IMMEDIATE: SQLite's DDL is
    transactional, so a migration commits whole or not at all."""
    engine = create_engine(f"sqlite:///{path}", poolclass=NullPool)

    @event.listens_for(engine, "connect")
    def _connect(dbapi_con: sqlite3.Connection, record: object) -> None:
        dbapi_con.isolation_level = None
        _on_connect(dbapi_con, record)

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _schema_state(engine: Engine, path: Path) -> bool:
    """True when the schema is at head; StoreTooNew for a newer schema."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_alembic_config(str(engine.url)))
    with engine.connect() as con:
        current = set(MigrationContext.configure(con).get_current_heads())
    if current == set(script.get_heads()):
        return True
    unknown = current - {rev.revision for rev in script.walk_revisions()}
    if unknown:
        raise StoreTooNew(str(path), ", ".join(sorted(unknown)))
    return False


def migrate(path: Path) -> None:
    """Bring the schema to head in one transaction; refuse a database from a newer schema."""
    from alembic import command

    engine = _migration_engine(path)
    try:
        if _schema_state(engine, path):
            return
        cfg = _alembic_config(str(engine.url))
        with engine.begin() as con:
            cfg.attributes["connection"] = con
            command.upgrade(cfg, "head")
    finally:
        engine.dispose()


def _private(data: Path, path: Path) -> None:
    """The data folder 0700 and the database 0600 (owner only), whatever the umask; SQLite
    creates the -wal and -shm files with the database file's mode. Files an older
    version left readable by others are tightened too (POSIX only). An existing file is
    only chmod-ed, never opened: closing another descriptor of it would drop this
    process's SQLite locks on it (see _check_file)."""
    if os.name != "posix":
        return
    os.chmod(data, 0o700)
    if not path.exists():
        os.close(os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600))
    for f in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if f.exists():
            os.chmod(f, 0o600)


def open_store(data_dir: Path | str | None = None) -> Store:
    """The store of a data folder (see the module docstring for what is refused)."""
    data = Path(data_dir) if data_dir else default_data_dir()
    path = data / DB_NAME
    try:
        data.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise StoreWriteFailed(f"cannot create {data}: {exc.strerror}") from exc
    try:
        _check_file(path)
        try:
            _private(data, path)
        except OSError as exc:
            raise disk.Trouble(str(exc)) from exc
        return _open_writable(data, path)
    except (disk.Trouble, DBAPIError, sqlite3.OperationalError) as exc:
        trouble: BaseException = (exc.orig or exc) if isinstance(exc, DBAPIError) else exc
        if not isinstance(trouble, disk.Trouble) and not disk.is_disk_error(trouble):
            raise
        reason = disk.problem(data)
        if reason is None:
            raise StoreWriteFailed(str(trouble)) from exc
        return _open_read_only(data, path, reason)


def _open_writable(data: Path, path: Path) -> Store:
    migrate(path)
    engine = create_engine(f"sqlite:///{path}", future=True)
    event.listen(engine, "connect", _on_connect)
    store = Store(data, engine)
    try:
        with store.session() as s:
            s.execute(select(Meta).limit(1)).all()
    except Exception:
        engine.dispose()
        raise
    return store


def _open_read_only(data: Path, path: Path, reason: str) -> Store:
    """The store of a healthy database on a disk that cannot be written: SQLite reads the
    file as it is, and the store refuses every write (StoreReadOnly). The write-ahead log
    needs a writable -shm file, so the database is read as immutable; changes still in
    the log (after a crash) show again once the disk can be written."""
    if not path.exists() or path.stat().st_size == 0:
        raise StoreReadOnly(str(data), reason)  # nothing to read yet
    uri = path.resolve().as_uri() + "?mode=ro&immutable=1"
    _check_file(path, uri)
    engine = create_engine(
        "sqlite://", poolclass=QueuePool,
        creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False))
    try:
        if not _schema_state(engine, path):
            raise StoreReadOnly(str(data), reason)  # an upgrade would have to write
    except Exception:
        engine.dispose()
        raise
    log.info("data folder %s cannot be written (%s): opened read-only", data, reason)
    return Store(data, engine, read_only=reason)
