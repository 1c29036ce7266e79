"""Tables, engines and the write transaction every mutation goes through.

The schema is SQLAlchemy Core (no ORM): pushes insert thousands of rows per
request and per-row ORM objects would cost more than the database does. The
alembic migrations under `migrations/` create exactly these tables.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    text,
)
from sqlalchemy.pool import NullPool

metadata = MetaData()

agencies = Table(
    "agencies",
    metadata,
    Column("slug", String(40), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("created_at", String(40), nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(100), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=False),
    Column("agency", String(40), ForeignKey("agencies.slug"), nullable=True),
    Column("role", String(20), nullable=False),
    Column("display_name", String(200), nullable=True),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("created_at", String(40), nullable=False),
)

devices = Table(
    "devices",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("token_hash", String(64), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("expires_at", BigInteger, nullable=False),  # unix seconds
    Column("last_seen_at", String(40), nullable=True),
    Column("revoked_at", String(40), nullable=True),
    # Revoked with the wipe policy: "now" or "after_push" (sync.protocol WIPE_*), and
    # when the laptop said it had erased its data.
    Column("wipe", String(20), nullable=True),
    Column("wiped_at", String(40), nullable=True),
)

# The change log: one row per accepted change, in seq (= commit) order. `doc`
# is the PulledChange as JSON, written once, so a pull is a concatenation.
changes = Table(
    "changes",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("change_id", String(36), nullable=False, unique=True),
    Column("entity", String(20), nullable=False),
    Column("entity_id", String(64), nullable=False),
    Column("op", String(8), nullable=False),
    # id of the unit/incident whose visibility governs this change (NULL: public)
    Column("scope", String(64), nullable=True),
    Column("doc", Text, nullable=False),
)
# A record's id is used once, whatever its kind: the change that creates a record is
# stored with op 'create' (its document still says `upsert`), every append is a
# creation, and the index spans both. So a push can insert without looking each change
# up first, and a unit cannot take a position's id nor a position a unit's.
CREATES = "op IN ('append', 'create')"
Index("uq_changes_record_id", changes.c.entity_id, unique=True,
      sqlite_where=text(CREATES), postgresql_where=text(CREATES))

# A record's history (sync.server.pull.history_page, the count of a reveal).
Index("ix_changes_scope_seq", changes.c.scope, changes.c.seq)

# Materialised current state of mergeable records (unit, incident, conflict, operation,
# assignment): per-field values, HLCs and authors, plus the columns visibility needs
# (`operation`: the joint operation whose participants may see a record of visibility
# "operation"; an operation's own id for an operation).
records = Table(
    "records",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("entity", String(20), nullable=False),
    Column("agency", String(40), nullable=True),
    Column("visibility", String(10), nullable=True),
    Column("state", Text, nullable=False),
    Column("updated_seq", BigInteger, nullable=False),
    Column("operation", String(64), nullable=True),
)
# The records of an operation (withdrawn or revealed together when its participants change).
Index("ix_records_operation", records.c.operation)

audit = Table(
    "audit",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("at", String(40), nullable=False),
    Column("actor", String(100), nullable=True),
    Column("device_id", String(36), nullable=True),
    Column("action", String(40), nullable=False),
    Column("subject", String(200), nullable=True),
    Column("detail", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

# One row: the newest audit entry, so truncating the tail is detectable.
audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("last_id", BigInteger, nullable=False),
    Column("last_hash", String(64), nullable=False),
)

# Sign-in counters shared by every server process on the database (throttle.py).
login_throttle = Table(
    "login_throttle",
    metadata,
    Column("key", String(400), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("since", Float, nullable=False),
    Column("until", Float, nullable=False),
)

# Key of the advisory lock that serialises writers on PostgreSQL ("enla").
PG_WRITE_LOCK = 0x656E6C61
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str) -> Engine:
    """An engine tuned for this workload (SQLite: WAL, immediate write locks)."""
    if url.startswith("sqlite"):
        # As many pooled connections as request threads (anyio's default 40,
        # plus the writer and spare): an overflow connection is closed when
        # returned, and reopening one (with its PRAGMAs) on every request was
        # the largest single cost under many concurrent clients.
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=48,
            max_overflow=16,
        )

        @event.listens_for(engine, "connect")
        def _connect(dbapi_conn: Any, _record: Any) -> None:
            # Take over transaction control from the sqlite3 module so writers
            # can BEGIN IMMEDIATE: a deferred transaction that later upgrades to
            # a write lock fails with SQLITE_BUSY instead of waiting.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA cache_size=-65536")  # 64 MiB: indexes of a big log stay hot
            # No checkpoint inside a commit: the one that crossed the threshold used to
            # copy the WAL into the database and fsync it while every push of its group
            # waited (the longest push latencies). The server's Checkpointer does it on
            # its own thread; a tool that opens the database briefly checkpoints on close.
            cur.execute("PRAGMA wal_autocheckpoint=0")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            immediate = conn.get_execution_options().get("sqlite_immediate")
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    if url.startswith("postgresql"):
        # Connections are expensive to open on PostgreSQL; keep enough pooled
        # for busy request threads (see the SQLite note) without exhausting
        # max_connections when several processes share one server.
        return create_engine(url, pool_size=20, max_overflow=20, pool_pre_ping=True)
    return create_engine(url, poolclass=NullPool)


_process_write_lock = threading.Lock()


@contextmanager
def write_tx(engine: Engine) -> Iterator[Connection]:
    """One serialised write transaction.

    Every write (push, login, audit) runs here, so seq numbers and the audit
    chain are assigned in commit order: on PostgreSQL through a transaction
    advisory lock, held until commit, so a reader never sees seq N+1 before N;
    on SQLite through BEGIN IMMEDIATE (one writer at a time across processes)
    plus an in-process lock so threads queue here instead of spinning on BUSY.
    """
    if engine.dialect.name == "sqlite":
        with _process_write_lock, engine.connect() as conn:
            conn = conn.execution_options(sqlite_immediate=True)
            with conn.begin():
                yield conn
        return
    with engine.connect() as conn, conn.begin():
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_WRITE_LOCK})
        yield conn


class Checkpointer:
    """Copies SQLite's write-ahead log into the database on a thread of its own, once
    enough has been committed (PASSIVE: never waits for, nor blocks, readers or the
    writer), and once more when stopped. A no-op on other databases.

    Often and small: with 50 clients saturating the server, a checkpoint every 20,000
    rows made every fourth group 10-15 ms slower (its copy and fsync compete with the
    commits), and those groups set the p99; every 5,000 rows spreads the same work
    evenly (push p99 115 -> 97 ms, median of three runs each)."""

    def __init__(self, engine: Engine, every_rows: int = 5_000, every_s: float = 10.0) -> None:
        self.engine, self.every_rows, self.every_s = engine, every_rows, every_s
        self._pending = 0
        self._wake = threading.Condition()
        self._stop = False
        self._thread: threading.Thread | None = None

    def committed(self, rows: int) -> None:
        """Called after a commit; wakes the thread once enough has piled up."""
        if self.engine.dialect.name != "sqlite" or rows <= 0:
            return
        with self._wake:
            self._pending += rows
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="fieldsync-checkpoint",
                                                daemon=True)
                self._thread.start()
            if self._pending >= self.every_rows:
                self._wake.notify()

    def stop(self) -> None:
        with self._wake:
            self._stop = True
            self._wake.notify()
            thread = self._thread
        if thread is not None:
            thread.join(timeout=30)

    def _run(self) -> None:
        while True:
            with self._wake:
                if not self._stop and self._pending < self.every_rows:
                    self._wake.wait(self.every_s)
                stop, pending, self._pending = self._stop, self._pending, 0
            if pending or stop:
                self.checkpoint()
            if stop:
                return

    def checkpoint(self) -> None:
        try:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").all()
        except Exception:  # noqa: BLE001 - retried at the next one; SQLite stays consistent
            logging.getLogger("fieldsync").warning("WAL checkpoint failed", exc_info=True)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest alembic revision (safe to call each start)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            # Several server processes may start at once on one database.
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": PG_WRITE_LOCK + 1})
            conn.commit()
        try:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            conn.commit()
        finally:
            if engine.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": PG_WRITE_LOCK + 1})
                conn.commit()
