"""Hash-chained audit trail, its verifier, and signed exports for oversight.

Each row's hash covers its own content and the previous row's hash, and row
ids are consecutive from 1, so `verify` finds an edited, deleted, inserted or
reordered row; `audit_head` remembers the newest row so truncating the tail
is found too. Rows that record a push also pin the change-log rows they
accepted (seq range and a digest of their documents), so editing, deleting
or inserting a change is found as well. Rows are appended inside the same
transaction as the thing they record (see db.write_tx).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import msgspec
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from sqlalchemy import Connection, Engine, bindparam, func, select

from sync.server import audit_state, db
from sync.server.audit_state import digest  # noqa: F401 - re-exported for accounts
from sync.server.chain import GENESIS, checkpoint_problems, docs_digest, row_hash  # noqa: F401
from sync.server.chain import canon as _canon


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


# Built once: statement construction and cache-key generation cost more than
# SQLite's execution for these tiny statements.
_HEAD = select(db.audit_head.c.last_id, db.audit_head.c.last_hash)
_INSERT = db.audit.insert()
_HEAD_UPDATE = db.audit_head.update().values(last_id=bindparam("lid"), last_hash=bindparam("lh"))
_HEAD_INSERT = db.audit_head.insert().values(id=1, last_id=bindparam("lid"), last_hash=bindparam("lh"))


class Chain:
    """Appends to the trail within one write transaction: the head is read once,
    rows are chained in memory and written by `flush` (before the commit)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        head = conn.execute(_HEAD).first()
        self._had_head = head is not None
        self.last_id: int = int(head[0]) if head else 0
        self.last_hash: str = str(head[1]) if head else GENESIS
        self._rows: list[dict[str, Any]] = []

    def append(self, action: str, *, actor: str | None = None, device_id: str | None = None,
               subject: str | None = None, detail: dict[str, Any] | None = None) -> int:
        row: dict[str, Any] = {
            "id": self.last_id + 1,
            "at": now_iso(),
            "actor": actor,
            "device_id": device_id,
            "action": action,
            "subject": subject,
            "detail": _canon(detail or {}),
            "prev_hash": self.last_hash,
        }
        row["hash"] = row_hash(self.last_hash, row)
        self._rows.append(row)
        self.last_id, self.last_hash = row["id"], row["hash"]
        return int(row["id"])

    def flush(self) -> None:
        if not self._rows:
            return
        self.conn.execute(_INSERT, self._rows)
        self.conn.execute(_HEAD_UPDATE if self._had_head else _HEAD_INSERT,
                          {"lid": self.last_id, "lh": self.last_hash})
        self._had_head, self._rows = True, []


def append(
    conn: Connection,
    action: str,
    *,
    actor: str | None = None,
    device_id: str | None = None,
    subject: str | None = None,
    detail: dict[str, Any] | None = None,
) -> int:
    """Append one row to the chain; call inside db.write_tx (it serialises)."""
    chain = Chain(conn)
    new_id = chain.append(action, actor=actor, device_id=device_id, subject=subject, detail=detail)
    chain.flush()
    return new_id


def _rows(engine: Engine, after: int = 0, limit: int | None = None) -> list[dict[str, Any]]:
    q = select(db.audit).where(db.audit.c.id > after).order_by(db.audit.c.id)
    if limit:
        q = q.limit(limit)
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(q)]


class AuditRow(msgspec.Struct, kw_only=True):
    """One row of the trail as GET /v1/audit hands it out (detail decoded)."""

    id: int
    at: str
    actor: str | None
    device_id: str | None
    action: str
    subject: str | None
    detail: dict[str, Any]
    prev_hash: str
    hash: str


class AuditPage(msgspec.Struct, kw_only=True):
    rows: list[AuditRow]
    next: int


def read(engine: Engine, after: int = 0, limit: int = 1000) -> list[dict[str, Any]]:
    """Audit rows after id `after`, detail decoded (for the HTTP audit feed)."""
    rows = _rows(engine, after, limit)
    for r in rows:
        r["detail"] = json.loads(r["detail"])
    return rows


def verify(engine: Engine) -> list[str]:
    """Every problem found in the chain and in the change log it pins ([] = intact)."""
    problems: list[str] = []
    prev = GENESIS
    expected_id = 1
    covered: set[int] = set()
    with engine.connect() as conn:
        rows = conn.execute(select(db.audit).order_by(db.audit.c.id)).mappings().all()
        for r in rows:
            if r["id"] != expected_id:
                problems.append(f"audit row {r['id']}: expected id {expected_id} (row deleted or inserted)")
                expected_id = r["id"]
            if r["prev_hash"] != prev:
                problems.append(f"audit row {r['id']}: does not link to the row before it")
            if row_hash(r["prev_hash"], dict(r)) != r["hash"]:
                problems.append(f"audit row {r['id']}: content does not match its hash (edited)")
            prev = r["hash"]
            expected_id += 1
            try:
                detail = json.loads(r["detail"])
            except ValueError:
                problems.append(f"audit row {r['id']}: detail is not JSON")
                continue
            if isinstance(detail, dict) and "seq_from" in detail:
                lo, hi = int(detail["seq_from"]), int(detail["seq_to"])
                docs = conn.execute(
                    select(db.changes.c.seq, db.changes.c.doc)
                    .where(db.changes.c.seq.between(lo, hi))
                    .order_by(db.changes.c.seq)
                ).all()
                if [s for s, _ in docs] != list(range(lo, hi + 1)):
                    problems.append(f"audit row {r['id']}: changes {lo}..{hi} are not all present")
                elif docs_digest(d for _, d in docs) != detail.get("digest"):
                    problems.append(f"audit row {r['id']}: changes {lo}..{hi} were altered")
                covered.update(range(lo, hi + 1))
        head = conn.execute(select(db.audit_head)).mappings().first()
        if rows and (head is None or head["last_id"] != rows[-1]["id"] or head["last_hash"] != prev):
            problems.append("audit head does not match the newest row (rows removed at the end?)")
        if head is not None and not rows:
            problems.append("audit head names rows that are missing")
        n_changes = conn.execute(select(func.count()).select_from(db.changes)).scalar_one()
        if n_changes != len(covered):
            problems.append(
                f"change log has {n_changes} rows but the audit trail accounts for {len(covered)}"
            )
        problems += audit_state.problems(conn, rows)  # type: ignore[arg-type]
    return problems


# --------------------------------------------------------------------------
# Checkpoints: the head of the chain signed with a key kept outside the database
# --------------------------------------------------------------------------


def checkpoint(audit_id: int, audit_hash: str, key: Ed25519PrivateKey) -> dict[str, Any]:
    """A signed statement "the trail had row `audit_id` with hash `audit_hash` at `at`"."""
    body = {"type": "checkpoint", "audit_id": audit_id, "audit_hash": audit_hash,
            "at": now_iso(), "public_key": public_key_b64(key)}
    return {**body, "signature": base64.b64encode(key.sign(_canon(body).encode())).decode()}


def hash_in_db(engine: Engine) -> Any:
    def hash_of(audit_id: int) -> str | None:
        with engine.connect() as conn:
            found = conn.execute(select(db.audit.c.hash).where(db.audit.c.id == audit_id)).first()
        return None if found is None else str(found[0])
    return hash_of


# --------------------------------------------------------------------------
# Signed export
# --------------------------------------------------------------------------


def load_or_create_key(path: Path) -> Ed25519PrivateKey:
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{path} is not an Ed25519 private key")
        return key
    key = Ed25519PrivateKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # Written whole under another name, then linked into place: two server processes
    # starting together end up with one key (the loser reads the winner's), never a
    # half-written file or two keys signing checkpoints.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    try:
        os.link(tmp, path)
    except FileExistsError:
        return load_or_create_key(path)
    finally:
        tmp.unlink()
    return key


def public_key_b64(key: Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def export(engine: Engine, out: IO[bytes], key: Ed25519PrivateKey,
           on_head: Any = None) -> int:
    """Write the chain as JSON lines, then one line signing every byte before it;
    `on_head(id, hash)` is told the newest row exported (for its checkpoint)."""
    body = bytearray()
    n = 0
    last: dict[str, Any] | None = None
    for r in _rows(engine):
        line = _canon({**r, "detail": json.loads(r["detail"]), "type": "audit"}).encode() + b"\n"
        body += line
        n += 1
        last = r
    if on_head is not None and last is not None:
        on_head(int(last["id"]), str(last["hash"]))
    body_digest = hashlib.sha256(body).hexdigest()
    sig = base64.b64encode(key.sign(bytes(body))).decode()
    trailer = {
        "type": "signature", "alg": "ed25519", "public_key": public_key_b64(key),
        "rows": n, "sha256": body_digest, "signature": sig, "exported_at": now_iso(),
    }
    out.write(bytes(body))
    out.write(_canon(trailer).encode() + b"\n")
    return n


def verify_export(data: bytes, public_key_b64_expected: str | None = None,
                  checkpoints: Iterable[dict[str, Any]] = ()) -> list[str]:
    """Check an export's signature and its hash chain ([] = authentic and intact), and
    that it holds every row earlier checkpoints signed, unchanged."""
    lines = data.splitlines(keepends=True)
    if not lines:
        return ["export is empty"]
    try:
        trailer = json.loads(lines[-1])
    except ValueError:
        return ["last line is not a signature record"]
    if not isinstance(trailer, dict) or trailer.get("type") != "signature":
        return ["last line is not a signature record"]
    problems: list[str] = []
    body = b"".join(lines[:-1])
    pub_b64 = trailer.get("public_key", "")
    if public_key_b64_expected and pub_b64 != public_key_b64_expected:
        problems.append("export was signed by a different key than the one expected")
    try:
        pub = Ed25519PublicKey.from_public_bytes(base64.b64decode(pub_b64))
        pub.verify(base64.b64decode(trailer.get("signature", "")), body)
    except Exception:  # noqa: BLE001 - any failure means "not authentic"
        problems.append("signature does not match the exported rows")
    prev = GENESIS
    hashes: dict[int, str] = {}
    for i, raw in enumerate(lines[:-1], start=1):
        try:
            r = json.loads(raw)
            r["detail"] = _canon(r["detail"])
        except (ValueError, KeyError, TypeError):
            problems.append(f"line {i}: not an audit row")
            continue
        if r.get("prev_hash") != prev or row_hash(prev, r) != r.get("hash"):
            problems.append(f"line {i}: breaks the hash chain")
        prev = r.get("hash", "")
        if isinstance(r.get("id"), int):
            hashes[r["id"]] = prev
    problems = checkpoint_problems(checkpoints, hashes.get, public_key_b64_expected) + problems
    if trailer.get("rows") != len(lines) - 1:
        problems.append("row count does not match the signature record")
    return problems
