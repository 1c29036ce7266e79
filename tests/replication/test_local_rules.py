"""The laptop refuses up front what the server would refuse for the signed-in user
(issue 9 item 1): the same rules (sync.protocol.rules), with the account stored at
sign-in as the actor and the local copy of the record as its holder."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from fieldclient.core.errors import NotPermitted
from fieldclient.store.models import Outbox, Unit
from tests.replication.support import PY, ROOT


def _outbox_rows(client) -> int:  # type: ignore[no-untyped-def]
    with client.store.session() as s:
        return s.execute(select(func.count()).select_from(Outbox)).scalar_one()


def test_liaison_unit_set_on_another_agencys_unit_is_refused_and_nothing_queued(
        server, make_client):
    """Proves `unit set` by a liaison on another agency's unit exits 2 with a clear message,
    changes nothing and queues nothing (it used to be accepted and then rejected by the server)."""
    a = make_client("a", server.url, "ana")
    uid = a.writer.create_unit({"callsign": "CHARLIE-3", "agency": "sedena", "kind": "infantry"})
    assert a.sync().complete
    g = make_client("g", server.url, "gus")  # liaison of gn
    assert g.sync().complete
    before = _outbox_rows(g)
    g.store.close()
    r = subprocess.run(
        [PY, "main.py", "--data-dir", str(g.folder), "--lang", "en", "unit", "set", "CHARLIE-3",
         "--status", "engaged"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    g.reopen()
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert "Your role (liaison) may not edit a Unit." in r.stderr
    with g.store.session() as s:
        assert s.get(Unit, uid).status == "available"
    assert _outbox_rows(g) == before


def test_signed_in_rules_for_create_and_append(server, make_client):
    """Proves the local writer applies the role and agency rules of the signed-in account:
    a liaison may log a position and report an incident of its own agency, but not create a
    unit nor report for another agency; nothing refused reaches the outbox."""
    a = make_client("a", server.url, "ana")
    uid = a.writer.create_unit({"callsign": "DELTA-4", "agency": "sedena", "kind": "police"})
    assert a.sync().complete
    g = make_client("g", server.url, "gus")
    assert g.sync().complete
    before = _outbox_rows(g)
    with pytest.raises(NotPermitted) as err:
        g.writer.create_unit({"callsign": "GN-1", "agency": "gn", "kind": "police"})
    assert err.value.problem.code == "role_may_not_edit"  # a liaison writes no unit at all
    with pytest.raises(NotPermitted) as err:
        g.writer.create_incident({"title": "Ajeno", "kind": "blockade", "severity": 2,
                                  "occurred_at": datetime.now(UTC), "agency": "sedena"})
    assert (err.value.problem.code, err.value.field) == ("own_agency_only", "agency")
    with pytest.raises(NotPermitted):
        g.writer.update_unit(uid, {"callsign": "HIJACK"})
    assert _outbox_rows(g) == before
    g.writer.log_position(uid, 19.4, -99.1)
    g.writer.create_incident({"title": "Propio", "kind": "blockade", "severity": 2,
                              "occurred_at": datetime.now(UTC), "agency": "gn"})
    res = g.sync()
    assert res.complete and res.rejected == 0 and res.pushed == 2
