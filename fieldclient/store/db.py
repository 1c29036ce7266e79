"""Opening the local store: data folder, SQLite in WAL mode, migrations, guards.

`open_store()` refuses (and never modifies) a file that is not an SQLite
database, a damaged one, or one written by a newer schema; the UI offers to
move such a file aside with `quarantine()`.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.orm import Session, sessionmaker

from fieldclient.core.errors import StoreCorrupt, StoreTooNew, StoreWriteFailed
from fieldclient.store import meta
from fieldclient.store.events import ChangeBus
from fieldclient.store.models import Meta
from sync.merge import HybridClock

if TYPE_CHECKING:  # alembic is imported where it is used, after the store file is checked
    from alembic.config import Config

DB_NAME = "enlace.db"
ENV_DATA_DIR = "ENLACE_DATA_DIR"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_MAGIC = b"SQLite format 3\x00"


def default_data_dir() -> Path:
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("enlace", "Enlace"))


def _check_file(path: Path) -> None:
    """Raise StoreCorrupt unless `path` is absent, empty or a healthy SQLite file."""
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb") as fh:
        head = fh.read(16)
    if head != SQLITE_MAGIC:
        raise StoreCorrupt(str(path), "not an SQLite database")
    # Reading the schema catches a damaged header or schema and a foreign database in
    # milliseconds. A full `PRAGMA quick_check` here cost 0.2 s warm and 3 s cold per start
    # at 100,000 units and grows with every position; SQLite still reports a damaged page
    # when it reads one.
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
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

    def __init__(self, data_dir: Path, engine: Engine) -> None:
        self.data_dir = data_dir
        self.path = data_dir / DB_NAME
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)
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
                node = s.get(Meta, meta.NODE)
                if node is None:
                    node = Meta(key=meta.NODE, value="n" + uuid.uuid4().hex[:12])
                    s.add(node)
                last = s.get(Meta, meta.HLC)
                self._clock = HybridClock(node.value, last=last.value if last else None)
            return self._clock

    def tick(self, s: Session) -> str:
        """A new HLC for a local edit, saved as the high-water mark in the edit's transaction."""
        hlc = self._clock_in(s).now()
        s.merge(Meta(key=meta.HLC, value=hlc))
        return hlc

    def observe(self, s: Session, hlc: str) -> None:
        """Fold in an HLC seen from elsewhere and save the high-water mark in `s`."""
        clock = self._clock_in(s)
        clock.observe(hlc)
        # compare time and counter only (the node id differs); one statement, no ORM
        s.connection().exec_driver_sql(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE "
            "SET value = excluded.value "
            "WHERE substr(meta.value, 1, 18) < substr(excluded.value, 1, 18)",
            (meta.HLC, clock.last()),
        )

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self.sessions() as s:
            yield s

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One write transaction; disk errors surface as StoreWriteFailed, nothing half-written
        (also from statements run on the driver's cursor, which SQLAlchemy does not wrap)."""
        from sqlalchemy.exc import OperationalError

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


def _alembic_config(engine_url: str) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", engine_url)
    return cfg


def migrate(engine: Engine, path: Path) -> None:
    """Bring the schema to head; refuse a database from a newer schema."""
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    cfg = _alembic_config(str(engine.url))
    script = ScriptDirectory.from_config(cfg)
    heads = set(script.get_heads())
    with engine.connect() as con:
        current = set(MigrationContext.configure(con).get_current_heads())
    if current == heads:
        return
    known = {rev.revision for rev in script.walk_revisions()}
    unknown = current - known
    if unknown:
        raise StoreTooNew(str(path), ", ".join(sorted(unknown)))
    with engine.begin() as con:
        cfg.attributes["connection"] = con
        command.upgrade(cfg, "head")


def _private(data: Path, path: Path) -> None:
    """The data folder 0700 and the database 0600 (owner only), whatever the umask; SQLite
    creates the -wal and -shm files with the database file's mode. Files an older
    version left readable by others are tightened too (POSIX only)."""
    if os.name != "posix":
        return
    os.chmod(data, 0o700)
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    for f in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if f.exists():
            os.chmod(f, 0o600)


def open_store(data_dir: Path | str | None = None) -> Store:
    data = Path(data_dir) if data_dir else default_data_dir()
    path = data / DB_NAME
    try:
        data.mkdir(parents=True, exist_ok=True, mode=0o700)
        _check_file(path)
        _private(data, path)
    except OSError as exc:
        raise StoreWriteFailed(f"cannot create {data}: {exc.strerror}") from exc
    engine = create_engine(f"sqlite:///{path}", future=True)
    event.listen(engine, "connect", _on_connect)
    try:
        migrate(engine, path)
    except Exception:
        engine.dispose()
        raise
    store = Store(data, engine)
    with store.session() as s:
        s.execute(select(Meta).limit(1)).all()
    return store
