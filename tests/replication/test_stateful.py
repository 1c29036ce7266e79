"""Hypothesis stateful test: several clients, random edits, syncs, crashes and network
faults against a real server; at the end every client converges to the same state and no
acknowledged change is lost."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule, run_state_machine_as_test
from sqlalchemy import select

from fieldclient.replication import http as sync_http
from fieldclient.replication.errors import SyncError
from fieldclient.store.models import Outbox
from tests.replication.faultproxy import FaultProxy
from tests.replication.support import Client

USERS = ("ana", "beto", "ana")  # two laptops of one user, one of another
FIELDS = {
    "callsign": st.sampled_from(["ALFA", "BRAVO", "CHARLIE", "DELTA"]),
    "status": st.sampled_from(["available", "assigned", "engaged", "returning"]),
    "strength": st.integers(0, 50),
    "notes": st.text("abcñé ", max_size=12),
}


def make_machine(server):
    class Replication(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.tmp = Path(tempfile.mkdtemp(prefix="enlace-hyp-"))
            self.proxies = [FaultProxy(server.port) for _ in USERS]
            self.clients = [Client(self.tmp / f"c{i}", p.url, u)
                            for i, (p, u) in enumerate(zip(self.proxies, USERS, strict=True))]
            self.units: list[str] = []
            self.incident: str | None = None
            self.created: set[tuple[str, str]] = set()

        @initialize()
        def shared_records(self) -> None:
            c0 = self.clients[0]
            self.units = [c0.writer.create_unit({"callsign": f"U{i}", "agency": "sedena",
                                                 "kind": "police"}) for i in range(2)]
            from datetime import UTC, datetime

            self.incident = c0.writer.create_incident({
                "title": "Hyp", "kind": "other", "severity": 2,
                "occurred_at": datetime.now(UTC), "agency": "sedena"})
            for c in self.clients:
                assert c.sync().complete

        @rule(i=st.integers(0, len(USERS) - 1), u=st.integers(0, 1),
              field=st.sampled_from(sorted(FIELDS)), data=st.data())
        def edit(self, i, u, field, data) -> None:
            value = data.draw(FIELDS[field])
            self.clients[i].writer.update_unit(self.units[u], {field: value})

        @rule(i=st.integers(0, len(USERS) - 1), u=st.integers(0, 1),
              lat=st.floats(-80, 80, allow_nan=False))
        def position(self, i, u, lat) -> None:
            pid = self.clients[i].writer.log_position(self.units[u], lat, -99.0)
            self.created.add(("position", pid))

        # any text an entry may hold: not blank, no control characters (the definition's rules)
        @rule(i=st.integers(0, len(USERS) - 1),
              body=st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1,
                           max_size=20).filter(str.strip))
        def entry(self, i, body) -> None:
            assert self.incident
            eid = self.clients[i].writer.add_entry(self.incident, "note", body)
            self.created.add(("incident_entry", eid))

        @rule(i=st.integers(0, len(USERS) - 1),
              fault=st.sampled_from(["pass", "pass", "cut", "reset", "drop_reply"]),
              cut=st.integers(0, 3000))
        def sync(self, i, fault, cut) -> None:
            c, p = self.clients[i], self.proxies[i]
            c.engine.close()
            p.cut_after = cut
            p.set_mode(fault)
            try:
                c.sync()
            except SyncError:
                assert fault != "pass"
            finally:
                p.set_mode("pass")
                c.engine.close()

        @rule(i=st.integers(0, len(USERS) - 1))
        def crash(self, i) -> None:
            self.clients[i].reopen()

        def teardown(self) -> None:
            try:
                for _ in range(2):
                    for c in self.clients:
                        assert c.sync().complete
                snaps = [c.snapshot() for c in self.clients]
                assert all(s == snaps[0] for s in snaps[1:])
                for entity, rid in self.created:
                    assert rid in snaps[0][entity], (entity, rid)
                for c in self.clients:
                    with c.store.session() as s:
                        rows = list(s.scalars(select(Outbox)))
                    assert {r.state for r in rows} <= {"applied", "duplicate"}
                    for r in rows:  # every acknowledged edit stands or lost to a later write
                        if r.entity == "unit":
                            hl = snaps[0]["unit"][r.entity_id]["field_hlcs"]
                            assert all(hl[f] >= r.hlc for f in r.fields), (r.fields, r.hlc)
            finally:
                for c in self.clients:
                    c.close()
                for p in self.proxies:
                    p.close()
                shutil.rmtree(self.tmp, ignore_errors=True)

    return Replication


@pytest.mark.timeout(120)
def test_random_edits_syncs_crashes_and_faults_converge(server, monkeypatch):
    """Proves convergence and no lost acknowledged change under random edits, crashes and faults."""
    monkeypatch.setattr(sync_http, "READ_TIMEOUT_S", 2.0)
    machine = make_machine(server)
    run_state_machine_as_test(
        machine,
        settings=settings(max_examples=6, stateful_step_count=12, deadline=None,
                          suppress_health_check=list(HealthCheck), derandomize=True,
                          database=None),
    )
