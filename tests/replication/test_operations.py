"""Joint operations end to end (issue 12), with a real fieldsync process: SEDENA leads an
operation in Jalisco with the state police and Guadalajara's municipal police; units of
all three are assigned (some under SEDENA's command); a fourth agency sees none of the
operation's records; an agency removed from the operation loses them at its next sync;
command of a scene passes from the state police to SEDENA, who acknowledges it; and every
bad input is refused with a clear message, nothing stored on the laptop or the server."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from fieldclient.core.errors import InvalidInput, NotFound
from fieldclient.store.models import (
    Assignment,
    Handover,
    Incident,
    Operation,
    Outbox,
    Position,
    Unit,
)
from sync.protocol.ids import new_id
from tests.replication.support import Client, Server, password, requests_session

# Guadalajara's centre, roughly: the operation's area
AREA = [[[-103.42, 20.62], [-103.28, 20.62], [-103.28, 20.74], [-103.42, 20.74],
         [-103.42, 20.62]]]
ACCOUNTS = {  # user: (role, agency)
    "jal": ("commander", "pol-jal"),
    "gdl": ("commander", "mun-gdl"),
    "gnc": ("commander", "gn"),
    "oversight": ("observer", None),
}


@pytest.fixture(scope="module")
def ops_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server with SEDENA, GN, the state police of Jalisco and Guadalajara's police."""
    srv = Server(tmp_path_factory.mktemp("ops-server"))
    srv.add_accounts()  # ana, beto: sedena commanders; gus: gn liaison
    for slug, kind in (("pol-jal", "state"), ("mun-gdl", "municipal")):
        assert srv.cli("agency", "add", slug, "--name", slug.upper(), "--kind", kind).returncode == 0
    for user, (role, agency) in ACCOUNTS.items():
        args = ["user", "add", user, "--role", role] + (["--agency", agency] if agency else [])
        r = srv.cli(*args, stdin=password(user) + "\n")
        assert r.returncode == 0, r.stderr
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def laptops(ops_server: Server, make_client: Any) -> dict[str, Client]:
    return {u: make_client(u, ops_server.url, u) for u in ("ana", "jal", "gdl", "gnc", "oversight")}


def _count(c: Client, model: type, **where: Any) -> int:
    with c.store.session() as s:
        q = select(func.count()).select_from(model)
        for k, v in where.items():
            q = q.where(getattr(model, k) == v)
        return int(s.scalar(q) or 0)


def _outbox(c: Client) -> int:
    return _count(c, Outbox)


def _sync(*clients: Client) -> None:
    for c in clients:
        result = c.sync()
        assert result.complete and not result.rejected, (c.user, result)


def _operation(c: Client, **extra: Any) -> str:
    now = datetime.now(UTC)
    return c.writer.create_record("operation", {
        "code": "OP-JAL-01", "name": "Operativo Guadalajara Segura", "lead_agency": "sedena",
        "agencies": ["pol-jal", "mun-gdl"], "authority": "military",
        "legal_basis": "coordination_agreement",
        "legal_reference": "Convenio SEDENA/SSP-JAL 14/2026", "area": AREA,
        "starts_at": now - timedelta(hours=2), "status": "active",
        "instructions": "Uso de la fuerza conforme a la LNUF; detenidos a la FGE.", **extra})


def _unit(c: Client, callsign: str, agency: str, op: str | None, **extra: Any) -> str:
    fields = {"callsign": callsign, "agency": agency, "kind": "police",
              "visibility": "operation" if op else "shared", "operation_id": op, **extra}
    return c.writer.create_unit(fields)


class _Api:
    """Raw pushes as a client of any version would send them (what the server stores)."""

    def __init__(self, server: Server) -> None:
        self.url, self.http, self.tokens = server.url, requests_session(), {}

    def push(self, user: str, entity: str, fields: dict[str, Any], op: str = "upsert",
             entity_id: str | None = None) -> dict[str, Any]:
        if user not in self.tokens:
            r = self.http.post(f"{self.url}/v1/auth/login", json={
                "username": user, "password": password(user), "device_name": "raw"})
            assert r.status_code == 200, r.text
            self.tokens[user] = r.json()["token"]
        hlc = f"{int(datetime.now(UTC).timestamp() * 1000):013d}-0000-raw"
        change = {"change_id": str(uuid.uuid4()), "entity": entity,
                  "entity_id": entity_id or str(new_id()), "op": op, "fields": fields,
                  "hlc": hlc}
        r = self.http.post(f"{self.url}/v1/changes", json={"changes": [change]},
                           headers={"Authorization": f"Bearer {self.tokens[user]}"})
        assert r.status_code == 200, r.text
        return dict(r.json()["results"][0])


def _stored(server: Server, entity_id: str) -> int:
    con = sqlite3.connect(server.db.removeprefix("sqlite:///"))
    try:
        return int(con.execute("SELECT count(*) FROM changes WHERE entity_id = ?",
                               (entity_id,)).fetchone()[0])
    finally:
        con.close()


def test_joint_operation_scenario(ops_server: Server, laptops: dict[str, Client]) -> None:
    """Proves the issue's scenario: participants see the operation, its assignments and its
    records while a fourth agency sees none of them (observers see all); removing an agency
    withdraws them from its laptop at its next sync while its own unit stays; a scene
    handed from the state police to SEDENA is acknowledged by SEDENA; membership changes and
    hand-overs are in the audit trail."""
    ana, jal, gdl, gnc, oversight = (laptops[u] for u in ("ana", "jal", "gdl", "gnc", "oversight"))
    _sync(ana, jal, gdl, gnc)  # every laptop learns the agencies
    op = _operation(ana)
    _sync(ana, jal, gdl)
    assert _count(jal, Operation, id=op) == 1 and _count(gdl, Operation, id=op) == 1

    sedena_1 = _unit(ana, "HALCON 1", "sedena", op, kind="infantry")
    jal_1 = _unit(jal, "JAGUAR 1", "pol-jal", op)
    gdl_1 = _unit(gdl, "TAPATIO 1", "mun-gdl", op)
    for c, uid in ((ana, sedena_1), (jal, jal_1), (gdl, gdl_1)):
        c.writer.log_position(uid, 20.67, -103.35)
    incident = jal.writer.create_incident({
        "title": "Bloqueo en Av. López Mateos", "kind": "blockade", "severity": 3,
        "occurred_at": datetime.now(UTC) - timedelta(minutes=30), "agency": "pol-jal",
        "lat": 20.66, "lon": -103.40, "visibility": "operation", "operation_id": op})
    jal.writer.add_entry(incident, "note", "Se establece perímetro.")
    _sync(ana, jal, gdl)
    # units of all three, some under SEDENA's command
    ana.writer.create_record("assignment", {"operation_id": op, "unit_id": sedena_1,
                                            "role": "command_post", "commanding_agency": "sedena"})
    jal.writer.create_record("assignment", {"operation_id": op, "unit_id": jal_1,
                                            "role": "cordon", "commanding_agency": "sedena"})
    gdl.writer.create_record("assignment", {"operation_id": op, "unit_id": gdl_1,
                                            "role": "patrol", "commanding_agency": "mun-gdl"})
    _sync(ana, jal, gdl, ana, jal, gdl, gnc, oversight)

    for c in (ana, jal, gdl, oversight):
        assert _count(c, Assignment, operation_id=op) == 3, c.user
        assert {_count(c, Unit, id=u) for u in (sedena_1, jal_1, gdl_1)} == {1}, c.user
        assert _count(c, Incident, id=incident) == 1 and _count(c, Position, unit_id=jal_1) == 1
    with jal.store.session() as s:
        by_unit = {a.unit_id: a.commanding_agency for a in s.scalars(select(Assignment))}
    assert by_unit == {sedena_1: "sedena", jal_1: "sedena", gdl_1: "mun-gdl"}
    # a fourth agency sees none of the operation's records
    assert _count(gnc, Operation) == 0 and _count(gnc, Assignment) == 0
    assert _count(gnc, Unit, visibility="operation") == 0 and _count(gnc, Incident, id=incident) == 0
    assert _count(gnc, Position, unit_id=jal_1) == 0

    # command of a scene: from the state police to SEDENA, acknowledged by SEDENA
    handed = jal.writer.hand_over({
        "operation_id": op, "subject": "scene", "scene": "Cruce López Mateos y Vallarta",
        "lat": 20.66, "lon": -103.40, "from_agency": "pol-jal", "from_person": "Cmdte. Ruiz",
        "to_agency": "sedena", "to_person": "Cap. Ortega", "reason": "Relevo por escalamiento"})
    _sync(jal, ana)
    ack = ana.writer.hand_over({"operation_id": op, "kind": "acknowledgement",
                                "acknowledges": handed, "to_person": "Cap. Ortega"})
    _sync(ana, jal, gdl, gnc)
    with jal.store.session() as s:
        got = {h.id: (h.kind, h.acknowledges, h.recorded_by) for h in s.scalars(select(Handover))}
    assert got == {handed: ("handover", None, "jal"), ack: ("acknowledgement", handed, "ana")}
    assert _count(gnc, Handover) == 0
    _sitrep_lists_all_of_it(ana, gdl, jal, gnc, jal_1, incident)

    # SEDENA takes the municipal police out: its laptop loses the operation's records
    ana.writer.update_record("operation", op, {"agencies": ["pol-jal"]})
    _sync(ana, gdl, jal)
    assert _count(gdl, Operation) == 0 and _count(gdl, Assignment) == 0
    assert _count(gdl, Handover) == 0 and _count(gdl, Incident, id=incident) == 0
    assert _count(gdl, Unit, id=jal_1) == 0 and _count(gdl, Position, unit_id=jal_1) == 0
    assert _count(gdl, Unit, id=gdl_1) == 1  # its own unit stays
    assert _count(jal, Assignment, operation_id=op) == 3 and _count(jal, Handover) == 2

    rows = _audit(ops_server)
    membership = [d for a, s_, d in rows if a == "operation_membership" and s_ == op]
    assert [(m["joined"], m["left"]) for m in membership] == [
        (["mun-gdl", "pol-jal", "sedena"], []), ([], ["mun-gdl"])]
    assert [s_ for a, s_, _ in rows if a == "handover"] == [handed, ack]


# Boundaries, roughly: Guadalajara's municipality and a part of Jalisco (lon, lat)
GDL_ZONE = [[[[-103.47, 20.55], [-103.22, 20.55], [-103.22, 20.80], [-103.47, 20.80],
              [-103.47, 20.55]]]]
JAL_ZONE = [[[[-104.5, 19.8], [-102.5, 19.8], [-102.5, 21.5], [-104.5, 21.5], [-104.5, 19.8]]]]


def _sitrep_lists_all_of_it(ana: Client, gdl: Client, jal: Client, gnc: Client, jal_1: str,
                            incident: str) -> None:
    """The scenario's end (issue 12, Done when): the zones arrive, the incident is tagged
    with the municipal zone, the state police unit that strays to Colima is flagged, and
    SEDENA's SITREP PDF (read back with pdftotext) lists all of it; the fourth agency
    cannot make one."""
    import subprocess

    from fieldclient.report import tables

    gdl.writer.create_record("zone", {"name": "Guadalajara", "agency": "mun-gdl",
                                      "level": "municipal", "geometry": GDL_ZONE})
    jal.writer.create_record("zone", {"name": "Jalisco", "agency": "pol-jal", "level": "state",
                                      "geometry": JAL_ZONE})
    jal.writer.log_position(jal_1, 19.24, -103.72, note="Apoyo en Colima")  # strays
    _sync(gdl, jal, ana)
    now = datetime.now(UTC)
    out = ana.store.data_dir.parent / "sitrep-ana.pdf"
    tables.write_report(ana.store, "OP-JAL-01", None, "pdf", out, "en", now)
    text = " ".join(subprocess.run(["pdftotext", "-raw", str(out), "-"], check=True,
                                   capture_output=True, text=True).stdout.split())
    for words in (
            "OP-JAL-01", "Operativo Guadalajara Segura", "Convenio SEDENA/SSP-JAL 14/2026",
            "Military", "Assigned units (3)", "HALCON 1", "TAPATIO 1",
            "JAGUAR 1 OUTSIDE JURISDICTION pol-jal", "Command post", "Cordon", "Patrol",
            "Bloqueo en Av. López Mateos", "Guadalajara (mun-gdl)",
            "Hand-overs of command: 1 (1 acknowledged, 0 unacknowledged, 0 overdue)",
            "Scene: Cruce López Mateos y Vallarta", "pol-jal / Cmdte. Ruiz",
            "sedena / Cap. Ortega", "Detentions: 0"):
        assert words in text, (words, text)
    with pytest.raises(NotFound, match="OP-JAL-01"):
        tables.write_report(gnc.store, "OP-JAL-01", None, "pdf", out, "en", now)


def _audit(server: Server) -> list[tuple[str, str, dict[str, Any]]]:
    import json

    con = sqlite3.connect(server.db.removeprefix("sqlite:///"))
    try:
        return [(a, s, json.loads(d)) for a, s, d in con.execute(
            "SELECT action, subject, detail FROM audit ORDER BY id")]
    finally:
        con.close()


def test_bad_input_is_refused_with_a_clear_message_and_nothing_stored(
        ops_server: Server, laptops: dict[str, Client]) -> None:
    """Proves each bad input of the issue within operations is refused by the laptop with
    a message naming the problem and nothing queued, and by the server with the same code
    and nothing logged: an area that is not a valid polygon or has over 10,000 points, an
    end before the start, a participant that is not an agency, a commander of another
    agency editing the operation, an assignment of a unit the author cannot see, and an
    acknowledgement by an agency that does not receive the hand-over."""
    ana, jal, gdl = laptops["ana"], laptops["jal"], laptops["gdl"]
    api = _Api(ops_server)
    _sync(ana, jal, gdl)
    before, operations = _outbox(ana), _count(ana, Operation)

    def refused(client: Client, call: Any, words: str) -> None:
        queued = _outbox(client)
        with pytest.raises((InvalidInput, NotFound)) as err:
            call()
        assert words in str(err.value), str(err.value)
        assert _outbox(client) == queued

    now = datetime.now(UTC)
    bow_tie = [[[-103.4, 20.6], [-103.3, 20.7], [-103.3, 20.6], [-103.4, 20.7], [-103.4, 20.6]]]
    refused(ana, lambda: _operation(ana, area=bow_tie),
            "Area is not a valid polygon: its boundary crosses itself")
    many = [[[-103 + i / 100_000, 20.0] for i in range(10_000)] + [[-103, 21], [-103, 20]]]
    refused(ana, lambda: _operation(ana, area=many), "Area has too many points (at most 10000")
    refused(ana, lambda: _operation(ana, ends_at=now - timedelta(days=1)),
            "Ends at is before Starts at")
    refused(ana, lambda: _operation(ana, agencies=["pol-jal", "marina-x"]),
            "“marina-x” is not an agency of this deployment")
    assert _outbox(ana) == before and _count(ana, Operation) == operations

    base = {"code": "OP-X", "name": "X", "lead_agency": "sedena", "authority": "civil",
            "legal_basis": "other", "starts_at": now.isoformat(), "status": "planned"}
    for fields, code in (({**base, "area": bow_tie}, "polygon_crosses_itself"),
                         ({**base, "area": many}, "too_many_vertices"),
                         ({**base, "ends_at": (now - timedelta(days=1)).isoformat()},
                          "ends_before_starts"),
                         ({**base, "agencies": ["marina-x"]}, "unknown_agency")):
        oid = str(new_id())
        result = api.push("ana", "operation", fields, entity_id=oid)
        assert (result["status"], result["code"]) == ("rejected", code), result
        assert _stored(ops_server, oid) == 0

    op = _operation(ana)
    _sync(ana, jal, gdl)
    refused(jal, lambda: jal.writer.update_record("operation", op, {"name": "Otro"}),
            "Only a commander of sedena may edit this Operation")
    result = api.push("jal", "operation", {"name": "Otro"}, entity_id=op)
    assert (result["status"], result["code"]) == ("rejected", "not_owner")

    hidden = ana.writer.create_unit({"callsign": "SOMBRA", "agency": "sedena",
                                     "kind": "special_forces", "visibility": "agency"})
    _sync(ana, jal)
    refused(jal, lambda: jal.writer.create_record("assignment", {
        "operation_id": op, "unit_id": hidden, "role": "escort",
        "commanding_agency": "pol-jal"}), "Unknown Unit (or not visible to you)")
    aid = str(new_id())
    result = api.push("jal", "assignment", {"operation_id": op, "unit_id": hidden,
                                             "role": "escort", "commanding_agency": "pol-jal"},
                      entity_id=aid)
    assert (result["status"], result["code"]) == ("rejected", "unknown_record")
    assert _stored(ops_server, aid) == 0

    handed = jal.writer.hand_over({"operation_id": op, "subject": "scene", "scene": "Glorieta",
                                   "from_agency": "pol-jal", "to_agency": "sedena"})
    _sync(jal, gdl)
    ack = {"operation_id": op, "kind": "acknowledgement", "acknowledges": handed,
           "at": datetime.now(UTC).isoformat()}
    refused(gdl, lambda: gdl.writer.hand_over(ack),
            "Only sedena, which receives this hand-over, may acknowledge it")
    hid = str(new_id())
    result = api.push("gdl", "handover", ack, op="append", entity_id=hid)
    assert (result["status"], result["code"]) == ("rejected", "ack_wrong_agency")
    assert _stored(ops_server, hid) == 0


NEW_KINDS = ("operation", "assignment", "handover")


class _Versions:
    """Turns this process into a client of protocol revision 3 (no operations, assignments
    or hand-overs, no `operation_id` on units and incidents, no visibility "operation")
    and back (the registries in their order)."""

    def __init__(self) -> None:
        from fieldclient.replication import apply as apply_module
        from sync.protocol.entity import ENTITIES
        from sync.protocol.vocab import VISIBILITY

        self.apply, self.registry, self.visibility = apply_module, ENTITIES, VISIBILITY
        self.entities, self.appliers = dict(ENTITIES), dict(apply_module.APPLIERS)
        self.label = VISIBILITY.labels["operation"]
        self.fields = {n: ENTITIES[n].fields["operation_id"] for n in ("unit", "incident")}
        self.old = False

    def _rebuild(self) -> None:
        from sync.protocol import envelope

        for name in (*NEW_KINDS, *self.fields):
            envelope.CHANGE_TYPES.pop(name, None)
            envelope.PULLED_TYPES.pop(name, None)
            if name in self.registry:
                self.registry[name].build()
        envelope.build()

    def downgrade(self) -> None:
        for name in NEW_KINDS:
            self.registry.pop(name)
            self.apply.APPLIERS.pop(name)
        del self.visibility.labels["operation"]
        for name in self.fields:
            del self.registry[name].fields["operation_id"]
            self.registry[name].must_see = ()
        self._rebuild()
        self.old = True

    def upgrade(self) -> None:
        self.visibility.labels["operation"] = self.label
        for name, f in self.fields.items():
            self.registry[name].fields["operation_id"] = f
            self.registry[name].must_see = ("operation_id",)
        self.registry.clear()
        self.registry.update(self.entities)
        self.apply.APPLIERS.clear()
        self.apply.APPLIERS.update(self.appliers)
        self._rebuild()
        self.old = False


@pytest.fixture
def versions() -> Iterator[_Versions]:
    v = _Versions()
    yield v
    if v.old:
        v.upgrade()


def test_an_older_client_holds_the_new_kinds_and_applies_them_after_an_upgrade(
        ops_server: Server, make_client: Any, versions: _Versions) -> None:
    """Proves a client of revision 3 holds (never skips) operations, assignments,
    hand-overs and units of visibility "operation" while its cursor moves on, and applies
    every one of them once upgraded."""
    from fieldclient.replication.apply import get_cursor
    from fieldclient.store import outbox
    from fieldclient.store.models import HeldChange

    ana = make_client("ana-h", ops_server.url, "ana")
    jal = make_client("jal-h", ops_server.url, "jal")
    _sync(ana, jal)
    op = _operation(ana, code="OP-HELD")
    _sync(ana)
    uid = _unit(ana, "HALCON 9", "sedena", op)
    aid = ana.writer.create_record("assignment", {
        "operation_id": op, "unit_id": uid, "role": "reserve", "commanding_agency": "sedena"})
    hid = ana.writer.hand_over({"operation_id": op, "subject": "unit", "unit_id": uid,
                                "from_agency": "sedena", "to_agency": "pol-jal"})
    _sync(ana)

    versions.downgrade()
    jal.reopen()
    assert jal.sync().complete
    with jal.store.session() as s:
        held = set(s.scalars(select(HeldChange.entity)))
        assert outbox.counts(s).held >= 4
    assert held >= {"operation", "assignment", "handover", "unit"}
    assert get_cursor(jal.store) > 0 and _count(jal, Unit, id=uid) == 0

    versions.upgrade()
    jal.reopen()  # the upgraded version starts
    assert jal.sync().complete
    with jal.store.session() as s:
        assert s.scalars(select(HeldChange)).all() == []
        unit = s.get(Unit, uid)
        assert unit is not None and (unit.visibility, unit.operation_id) == ("operation", op)
    assert _count(jal, Operation, id=op) == 1 and _count(jal, Assignment, id=aid) == 1
    assert _count(jal, Handover, id=hid) == 1


def test_an_agency_that_joins_gets_the_operations_records_whole(
        ops_server: Server, make_client: Any) -> None:
    """Proves an agency added to an operation receives, at its next sync, the operation, its
    assignments and hand-overs, and its units of visibility "operation" with their whole
    tracks (logged before it joined), while before joining it had none of them."""
    ana = make_client("ana-j", ops_server.url, "ana")
    jal = make_client("jal-j", ops_server.url, "jal")
    gdl = make_client("gdl-j", ops_server.url, "gdl")
    _sync(ana, jal, gdl)
    op = _operation(ana, code="OP-JOIN", agencies=["pol-jal"])
    _sync(ana, jal)
    uid = _unit(jal, "JAGUAR 7", "pol-jal", op)
    t0 = datetime.now(UTC) - timedelta(minutes=30)
    for i in range(4):
        jal.writer.log_position(uid, 20.66 + i / 1000, -103.35, observed_at=t0 + timedelta(minutes=i))
    jal.writer.create_record("assignment", {"operation_id": op, "unit_id": uid, "role": "patrol",
                                            "commanding_agency": "sedena"})
    jal.writer.hand_over({"operation_id": op, "subject": "unit", "unit_id": uid,
                          "from_agency": "pol-jal", "to_agency": "sedena"})
    _sync(jal, gdl)
    assert _count(gdl, Operation, id=op) == 0 and _count(gdl, Unit, id=uid) == 0

    ana.writer.update_record("operation", op, {"agencies": ["pol-jal", "mun-gdl"]})
    _sync(ana, gdl)
    assert _count(gdl, Operation, id=op) == 1 and _count(gdl, Assignment, unit_id=uid) == 1
    assert _count(gdl, Handover, operation_id=op) == 1
    assert _count(gdl, Unit, id=uid) == 1 and _count(gdl, Position, unit_id=uid) == 4
