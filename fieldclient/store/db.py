"""Opening the local store: data folder, SQLCipher in WAL mode, migrations, guards.

The database is encrypted (SQLCipher, through `sqlcipher3`) with the folder's data key
(fieldclient.store.crypto); its write-ahead log is encrypted with it and temporary
tables stay in memory. A plain database of an earlier version is encrypted at the
first start (fieldclient.store.convert). Every read of the file goes through
SQLCipher's own SQLite: a second SQLite library in the process (the standard
`sqlite3`) closing a descriptor of the file would drop the locks this one holds.

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
import stat
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlcipher3.dbapi2 as cipher
from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool, QueuePool

from fieldclient.core import timefmt
from fieldclient.core.errors import (
    StoreCorrupt,
    StoreReadOnly,
    StoreTooNew,
    StoreWriteFailed,
    StoreWrongKey,
)
from fieldclient.store import crypto, disk, meta
from fieldclient.store.crypto import DataKey, Unlock
from fieldclient.store.events import ChangeBus
from fieldclient.store.models import Meta
from sync.merge import HybridClock

if TYPE_CHECKING:  # alembic is imported where it is used, after the store file is checked
    from alembic.config import Config

DB_NAME = "enlace.db"
# Errors of either SQLite library (the standard one is still used for map packages).
DB_ERRORS: tuple[type[Exception], ...] = (sqlite3.OperationalError, cipher.OperationalError)
ENV_DATA_DIR = "ENLACE_DATA_DIR"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
log = logging.getLogger(__name__)


def default_data_dir() -> Path:
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("enlace", "Enlace"))


def _check_file(path: Path, uri: str | None = None) -> str:
    """What the file is: "absent" (missing or empty), "plain" (a healthy SQLite database
    of an earlier version, to be encrypted) or "sealed" (not readable without a key: an
    encrypted store, or something else). Raises StoreCorrupt for a damaged or foreign
    plain database and `disk.Trouble` when the disk, not the file, is at fault."""
    if not path.exists() or path.stat().st_size == 0:
        return "absent"
    # Reading the schema catches a damaged header or schema and a foreign database in
    # milliseconds. A full `PRAGMA quick_check` here cost 0.2 s warm and 3 s cold per start
    # at 100,000 units and grows with every position; SQLite still reports a damaged page
    # when it reads one.
    try:
        con = cipher.connect(uri or f"file:{path}?mode=ro", uri=True)
        try:
            con.execute("PRAGMA cipher_log_level = NONE")
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            con.close()
    except cipher.DatabaseError as exc:
        if disk.is_disk_error(exc):
            raise disk.Trouble(str(exc)) from None
        if getattr(exc, "sqlite_errorname", "") == "SQLITE_NOTADB":
            return "sealed"
        raise StoreCorrupt(str(path), str(exc)) from None
    if tables and "alembic_version" not in tables:
        raise StoreCorrupt(str(path), "it belongs to another program")
    return "plain" if tables else "absent"


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


def connect(target: str, key: DataKey, uri: bool = False) -> Any:
    """A keyed SQLCipher connection (the key first: nothing can be read before it)."""
    con = cipher.connect(target, uri=uri, check_same_thread=False)
    try:
        con.execute("PRAGMA cipher_log_level = NONE")  # its own log goes to stderr
        con.execute(key.pragma())
        con.execute("PRAGMA temp_store = MEMORY")  # no temporary file, encrypted or not
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except cipher.DatabaseError as exc:
        con.close()
        if getattr(exc, "sqlite_errorname", "") == "SQLITE_NOTADB":
            raise StoreWrongKey(target.removeprefix("file:").split("?")[0]) from None
        raise
    return con


def cipher_engine(path: Path, key: DataKey, *, uri_query: str = "", **kw: Any) -> Engine:
    """An engine on the encrypted database at `path` (`uri_query`: SQLite URI options)."""
    target = path.resolve().as_uri() + "?" + uri_query if uri_query else str(path)
    return create_engine(f"sqlite:///{path}", module=cipher,
                         creator=lambda: connect(target, key, uri=bool(uri_query)), **kw)


def _on_connect(dbapi_con: Any, _record: object) -> None:
    cur = dbapi_con.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=OFF")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


class Store:
    """The local database of one data folder: engine, sessions, the change bus and the
    hybrid clock every local edit and every pulled change goes through."""

    def __init__(self, data_dir: Path, engine: Engine, read_only: str | None = None,
                 key: DataKey | None = None) -> None:
        self.data_dir = data_dir
        self.path = data_dir / DB_NAME
        self.engine = engine
        self.key = key  # wiped by close(); a locked window closes its store
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
        (also from statements run on the driver's cursor, which SQLAlchemy does not wrap).

        It takes SQLite's write lock at once (BEGIN IMMEDIATE), not at its first write as
        the driver would: what it reads before writing is then what it writes over. The
        sync round's pull and push write from two threads, each reading a record first
        (a merge, an undone rejection); with the lock taken late, one wrote back a unit
        as it stood before the other's commit. Plain sessions (reads) take no lock."""
        from sqlalchemy.exc import OperationalError

        if self.read_only:
            raise StoreReadOnly(str(self.data_dir), self.read_only)
        with self.sessions() as s:
            try:
                with s.begin():
                    s.connection().exec_driver_sql("BEGIN IMMEDIATE")
                    yield s
            except OperationalError as exc:
                raise StoreWriteFailed(str(exc.orig)) from exc
            except DB_ERRORS as exc:
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
        if self.key is not None:
            self.key.wipe()

    @property
    def closed(self) -> bool:
        """Closed: its key is gone, and every new connection would fail (a window that
        outlives its store, after the idle lock, must not read it)."""
        return self.key is not None and not self.key.present


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


def _migration_engine(path: Path, key: DataKey) -> Engine:
    """An engine whose transactions include DDL. The sqlite3 module opens a transaction
    only before INSERT/UPDATE/DELETE, so each CREATE TABLE of a migration used to be
    committed on its own and a kill between two left half a schema ("table agency
    already exists" at every later start). Here the module's own transaction handling
    is off and every transaction starts with BEGIN IMMEDIATE: SQLite's DDL is
    transactional, so a migration commits whole or not at all."""
    engine = cipher_engine(path, key, poolclass=NullPool)

    @event.listens_for(engine, "connect")
    def _connect(dbapi_con: Any, record: object) -> None:
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


def migrate(path: Path, key: DataKey) -> None:
    """Bring the schema to head in one transaction; refuse a database from a newer schema."""
    from alembic import command

    engine = _migration_engine(path, key)
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
        try:
            os.close(os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            pass
    for f in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if f.exists() and stat.S_IMODE(f.stat().st_mode) != 0o600:
            os.chmod(f, 0o600)


def open_store(data_dir: Path | str | None = None, unlock: Unlock | None = None) -> Store:
    """The store of a data folder (see the module docstring for what is refused).
    `unlock` gives what may open its key (default: the keyring, or the passphrase in
    $ENLACE_STORE_PASSPHRASE); a store that cannot be unlocked raises StoreLocked."""
    data = Path(data_dir) if data_dir else default_data_dir()
    path = data / DB_NAME
    unlock = unlock or Unlock.from_env()
    try:
        data.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise StoreWriteFailed(f"cannot create {data}: {exc.strerror}") from exc
    key: DataKey | None = None
    try:
        if any(path.with_name(path.name + s).exists() for s in (".plain", ".encrypting")):
            from fieldclient.store.convert import finish_interrupted

            finish_interrupted(data)
        kind = _check_file(path)
        _private(data, path)
        key = _data_key(data, path, kind, unlock)
        if kind == "plain":
            from fieldclient.store.convert import encrypt_plain

            encrypt_plain(data, key)
        return _open_writable(data, path, key)
    except (disk.Trouble, DBAPIError, OSError, sqlite3.OperationalError,
            cipher.OperationalError) as exc:
        trouble: BaseException = (exc.orig or exc) if isinstance(exc, DBAPIError) else exc
        if not isinstance(trouble, disk.Trouble | OSError) and not disk.is_disk_error(trouble):
            raise
        reason = disk.problem(data)
        if reason is None:
            raise StoreWriteFailed(str(trouble)) from exc
        if key is None and crypto.load(data) is not None:
            key = crypto.open_key(data, unlock)
        if key is None:
            if path.exists() and path.stat().st_size > 0:
                raise _not_encrypted(data, reason) from exc  # a plain store, kept as it is
            raise StoreReadOnly(str(data), reason) from exc  # nothing to read yet
        return _open_read_only(data, path, reason, key)


def _not_encrypted(data: Path, reason: str) -> StoreWriteFailed:
    from fieldclient.store.convert import ConversionFailed

    why = "the disk is full" if reason == "full" else "the disk cannot be written"
    return ConversionFailed(str(data), why)


def _data_key(data: Path, path: Path, kind: str, unlock: Unlock) -> DataKey:
    """The folder's data key: unwrapped from its key file, or made for a new (or plain)
    store. A sealed file with no key file here cannot be opened by anyone on this laptop."""
    if crypto.load(data) is not None:
        return crypto.open_key(data, unlock)
    if kind == "sealed":
        raise StoreCorrupt(str(path), "not an SQLite database, or encrypted on another laptop")
    return crypto.create(data, unlock)[1]


def _open_writable(data: Path, path: Path, key: DataKey) -> Store:
    migrate(path, key)
    engine = cipher_engine(path, key, future=True)
    event.listen(engine, "connect", _on_connect)
    store = Store(data, engine, key=key)
    try:
        with store.session() as s:
            s.execute(select(Meta).limit(1)).all()
    except Exception:
        engine.dispose()
        raise
    return store


def _open_read_only(data: Path, path: Path, reason: str, key: DataKey) -> Store:
    """The store of a healthy database on a disk that cannot be written: SQLite reads the
    file as it is, and the store refuses every write (StoreReadOnly). The write-ahead log
    needs a writable -shm file, so the database is read as immutable; changes still in
    the log (after a crash) show again once the disk can be written."""
    if not path.exists() or path.stat().st_size == 0:
        raise StoreReadOnly(str(data), reason)  # nothing to read yet
    query = "mode=ro&immutable=1"
    if _check_file(path, path.resolve().as_uri() + "?" + query) == "plain":
        raise _not_encrypted(data, reason)  # not encrypted yet, and it cannot be now
    engine = cipher_engine(path, key, uri_query=query, poolclass=QueuePool)
    try:
        if not _schema_state(engine, path):
            raise StoreReadOnly(str(data), reason)  # an upgrade would have to write
    except Exception:
        engine.dispose()
        raise
    log.info("data folder cannot be written (%s): opened read-only", reason)
    return Store(data, engine, read_only=reason, key=key)


def connect_folder(data_dir: Path, unlock: Unlock | None = None) -> Any:
    """A raw keyed connection to a data folder's database (tools and tests; the app goes
    through open_store)."""
    key = crypto.open_key(Path(data_dir), unlock or Unlock.from_env())
    try:
        return connect(str(Path(data_dir) / DB_NAME), key)
    finally:
        key.wipe()
