"""Rows of the change log: built from the codec's documents, bulk-inserted, audited.

A row's `doc` is the PulledChange JSON made by `sync.protocol.codec` when the
change is accepted (the change as decoded, plus seq and the server's stamps);
a pull hands it out verbatim, and a replayed change_id is compared with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from itertools import chain
from typing import Any

import msgspec
from sqlalchemy import Connection, bindparam, func, select

from sync.protocol import ENTITIES, codec
from sync.server import audit, db
from sync.server import chain as chain_mod

# Kinds of record pinned one by one in a push's audit row (see `audit_rows`).
_OWNED = frozenset(n for n, e in ENTITIES.items() if e.original is not None)
_fields_agency = msgspec.json.Decoder(dict[str, Any])


def _agency(doc: str) -> str | None:
    fields = _fields_agency.decode(doc).get("fields") or {}
    return fields.get("agency") if isinstance(fields, dict) else None

# seq, change_id, entity, entity_id, op, scope, doc: the columns, in insert order.
Row = tuple[int, str, str, str, str, str | None, str]
COLUMNS = ("seq", "change_id", "entity", "entity_id", "op", "scope", "doc")

_MAX_SEQ = select(func.coalesce(func.max(db.changes.c.seq), 0))  # built once: runs per group


def max_seq(conn: Connection) -> int:
    return int(conn.execute(_MAX_SEQ).scalar_one())


_APPENDS = select(func.count()).select_from(db.changes).where(
    db.changes.c.scope == bindparam("scope"), db.changes.c.op == "append")


def count_appends(conn: Connection, scope: str) -> int:
    """How many append-only records (positions, entries) the log holds for a record."""
    return int(conn.execute(_APPENDS, {"scope": scope}).scalar_one())


def make_row(seq: int, change_id: str, entity: str, entity_id: str, scope: str | None,
             doc: bytes, creates: bool = False) -> Row:
    """A log row around a document from `codec.pulled_doc` or `codec.change_doc`;
    `creates`: the change that creates a mergeable record (op 'create', see db.CREATES)."""
    op = "create" if creates else ENTITIES[entity].op
    return (seq, change_id, entity, entity_id, op, scope, doc.decode())


def server_row(seq: int, change_id: str, entity: str, entity_id: str, fields: Mapping[str, Any],
               hlc: str, scope: str | None, tail: bytes, creates: bool = False) -> Row:
    """The row of a change the server makes itself (conflicts, reveals, agencies)."""
    doc = codec.change_doc(entity, change_id, entity_id, dict(fields), {}, hlc, seq, tail)
    return make_row(seq, change_id, entity, entity_id, scope, doc, creates)


def marker_row(seq: int, change_id: str, op: str, entity: str, record_id: str,
               marker: Any) -> Row:
    """A log row that is not a change: a withdrawal or reveal of a record (op `withdraw` or
    `reveal`, its `scope` the record, its `doc` the marker a pull page hands out)."""
    return (seq, change_id, entity, record_id, op, record_id, codec.encode(marker).decode())


def insert_rows(conn: Connection, rows: list[Row]) -> None:
    """Bulk insert through the driver itself: SQLAlchemy's per-row parameter
    processing costs more than SQLite's own insert at thousands of rows."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        # COPY is several times faster than even pipelined INSERTs, and runs
        # inside the same transaction (same DBAPI connection).
        raw = conn.connection.driver_connection
        with raw.cursor() as cur, cur.copy(  # type: ignore[union-attr]
            f"COPY changes ({', '.join(COLUMNS)}) FROM STDIN"
        ) as copy:
            for r in rows:
                copy.write_row(r)
        return
    if conn.dialect.name == "sqlite":
        # Many rows per statement: the sqlite3 module lets go of the GIL around each
        # step and takes it back after, so one row per step made the writer queue for
        # the GIL 5,000 times a group behind the event loop (and was slower alone too).
        raw = conn.connection.driver_connection
        full = len(rows) - len(rows) % _ROWS_PER_INSERT
        if full:
            raw.executemany(_insert_sql(_ROWS_PER_INSERT), [  # type: ignore[union-attr]
                tuple(chain.from_iterable(rows[i:i + _ROWS_PER_INSERT]))
                for i in range(0, full, _ROWS_PER_INSERT)])
        if full < len(rows):
            raw.execute(_insert_sql(len(rows) - full),  # type: ignore[union-attr]
                        tuple(chain.from_iterable(rows[full:])))
        return
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO changes ({', '.join(COLUMNS)}) VALUES ({', '.join([mark] * len(COLUMNS))})"
    conn.exec_driver_sql(sql, rows)


_ROWS_PER_INSERT = 200  # 1,400 parameters (SQLite allows 32,766)


@cache
def _insert_sql(n: int) -> str:
    """SQLite: an INSERT of n rows."""
    one = f"({', '.join('?' * len(COLUMNS))})"
    return f"INSERT INTO changes ({', '.join(COLUMNS)}) VALUES {', '.join([one] * n)}"


def audit_rows(
    chain: audit.Chain,
    rows: list[Row],
    action: str,
    *,
    actor: str | None,
    device_id: str | None,
    subject: str | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    """One audit row that pins `rows` (contiguous seqs): range, count, ids and a
    digest of their documents, on the chain of the transaction that inserts them.
    Detentions and use-of-force records are also pinned one by one (`records`: seq,
    kind, owning agency and the digest of the document), so an oversight export of one
    agency's records proves them complete and unchanged without the other documents of
    the same pushes (sync.server.oversight)."""
    detail: dict[str, Any] = dict(extra or {})
    if rows:
        detail.update(
            seq_from=rows[0][0], seq_to=rows[-1][0], count=len(rows),
            digest=audit.docs_digest(r[6] for r in rows),
            change_ids=[r[1] for r in rows],
        )
        owned = [r for r in rows if r[2] in _OWNED and r[4] == "append"]
        if owned:
            detail["records"] = [[r[0], r[2], _agency(r[6]), chain_mod.doc_digest(r[6])]
                                 for r in owned]
    chain.append(action, actor=actor, device_id=device_id, subject=subject, detail=detail)


def insert_and_audit(
    conn: Connection,
    rows: list[Row],
    action: str,
    *,
    actor: str | None,
    device_id: str | None,
    subject: str | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    """Insert accepted rows (contiguous seqs) and one audit row that pins them."""
    insert_rows(conn, rows)
    chain = audit.Chain(conn)
    audit_rows(chain, rows, action, actor=actor, device_id=device_id, subject=subject, extra=extra)
    chain.flush()
