"""What the server puts on the wire is exactly what sync.protocol declares: push
answers, pull pages and every other body decode as their msgspec types, and the
server's phase 1 agrees with the descriptive path on generated input."""

from __future__ import annotations

import json
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sync_helpers import Api, entry, hlc, incident, position, unit

from sync.protocol import Problem, codec, envelope
from sync.protocol.rules import Actor
from sync.server import push

LIAISON = Actor("lia-gn", "liaison", "gn")


def _strict(body: bytes, typ: Any) -> Any:
    """Decode with the declared type; unknown keys are refused too (what we send is declared)."""
    return msgspec.json.decode(body, type=typ, strict=True)


def test_push_answers_decode_as_the_declared_push_response(api: Api) -> None:
    """Proves applied, duplicate and rejected results are bytes of envelope.PushResponse."""
    u = unit()
    bad = position(u["entity_id"], lat=91)
    r = api.http.post("/v1/changes", json={"changes": [u, u, bad]}, headers=api.h("cmd-sedena"))
    resp = _strict(r.content, envelope.PushResponse)
    applied, dup, rejected = resp.results
    assert (applied.status, dup.status, rejected.status) == ("applied", "duplicate", "rejected")
    assert applied.seq == dup.seq and applied.reason is None and applied.code is None
    assert rejected.code == "out_of_range" and rejected.params["field"] == "lat" and rejected.reason
    assert codec.decode_push_response(r.content) == resp


def test_pull_pages_decode_as_the_declared_pull_response(api: Api) -> None:
    """Proves a page holding every kind of record the server writes is an envelope.PullResponse
    that the client codec takes whole (nothing held back)."""
    u = unit()
    inc = incident()
    api.push_ok("cmd-sedena", u, position(u["entity_id"]), inc, entry(inc["entity_id"]))
    api.push_ok("cmd-sedena", unit(u["entity_id"], notes="a", base={"notes": u["hlc"]}, at=hlc(10, "a")),
                unit(u["entity_id"], notes="b", base={"notes": u["hlc"]}, at=hlc(20, "b")))
    r = api.http.get("/v1/changes", params={"limit": 100}, headers=api.h("observer"))
    page = _strict(r.content, envelope.PullResponse)
    kinds = {type(c).__struct_config__.tag for c in page.changes}
    assert kinds == {"agency", "unit", "position", "incident", "incident_entry", "conflict"}
    decoded = codec.decode_pull(r.content)
    assert not decoded.held and len(decoded.changes) == len(page.changes)


def test_other_bodies_decode_as_their_declared_types(api: Api) -> None:
    """Proves login, me, health and error bodies are the msgspec types of sync.protocol.envelope,
    and health/me carry the protocol revision and the entities the server knows."""
    r = api.http.post("/v1/auth/login", json={"username": "lia-gn", "password": "correct horse battery",
                                              "device_name": "d"})
    login = _strict(r.content, envelope.LoginResponse)
    h = {"Authorization": f"Bearer {login.token}"}
    me = _strict(api.http.get("/v1/me", headers=h).content, envelope.MeResponse)
    health = _strict(api.http.get("/v1/health").content, envelope.HealthResponse)
    info = envelope.protocol_info()
    for body in (me, health):
        assert (body.revision, body.min_client_revision, body.entities) == (
            info.revision, info.min_client_revision, info.entities)
    assert "position" in health.entities and health.protocol == 1
    err = api.http.get("/v1/changes", params={"after": -1}, headers=h)
    assert _strict(err.content, envelope.ErrorBody).code == "invalid_request"


def test_login_answer_keeps_the_keys_older_clients_validate() -> None:
    """Proves the login answer adds no key: clients on main validate it with extra keys forbidden."""
    names = set(envelope.LoginResponse.__struct_fields__)
    assert names == {"token", "device_id", "user"}
    assert set(envelope.UserInfo.__struct_fields__) == {"username", "agency", "role", "display_name"}


_UUIDS = st.uuids().map(str)
_NUM = st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.integers(-200, 200),
                 st.booleans(), st.text(max_size=3), st.none())
_TIMES = st.sampled_from(["2026-02-30T10:00:00Z", "2026-11-29T17:00:00.5Z", "2026-11-29T17:00:00Z",
                          "2026-11-29T17:00:00", "2026-11-29T17:00:00+02:00", "9999-12-31T00:00:00Z",
                          "1999-01-01T00:00:00Z", "2026-11-29T17:00:00.123456Z", "yesterday"])


@st.composite
def _positions(draw: st.DrawFn) -> dict[str, Any]:
    f: dict[str, Any] = {"unit_id": draw(st.one_of(_UUIDS, st.just("not-a-uuid"))),
                         "lat": draw(st.one_of(st.floats(-91, 91), _NUM)),
                         "lon": draw(st.one_of(st.floats(-181, 181), _NUM)),
                         "observed_at": draw(_TIMES)}
    for name, values in (("accuracy_m", st.one_of(st.floats(-1, 2e6), _NUM)),
                         ("source", st.sampled_from(["gps", "manual", "relay", "psychic"])),
                         ("note", st.one_of(st.text(max_size=20), st.integers())),
                         ("reported_by", st.text(max_size=5))):
        if draw(st.booleans()):
            f[name] = draw(values)
    item: dict[str, Any] = {"change_id": draw(_UUIDS), "entity": "position", "entity_id": draw(_UUIDS),
                            "op": "append", "fields": f,
                            "hlc": draw(st.sampled_from(["1764400000000-0001-n1", "bad-hlc"]))}
    if draw(st.booleans()):
        item["base"] = draw(st.sampled_from([{}, {"lat": "1764400000000-0001-n1"}]))
    return item


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_positions())
def test_server_phase_one_agrees_with_the_descriptive_path(item: dict[str, Any]) -> None:
    """Proves the server's batch decode accepts a change exactly when the descriptive path and
    the time window do, and the stored document decodes back to the same change."""
    (got,) = push.prepare(json.dumps({"changes": [item]}).encode(), LIAISON)
    try:
        entity, fields = codec.check_change(item)
        from datetime import UTC, datetime

        entity.check_times(fields, datetime.now(UTC))
        ok = True
    except Problem:
        ok = False
    assert isinstance(got, codec.Decoded) == ok, (item, got)
    if isinstance(got, codec.Decoded):
        assert got.fields() == {**fields, "reported_by": got.fields()["reported_by"]}
        doc = codec.pulled_doc(got.change, 7, codec.stamps("lia-gn", None, "2026-11-29T17:00:00Z"))
        back = push.stored_change(doc.decode())
        assert back.seq == 7 and push.same_change(back, got.change)
    else:
        assert got.status == "rejected" and got.code and got.reason


def test_typical_pushes_take_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Proves what clients normally send is decoded in one typed pass (so the fast path is real)."""
    def slow(_raw: bytes) -> Any:
        raise AssertionError("took the descriptive path")

    monkeypatch.setattr(codec, "_decode_push_slowly", slow)
    u = unit()
    items = [u, incident(), entry(u["entity_id"])]
    items += [position(u["entity_id"], observed_at=t) for t in (
        "2026-11-29T17:00:00Z", "2026-11-29T17:00:00.123Z", "2026-11-29T17:00:00.123456Z")]
    out = push.prepare(json.dumps({"changes": items}).encode(), Actor("c", "commander", "sedena"))
    assert all(isinstance(d, codec.Decoded) for d in out), out
