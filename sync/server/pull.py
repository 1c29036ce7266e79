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
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec
from sqlalchemy import Engine

from sync.protocol import codec
from sync.protocol.envelope import Reveal, Withdrawal
from sync.protocol.rules import Actor
from sync.server.records import visible_scopes

WITHDRAW, REVEAL = "withdraw", "reveal"  # `op` of the log rows that are not changes
_withdrawal = msgspec.json.Decoder(Withdrawal).decode
_reveal = msgspec.json.Decoder(Reveal).decode


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


def _page_sql(dialect: str) -> str:
    mark = _mark(dialect)
    return (f"SELECT seq, scope, doc, op FROM changes WHERE seq > {mark} ORDER BY seq "
            f"LIMIT {mark}")


def _history_sql(dialect: str) -> str:
    mark = _mark(dialect)
    return (f"SELECT seq, scope, doc, op FROM changes WHERE scope = {mark} AND seq > {mark} "
            f"AND seq <= {mark} AND op IN ('create', 'upsert', 'append') ORDER BY seq LIMIT {mark}")


def _filter(conn: Any, who: Actor, rows: list[Any]) -> tuple[list[str], list[Any], list[Any]]:
    """The documents, withdrawals and reveals of `rows` this caller gets."""
    if who.role == "observer":
        return [r[2] for r in rows if r[3] not in (WITHDRAW, REVEAL)], [], []
    scopes = {r[1] for r in rows if r[1] is not None}
    ok = visible_scopes(conn, who, scopes) if scopes else set()
    docs: list[str] = []
    withdrawn: list[Any] = []
    revealed: list[Any] = []
    for _, scope, doc, op in rows:
        if op == WITHDRAW:
            if scope not in ok:
                withdrawn.append(_withdrawal(doc))
        elif op == REVEAL:
            if scope in ok:
                revealed.append(_reveal(doc))
        elif scope is None or scope in ok:
            docs.append(doc)
    return docs, withdrawn, revealed


def pull_page(engine: Engine, who: Actor, after: int, limit: int) -> Page:
    with engine.connect() as conn, conn.begin():  # one snapshot for rows and visibility
        # The driver's own cursor: SQLAlchemy's row processing cost more than
        # SQLite's read of 10,000 rows.
        raw = conn.connection.driver_connection
        rows = raw.execute(_page_sql(conn.dialect.name), (after, limit + 1)).fetchall()  # type: ignore[union-attr]
        more = len(rows) > limit
        if more:
            rows = rows[:limit]
        docs, withdrawn, revealed = _filter(conn, who, rows)
    nxt = rows[-1][0] if rows else after
    body = codec.pull_body([",".join(docs).encode()] if docs else [], nxt, more, withdrawn,
                           revealed)
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
    return Page(codec.pull_body([",".join(docs).encode()] if docs else [], nxt, more),
                len(docs), nxt, more)
