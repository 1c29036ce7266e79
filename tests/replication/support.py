"""Helpers for replication tests: a real `fieldsync` process, in-process clients,
state snapshots for convergence checks, and a throwaway Secret Service."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import select

from fieldclient.replication import account
from fieldclient.replication.credentials import MemoryCredentialStore
from fieldclient.replication.engine import SyncEngine
from fieldclient.store.db import Store, open_store
from fieldclient.store.models import Conflict, Incident, IncidentEntry, Outbox, Position, Unit
from fieldclient.store.writer import LocalWriter
from tests.waiting import wait_until  # noqa: F401 - re-exported for this area's tests

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable
USERS = {
    "ana": ("commander", "sedena"),
    "beto": ("commander", "sedena"),
    "gus": ("liaison", "gn"),
}


def password(user: str) -> str:
    return f"pw-{user}-long-enough"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]




class Server:
    """A real fieldsync process on loopback with SQLite in a temporary folder."""

    def __init__(self, folder: Path, tls: tuple[Path, Path] | None = None,
                 env: dict[str, str] | None = None) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.db = f"sqlite:///{folder / 'server.db'}"
        self.port = free_port()
        self.tls = tls
        self.proc: subprocess.Popen[bytes] | None = None
        self.env = {
            **os.environ,
            "FIELDSYNC_KDF_MEMORY_KIB": "19456",
            "FIELDSYNC_KDF_TIME_COST": "2",
            "FIELDSYNC_DATA_DIR": str(folder),
            **(env or {}),
        }
        self.log = folder / "server.log"

    @property
    def url(self) -> str:
        scheme = "https" if self.tls else "http"
        host = "localhost" if self.tls else "127.0.0.1"
        return f"{scheme}://{host}:{self.port}"

    def cli(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [PY, "-m", "sync.server.cli", "--database", self.db, *args],
            input=stdin, capture_output=True, text=True, env=self.env, cwd=ROOT, timeout=60,
        )

    def add_accounts(self) -> None:
        for slug, kind in (("sedena", "military"), ("gn", "federal")):
            self.cli("agency", "add", slug, "--name", slug.upper(), "--kind", kind)
        for user, (role, agency) in USERS.items():
            r = self.cli("user", "add", user, "--role", role, "--agency", agency,
                         stdin=password(user) + "\n")
            assert r.returncode == 0, r.stderr

    def start(self) -> Server:
        cmd = [PY, "-m", "sync.server.cli", "--database", self.db, "serve",
               "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning"]
        if self.tls:
            cmd += ["--tls-cert", str(self.tls[0]), "--tls-key", str(self.tls[1])]
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(cmd, env=self.env, cwd=ROOT, stdout=log,
                                         stderr=subprocess.STDOUT)
        wait_until(self._up, timeout=30, every=0.05)
        return self

    def _up(self) -> bool:
        assert self.proc is not None
        if self.proc.poll() is not None:
            raise AssertionError("server exited: " + self.log.read_text(errors="replace")[-2000:])
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return True
        except OSError:
            return False

    def kill(self) -> None:
        """kill -9: no shutdown, no flush beyond what SQLite already committed."""
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def count_changes(self, entity: str) -> int:
        """Rows of one entity in the server's change log (read straight from its database)."""
        import sqlite3

        con = sqlite3.connect(self.db.removeprefix("sqlite:///"))
        try:
            return con.execute("SELECT count(*) FROM changes WHERE entity = ?", (entity,)).fetchone()[0]
        finally:
            con.close()


class Client:
    """One laptop: its own data folder, store, writer and engine (in this process)."""

    def __init__(self, folder: Path, server_url: str, user: str, device: str | None = None) -> None:
        self.folder = folder
        self.user = user
        self.server_url = server_url
        self.creds = MemoryCredentialStore()
        self.store: Store = open_store(folder)
        self.sign_in(device or folder.name)

    def sign_in(self, device: str) -> None:
        account.login(self.store, self.server_url, self.user, password(self.user), device,
                      credentials=self.creds)
        self.writer = LocalWriter(self.store)
        self.engine = SyncEngine(self.store, self.creds)

    def reopen(self) -> None:
        """Like a restart after a crash: drop every in-memory object, open the folder again."""
        self.engine.close()
        self.store.close()
        self.store = open_store(self.folder)
        self.writer = LocalWriter(self.store)
        self.engine = SyncEngine(self.store, self.creds)

    def sync(self) -> Any:
        return self.engine.round()

    def close(self) -> None:
        self.engine.close()
        self.store.close()

    def outbox_states(self) -> dict[str, str]:
        with self.store.session() as s:
            return dict(s.execute(select(Outbox.change_id, Outbox.state)).all())

    def snapshot(self) -> dict[str, Any]:
        return snapshot(self.store)


def snapshot(store: Store) -> dict[str, Any]:
    """Replicated state, comparable across clients (local bookkeeping columns left out)."""
    skip = {"updated_at"}

    def rows(model: type) -> dict[str, dict[str, Any]]:
        cols = [c.key for c in model.__table__.columns if c.key not in skip]  # type: ignore[attr-defined]
        with store.session() as s:
            return {r.id: {c: getattr(r, c) for c in cols} for r in s.scalars(select(model))}

    return {
        "unit": rows(Unit),
        "incident": rows(Incident),
        "position": rows(Position),
        "incident_entry": rows(IncidentEntry),
        "conflict": rows(Conflict),
    }


def downgrade(folder: Path, revision: str) -> None:
    """The data folder as an older version left it (schema `revision`)."""
    from alembic import command

    from fieldclient.store import db as store_db

    engine = store_db._migration_engine(folder / store_db.DB_NAME)
    try:
        with engine.begin() as con:
            cfg = store_db._alembic_config(str(engine.url))
            cfg.attributes["connection"] = con
            command.downgrade(cfg, revision)
    finally:
        engine.dispose()


def requests_session() -> requests.Session:
    s = requests.Session()
    s.trust_env = False
    return s
