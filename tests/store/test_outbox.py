"""The outbox: one meaning of "pending", the server's verdicts kept with their codes."""

from __future__ import annotations

from sqlalchemy import select

from fieldclient.store import outbox
from fieldclient.store.db import Store
from fieldclient.store.models import Outbox
from fieldclient.store.writer import LocalWriter
from sync.protocol.envelope import PushResult
from sync.protocol.problems import render

UNIT = {"callsign": "LOBO 1", "agency": "sedena", "kind": "infantry"}


def _queue(store: Store, n: int) -> list[outbox.Pending]:
    w = LocalWriter(store)
    uid = w.create_unit(UNIT)
    for i in range(n - 1):
        w.log_position(uid, 19 + i / 100, -99.1)
    with store.session() as s:
        return outbox.pending_batch(s, 100)


def test_pending_is_waiting_plus_sent_until_the_server_confirms(agencies: Store) -> None:
    """Proves 'pending' counts every change the server has not confirmed: sent but
    unanswered changes stay pending (the status bar once said 0 while they were in flight)."""
    batch = _queue(agencies, 4)
    with agencies.transaction() as s:
        outbox.mark_sent(s, [p.seq for p in batch[:3]])
    with agencies.session() as s:
        c = outbox.counts(s)
    assert (c.pending, c.unsent, c.rejected) == (4, 1, 0)
    with agencies.transaction() as s:
        outbox.record_results(s, batch[:2], [
            PushResult(change_id=batch[0].change_id, status="applied", seq=10),
            PushResult(change_id=batch[1].change_id, status="duplicate", seq=11),
        ])
    with agencies.session() as s:
        assert outbox.counts(s).pending == 2
        assert outbox.by_state(s)["sent"] == 1


def test_rejection_keeps_code_and_params_until_requeued(agencies: Store) -> None:
    """Proves a rejected change keeps the server's reason, code and parameters (so the UI
    can say why in the user's language), and sending it again clears them."""
    batch = _queue(agencies, 1)
    params = {"agency": "sedena", "entity": "unit"}
    with agencies.transaction() as s:
        outbox.mark_sent(s, [batch[0].seq])
        verdicts = outbox.record_results(s, batch, [PushResult(
            change_id=batch[0].change_id, status="rejected", reason="only a commander",
            code="not_owner", params=params)])
    assert verdicts.tally["rejected"] == 1
    with agencies.session() as s:
        row = s.get(Outbox, batch[0].seq)
        assert (row.state, row.reason, row.code, row.params) == (
            "rejected", "only a commander", "not_owner", params)
        assert render(row.code, row.params) == "Only a commander of sedena may edit this Unit."
        spanish = {("problems", "Only a commander of {agency} may edit this {entity}."):
                   "Solo un mando de {agency} puede editar esta {entity}.",
                   ("entities", "Unit"): "unidad"}
        assert outbox.rejection_message(
            row.code, row.params, row.reason, lambda c, t: spanish.get((c, t), t)
        ) == "Solo un mando de sedena puede editar esta unidad."
        assert outbox.rejection_message(None, None, "only a commander") == "only a commander"
        assert outbox.counts(s).rejected == 1
    with agencies.transaction() as s:
        assert outbox.requeue(s, batch[0].seq) is not None
    with agencies.session() as s:
        row = s.get(Outbox, batch[0].seq)
        assert (row.state, row.reason, row.code, row.params) == ("waiting", None, None, None)
        assert row.change_id != batch[0].change_id  # the refused id is never sent again


def test_a_dismissed_change_is_not_overwritten_by_a_late_answer(agencies: Store) -> None:
    """Proves an answer arriving after a person dismissed the change leaves it dismissed."""
    batch = _queue(agencies, 1)
    with agencies.transaction() as s:
        s.execute(Outbox.__table__.update().values(state="dismissed"))
        outbox.record_results(s, batch, [PushResult(change_id=batch[0].change_id,
                                                     status="applied", seq=3)])
    with agencies.session() as s:
        assert s.scalars(select(Outbox.state)).all() == ["dismissed"]
