"""Pulled changes kept back because this version could not apply them (a kind of
record or a value from a newer server), and their application after an upgrade.

`retry` decodes every held document again with the running version's protocol
and applies, in the server's seq order, those it now understands (the same
merge rules as any pull: applying late is safe, because mergeable fields go by
HLC and append-only records are insert-if-absent). What it still cannot apply
stays held with its reason. The sync engine runs it before every round, so a
client that was upgraded applies what it held at its first start.
"""

from __future__ import annotations

import logging

from sqlalchemy import delete, select

from fieldclient.replication.apply import ApplyResult, apply_changes
from fieldclient.store.db import Store
from fieldclient.store.models import HeldChange
from sync.protocol import codec

log = logging.getLogger(__name__)


def retry(store: Store) -> ApplyResult:
    """Apply the held changes this version understands now; returns what was applied."""
    result = ApplyResult()
    with store.session() as s:
        if s.scalar(select(HeldChange.id).limit(1)) is None:
            return result  # the usual case: one cheap look
    with store.transaction() as s:
        rows = s.execute(select(HeldChange.id, HeldChange.seq, HeldChange.doc)
                         .order_by(HeldChange.seq, HeldChange.id)).all()
        page = codec.decode_pull(codec.pull_body([bytes(r.doc) for r in rows], 0, False))
        if not page.changes:
            return result
        still = apply_changes(s, page.changes, result)
        kept = {h.seq for h in page.held} | {h.seq for h in still}
        done = [r.id for r in rows if r.seq not in kept]
        s.execute(delete(HeldChange).where(HeldChange.id.in_(done)))
        result.received = len(done)
        max_hlc = max(ch.hlc for ch in page.changes)
        store.observe(s, max_hlc)
    log.info("applied %d held change(s) this version now understands", result.received)
    result.changes.add("held", "*")
    store.bus.publish(result.changes)
    return result
