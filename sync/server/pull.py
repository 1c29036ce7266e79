"""Pull: one page of the change log after a cursor, filtered by visibility.

The page window is the next `limit` rows of the log whatever the caller may
see, so `next` always advances past invisible rows and a cursor never skips
a visible one. Visibility is judged by the *current* visibility of the unit
or incident a change belongs to (see docs/protocol.md, "Visibility"), with
`sync.protocol.rules`. The stored documents are sent as they are
(`codec.pull_body`): a page is a concatenation, never a decode.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from sync.protocol import codec
from sync.protocol.rules import Actor
from sync.server.records import visible_scopes


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


def _page_sql(dialect: str) -> str:
    mark = "%s" if dialect == "postgresql" else "?"
    return f"SELECT seq, scope, doc FROM changes WHERE seq > {mark} ORDER BY seq LIMIT {mark}"


def pull_page(engine: Engine, who: Actor, after: int, limit: int) -> Page:
    with engine.connect() as conn, conn.begin():  # one snapshot for rows and visibility
        # The driver's own cursor: SQLAlchemy's row processing cost more than
        # SQLite's read of 10,000 rows.
        raw = conn.connection.driver_connection
        rows = raw.execute(_page_sql(conn.dialect.name), (after, limit + 1)).fetchall()  # type: ignore[union-attr]
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
    return Page(codec.pull_body([",".join(docs).encode()] if docs else [], nxt, more),
                len(docs), nxt, more)
