"""Rows of the change log: their canonical hash, their pulled form, their audit.

A row's `doc` is the PulledChange JSON, built once when the change is
accepted; pulls send it verbatim. `env_hash` identifies what the client sent
(envelope and normalised fields, without server stamps) so a replay of a
change_id can be told apart from a different change reusing it.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import Connection, func, select

from sync.server import audit, db

_dumps = json.JSONEncoder(separators=(",", ":"), allow_nan=False).encode
_canon = json.JSONEncoder(separators=(",", ":"), sort_keys=True, allow_nan=False).encode


def env_hash(
    entity: str, entity_id: str, op: str, fields: dict[str, Any], base: dict[str, str], hlc: str
) -> str:
    return hashlib.sha256(_canon([entity, entity_id, op, fields, base, hlc]).encode()).hexdigest()


def max_seq(conn: Connection) -> int:
    return int(conn.execute(select(func.coalesce(func.max(db.changes.c.seq), 0))).scalar_one())


def make_row(
    seq: int,
    change_id: str,
    entity: str,
    entity_id: str,
    op: str,
    fields: dict[str, Any],
    base: dict[str, str],
    hlc: str,
    *,
    author: str | None,
    device_id: str | None,
    received_at: str,
    scope: str | None,
    ehash: str,
) -> dict[str, Any]:
    doc = _dumps({
        "change_id": change_id, "entity": entity, "entity_id": entity_id, "op": op,
        "fields": fields, "base": base, "hlc": hlc, "seq": seq, "author": author,
        "device_id": device_id, "received_at": received_at,
    })
    return {
        "seq": seq, "change_id": change_id, "entity": entity, "entity_id": entity_id,
        "op": op, "scope": scope, "env_hash": ehash, "doc": doc,
    }


def insert_and_audit(
    conn: Connection,
    rows: list[dict[str, Any]],
    action: str,
    *,
    actor: str | None,
    device_id: str | None,
    subject: str | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    """Insert accepted rows (contiguous seqs) and one audit row that pins them."""
    detail: dict[str, Any] = dict(extra or {})
    if rows:
        conn.execute(db.changes.insert(), rows)
        detail.update(
            seq_from=rows[0]["seq"], seq_to=rows[-1]["seq"], count=len(rows),
            digest=audit.docs_digest(r["doc"] for r in rows),
            change_ids=[r["change_id"] for r in rows],
        )
    audit.append(conn, action, actor=actor, device_id=device_id, subject=subject, detail=detail)
