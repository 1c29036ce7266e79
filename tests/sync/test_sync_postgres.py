"""PostgreSQL: seq in commit order under concurrent pushers, LISTEN/NOTIFY across processes."""

from __future__ import annotations

import threading
import time

import httpx
import pytest
from starlette.testclient import TestClient
from sync_helpers import (
    Api,
    ServerProcess,
    fast_settings,
    hlc,
    position,
    pull_looks_past_what_it_cannot_see,
    unit,
    wait_until,
)

from sync.server import audit, db
from sync.server.app import create_app

pytestmark = pytest.mark.postgres


def test_protocol_basics_on_postgres(pg_url: str) -> None:
    """Proves push, replay, conflicts, visibility and the audit chain behave the same on PostgreSQL."""
    with TestClient(create_app(fast_settings(pg_url))) as c:
        api = Api(c)
        u = unit(visibility="agency")
        uid = u["entity_id"]
        (seq,) = api.push_ok("cmd-sedena", u)
        assert api.push("cmd-sedena", u)[0] == {"change_id": u["change_id"], "status": "duplicate",
                                                "seq": seq}
        api.push_ok("cmd-sedena", position(uid),
                    unit(uid, notes="a", base={"notes": u["hlc"]}, at=hlc(10, "a")),
                    unit(uid, notes="b", base={"notes": u["hlc"]}, at=hlc(20, "b")))
        mine = {x["entity"] for x in api.pull_all("lia-sedena")}
        assert {"unit", "position", "conflict"} <= mine
        assert {x["entity"] for x in api.pull_all("lia-gn")} == {"agency"}
        assert audit.verify(c.app.state.services.engine) == []


def test_a_pull_looks_past_what_the_caller_cannot_see_on_postgres(pg_url: str) -> None:
    """Proves the look past another agency's backlog (one request, nothing skipped) on PostgreSQL."""
    with TestClient(create_app(fast_settings(pg_url))) as c:
        pull_looks_past_what_it_cannot_see(Api(c))


@pytest.mark.slow
def test_concurrent_pushers_on_two_processes_never_make_a_reader_skip(pg_url: str) -> None:
    """Proves invariant 2: with many concurrent pushers on two processes, a continuous reader misses nothing."""
    a, b = ServerProcess(pg_url), ServerProcess(pg_url)
    a.wait_ready()
    b.wait_ready()
    try:
        with httpx.Client(base_url=a.base, timeout=60) as http:
            setup = Api(http)
            u = unit()
            setup.push_ok("cmd-sedena", u)
            reader_token = setup.h("observer")
        stop = threading.Event()
        seen: list[int] = []
        errors: list[str] = []

        def reader() -> None:
            after = 0
            with httpx.Client(base_url=a.base, timeout=60) as h:
                while True:
                    final = stop.is_set()
                    page = h.get("/v1/changes", params={"after": after, "limit": 500, "wait": 0.2},
                                 headers=reader_token).json()
                    seen.extend(x["seq"] for x in page["changes"])
                    after = page["next"]
                    if final and not page["more"]:
                        return

        def pusher(n: int) -> None:
            base = (a if n % 2 else b).base
            try:
                with httpx.Client(base_url=base, timeout=60) as h:
                    api = Api(h)
                    for _ in range(12):
                        api.push_ok("lia-sedena" if n % 3 else "cmd-sedena",
                                    *[position(u["entity_id"]) for _ in range(15)])
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(repr(exc))

        rt = threading.Thread(target=reader)
        rt.start()
        pushers = [threading.Thread(target=pusher, args=(n,)) for n in range(8)]
        for t in pushers:
            t.start()
        for t in pushers:
            t.join(120)
        stop.set()
        rt.join(60)
        assert errors == []
        engine = db.make_engine(pg_url)
        with engine.connect() as conn:
            all_seqs = [r[0] for r in conn.exec_driver_sql("SELECT seq FROM changes ORDER BY seq")]
        engine.dispose()
        assert len(all_seqs) == 3 + 1 + 8 * 12 * 15
        assert all_seqs == list(range(1, len(all_seqs) + 1))  # dense: no seq burnt by a rollback
        assert seen == all_seqs  # in order, nothing skipped, nothing twice
    finally:
        a.stop()
        b.stop()


def test_push_on_one_process_wakes_a_pull_waiting_on_another(pg_url: str) -> None:
    """Proves LISTEN/NOTIFY: a commit through process A ends a long-poll parked on process B quickly."""
    a, b = ServerProcess(pg_url), ServerProcess(pg_url)
    a.wait_ready()
    b.wait_ready()
    try:
        with httpx.Client(base_url=a.base, timeout=60) as ha, httpx.Client(base_url=b.base, timeout=60) as hb:
            pa, pb = Api(ha), Api(hb)
            u = unit()
            pa.push_ok("cmd-sedena", u)
            cursor = pb.pull("lia-gn")["next"]
            lat = []
            for _ in range(3):
                done: dict = {}

                def waiter(after: int = cursor, out: dict = done) -> None:
                    out["page"] = pb.pull("lia-gn", after, wait=20)
                    out["at"] = time.perf_counter()

                t = threading.Thread(target=waiter)
                t.start()
                wait_until(lambda: "fieldsync_waiting_pulls 1" in hb.get("/v1/metrics").text)
                (seq,) = pa.push_ok("cmd-sedena", position(u["entity_id"]))
                committed = time.perf_counter()
                t.join(25)
                assert [x["seq"] for x in done["page"]["changes"]] == [seq]
                lat.append(done["at"] - committed)
                cursor = seq
            assert max(lat) < 1.0, lat  # without NOTIFY it would sleep its whole 20 s wait
    finally:
        a.stop()
        b.stop()


def test_ids_unique_and_sign_in_counters_shared_on_postgres(pg_url: str) -> None:
    """Proves on PostgreSQL that a record id is refused to a record of another kind (the
    unique index over creating changes) and that two apps share the sign-in counters."""
    from test_sync_oracles import test_ids_are_unique_across_entities

    a = create_app(fast_settings(pg_url, login_fail_per_user=2))
    b = create_app(fast_settings(pg_url, login_fail_per_user=2))
    with TestClient(a) as ca, TestClient(b) as cb:
        test_ids_are_unique_across_entities(Api(ca))
        bad = {"username": "lia-gn", "password": "wrong-password", "device_name": "x"}
        assert [ca.post("/v1/auth/login", json=bad).status_code for _ in range(2)] == [401, 401]
        assert cb.post("/v1/auth/login", json=bad).status_code == 429
        assert audit.verify(ca.app.state.services.engine) == []


def test_accountability_records_and_their_export_on_postgres(pg_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Proves detentions, their amendment, hand-over after the force report, the audited
    opening, `audit verify` and the signed oversight export work on PostgreSQL as on SQLite."""
    from datetime import UTC, datetime, timedelta

    from sync_helpers import detention, follow_up, force

    from sync.server import oversight
    from sync.server.oversight_verify import verify

    def iso(d: timedelta) -> str:
        return (datetime.now(UTC) + d).isoformat().replace("+00:00", "Z")

    with TestClient(create_app(fast_settings(pg_url))) as c:
        api = Api(c)
        u = unit()
        api.push_ok("cmd-sedena", u)
        d = detention(u["entity_id"], force_used=True, detained_at=iso(-timedelta(hours=2)))
        api.push_ok("lia-sedena", d)
        rid = d["entity_id"]
        hand = follow_up("detention", rid, "handover", authority="civic_judge",
                         handed_over_at=iso(-timedelta(minutes=5)))
        (res,) = api.push("cmd-sedena", hand)
        assert res["code"] == "force_needs_report"
        api.push_ok("cmd-sedena", force(u["entity_id"], detention_id=rid), hand,
                    follow_up("detention", rid, age=35, amend_reason="INE"))
        assert api.http.get(f"/v1/records/{rid}", headers=api.h("observer")).status_code == 200
        assert [ch["fields"]["person_name"] for ch in api.pull_all("observer")
                if ch["entity"] == "detention" and ch["entity_id"] == rid] == ["J. P. G."]
        engine = c.app.state.services.engine
        assert audit.verify(engine) == []
        key = audit.load_or_create_key(tmp_path / "key.pem")
        oversight.export(engine, key, "sedena", iso(-timedelta(hours=1)),
                         iso(timedelta(hours=1)), tmp_path / "out")
    report = verify(tmp_path / "out", audit.public_key_b64(key))
    assert report.problems == [] and len(report.records) == 4
