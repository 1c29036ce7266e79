"""Anchoring the audit trail outside the database: signed checkpoints of its head.

The chain in the database proves the rows agree with each other; someone who can
write the database can still cut its tail or recompute every hash. A checkpoint is
the newest row's id and hash, signed with an Ed25519 key that is *not* in the
database (a 0600 file). The server appends one to a file outside the database every
`checkpoint_every_s` (when the head moved) and `audit export` writes one for the
head it exports; oversight keeps them. `audit verify --checkpoint FILE` and the
export verifier then find a trail that no longer holds a signed row unchanged.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine, select

from sync.server import audit, db
from sync.server.settings import Settings

log = logging.getLogger("fieldsync.audit")


def head(engine: Engine) -> tuple[int, str] | None:
    with engine.connect() as conn:
        row = conn.execute(select(db.audit_head.c.last_id, db.audit_head.c.last_hash)).first()
    return None if row is None else (int(row[0]), str(row[1]))


def make_checkpoint(engine: Engine, key: Ed25519PrivateKey) -> dict[str, Any]:
    """A signed checkpoint of the trail's current head."""
    found = head(engine)
    if found is None:
        raise ValueError("the audit trail is empty")
    return audit.checkpoint(found[0], found[1], key)


def append(path: Path, checkpoint: dict[str, Any]) -> None:
    """Add one checkpoint to a JSON-lines file (created 0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "ab") as fh:
        fh.write(json.dumps(checkpoint, sort_keys=True).encode() + b"\n")


def read_checkpoints(path: Path) -> list[dict[str, Any]]:
    out = []
    for line in path.read_bytes().splitlines():
        if line.strip():
            item = json.loads(line)
            if isinstance(item, dict) and item.get("type") == "checkpoint":
                out.append(item)
    return out


def check(engine: Engine, checkpoints: list[dict[str, Any]], public_key: str | None) -> list[str]:
    """Every way the database's trail disagrees with these checkpoints ([] = none)."""
    return audit.checkpoint_problems(checkpoints, audit.hash_in_db(engine), public_key)


class Checkpointer:
    """A thread of the server that signs the head every `every_s` when it moved."""

    def __init__(self, engine: Engine, key: Ed25519PrivateKey, path: Path, every_s: float) -> None:
        self.engine, self.key, self.path, self.every_s = engine, key, path, every_s
        self._stop = threading.Event()
        self._last: tuple[int, str] | None = None
        self._thread = threading.Thread(target=self._run, name="fieldsync-anchor", daemon=True)

    @classmethod
    def start(cls, engine: Engine, settings: Settings) -> Checkpointer | None:
        if settings.checkpoint_file is None or settings.audit_key is None:
            return None
        signer = cls(engine, audit.load_or_create_key(settings.audit_key), settings.checkpoint_file,
                     settings.checkpoint_every_s)
        signer._thread.start()
        return signer

    def _run(self) -> None:
        while True:
            self.sign()
            if self._stop.wait(self.every_s):
                self.sign()  # the head as the server stops
                return

    def sign(self) -> None:
        try:
            now = head(self.engine)
            if now is None or now == self._last:
                return
            append(self.path, audit.checkpoint(now[0], now[1], self.key))
            self._last = now
        except Exception:  # noqa: BLE001 - tried again at the next tick; never stops serving
            log.warning("could not write an audit checkpoint", exc_info=True)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
