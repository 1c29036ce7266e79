"""When who may see a record changes: withdrawals and reveals from the server.

A pull page may say, besides its changes (protocol revision 3, docs/protocol.md):

- `withdrawn`: records this user may no longer see (a unit or incident turned from
  shared to agency-only, or a later rule narrowed who may see it). `withdraw`
  removes each, with everything that inherits its visibility (a unit's positions,
  an incident's entries, conflicts about it, its server copy), in the transaction
  that applies the page; the ChangeSet names them so the map and the lists drop them;
- `revealed`: records this user may see now that turned visible after this laptop
  had passed their history. `note_reveals` keeps them (table `reveal`); `fetch`
  then asks the server for the history of each record whose positions or entries
  this laptop lacks (`GET /v1/changes?scope=ID&before=SEQ`) and applies it with the
  ordinary merge rules, without moving the pull cursor. A laptop that already has
  the track (it never lost sight, or it pulled from scratch) fetches nothing.

Both are judged by what kinds of record inherit whose visibility (the entity
definitions' `scope`), so a new kind of record - a detention of an operation -
needs nothing here.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import Table, delete, func, select
from sqlalchemy.orm import Session

from fieldclient.store.db import Store
from fieldclient.store.events import ChangeSet
from fieldclient.store.models import SYNCED_MODELS, Reveal, ServerRecord
from sync.protocol import MAX_PULL_LIMIT
from sync.protocol.entity import ENTITIES, Entity
from sync.protocol.envelope import Reveal as RevealNote
from sync.protocol.envelope import Withdrawal
from sync.protocol.fields import Ref

log = logging.getLogger(__name__)
HISTORY_PAGE = 1000


def _children(entity: str) -> list[Entity]:
    """Kinds of record whose visibility is that of a record of kind `entity` (a position
    that of its unit); a scope naming any kind (conflicts) counts for every kind."""
    out = []
    for e in ENTITIES.values():
        if e.scope is None or e.name not in SYNCED_MODELS:
            continue
        kind = e.fields[e.scope].kind
        if isinstance(kind, Ref) and kind.target in (None, entity):
            out.append(e)
    return out


def _table(entity: str) -> Table:
    return cast(Table, SYNCED_MODELS[entity].__table__)


def withdraw(s: Session, withdrawals: Iterable[Withdrawal], changes: ChangeSet) -> int:
    """Remove records this user may no longer see, and all that inherits their visibility;
    returns how many records were withdrawn."""
    n = 0
    for w in withdrawals:
        if w.entity not in SYNCED_MODELS:
            continue
        for child in _children(w.entity):
            table = _table(child.name)
            column = table.c[str(child.scope)]
            ids = [r[0] for r in s.execute(select(table.c.id).where(column == w.id))]
            if ids:
                s.execute(delete(table).where(column == w.id))
                s.execute(delete(ServerRecord).where(ServerRecord.entity == child.name,
                                                     ServerRecord.id.in_(ids)))
                for i in ids:
                    changes.add(child.name, i)
        table = _table(w.entity)
        s.execute(delete(table).where(table.c.id == w.id))
        s.execute(delete(ServerRecord).where(ServerRecord.entity == w.entity,
                                             ServerRecord.id == w.id))
        s.execute(delete(Reveal).where(Reveal.entity == w.entity, Reveal.id == w.id))
        changes.add(w.entity, w.id)
        n += 1
    if n:
        log.info("withdrew %d record(s) this user may no longer see", n)
    return n


def note_reveals(s: Session, reveals: Iterable[RevealNote]) -> None:
    """Remember records whose history may be missing here (fetched by `fetch`)."""
    for r in reveals:
        if r.entity not in SYNCED_MODELS:
            continue
        row = s.get(Reveal, (r.entity, r.id))
        if row is None:
            s.add(Reveal(entity=r.entity, id=r.id, seq=r.seq, count=r.count, after=0))
        elif r.seq > row.seq:
            row.seq, row.count = r.seq, r.count


def _have(s: Session, entity: str, record_id: str) -> int:
    """How many append-only records inheriting this record's visibility are here."""
    n = 0
    for child in _children(entity):
        if child.record != "append":
            continue
        table = _table(child.name)
        n += s.scalar(select(func.count()).select_from(table)
                      .where(table.c[str(child.scope)] == record_id)) or 0
    return n


def fetch(store: Store, http: Any, apply: Any) -> int:
    """Fetch the history of revealed records this laptop lacks; returns changes applied.
    `apply(page)` applies a decoded page without touching the cursor."""
    with store.session() as s:
        todo = [(r.entity, r.id, r.seq, r.count, r.after) for r in s.scalars(select(Reveal))]
    total = 0
    for entity, rid, seq, count, after in todo:
        with store.session() as s:
            missing = _have(s, entity, rid) < count
        while missing:
            page = http.pull_scope(rid, after, seq, min(HISTORY_PAGE, MAX_PULL_LIMIT))
            total += apply(page)
            after = page.next
            with store.transaction() as s:
                row = s.get(Reveal, (entity, rid))
                if row is not None:
                    row.after = after
            if not page.more:
                break
        with store.transaction() as s:
            s.execute(delete(Reveal).where(Reveal.entity == entity, Reveal.id == rid,
                                           Reveal.seq == seq))
    if total:
        log.info("fetched %d change(s) of records that turned visible", total)
    return total
