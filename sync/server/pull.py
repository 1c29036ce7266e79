"""Pull: one page of the change log after a cursor, filtered by visibility.

The page window is the next `limit` rows of the log whatever the caller may
see, so `next` always advances past invisible rows and a cursor never skips
a visible one. Visibility is judged by the *current* visibility of the unit
or incident a change belongs to (see docs/protocol.md, "Visibility"), with
`sync.protocol.rules`. The stored documents are sent as they are
(`codec.pull_body`): a page is a concatenation, never a decode.

Rows of the log that are not changes (op `withdraw`, `reveal`, written when who
may see a record changed, sync.server.applier) become the page's `withdrawn`
list - for callers who cannot see the record now - and `revealed` list - for
callers who can. Observers see everything and get neither. `history_page`
serves one record's history to a caller that lacks it after a reveal.

Personal data (the detained person's name and other `personal` fields of a
detention) is never in a pull; `open_record` hands a record out whole and writes the
opening to the audit trail (unless the opener wrote it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec
from sqlalchemy import Engine

from sync.protocol import ENTITIES, codec
from sync.protocol.accountability import redact
from sync.protocol.envelope import Reveal, Withdrawal
from sync.protocol.rules import Actor, can_see
from sync.server import audit, db
from sync.server.auth import Principal
from sync.server.records import load_records, visible_scopes

WITHDRAW, REVEAL = "withdraw", "reveal"  # `op` of the log rows that are not changes
SKIP_ROWS = 50_000  # rows a pull looks at, by scope alone, to fill its page
PROBE_ROWS = 64  # a pull reads this many rows whole before choosing rows by scope
OPENED = "record.open"  # audit action: a full accountability record was handed out
_withdrawal = msgspec.json.Decoder(Withdrawal).decode
_reveal = msgspec.json.Decoder(Reveal).decode
_generic = msgspec.json.Decoder(dict[str, Any]).decode
# Kinds of record holding personal data (fields marked `personal`).
PERSONAL = frozenset(n for n, e in ENTITIES.items() if any(f.personal for f in e.fields.values()))


@dataclass
class Page:
    body: bytes
    count: int
    next: int
    more: bool
    gzipped: bytes | None = None  # the body compressed, once, for every pull it serves


def audience(who: Actor) -> tuple[str, ...]:
    """Who sees the same page: `sync.protocol.rules.can_see` depends on nothing else."""
    if who.role in ("observer", "admin"):
        return (who.role,)
    return ("agency", who.agency or "")


def _mark(dialect: str) -> str:
    return "%s" if dialect == "postgresql" else "?"


def _doc(dialect: str) -> str:
    """The document column read as bytes: a page is their concatenation, so text would
    be decoded from UTF-8 row by row only to be encoded again."""
    return "convert_to(doc, 'UTF8')" if dialect == "postgresql" else "CAST(doc AS BLOB)"


def _page_sql(dialect: str) -> str:
    mark = _mark(dialect)
    return (f"SELECT seq, scope, {_doc(dialect)}, op, entity FROM changes WHERE seq > {mark} "
            f"ORDER BY seq LIMIT {mark}")


def _scan_sql(dialect: str) -> str:
    mark = _mark(dialect)
    return f"SELECT seq, scope, op FROM changes WHERE seq > {mark} ORDER BY seq LIMIT {mark}"


def _history_sql(dialect: str) -> str:
    mark = _mark(dialect)
    return (f"SELECT seq, scope, {_doc(dialect)}, op, entity FROM changes WHERE scope = {mark} "
            f"AND seq > {mark} AND seq <= {mark} AND op IN ('create', 'upsert', 'append') "
            f"ORDER BY seq "
            f"LIMIT {mark}")


def _filter(conn: Any, who: Actor, rows: list[Any],
            ok: set[str] | None = None) -> tuple[list[bytes], list[Any], list[Any]]:
    """The documents, withdrawals and reveals of `rows` this caller gets (personal data
    withheld, see `_withhold`); `ok`: the scopes it may see, if already judged."""
    observer = who.role == "observer"  # sees everything; never withdrawn from
    if ok is None:
        scopes = {r[1] for r in rows if r[1] is not None} if not observer else set()
        ok = visible_scopes(conn, who, scopes) if scopes else set()
    docs: list[bytes] = []
    withdrawn: list[Any] = []
    revealed: list[Any] = []
    personal: list[tuple[int, str]] = []
    for _, scope, doc, op, entity in rows:
        if op == WITHDRAW:
            if not observer and scope not in ok:
                withdrawn.append(_withdrawal(doc))
        elif op == REVEAL:
            if not observer and scope in ok:
                revealed.append(_reveal(doc))
        elif observer or scope is None or scope in ok:
            if entity in PERSONAL:
                personal.append((len(docs), entity))
            docs.append(doc)
    if personal:
        _withhold(docs, personal)
    return docs, withdrawn, revealed


def _withhold(docs: list[bytes], personal: list[tuple[int, str]]) -> None:
    """Detentions reach only their agency and oversight, and even there a pull never
    carries the detained person's identity: initials instead of the name, the other
    personal fields withheld. The laptop where the record was written keeps it; anyone
    else opens the record through the server, which logs the opening (`open_record`,
    docs/protocol.md). The same for every caller, so a page can be shared by everyone of
    one audience (sync.server.pages)."""
    for i, entity in personal:
        doc = _generic(docs[i])
        doc["fields"] = redact(ENTITIES[entity], doc["fields"])
        docs[i] = codec.encode(doc)


def open_record(engine: Engine, who: Principal, record_id: str) -> bytes | None:
    """A detention or use-of-force report whole (the original and every later record), for
    someone who may see it; None if they may not (answered like a record that does not
    exist). An opening by anyone but the original's author is written to the audit trail
    first, so no full record leaves the server unlogged."""
    with engine.connect() as conn:
        rec = load_records(conn, [record_id]).get(record_id)
        entity = ENTITIES.get(rec.entity) if rec is not None else None
        if rec is None or entity is None or entity.original is None \
                or not can_see(who, rec.agency, rec.visibility):
            return None
        raw = conn.connection.driver_connection
        docs = [r[2] for r in raw.execute(  # type: ignore[union-attr]
            _history_sql(conn.dialect.name), (record_id, 0, 2**62, 10_000)).fetchall()]
    if rec.values.get("author") != who.username:
        with db.write_tx(engine) as conn:
            audit.append(conn, OPENED, actor=who.username, device_id=who.device_id,
                         subject=f"{rec.entity}:{record_id}",
                         detail={"entity": rec.entity, "id": record_id, "agency": rec.agency,
                                 "unit_id": rec.values.get("unit_id"), "role": who.role,
                                 "actor_agency": who.agency, "documents": len(docs)})
    return codec.pull_body(docs, 0, False)


def _window(conn: Any, after: int, limit: int) -> tuple[list[Any], int, bool]:
    """The next `limit` rows of the log with their documents; `next`, `more`."""
    # The driver's own cursor: SQLAlchemy's row processing cost more than
    # SQLite's read of 10,000 rows.
    raw = conn.connection.driver_connection
    rows = raw.execute(_page_sql(conn.dialect.name), (after, limit + 1)).fetchall()
    more = len(rows) > limit
    if more:
        rows = rows[:limit]
    return rows, rows[-1][0] if rows else after, more


def _select(conn: Any, who: Actor, after: int, limit: int) -> tuple[list[int], set[str], int, bool]:
    """The seqs of the next `limit` rows this caller gets, judged by scope alone (no
    document read), looking at most SKIP_ROWS rows on; with the scopes it may see, the
    page's `next` and whether the log goes on. Another agency's backlog thus costs a
    caller neither its documents nor a request per window."""
    raw = conn.connection.driver_connection
    sql = _scan_sql(conn.dialect.name)
    wanted: list[int] = []
    ok: set[str] = set()
    judged: set[str] = set()
    cursor, size, looked = after, limit + 1, 0
    while True:
        rows = raw.execute(sql, (cursor, size)).fetchall()
        if not rows:
            return wanted, ok, cursor, False
        new = {r[1] for r in rows if r[1] is not None} - judged
        if new:
            ok |= visible_scopes(conn, who, new)
            judged |= new
        for seq, scope, op in rows:
            if scope is None or (scope not in ok if op == WITHDRAW else scope in ok):
                wanted.append(seq)
                if len(wanted) == limit:
                    return wanted, ok, seq, seq != rows[-1][0] or len(rows) == size
        looked += len(rows)
        cursor = rows[-1][0]
        if len(rows) < size or looked >= SKIP_ROWS:
            return wanted, ok, cursor, len(rows) == size
        size = min(size * 4, SKIP_ROWS - looked)


def _documents(conn: Any, seqs: list[int]) -> list[Any]:
    """The rows (as a window reads them) of these seqs, in order."""
    if not seqs:
        return []
    raw = conn.connection.driver_connection
    mark, dialect = _mark(conn.dialect.name), conn.dialect.name
    cols = f"SELECT seq, scope, {_doc(dialect)}, op, entity FROM changes WHERE"
    if seqs[-1] - seqs[0] < 2 * len(seqs):  # dense: one range, the few others dropped
        rows = raw.execute(f"{cols} seq >= {mark} AND seq <= {mark} ORDER BY seq",
                           (seqs[0], seqs[-1])).fetchall()
        if len(rows) != len(seqs):
            keep = set(seqs)
            rows = [r for r in rows if r[0] in keep]
        return list(rows)
    if dialect == "postgresql":
        return list(raw.execute(f"{cols} seq = ANY({mark}) ORDER BY seq", (seqs,)).fetchall())
    return list(raw.execute(f"{cols} seq IN (SELECT value FROM json_each({mark})) ORDER BY seq",
                            (msgspec.json.encode(seqs).decode(),)).fetchall())


def pull_page(engine: Engine, who: Actor, after: int, limit: int) -> Page:
    with engine.connect() as conn, conn.begin():  # one snapshot for rows and visibility
        # Observers see every row, and a long-poll at the head finds a few new ones:
        # one read each. Otherwise rows are chosen by scope first (see _select).
        observer = who.role == "observer"
        rows, nxt, more = _window(conn, after, limit if observer else min(limit, PROBE_ROWS))
        if observer or not more:
            docs, withdrawn, revealed = _filter(conn, who, rows)
        else:
            seqs, ok, nxt, more = _select(conn, who, after, limit)
            docs, withdrawn, revealed = _filter(conn, who, _documents(conn, seqs), ok)
    body = codec.pull_body(docs, nxt, more, withdrawn, revealed)
    return Page(body, len(docs) + len(withdrawn) + len(revealed), nxt, more)


def history_page(engine: Engine, who: Actor, scope: str, after: int, before: int,
                 limit: int) -> Page:
    """The changes of one record (and of what inherits its visibility) in the log window
    (after, before], if the caller may see the record now; else an empty page (an
    invisible record answers like one that does not exist)."""
    with engine.connect() as conn, conn.begin():
        raw = conn.connection.driver_connection
        rows = raw.execute(_history_sql(conn.dialect.name),  # type: ignore[union-attr]
                           (scope, after, before, limit + 1)).fetchall()
        more = len(rows) > limit
        if more:
            rows = rows[:limit]
        docs, _, _ = _filter(conn, who, rows)
    nxt = rows[-1][0] if more else max(before, after)
    return Page(codec.pull_body(docs, nxt, more), len(docs), nxt, more)
