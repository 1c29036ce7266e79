"""The outbox as the replication side sees it: batches to push, results, states.

Local writes add rows in state `waiting` (store/writer.py). A row goes to
`sent` just before its push and to `applied`/`duplicate`/`rejected` when the
server's answer is committed; a row left `sent` by a crash or a lost answer is
pushed again (the server answers `duplicate` for a replay, so nothing doubles).
A rejected row stays until a person dismisses it or queues it again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.orm import Session

from fieldclient.store.models import Conflict, Outbox

PENDING = ("waiting", "sent")
OUTBOX = cast(Table, Outbox.__table__)
DONE = ("applied", "duplicate")


@dataclass(frozen=True)
class Counts:
    waiting: int
    rejected: int
    conflicts: int


@dataclass(frozen=True)
class Pending:
    """A change to push (plain row; no ORM identity, so large batches stay cheap)."""

    seq: int
    change_id: str
    entity: str
    entity_id: str
    op: str
    fields: dict[str, Any]
    base: dict[str, Any]
    hlc: str

    def to_wire(self) -> dict[str, Any]:
        return {
            "change_id": self.change_id, "entity": self.entity, "entity_id": self.entity_id,
            "op": self.op, "fields": self.fields, "base": self.base or {}, "hlc": self.hlc,
        }


def pending_batch(s: Session, limit: int, max_seq: int | None = None) -> list[Pending]:
    t = OUTBOX
    q = (
        select(t.c.seq, t.c.change_id, t.c.entity, t.c.entity_id, t.c.op, t.c.fields,
               t.c.base, t.c.hlc)
        .where(t.c.state.in_(PENDING))
        .order_by(t.c.seq)
        .limit(limit)
    )
    if max_seq is not None:
        q = q.where(t.c.seq <= max_seq)
    return [Pending(*row) for row in s.connection().execute(q)]


def max_pending_seq(s: Session) -> int | None:
    return s.scalar(select(func.max(Outbox.seq)).where(Outbox.state.in_(PENDING)))


def mark_sent(s: Session, seqs: list[int]) -> None:
    now = datetime.now(UTC)
    t = OUTBOX
    # Core, not ORM: no session synchronisation over thousands of rows
    s.connection().execute(
        t.update()
        .where(t.c.seq >= min(seqs), t.c.seq <= max(seqs), t.c.state.in_(PENDING))
        .values(state="sent", attempts=t.c.attempts + 1, last_attempt_at=now)
    )


def record_results(
    s: Session, batch: Iterable[Outbox | Pending], results: Iterable[Mapping[str, Any]]
) -> dict[str, int]:
    """Store the server's verdict per change; changes it did not mention stay `sent`."""
    by_id = {str(r.get("change_id")): r for r in results}
    rows: list[dict[str, Any]] = []
    tally = {"applied": 0, "duplicate": 0, "rejected": 0, "unanswered": 0}
    for row in batch:
        res = by_id.get(row.change_id)
        status = res.get("status") if res else None
        if status not in ("applied", "duplicate", "rejected"):
            tally["unanswered"] += 1
            continue
        tally[status] += 1
        reason = None
        if status == "rejected":
            reason = str(res.get("reason") or "rejected")[:2000]  # type: ignore[union-attr]
        rows.append(
            {"seq": row.seq, "state": status, "server_seq": res.get("seq"), "reason": reason}  # type: ignore[union-attr]
        )
    if rows:
        # Only rows still pending: a person may have dismissed one meanwhile.
        t = OUTBOX
        stmt = (
            t.update()
            .where(t.c.seq == bindparam("b_seq"), (t.c.state == "waiting") | (t.c.state == "sent"))
            .values(
                state=bindparam("b_state"),
                server_seq=bindparam("b_sseq"),
                reason=bindparam("b_reason"),
            )
        )
        s.connection().execute(
            stmt,
            [
                {"b_seq": r["seq"], "b_state": r["state"], "b_sseq": r["server_seq"],
                 "b_reason": r["reason"]}
                for r in rows
            ],
        )
    return tally


def counts(s: Session) -> Counts:
    rows: dict[str, int] = dict(
        s.execute(  # type: ignore[arg-type]
            select(Outbox.state, func.count())
            .where(Outbox.state.in_((*PENDING, "rejected")))
            .group_by(Outbox.state)
        ).all()
    )
    conflicts = s.scalar(select(func.count()).select_from(Conflict).where(Conflict.status == "open"))
    return Counts(
        waiting=int(rows.get("waiting", 0)) + int(rows.get("sent", 0)),
        rejected=int(rows.get("rejected", 0)),
        conflicts=int(conflicts or 0),
    )


def dismiss(s: Session, seq: int) -> bool:
    """A person saw a rejected change and lets it go (kept, marked dismissed)."""
    res = s.execute(
        update(Outbox).where(Outbox.seq == seq, Outbox.state == "rejected").values(state="dismissed")
    )
    return bool(getattr(res, "rowcount", 0))


def requeue(s: Session, seq: int) -> bool:
    """Send a rejected change again (e.g. after an administrator granted the right)."""
    res = s.execute(
        update(Outbox)
        .where(Outbox.seq == seq, Outbox.state == "rejected")
        .values(state="waiting", reason=None)
    )
    return bool(getattr(res, "rowcount", 0))


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
