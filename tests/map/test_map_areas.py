"""Zones, operation areas and the outside-jurisdiction badge on the real map page (issue
12 items 6 and 7), offscreen QtWebEngine."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from fieldclient.core.timefmt import utcnow
from fieldclient.demo import AGENCIES, load_agencies
from fieldclient.store import zones
from fieldclient.store.models import Operation, Zone
from fieldclient.ui import labels
from tests.map.test_map_view import PAYLOADS


@pytest.fixture(autouse=True)
def agency_names() -> Iterator[None]:
    """Agency names as the main window sets them from the store (restored afterwards)."""
    before = labels.agency_names()
    labels.set_agency_names({slug: name for slug, name, _ in AGENCIES})
    yield
    labels.set_agency_names(before)


def probe(js: Any, view: Any, call: str) -> Any:
    """A page probe's result through JSON (runJavaScript returns '' for some objects)."""
    return json.loads(js(view, f"JSON.stringify({call})"))


def square(lon: float, lat: float, d: float = 0.2) -> list[list[float]]:
    return [[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]


def operation(writer: Any, code: str, lead: str = "sedena", agencies: tuple[str, ...] = (
        "pol-jal",), area: Any = None, status: str = "active") -> str:
    fields = {"code": code, "name": f"Operativo {code}", "lead_agency": lead,
              "agencies": list(agencies), "authority": "military",
              "legal_basis": "request_for_support", "status": status,
              "starts_at": datetime.now(UTC) - timedelta(hours=3)}
    if area is not None:
        fields["area"] = area
    return writer.create_record("operation", fields)  # type: ignore[no-any-return]


def zone(writer: Any, name: str, agency: str, ring: list[list[float]]) -> str:
    return writer.create_record("zone", {  # type: ignore[no-any-return]
        "name": name, "agency": agency, "level": "municipal", "geometry": [[ring]]})


def test_zones_and_operation_areas_are_drawn_named_and_toggled(make_view, store, writer, js,
                                                               qtbot) -> None:
    """Proves each zone is drawn in its agency's colour and named (with the agency and level)
    on hover, each operation area is labelled with code, name, lead agency and authority,
    and both are overlays of the layer switcher that a click turns off and on."""
    load_agencies(store)
    gdl = zone(writer, "Guadalajara", "mun-gdl", square(-103.4, 20.6))
    zap = zone(writer, "Zapopan", "pol-jal", square(-103.6, 20.6))
    op = operation(writer, "OP-JAL-01", area=[square(-103.5, 20.5, 0.5)])
    view = make_view()
    qtbot.waitUntil(lambda: js(view, "EnlaceAreas.stats().zones") == 2, timeout=10_000)
    assert js(view, "EnlaceAreas.stats().ops") == 1
    tip = probe(js, view, f"EnlaceAreas.zoneTip('{gdl}')")
    assert "Guadalajara" in tip["text"] and "Policía Municipal de Guadalajara" in tip["text"]
    assert "Municipal" in tip["text"]
    assert tip["colour"] != probe(js, view, f"EnlaceAreas.zoneTip('{zap}')")["colour"]
    label = probe(js, view, f"EnlaceAreas.opLabel('{op}')")
    assert label["shown"]
    for part in ("OP-JAL-01", "Operativo OP-JAL-01", "SEDENA", "Military"):
        assert part in label["text"], (part, label["text"])
    names = probe(js, view, "Array.from(document.querySelectorAll("
                            "'.leaflet-control-layers-overlays label')).map(l => l.textContent.trim())")
    assert "Jurisdiction zones" in names and "Operation areas" in names
    assert "State boundaries: amCharts" in js(
        view, "document.querySelector('.leaflet-control-attribution').textContent")
    click = ("(Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label'))"
             ".find(l => l.textContent.trim() === '{0}').querySelector('input').click(), "
             "EnlaceAreas.stats())")
    assert probe(js, view, click.format("Jurisdiction zones"))["zonesOn"] is False
    assert probe(js, view, click.format("Operation areas"))["opsOn"] is False
    assert probe(js, view, click.format("Jurisdiction zones"))["zonesOn"] is True


def test_areas_follow_the_operation_selector_and_the_store(make_view, store, writer, js,
                                                           qtbot) -> None:
    """Proves choosing an operation shows its area alone and only its participants' zones,
    choosing none shows every area of an operation not closed, and a zone written while the
    map is open appears without a reload."""
    load_agencies(store)
    zone(writer, "Guadalajara", "mun-gdl", square(-103.4, 20.6))
    zone(writer, "Zapopan", "pol-jal", square(-103.6, 20.6))
    zone(writer, "Región militar", "sedena", square(-104.0, 20.0, 1.0))
    one = operation(writer, "OP-1", agencies=("pol-jal",), area=[square(-103.5, 20.5, 0.5)])
    operation(writer, "OP-2", lead="gn", agencies=("mun-gdl",), area=[square(-100, 19, 0.5)])
    operation(writer, "OP-3", area=[square(-99, 19, 0.5)], status="closed")
    view = make_view()
    qtbot.waitUntil(lambda: probe(js, view, "EnlaceAreas.stats()")["ops"] == 2, timeout=10_000)
    assert js(view, "EnlaceAreas.stats().zones") == 3
    def drawn(zones: int, ops: int) -> Any:  # the page's report of exactly this drawing
        return qtbot.waitSignal(view.overlays.areasShown, timeout=10_000,
                                check_params_cb=lambda z, o: (z, o) == (zones, ops))

    with drawn(2, 1):  # sedena's and pol-jal's zones; OP-1 alone
        view.set_unit_filter(operation=one)
    with drawn(3, 2):
        view.set_unit_filter()
    with drawn(4, 2):
        zone(writer, "Tlaquepaque", "mun-gdl", square(-103.3, 20.4))


def test_hostile_zone_operation_and_agency_names_are_inert(make_view, store, writer, js,
                                                           qtbot) -> None:
    """Proves zone and operation names with markup, template syntax and 10 kB are shown as
    text in the hover box and the area label: no element is created from them and nothing
    runs."""
    load_agencies(store)
    now = datetime.now(UTC)
    with store.transaction() as s:  # straight into the store: the map must not rely on validation
        for i, text in enumerate(PAYLOADS):
            s.add(Zone(id=f"00000000-0000-7000-8000-0000000000b{i}", name=text, agency="sedena",
                       level="municipal", geometry=[[square(-103 + i, 20)]], field_hlcs={}))
            s.add(Operation(id=f"00000000-0000-7000-8000-0000000000c{i}", code=f"OP-{i}",
                            name=text, lead_agency="sedena", agencies=[], authority="military",
                            legal_basis="other", area=[square(-103 + i, 21)], starts_at=now,
                            status="active", field_hlcs={}))
    view = make_view()
    js(view, "window.__calls = []; ['alert','confirm','prompt'].forEach(function (n) {"
             " window[n] = function () { __calls.push(n); }; }); 1")
    qtbot.waitUntil(lambda: js(view, "EnlaceAreas.stats().zones") == len(PAYLOADS),
                    timeout=10_000)
    for i, text in enumerate(PAYLOADS):
        tip = probe(js, view, f"EnlaceAreas.zoneTip('00000000-0000-7000-8000-0000000000b{i}')")
        assert tip["text"].startswith(text[:200]) and tip["children"] == 2  # its own two divs
        label = probe(js, view, f"EnlaceAreas.opLabel('00000000-0000-7000-8000-0000000000c{i}')")
        assert text[:200] in label["text"] and label["elements"] == 2
    assert js(view, "document.querySelectorAll('.enl-op-label img, .enl-op-label script')"
                    ".length") == 0
    assert js(view, "window.__calls.length") == 0


def test_unit_outside_its_jurisdiction_wears_a_warning_badge(make_view, store, writer, js,
                                                             qtbot, applied) -> None:
    """Proves the units store/zones.py flags as outside their jurisdiction (the roster's
    rule, not a copy) get a visible badge and a warning line on hover, the others none, and
    that the badge goes when the flag does."""
    load_agencies(store)
    zone(writer, "Guadalajara", "mun-gdl", square(-103.4, 20.6))
    inside = writer.create_unit({"callsign": "GDL-1", "agency": "mun-gdl", "kind": "police"})
    writer.log_position(inside, 20.7, -103.3)
    stray = writer.create_unit({"callsign": "GDL-2", "agency": "mun-gdl", "kind": "police"})
    writer.log_position(stray, 20.7, -103.0)
    with store.session() as s:
        flagged = zones.outside_jurisdiction(s, zones.tagger(store).index(), utcnow())
    assert flagged == {stray}
    view = make_view()
    view.overlays.set_outside(flagged)
    show = "(EnlaceMap.map().setView([20.7, -103.15], 12, {animate: false}), EnlaceMap.unit('%s'))"
    qtbot.waitUntil(lambda: (probe(js, view, show % stray) or {}).get("badge") is True,
                    timeout=10_000)
    assert probe(js, view, show % inside)["badge"] is False
    assert js(view, "EnlaceMap.stats().outside") == 1
    hover = ("(function () { "
             "var r = document.querySelector('.enl-outside .enl-symbol'); "
             "r.parentNode.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})); "
             "return document.querySelector('.enl-info').textContent; })()")
    assert "Outside jurisdiction" in js(view, hover)
    view.overlays.set_outside(set(), among={stray})
    qtbot.waitUntil(lambda: probe(js, view, show % stray)["badge"] is False, timeout=10_000)


def test_zones_gain_detail_when_zoomed_in(make_view, store, writer, js, qtbot) -> None:
    """Proves the far zooms draw a zone simplified (few vertices for a ~600-vertex wavy
    boundary), and that zooming in past the far zooms replaces it with the zones in view at
    that zoom's detail, and zooming out brings the simplified ones back."""
    import math

    load_agencies(store)
    ring = [[round(-103.3 + 0.1 * math.cos(a) * (1 + 0.02 * math.sin(40 * a)), 6),
             round(20.7 + 0.1 * math.sin(a) * (1 + 0.02 * math.sin(40 * a)), 6)]
            for a in (2 * math.pi * k / 600 for k in range(600))]
    zone(writer, "Guadalajara", "mun-gdl", [*ring, ring[0]])
    zone(writer, "Lejana", "mun-gdl", square(-99.0, 19.0))
    view = make_view()
    qtbot.waitUntil(lambda: probe(js, view, "EnlaceAreas.stats()")["zones"] == 2, timeout=10_000)
    far = probe(js, view, "EnlaceAreas.stats()")
    assert far["detail"] is False and far["vertices"] < 100
    js(view, "EnlaceMap.map().setView([20.7, -103.3], 12, {animate: false}); 1")
    qtbot.waitUntil(lambda: probe(js, view, "EnlaceAreas.stats()")["detail"], timeout=10_000)
    near = probe(js, view, "EnlaceAreas.stats()")
    assert near["zones"] == 1  # only the zone in view
    assert near["vertices"] > 3 * far["vertices"]
    js(view, "EnlaceMap.map().setView([20.7, -103.3], 5, {animate: false}); 1")
    qtbot.waitUntil(lambda: not probe(js, view, "EnlaceAreas.stats()")["detail"], timeout=10_000)
    assert probe(js, view, "EnlaceAreas.stats()")["zones"] == 2
