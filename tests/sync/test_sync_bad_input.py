"""The issue's bad-input list: each answers 4xx with a clear detail, or a rejected
result inside a push, and changes nothing."""

from __future__ import annotations

import gzip
import json

import pytest
from sync_helpers import Api, hlc, incident, position, unit


def _log(api: Api) -> list[dict]:
    return api.pull_all("observer")


def _post(api: Api, body: bytes, user: str = "cmd-sedena", **hdr: str):  # noqa: ANN202
    return api.http.post("/v1/changes", content=body,
                         headers={**api.h(user), "Content-Type": "application/json", **hdr})


@pytest.mark.parametrize("body", [b"{", b"not json", b"", b'{"changes": [}', "\u00e9".encode("latin-1")])
def test_malformed_json_is_422(api: Api, body: bytes) -> None:
    """Proves malformed JSON answers 422 invalid_request with a readable detail."""
    before = _log(api)
    r = _post(api, body)
    assert r.status_code == 422 and r.json()["code"] == "invalid_request" and r.json()["detail"]
    assert _log(api) == before


@pytest.mark.parametrize("body", [
    {"changes": "x"}, {"changes": None}, [], {"changes": [], "extra": 1}, {"change": []},
])
def test_wrong_shape_is_422(api: Api, body: object) -> None:
    """Proves a body that is not {changes: [...]} answers 422."""
    r = _post(api, json.dumps(body).encode())
    assert r.status_code == 422 and r.json()["code"] == "invalid_request"


def test_wrong_types_inside_a_change_are_rejected(api: Api) -> None:
    """Proves wrong field types are rejected per change with the field named."""
    u = unit()
    api.push_ok("cmd-sedena", u)
    bad = position(u["entity_id"])
    bad["fields"]["lat"] = "twenty"
    bad2 = unit(u["entity_id"], strength="many")
    res = api.push("cmd-sedena", bad, bad2)
    assert [r["status"] for r in res] == ["rejected", "rejected"]
    assert "latitude" in res[0]["reason"].lower() and "strength" in res[1]["reason"].lower()
    assert res[0]["params"]["field"] == "lat" and res[1]["params"]["field"] == "strength"


def test_change_without_usable_change_id_refuses_the_request(api: Api) -> None:
    """Proves an item that cannot be named by a change_id fails the request (422) and applies nothing."""
    u = unit()
    before = _log(api)
    r = _post(api, json.dumps({"changes": [u, {"entity": "unit"}]}).encode())
    assert r.status_code == 422 and "changes[1]" in r.json()["detail"]
    assert _log(api) == before


@pytest.mark.parametrize("entity,op", [("vehicle", "upsert"), ("unit", "delete"), ("position", "upsert"),
                                        ("unit", "append")])
def test_unknown_entity_or_op_is_rejected(api: Api, entity: str, op: str) -> None:
    """Proves an unknown entity, unknown op or wrong op for the entity is rejected."""
    c = unit()
    c["entity"], c["op"] = entity, op
    (r,) = api.push("cmd-sedena", c)
    assert r["status"] == "rejected" and r["reason"]


@pytest.mark.parametrize("lat,lon,word", [(91, 0, "latitude"), (0, 181, "longitude"),
                                          (-90.0001, 0, "latitude"), (0, -180.5, "longitude")])
def test_out_of_range_coordinates_are_rejected(api: Api, lat: float, lon: float, word: str) -> None:
    """Proves latitude 91 / longitude 181 are rejected with the coordinate named."""
    u = unit()
    api.push_ok("cmd-sedena", u)
    (r,) = api.push("cmd-sedena", position(u["entity_id"], lat=lat, lon=lon))
    assert r["status"] == "rejected" and word in r["reason"].lower()


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused(api: Api, literal: str) -> None:
    """Proves NaN/Infinity (not JSON) answer 422 and change nothing."""
    u = unit()
    api.push_ok("cmd-sedena", u)
    before = _log(api)
    body = json.dumps({"changes": [position(u["entity_id"], lat=1.5)]}).replace("1.5", literal)
    r = _post(api, body.encode())
    assert r.status_code == 422 and "malformed JSON" in r.json()["detail"]
    assert _log(api) == before


def test_huge_number_overflowing_to_infinity_is_refused(api: Api) -> None:
    """Proves 1e400 (no JSON parser can hold it as a number) answers 422 and stores nothing."""
    u = unit()
    api.push_ok("cmd-sedena", u)
    before = _log(api)
    body = json.dumps({"changes": [position(u["entity_id"], lat=1.5)]}).replace("1.5", "1e400")
    r = _post(api, body.encode())
    assert r.status_code == 422 and "changes[0]" in r.json()["detail"]
    assert _log(api) == before


def test_one_megabyte_string_is_rejected(api: Api) -> None:
    """Proves a 1 MB text field is rejected (limit 10,000 characters) and nothing is stored."""
    before = _log(api)
    (r,) = api.push("cmd-sedena", unit(f={"callsign": "x" * 1_000_000}))
    assert r["status"] == "rejected" and "callsign" in r["reason"].lower()
    u = unit()
    api.push_ok("cmd-sedena", u)
    (r,) = api.push("cmd-sedena", position(u["entity_id"], note="n" * 1_000_000))
    assert r["status"] == "rejected"
    assert len(_log(api)) == len(before) + 1


@pytest.mark.parametrize("depth", [50, 100_000])
def test_deeply_nested_json_is_refused(api: Api, depth: int) -> None:
    """Proves deep nesting never crashes the server: 422 for the body or a rejected change."""
    nested = "[" * depth + "]" * depth
    body = ('{"changes": [' + json.dumps(unit())[:-1] + ', "x": ' + nested + "}]}").encode()
    r = _post(api, body)
    if r.status_code == 200:
        assert r.json()["results"][0]["status"] == "rejected"
    else:
        assert r.status_code == 422 and r.json()["code"] == "invalid_request"
    r = _post(api, nested.encode())
    assert r.status_code == 422


def test_lone_surrogates_are_refused(api: Api) -> None:
    """Proves text that cannot be stored as UTF-8 (a lone surrogate) answers 422, not 500."""
    body = json.dumps({"changes": [unit(f={"callsign": "x"})]}).replace('"x"', '"\\ud800"')
    assert _post(api, body.encode()).status_code == 422
    r = api.http.post("/v1/auth/login", content=b'{"username": "\\ud800", "password": "p", "device_name": "d"}',
                      headers={"Content-Type": "application/json"})
    assert r.status_code == 422


def test_hlc_more_than_a_day_ahead_is_rejected(api: Api) -> None:
    """Proves a change stamped over 24 h in the future is rejected (it would win every merge)."""
    (r,) = api.push("cmd-sedena", unit(at=hlc(25 * 3600 * 1000, "fast")))
    assert r["status"] == "rejected" and "24 hours" in r["reason"]
    (r,) = api.push("cmd-sedena", unit(at=hlc(23 * 3600 * 1000, "bitfast")))
    assert r["status"] == "applied"


def test_malformed_hlc_and_ids_are_rejected(api: Api) -> None:
    """Proves bad HLC strings and non-UUID ids are rejected per change."""
    a = unit()
    a["hlc"] = "yesterday"
    b = unit()
    b["entity_id"] = "../../etc/passwd"
    res = api.push("cmd-sedena", a, b)
    assert [r["status"] for r in res] == ["rejected", "rejected"]


def test_gzip_request_body_is_accepted_and_bad_gzip_is_400(api: Api) -> None:
    """Proves gzip request bodies work and a corrupt one answers 400 invalid_request."""
    u = unit()
    r = _post(api, gzip.compress(json.dumps({"changes": [u]}).encode()), **{"Content-Encoding": "gzip"})
    assert r.status_code == 200 and r.json()["results"][0]["status"] == "applied"
    r = _post(api, b"\x1f\x8b garbage", **{"Content-Encoding": "gzip"})
    assert r.status_code == 400 and r.json()["code"] == "invalid_request"
    r = _post(api, b"{}", **{"Content-Encoding": "br"})
    assert r.status_code == 415


def test_pull_parameters_are_validated(api: Api) -> None:
    """Proves bad cursors, limits and waits answer 422 with {code, detail}."""
    h = api.h("lia-gn")
    for params in ({"after": -1}, {"after": "x"}, {"after": 2**63}, {"limit": 0}, {"limit": 10_001},
                   {"wait": 31}, {"wait": "nan"}, {"wait": -1}):
        r = api.http.get("/v1/changes", params=params, headers=h)
        assert r.status_code == 422 and r.json()["code"] == "invalid_request" and r.json()["detail"], params


def test_login_body_errors_are_422(api: Api) -> None:
    """Proves a malformed login body answers 422, never 500."""
    for body in (b"{", b"[]", b'{"username": 1}', b'{"username":"a","password":"b"}'):
        r = api.http.post("/v1/auth/login", content=body, headers={"Content-Type": "application/json"})
        assert r.status_code == 422 and r.json()["code"] == "invalid_request", body


def test_unknown_paths_and_methods_answer_code_and_detail(api: Api) -> None:
    """Proves 404/405 also come as {code, detail}."""
    r = api.http.get("/v1/nope")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    r = api.http.delete("/v1/changes")
    assert r.status_code == 405 and r.json()["code"] == "method_not_allowed"


@pytest.mark.parametrize("when,word", [("9999-12-31T00:00:00Z", "future"),
                                       ("1999-12-31T23:59:59Z", "before")])
def test_event_times_outside_the_window_are_rejected(api: Api, when: str, word: str) -> None:
    """Proves a position observed in 9999 (or before 2000) is rejected with a reason (issue 10 item 2)."""
    u = unit()
    api.push_ok("cmd-sedena", u)
    before = _log(api)
    (r,) = api.push("cmd-sedena", position(u["entity_id"], observed_at=when))
    assert r["status"] == "rejected" and word in r["reason"] and "Observed at" in r["reason"]
    assert r["code"] == ("time_future" if word == "future" else "time_too_old")
    (r,) = api.push("cmd-sedena", incident(f={**incident()["fields"], "occurred_at": when}))
    assert r["status"] == "rejected" and word in r["reason"]
    assert _log(api) == before


def test_trailing_data_after_the_gzip_stream_is_400(api: Api) -> None:
    """Proves bytes after the end of a gzip body (not another gzip member) are refused,
    not silently dropped."""
    u = unit()
    good = gzip.compress(json.dumps({"changes": [u]}).encode())
    for tail in (b"garbage!", b"\x00" * 16, b"x"):
        r = _post(api, good + tail, **{"Content-Encoding": "gzip"})
        assert r.status_code == 400 and r.json()["code"] == "invalid_request", tail
    assert u["entity_id"] not in {c["entity_id"] for c in _log(api)}


def test_options_names_every_method_of_the_path(api: Api) -> None:
    """Proves OPTIONS on /v1/changes answers 405 with Allow naming GET and POST."""
    r = api.http.options("/v1/changes")
    allowed = {m.strip() for m in r.headers.get("allow", "").split(",")}
    assert r.status_code == 405 and {"GET", "POST"} <= allowed, r.headers


def test_entry_created_in_the_far_future_is_rejected(api: Api) -> None:
    """Proves an incident entry stamped 9999 is rejected like a position (issue 10 item 2)."""
    from sync_helpers import entry

    inc = incident()
    api.push_ok("cmd-sedena", inc)
    (r,) = api.push("cmd-sedena", entry(inc["entity_id"], created_at="9999-12-31T00:00:00Z"))
    assert r["status"] == "rejected" and r["code"] == "time_future"
