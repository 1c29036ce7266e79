"""Detentions and use-of-force reports reach laptops of an older version (protocol
revision 3, which has neither kind): held with their documents, never skipped, and
applied by the upgraded version (issue 13, with replication/held.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from fieldclient.replication import apply as apply_module
from fieldclient.replication.apply import get_cursor
from fieldclient.store import accountable, outbox
from fieldclient.store.models import Detention, HeldChange, Unit, UseOfForce
from sync.protocol import envelope
from sync.protocol.entity import ENTITIES

NEW_KINDS = ("detention", "use_of_force")


@pytest.fixture
def older_version() -> Iterator[Any]:
    """Calling it turns this process into a revision-3 client (it knows neither kind, has
    no applier for them); undone by calling the returned function, or afterwards."""
    saved: dict[str, Any] = {}

    def downgrade() -> Any:
        for name in NEW_KINDS:
            saved[name] = (ENTITIES.pop(name), envelope.CHANGE_TYPES.pop(name),
                           envelope.PULLED_TYPES.pop(name), apply_module.APPLIERS.pop(name))
        envelope.build()
        return upgrade

    def upgrade() -> None:
        for name, (entity, change, pulled, applier) in saved.items():
            ENTITIES[name], envelope.CHANGE_TYPES[name] = entity, change
            envelope.PULLED_TYPES[name], apply_module.APPLIERS[name] = pulled, applier
        saved.clear()
        envelope.build()

    yield downgrade
    upgrade()


def test_an_older_client_holds_the_new_kinds_and_applies_them_after_upgrading(
        server, make_client, older_version):  # type: ignore[no-untyped-def]
    """Proves a client without the detention and use-of-force kinds keeps both changes
    (entity, reason and document) while its cursor moves past them and later changes
    still apply; after the upgrade it applies them at its next start and holds nothing."""
    ana = make_client("ana", server.url, "ana")
    uid = ana.writer.create_unit({"callsign": "HALCON-7", "agency": "sedena",
                                  "kind": "infantry"})
    at = datetime.now(UTC) - timedelta(hours=1)
    did = ana.writer.append_record("detention", {
        "kind": "record", "agency": "sedena", "unit_id": uid, "person_name": "Luis Ortiz",
        "age": 27, "detained_at": at, "legal_ground": "flagrancy", "motive": "Robo a mano armada"})
    ana.writer.append_record("use_of_force", {
        "kind": "report", "agency": "sedena", "unit_id": uid, "occurred_at": at, "level": "reduction",
        "circumstances": "Resistencia al arresto", "necessity": "Asegurar al detenido",
        "detention_id": did})
    assert ana.sync().complete

    upgrade = older_version()
    beto = make_client("beto", server.url, "beto")  # a revision-3 laptop of the same agency
    assert beto.sync().complete
    ana.writer.update_unit(uid, {"status": "engaged"})
    assert ana.sync().complete
    assert beto.sync().complete
    with beto.store.session() as s:
        held = s.execute(select(HeldChange.entity, HeldChange.code, HeldChange.doc)
                         .order_by(HeldChange.seq)).all()
        assert s.scalars(select(Detention)).all() == []
        assert outbox.counts(s).held == 2
        unit_status = s.get(Unit, uid).status
    assert unit_status == "engaged"  # changes after the held ones still apply
    assert [(e, c) for e, c, _ in held] == [("detention", "unknown_entity"),
                                             ("use_of_force", "unknown_entity")]
    assert json.loads(held[0][2])["fields"]["person_name"] == "L. O."  # withheld: not the author
    assert get_cursor(beto.store) >= json.loads(held[1][2])["seq"]

    upgrade()
    beto.reopen()
    assert beto.sync().complete
    with beto.store.session() as s:
        assert s.scalars(select(HeldChange)).all() == []
        (row,) = accountable.summaries(s, "detention")
        assert (row.id, row.initials, row.values["age"], row.reports) == (did, "L. O.", 27, 1)
        assert s.scalars(select(UseOfForce.detention_id)).all() == [did]
