"""The outbox: local changes on their way to the server, and what became of them.

A row is one change in the wire shape of protocol v1 (`change_id, entity,
entity_id, op, fields, base, hlc`, columns named as the wire names them),
written by the local writer in the same transaction as the edit (`add`).

States: `waiting` (not sent yet) -> `sent` (pushed, no answer committed) ->
`applied` / `duplicate` (confirmed by the server, with its seq) or `rejected`
(with the server's reason, and its `code`/`params` so the UI can say it in the
user's language). A rejected row stays until a person dismisses it
(`dismissed`) or sends it again (`waiting`); its local effect is undone when the
rejection is recorded and done again when it is sent again (store/rejections.py).
A change rejected only because a wrong clock stamped it goes back to `waiting`
by itself once the clock is right (`restamp`).

**Pending** means every change the server has not confirmed: `waiting` and
`sent` (a sent change may never have arrived). It is the one number the status
bar, the Sync panel, `status --json` and the command line show (`counts`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, func, select, update
from sqlalchemy.orm import Session

from fieldclient.core import timefmt
from fieldclient.store import rejections
from fieldclient.store.db import store_of
from fieldclient.store.events import ChangeSet
from fieldclient.store.models import OUTBOX_STATES, Conflict, HeldChange, Outbox
from sync.protocol.ids import new_id
from sync.protocol.problems import Translate, render

PENDING = ("waiting", "sent")  # not confirmed by the server
HLC_AHEAD = "hlc_ahead"  # the rejection code of a change stamped by a clock running ahead
DONE = ("applied", "duplicate")  # confirmed
OUTBOX = cast(Table, Outbox.__table__)


@dataclass(frozen=True)
class Counts:
    pending: int  # local changes the server has not confirmed (waiting + sent)
    rejected: int  # refused by the server, shown until dismissed or sent again
    conflicts: int  # open conflicts
    held: int = 0  # pulled changes this version cannot apply yet
    unsent: int = 0  # of `pending`, those not sent even once


def counts(s: Session) -> Counts:
    """The counts every screen and command shows (see the module docstring)."""
    by = by_state(s)
    conflicts = s.scalar(select(func.count()).select_from(Conflict).where(Conflict.status == "open"))
    held = s.scalar(select(func.count()).select_from(HeldChange))
    return Counts(
        pending=by["waiting"] + by["sent"],
        rejected=by["rejected"],
        conflicts=int(conflicts or 0),
        held=int(held or 0),
        unsent=by["waiting"],
    )


def by_state(s: Session) -> dict[str, int]:
    """Number of outbox rows per state; every state of OUTBOX_STATES is present."""
    out = dict.fromkeys(OUTBOX_STATES, 0)
    for state, n in s.execute(select(OUTBOX.c.state, func.count()).group_by(OUTBOX.c.state)):
        out[state] = n
    return out


# -- written with each local edit -------------------------------------------------


def add(s: Session, entity: str, entity_id: str, op: str, fields: dict[str, Any],
        base: dict[str, str], hlc: str) -> None:
    """Queue one change (in the caller's transaction, the one that writes the edit)."""
    s.add(Outbox(change_id=str(new_id()), entity=entity, entity_id=entity_id, op=op,
                 fields=fields, base=base, hlc=hlc, created_at=timefmt.utcnow(),
                 state="waiting"))


# -- the push side ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Pending:
    """A change to push: its outbox seq, ids, and its wire document (JSON text)."""

    seq: int
    change_id: str
    entity_id: str
    doc: str


# The row as the wire document, assembled by SQLite from columns named as the wire names
# them: no per-row JSON decode and re-encode in Python (20,000 of them in a catch-up).
_PENDING_SQL = (
    "SELECT seq, change_id, entity_id, json_object("
    "'change_id', change_id, 'entity', entity, 'entity_id', entity_id, 'op', op, "
    "'fields', json(fields), 'base', json(coalesce(base, '{}')), 'hlc', hlc) "
    "FROM outbox WHERE state IN ('waiting', 'sent') AND seq <= ? ORDER BY seq LIMIT ?"
)


def pending_batch(s: Session, limit: int, max_seq: int | None = None) -> list[Pending]:
    """The oldest pending changes (at most `limit`, none after `max_seq`)."""
    cursor = s.connection().connection.cursor()
    try:
        rows = cursor.execute(_PENDING_SQL, (max_seq if max_seq is not None else 2**62, limit))
        return [Pending(*r) for r in rows.fetchall()]
    finally:
        cursor.close()


def max_pending_seq(s: Session) -> int | None:
    return s.scalar(select(func.max(OUTBOX.c.seq)).where(OUTBOX.c.state.in_(PENDING)))


def mark_sent(s: Session, seqs: list[int]) -> None:
    now = datetime.now(UTC)
    t = OUTBOX
    s.connection().execute(
        t.update()
        .where(t.c.seq >= min(seqs), t.c.seq <= max(seqs), t.c.state.in_(PENDING))
        .values(state="sent", attempts=t.c.attempts + 1, last_attempt_at=now)
    )


_RESULT_SQL = (
    "UPDATE outbox SET state = ?, server_seq = ?, reason = ?, code = ?, params = ? "
    "WHERE seq = ? AND state IN ('waiting', 'sent')"
)


@dataclass
class Verdicts:
    """What a push answer did: how many changes got each status, how many were rejected
    only for a clock running ahead (`hlc_ahead`), and the records a rejection changed back."""

    tally: dict[str, int]
    changed: ChangeSet


def record_results(s: Session, batch: Iterable[Pending], results: Iterable[Any]) -> Verdicts:
    """Store the server's verdict per change (`PushResult`s); changes it did not mention
    stay `sent`. Only rows still pending change: a person may have dismissed one meanwhile.
    A rejected change's local effect is undone in the same transaction
    (`rejections.undo`): the laptop goes back to what the server knows."""
    by_id = {r.change_id: r for r in results}
    rows: list[tuple[Any, ...]] = []
    refused: list[rejections.Change] = []
    tally = {"applied": 0, "duplicate": 0, "rejected": 0, "unanswered": 0, "hlc_ahead": 0}
    for p in batch:
        res = by_id.get(p.change_id)
        if res is None:
            tally["unanswered"] += 1
            continue
        tally[res.status] += 1
        if res.status == "rejected":
            rows.append(("rejected", res.seq, str(res.reason or "rejected")[:2000], res.code,
                         None if res.params is None else json.dumps(res.params), p.seq))
            refused.append(rejections.Change.from_doc(p.seq, p.doc))
            tally["hlc_ahead"] += res.code == HLC_AHEAD
        else:
            rows.append((res.status, res.seq, None, None, None, p.seq))
    if rows:
        # Straight to the driver: SQLAlchemy's per-row parameter handling costs more than
        # SQLite's update at 1,000 rows.
        s.connection().exec_driver_sql(_RESULT_SQL, rows)
    changed = rejections.undo(s, refused) if refused else ChangeSet("sync")
    return Verdicts(tally, changed)


# -- what a person does with a rejected change ------------------------------------


def rejection_message(code: str | None, params: dict[str, Any] | None, reason: str | None,
                      translate: Translate | None = None) -> str:
    """Why the server refused a change, in the language `translate` ((context, text) ->
    text, e.g. QCoreApplication.translate) gives: from the rejection's code and params
    when the server sent them, else its English reason as it is."""
    if code:
        return render(code, params or {}, tr=translate)
    return reason or ""



def dismiss(s: Session, seq: int) -> bool:
    """A person saw a rejected change and lets it go (kept, marked dismissed)."""
    res = s.execute(
        update(Outbox).where(Outbox.seq == seq, Outbox.state == "rejected").values(state="dismissed")
    )
    return bool(getattr(res, "rowcount", 0))


def requeue(s: Session, seq: int) -> ChangeSet | None:
    """Send a rejected change again (e.g. after an administrator granted the right): it is
    applied locally once more and queued under a new change id and HLC
    (`rejections.redo`). Returns the records it changed (None: no such rejected change)."""
    row = s.scalars(select(Outbox).where(Outbox.seq == seq, Outbox.state == "rejected")).first()
    if row is None:
        return None
    return rejections.redo(s, row, store_of(s).tick(s))


def restamp(s: Session, server_ms: int, limit_ms: int) -> ChangeSet:
    """Give changes a wrong clock stamped a new HLC, in their order, and queue them: those
    the server rejected only for their HLC (`hlc_ahead`), and those not sent yet whose HLC
    is more than `limit_ms` ahead of the server's time `server_ms` (they would be).
    Their observed or written times stay as the person gave them."""
    cs = ChangeSet("local")
    ahead = f"{server_ms + limit_ms:013d}"
    rows = s.scalars(select(Outbox).where(
        ((Outbox.state == "rejected") & (Outbox.code == HLC_AHEAD))
        | ((Outbox.state == "waiting") & (Outbox.attempts == 0) & (Outbox.hlc > ahead)))
        .order_by(Outbox.seq)).all()
    store = store_of(s)
    for row in rows:
        done = rejections.redo(s, row, store.tick(s))
        for entity, ids in done.ids.items():
            for i in ids:
                cs.add(entity, i)
    return cs


# -- housekeeping ----------------------------------------------------------------------


def prune(s: Session, keep_last: int = 1000, older_than: timedelta = timedelta(days=7)) -> int:
    """Forget confirmed changes: applied/duplicate rows older than `older_than`, except the
    newest `keep_last`. Waiting, sent and rejected rows are never pruned."""
    t = OUTBOX
    newest = s.connection().execute(
        select(t.c.seq).where(t.c.state.in_(DONE)).order_by(t.c.seq.desc())
        .offset(keep_last).limit(1)
    ).scalar()
    if newest is None:
        return 0
    cutoff = datetime.now(UTC) - older_than
    res = s.connection().execute(
        t.delete().where(t.c.state.in_(DONE), t.c.seq <= newest, t.c.created_at < cutoff)
    )
    return int(getattr(res, "rowcount", 0) or 0)
