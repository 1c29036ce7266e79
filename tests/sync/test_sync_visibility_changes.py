"""When who may see a record changes, the server says so in pull pages (protocol
revision 3): a withdrawal to those who lost sight, a reveal with the record's count of
positions to those who gained it, and the record's history on request; nothing of the
kind reaches observers or shows up as a change for older clients."""

from __future__ import annotations

from sync_helpers import entry, incident, position, unit

from sync.protocol import PROTOCOL_REVISION


def _page(api, who, after=0):  # type: ignore[no-untyped-def]
    return api.pull(who, after)


def test_turning_agency_only_withdraws_it_from_others_and_turning_shared_reveals_it(api):  # type: ignore[no-untyped-def]
    """Proves a unit turned agency-only appears as a withdrawal in other agencies' pulls
    (not in its own agency's, not for observers, and never among the changes), and turned
    shared again as a reveal carrying how many positions it has."""
    u = unit()
    uid = u["entity_id"]
    api.push_ok("cmd-sedena", u, position(uid), position(uid, lat=20.7))
    first = _page(api, "lia-gn")
    mark = first["next"]
    assert [c["entity"] for c in first["changes"]][-3:] == ["unit", "position", "position"]
    api.push_ok("cmd-sedena", unit(uid, f={"visibility": "agency"}))
    gn = _page(api, "lia-gn", mark)
    assert gn["changes"] == []
    assert [(w["entity"], w["id"]) for w in gn["withdrawn"]] == [("unit", uid)]
    assert "withdrawn" not in _page(api, "lia-sedena", mark)  # its own agency still sees it
    assert "withdrawn" not in _page(api, "observer", mark)
    api.push_ok("cmd-sedena", position(uid, lat=20.8))  # logged while hidden
    mark2 = _page(api, "lia-gn")["next"]
    api.push_ok("cmd-sedena", unit(uid, f={"visibility": "shared"}))
    gn = _page(api, "lia-gn", mark2)
    assert [(r["entity"], r["id"], r["count"]) for r in gn["revealed"]] == [("unit", uid, 3)]
    assert "unit" in {c["entity"] for c in gn["changes"]}  # the fields, re-sent
    assert "revealed" not in _page(api, "observer", mark2)
    # the whole log, read again by someone who can see it now: plain changes only
    every = api.pull_all("lia-gn")
    assert {c["entity"] for c in every} >= {"unit", "position"}
    assert not {c["entity"] for c in every} - {"agency", "unit", "position", "conflict"}


def test_history_of_a_revealed_record_only_for_those_who_may_see_it(api, client):  # type: ignore[no-untyped-def]
    """Proves `GET /v1/changes?scope=ID&before=SEQ` returns the incident's changes and entries
    up to that seq for a caller who may see it, and nothing for one who may not."""
    inc = incident(visibility="agency")
    iid = inc["entity_id"]
    seqs = api.push_ok("cmd-sedena", inc, entry(iid), entry(iid, body="Segunda"))

    def history(who: str) -> dict:  # type: ignore[type-arg]
        r = client.get("/v1/changes", params={"scope": iid, "after": 0, "before": seqs[-1]},
                       headers=api.h(who))
        assert r.status_code == 200, r.text
        return r.json()

    assert history("lia-gn")["changes"] == []  # agency-only: as if it did not exist
    own = history("lia-sedena")["changes"]
    assert [c["entity"] for c in own] == ["incident", "incident_entry", "incident_entry"]
    r = client.get("/v1/changes", params={"scope": "", "before": 1}, headers=api.h("lia-gn"))
    assert r.status_code == 422


def test_every_answer_carries_the_server_time_and_health_the_minimum_client(client, api):  # type: ignore[no-untyped-def]
    """Proves every answer (success or error) carries X-Server-Time, and health the
    revision and the oldest client revision the server serves."""
    from datetime import UTC, datetime

    for r in (client.get("/v1/health"), client.get("/v1/me"),
              client.get("/v1/me", headers=api.h("lia-gn"))):
        when = datetime.fromisoformat(r.headers["x-server-time"].replace("Z", "+00:00"))
        assert abs((when - datetime.now(UTC)).total_seconds()) < 60
    body = client.get("/v1/health").json()
    assert body["revision"] == PROTOCOL_REVISION and body["min_client_revision"] == 1
