"""The web-channel object validates every call from the page (no browser needed)."""

from __future__ import annotations

import json

import pytest

from fieldclient.map.bridge import MapBridge


@pytest.fixture
def bridge(qapp) -> MapBridge:
    return MapBridge()


@pytest.mark.parametrize(
    "method, raw",
    [
        ("contextMenu", '{"lat": 91, "lon": 0}'),
        ("contextMenu", '{"lat": "19", "lon": -99}'),
        ("contextMenu", '{"lat": NaN, "lon": -99}'),
        ("contextMenu", '{"lat": 19, "lon": -99, "x": 1}'),
        ("contextMenu", '[19, -99]'),
        ("cursorMoved", '{"lat": true, "lon": 1}'),
        ("cursorMoved", "not json"),
        ("unitClicked", '{"id": "<img src=x>"}'),
        ("unitClicked", '{"id": 5}'),
        ("unitClicked", json.dumps({"id": "a" * 65})),
        ("unitClicked", json.dumps({"id": "x"}) + " " * 5000),
        ("incidentClicked", '{"id": null}'),
        ("viewChanged", '{"lat": 1, "lon": 2, "zoom": 99, "base": "plain"}'),
        ("viewChanged", '{"lat": 1, "lon": 2, "zoom": 5, "base": "javascript:x"}'),
        ("applied", '{"seq": -1, "units": 0}'),
        ("hello", '{"loads": 0}'),
    ],
)
def test_malformed_calls_are_rejected(bridge: MapBridge, method: str, raw: str) -> None:
    """Wrong types, ranges, extra keys, bad ids and oversize payloads emit nothing."""
    emitted: list[tuple] = []
    for name in ("contextMenu", "cursorMoved", "unitClicked", "incidentClicked", "viewChanged",
                 "applied", "hello"):
        getattr(bridge.events, name).connect(lambda *a: emitted.append(a))
    getattr(bridge, method)(raw)
    assert emitted == []
    assert bridge.rejected == 1


def test_valid_calls_pass_through(bridge: MapBridge) -> None:
    """Well-formed calls reach MapView with parsed, typed values."""
    got: list[tuple] = []
    bridge.events.contextMenu.connect(lambda *a: got.append(("ctx", *a)))
    bridge.events.unitClicked.connect(lambda *a: got.append(("unit", *a)))
    bridge.events.viewChanged.connect(lambda *a: got.append(("view", *a)))
    bridge.contextMenu('{"lat": 19.5, "lon": -99.25}')
    bridge.unitClicked('{"id": "0190a3b4-1111-7000-8000-000000000001"}')
    bridge.viewChanged('{"lat": 19, "lon": -99, "zoom": 7, "base": "mbt-sierra"}')
    assert got == [
        ("ctx", 19.5, -99.25),
        ("unit", "0190a3b4-1111-7000-8000-000000000001"),
        ("view", 19.0, -99.0, 7, "mbt-sierra"),
    ]
    assert bridge.rejected == 0


def test_snapshot_json_is_valid_and_resolves_default_symbols(store, writer) -> None:
    """The SQLite-encoded snapshot parses as JSON, keeps text verbatim and maps default SIDCs."""
    from fieldclient.map.data import snapshot_json

    uid = writer.create_unit({"callsign": 'a"b\\`${x}', "agency": "gn", "kind": "police",
                              "echelon": "company"})
    writer.log_position(uid, 19.123456789, -99.5)
    own = writer.create_unit({"callsign": "OWN", "agency": "gn", "kind": "armor",
                              "sidc": "SFGPUCA----EMX-"})
    writer.log_position(own, 19.0, -99.0)
    writer.create_unit({"callsign": "NOWHERE", "agency": "gn", "kind": "police"})
    body, count = snapshot_json(store)
    doc = json.loads(body)
    assert count == 2 and len(doc["units"]) == 2
    row = next(u for u in doc["units"] if u[0] == uid)
    assert row[1] == 'a"b\\`${x}' and row[2] is None and row[3] == 19.123457
    assert doc["sidcs"]["gn|police|company"].startswith("SFGP")
    assert next(u for u in doc["units"] if u[0] == own)[2] == "SFGPUCA----EMX-"
