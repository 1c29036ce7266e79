"""Push/pull contract: idempotency, seq order, stamping, paging, merge and conflicts."""

from __future__ import annotations

import json

from sync_helpers import Api, hlc, incident, position, pull_looks_past_what_it_cannot_see, unit

from sync.merge import conflict_id
from sync.protocol.envelope import PULL_MORE_HEADER, PULL_NEXT_HEADER


def test_push_applies_and_pull_returns_in_seq_order(api: Api) -> None:
    """Proves accepted changes get increasing seqs and a pull returns them in that order."""
    u = unit()
    seqs = api.push_ok("cmd-sedena", u, position(u["entity_id"]), position(u["entity_id"]))
    assert seqs == sorted(seqs) and len(set(seqs)) == 3
    got = [c for c in api.pull_all("cmd-sedena") if c["entity"] != "agency"]
    assert [c["seq"] for c in got] == seqs
    assert got[0]["change_id"] == u["change_id"] and got[0]["fields"]["callsign"] == "Águila 1"


def test_replay_is_duplicate_with_original_seq(api: Api) -> None:
    """Proves invariant 1: replaying a change answers duplicate with the original seq, adds nothing."""
    u = unit()
    (seq,) = api.push_ok("cmd-sedena", u)
    before = api.pull_all("observer")
    again = api.push("cmd-sedena", u)
    assert again == [{"change_id": u["change_id"], "status": "duplicate", "seq": seq}]  # no nulls sent
    assert api.pull_all("observer") == before


def test_duplicate_inside_one_batch(api: Api) -> None:
    """Proves the same change twice in one batch is stored once."""
    u = unit()
    res = api.push("cmd-sedena", u, u)
    assert [r["status"] for r in res] == ["applied", "duplicate"] and res[0]["seq"] == res[1]["seq"]


def test_replay_with_different_body_is_rejected_and_original_stands(api: Api) -> None:
    """Proves a change_id reused for a different change is rejected and the first stays."""
    u = unit()
    api.push_ok("cmd-sedena", u)
    forged = json.loads(json.dumps(u))
    forged["fields"]["callsign"] = "Impostor"
    (res,) = api.push("cmd-sedena", forged)
    assert res["status"] == "rejected" and "different change" in res["reason"]
    units = [c for c in api.pull_all("observer") if c["entity"] == "unit"]
    assert [c["fields"]["callsign"] for c in units] == ["Águila 1"]


def test_server_stamps_author_device_and_reported_by(api: Api) -> None:
    """Proves author/device/received_at are stamped by the server; client author fields are ignored."""
    info = api.login("lia-sedena", device="tablet-7")
    u = unit()
    api.push_ok("cmd-sedena", u)
    p = position(u["entity_id"], reported_by="someone-else")
    api.push_ok("lia-sedena", p)
    got = next(c for c in api.pull_all("observer") if c["change_id"] == p["change_id"])
    assert got["author"] == "lia-sedena" and got["device_id"] == info["device_id"]
    assert got["fields"]["reported_by"] == "lia-sedena" and got["received_at"].endswith("Z")


def test_append_same_entity_id_twice_is_duplicate(api: Api) -> None:
    """Proves an append-only record is written once even under a new change_id."""
    u = unit()
    api.push_ok("cmd-sedena", u)
    p = position(u["entity_id"])
    (seq,) = api.push_ok("cmd-sedena", p)
    p2 = dict(p, change_id="0190a0a0-0000-7000-8000-000000000001")
    (res,) = api.push("cmd-sedena", p2)
    assert res["status"] == "duplicate" and res["seq"] == seq


def test_pull_pages_with_next_and_more(api: Api) -> None:
    """Proves paging walks every change exactly once using next/more."""
    u = unit()
    api.push_ok("cmd-sedena", u, *[position(u["entity_id"]) for _ in range(25)])
    seen, after, pages = [], 0, 0
    while True:
        page = api.pull("cmd-sedena", after, limit=7)
        seen += [c["seq"] for c in page["changes"]]
        after, pages = page["next"], pages + 1
        if not page["more"]:
            break
    assert seen == sorted(set(seen)) and len(seen) == 26 + 3  # + the 3 seeded agencies
    assert pages >= 4


def test_pull_pages_carry_the_server_clock(api: Api) -> None:
    """Proves a pull page tells the server's time to the millisecond (X-Server-Time), like
    every other answer (pages had only HTTP's Date, to the second), compressed or not."""
    u = unit()
    api.push_ok("cmd-sedena", u, *[position(u["entity_id"]) for _ in range(30)])
    for encoding in ("gzip", "identity"):
        r = api.http.get("/v1/changes", params={"after": 0, "limit": 100},
                         headers={**api.h("cmd-sedena"), "Accept-Encoding": encoding})
        assert r.status_code == 200 and r.json()["changes"]
        assert r.headers.get("X-Server-Time", "").endswith("Z"), dict(r.headers)


def test_pull_pages_tell_their_cursor_in_headers(api: Api) -> None:
    """Proves every pull page carries its `next` and `more` in X-Pull-Next/X-Pull-More,
    equal to its body (a client asks for the next page from them before decoding this
    one), compressed or not."""
    u = unit()
    api.push_ok("cmd-sedena", u, *[position(u["entity_id"]) for _ in range(30)])
    for encoding in ("gzip", "identity"):
        after, pages = 0, 0
        while True:
            r = api.http.get("/v1/changes", params={"after": after, "limit": 10},
                             headers={**api.h("cmd-sedena"), "Accept-Encoding": encoding})
            assert r.status_code == 200
            body = r.json()
            assert r.headers[PULL_NEXT_HEADER] == str(body["next"])
            assert r.headers[PULL_MORE_HEADER] == ("true" if body["more"] else "false")
            after, pages = body["next"], pages + 1
            if not body["more"]:
                break
        assert pages >= 4


def test_per_field_last_writer_wins(api: Api) -> None:
    """Proves per-field LWW by HLC: an older write to a field loses, other fields still apply."""
    u = unit()
    uid = u["entity_id"]
    api.push_ok("cmd-sedena", u)
    newer = unit(uid, status="engaged", base={"status": u["hlc"]}, at=hlc(1000, "b"))
    older = unit(uid, status="returning", notes="older note", base={"status": u["hlc"]}, at=hlc(500, "a"))
    api.push_ok("cmd-sedena", newer, older)
    state = _state(api, "cmd-sedena", uid)
    assert state["status"] == "engaged" and state["notes"] == "older note"


def _state(api: Api, user: str, uid: str) -> dict:
    """Fold pulled upserts the way a client would (per-field LWW by HLC)."""
    vals: dict = {}
    hl: dict = {}
    for c in api.pull_all(user):
        if c["entity_id"] == uid and c["op"] == "upsert":
            for k, v in c["fields"].items():
                if k not in hl or c["hlc"] > hl[k]:
                    vals[k], hl[k] = v, c["hlc"]
    return vals


def test_concurrent_edit_creates_one_conflict_record_with_both_values(api: Api) -> None:
    """Proves invariant 5: an edit made without seeing the current value creates a conflict record."""
    u = unit()
    uid = u["entity_id"]
    api.push_ok("cmd-sedena", u)
    a = unit(uid, status="engaged", base={"status": u["hlc"]}, at=hlc(100, "alpha"))
    b = unit(uid, status="returning", base={"status": u["hlc"]}, at=hlc(200, "bravo"))
    api.push_ok("cmd-sedena", a)
    api.push_ok("cmd-sedena", b)
    conflicts = [c for c in api.pull_all("cmd-sedena") if c["entity"] == "conflict"]
    assert len(conflicts) == 1
    f = conflicts[0]["fields"]
    assert (f["entity_id"], f["field"], f["status"]) == (uid, "status", "open")
    assert (f["winner_value"], f["loser_value"]) == ("returning", "engaged")
    assert conflicts[0]["entity_id"] == str(conflict_id("unit", uid, "status", a["hlc"], b["hlc"]))
    assert f["winner_by"] == f["loser_by"] == "cmd-sedena"
    # A normal change resolves it; other fields are not the client's to set.
    cid = conflicts[0]["entity_id"]
    res = api.push("cmd-sedena", {**unit(cid), "entity": "conflict",
                                  "fields": {"status": "resolved", "resolution": "kept"}})
    assert res[0]["status"] == "applied", res
    bad = api.push("cmd-sedena", {**unit(cid), "entity": "conflict", "fields": {"winner_value": "x"}})
    assert bad[0]["status"] == "rejected"
    # A second, concurrent resolution just wins or loses: no conflict about a conflict.
    res = api.push("lia-sedena", {**unit(cid), "entity": "conflict", "fields": {"status": "open"}})
    assert res[0]["status"] == "applied"
    assert len([c for c in api.pull_all("observer") if c["entity"] == "conflict"
                and c["fields"].get("entity") not in (None, "unit", "incident")]) == 0
    assert len({c["entity_id"] for c in api.pull_all("observer") if c["entity"] == "conflict"}) == 1


def test_conflict_id_is_the_same_whichever_order_edits_arrive(sqlite_url: str, tmp_path) -> None:  # noqa: ANN001
    """Proves two servers receiving two concurrent edits in opposite orders make the same conflict."""
    from starlette.testclient import TestClient
    from sync_helpers import fast_settings, seed

    from sync.server.app import create_app

    u = unit()
    uid = u["entity_id"]
    a = unit(uid, status="engaged", base={"status": u["hlc"]}, at=hlc(100, "alpha"))
    b = unit(uid, status="returning", base={"status": u["hlc"]}, at=hlc(200, "bravo"))
    other = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    seed(other)
    found = []
    for url, order in ((sqlite_url, (a, b)), (other, (b, a))):
        with TestClient(create_app(fast_settings(url))) as c:
            api = Api(c)
            api.push_ok("cmd-sedena", u)
            for ch in order:
                api.push_ok("cmd-sedena", ch)
            found.append([(c["entity_id"], c["fields"]["winner_value"]) for c in api.pull_all("observer")
                          if c["entity"] == "conflict"])
    assert found[0] == found[1] and len(found[0]) == 1


def test_incident_and_entry_roundtrip_with_amendment(api: Api) -> None:
    """Proves entries append to a visible incident and an amendment must point at an entry of it."""
    from sync_helpers import entry

    inc = incident()
    api.push_ok("lia-sedena", inc)
    e1 = entry(inc["entity_id"])
    api.push_ok("lia-sedena", e1)
    amend = entry(inc["entity_id"], "Corrección: dos patrullas", kind="amendment", amends=e1["entity_id"])
    api.push_ok("cmd-sedena", amend)
    stray = entry(incident()["entity_id"])
    assert api.push("lia-sedena", stray)[0]["status"] == "rejected"
    got = next(c for c in api.pull_all("observer") if c["change_id"] == amend["change_id"])
    assert got["fields"]["author"] == "cmd-sedena" and got["fields"]["amends"] == e1["entity_id"]


def test_rejected_change_does_not_sink_its_batch(api: Api) -> None:
    """Proves invariant 4: a rejected change has a reason and the rest of the batch applies."""
    u = unit()
    bad = position(u["entity_id"], lat=91)
    res = api.push("cmd-sedena", u, bad, position(u["entity_id"]))
    assert [r["status"] for r in res] == ["applied", "rejected", "applied"]
    assert "latitude" in res[1]["reason"].lower()
    assert res[1]["code"] == "out_of_range" and res[1]["params"]["field"] == "lat"


def test_me_and_health(api: Api) -> None:
    """Proves /v1/me names the token's user and device and /v1/health needs no token."""
    info = api.login("lia-gn", device="mesa-3")
    r = api.http.get("/v1/me", headers=api.h("lia-gn")).json()
    assert r["user"] == {"username": "lia-gn", "agency": "gn", "role": "liaison", "display_name": None}
    assert r["device_id"] == info["device_id"]
    h = api.http.get("/v1/health").json()
    assert h["status"] == "ok" and h["protocol"] == 1


def test_assignment_entry_with_unit_is_accepted(api: Api) -> None:
    """Proves an assignment entry naming a unit is checked against its incident, not the unit."""
    from sync_helpers import entry

    u, inc = unit(), incident()
    api.push_ok("cmd-sedena", u, inc)
    api.push_ok("lia-sedena", entry(inc["entity_id"], "Asignada", kind="assignment", unit_id=u["entity_id"]))


def test_group_commit_rolls_back_a_failing_push_alone(api: Api, app, monkeypatch, caplog) -> None:  # noqa: ANN001
    """Proves pushes committed as a group are isolated: one that fails leaves the others and seqs dense."""
    import asyncio

    from sync.server import applier, audit, db
    from sync.server.group_commit import GroupCommit

    svc = app.state.services
    auth = api.h("cmd-sedena")["Authorization"]
    real = applier.Batch.apply

    def apply(self, push):  # noqa: ANN001, ANN202
        if any(getattr(d.change.fields, "callsign", None) == "boom" for d in push.items):
            raise RuntimeError("simulated failure")
        return real(self, push)

    monkeypatch.setattr(applier.Batch, "apply", apply)
    writer = GroupCommit(svc.engine, svc.clock, lambda _seq: None)

    def body(callsign: str) -> bytes:
        f = {"callsign": callsign, "agency": "sedena", "kind": "infantry", "status": "available",
             "visibility": "shared"}
        return json.dumps({"changes": [unit(f=f)]}).encode()

    async def run() -> list:
        with db._process_write_lock:  # the writer waits for it: all three queue up meanwhile
            tasks = [asyncio.ensure_future(writer.push(auth, body(c))) for c in ("one", "boom", "three")]
            await asyncio.sleep(0)  # each task runs up to its wait on the writer
        return await asyncio.gather(*tasks, return_exceptions=True)

    try:
        one, boom, three = asyncio.run(run())
    finally:
        writer.close()
    assert "retrying its 3 pushes one by one" in caplog.text  # they shared one transaction
    assert one.accepted == 1 and three.accepted == 1 and isinstance(boom, RuntimeError)
    with svc.engine.connect() as c:
        seqs = [r[0] for r in c.exec_driver_sql("SELECT seq FROM changes ORDER BY seq")]
    assert seqs == list(range(1, len(seqs) + 1))
    assert audit.verify(svc.engine) == []


def test_replay_answers_duplicate_even_if_it_would_now_be_refused(api: Api) -> None:
    """Proves a replay (its answer was lost) gets `duplicate` and its original seq although the
    caller may no longer see the unit: the log is checked before the rules that need state."""
    u = unit(agency="sedena", visibility="shared")
    api.push_ok("cmd-sedena", u)
    p = position(u["entity_id"])
    (seq,) = api.push_ok("lia-gn", p)
    api.push_ok("cmd-sedena", unit(u["entity_id"], f={"visibility": "agency"},
                                   base={"visibility": u["hlc"]}))
    again, fresh = api.push("lia-gn", p, position(u["entity_id"]))
    assert again == {"change_id": p["change_id"], "status": "duplicate", "seq": seq}
    assert fresh["status"] == "rejected" and fresh["code"] == "unknown_record"


def test_a_pull_looks_past_what_the_caller_cannot_see(api: Api) -> None:
    """Proves a page window with nothing visible does not cost the caller a request per
    window: the next visible change comes in the same answer, and nothing visible is skipped."""
    pull_looks_past_what_it_cannot_see(api)


def test_looking_past_stops_at_a_withdrawal_and_at_its_bound(api: Api, monkeypatch) -> None:  # noqa: ANN001
    """Proves the look past hidden rows stops at a withdrawal the caller must get, and
    that past SKIP_ROWS rows it answers an empty page that still moves the cursor."""
    from sync.server import pull

    shared = unit()
    api.push_ok("cmd-sedena", shared)
    cursor = api.end("lia-gn")
    hidden = unit(visibility="agency")
    api.push_ok("cmd-sedena", hidden, *[position(hidden["entity_id"]) for _ in range(30)])
    api.push_ok("cmd-sedena", unit(shared["entity_id"], f={"visibility": "agency"}))
    page = api.pull("lia-gn", cursor, limit=10)
    assert page["changes"] == [] and [w["id"] for w in page["withdrawn"]] == [shared["entity_id"]]
    cursor = page["next"]
    page = api.pull("lia-gn", cursor, limit=10)
    assert page["more"] is False and page["changes"] == []
    cursor = page["next"]

    monkeypatch.setattr(pull, "SKIP_ROWS", 30)
    api.push_ok("cmd-sedena", *[position(hidden["entity_id"]) for _ in range(40)])
    visible = unit()
    (seq,) = api.push_ok("cmd-sedena", visible)
    page = api.pull("lia-gn", cursor, limit=10)
    assert page == {"changes": [], "next": cursor + 30, "more": True}
    got = []
    while page["more"]:
        page = api.pull("lia-gn", page["next"], limit=10)
        got += [c["seq"] for c in page["changes"]]
    assert got == [seq]


def test_laptops_catching_up_share_full_pages_but_not_the_head(api: Api, monkeypatch) -> None:  # noqa: ANN001
    """Proves a full page read for one laptop is served again to another of the same
    audience (one read), never to another audience, and that the page at the head of
    the log is read afresh, so a new commit is seen at once; a revoked token still gets 401."""
    from sync.server import pull

    u = unit()
    api.push_ok("cmd-sedena", u, *[position(u["entity_id"]) for _ in range(30)])
    reads: list[int] = []
    real = pull.pull_page
    monkeypatch.setattr(pull, "pull_page", lambda e, who, after, limit: (
        reads.append(after), real(e, who, after, limit))[1])
    first = api.pull("lia-sedena", 0, limit=10)
    assert first["more"] is True
    other = Api(api.http)
    other.login("lia-sedena", device="second-laptop")
    assert other.pull("lia-sedena", 0, limit=10) == first and reads == [0]
    api.pull("lia-gn", 0, limit=10)  # another agency: its own read
    assert reads == [0, 0]
    head = api.pull("lia-sedena", 0, limit=1000)
    assert head["more"] is False
    (seq,) = api.push_ok("cmd-sedena", position(u["entity_id"]))
    again = api.pull("lia-sedena", 0, limit=1000)
    assert again["changes"][-1]["seq"] == seq  # the head is never served stale
    assert "fieldsync_full_pages_served_again_total 1" in api.http.get("/v1/metrics").text
    token = other.tokens["lia-sedena"]
    assert api.http.post("/v1/auth/logout", headers={"Authorization": f"Bearer {token}"}
                         ).status_code in (200, 204)
    r = api.http.get("/v1/changes", params={"after": 0, "limit": 10},
                     headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401
