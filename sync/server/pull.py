"""Pull: one page of the change log after a cursor, filtered by visibility.

The page window is the next `limit` rows of the log whatever the caller may
see, so `next` always advances past invisible rows and a cursor never skips
a visible one. Visibility is judged by the *current* visibility of the unit
or incident a change belongs to (see docs/protocol.md, "Visibility").
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, select

from sync.server import db
from sync.server.auth import Principal
from sync.server.state import visible_scopes


@dataclass
class Page:
    body: bytes
    count: int
    next: int
    more: bool


def pull_page(engine: Engine, who: Principal, after: int, limit: int) -> Page:
    c = db.changes.c
    q = select(c.seq, c.scope, c.doc).where(c.seq > after).order_by(c.seq).limit(limit + 1)
    with engine.connect() as conn:
        rows = conn.execute(q).all()
        more = len(rows) > limit
        if more:
            rows = rows[:limit]
        if who.role == "observer":
            docs = [r[2] for r in rows]
        else:
            scopes = {r[1] for r in rows if r[1] is not None}
            ok = visible_scopes(conn, who, scopes) if scopes else set()
            docs = [doc for _, scope, doc in rows if scope is None or scope in ok]
    nxt = rows[-1][0] if rows else after
    tail = '],"next":' + str(nxt) + ',"more":' + ("true" if more else "false") + "}"
    body = ('{"changes":[' + ",".join(docs) + tail).encode()
    return Page(body, len(docs), nxt, more)
