"""Rows of the change log: their pulled form, bulk insertion and their audit.

A row's `doc` is the PulledChange JSON, built once when the change is
accepted; pulls send it verbatim, and a replayed change_id is compared
against it (see push.same_change).
"""

from __future__ import annotations

import json
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, func, select

from sync.server import audit, db

_dumps = json.JSONEncoder(separators=(",", ":"), allow_nan=False).encode


_MAX_SEQ = select(func.coalesce(func.max(db.changes.c.seq), 0))  # built once: runs per push


def max_seq(conn: Connection) -> int:
    return int(conn.execute(_MAX_SEQ).scalar_one())


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
) -> dict[str, Any]:
    doc = _dumps({
        "change_id": change_id, "entity": entity, "entity_id": entity_id, "op": op,
        "fields": fields, "base": base, "hlc": hlc, "seq": seq, "author": author,
        "device_id": device_id, "received_at": received_at,
    })
    return {
        "seq": seq, "change_id": change_id, "entity": entity, "entity_id": entity_id,
        "op": op, "scope": scope, "doc": doc,
    }


_COLS = ("seq", "change_id", "entity", "entity_id", "op", "scope", "doc")
_as_tuple = itemgetter(*_COLS)


def insert_rows(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Bulk insert through the driver's executemany: SQLAlchemy's per-row
    parameter processing costs more than SQLite's insert at 5,000 rows."""
    if conn.dialect.name == "postgresql":
        # COPY is several times faster than even pipelined INSERTs, and runs
        # inside the same transaction (same DBAPI connection).
        raw = conn.connection.driver_connection
        with raw.cursor() as cur, cur.copy(  # type: ignore[union-attr]
            f"COPY changes ({', '.join(_COLS)}) FROM STDIN"
        ) as copy:
            for r in rows:
                copy.write_row(_as_tuple(r))
        return
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO changes ({', '.join(_COLS)}) VALUES ({', '.join([mark] * len(_COLS))})"
    conn.exec_driver_sql(sql, [_as_tuple(r) for r in rows])


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
        insert_rows(conn, rows)
        detail.update(
            seq_from=rows[0]["seq"], seq_to=rows[-1]["seq"], count=len(rows),
            digest=audit.docs_digest(r["doc"] for r in rows),
            change_ids=[r["change_id"] for r in rows],
        )
    audit.append(conn, action, actor=actor, device_id=device_id, subject=subject, detail=detail)
