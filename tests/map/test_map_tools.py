"""The map tools in a real offscreen QtWebEngine: MGRS grid, centre crosshair, range and
bearing, metric scale (issue 15, item 5)."""

from __future__ import annotations

import json
import re

import pytest
from geographiclib.geodesic import Geodesic

from fieldclient.core import coords
from fieldclient.ui import geo

ZOCALO = (19.4326, -99.1332)  # Mexico City, Plaza de la Constitución
GDL_CATHEDRAL = (20.6767, -103.3475)  # Guadalajara


def grid(js, view) -> dict:
    return json.loads(js(view, "JSON.stringify(EnlaceGrid.stats())"))


def measure(js, view) -> dict:
    return json.loads(js(view, "JSON.stringify(EnlaceMeasure.state())"))


def set_view(js, view, lat: float, lon: float, zoom: int) -> None:
    js(view, f"EnlaceMap.map().setView([{lat}, {lon}], {zoom}, {{animate: false}}); 1")


def settled_grid(qtbot, js, view, zoom: int) -> dict:
    set_view(js, view, *ZOCALO, zoom)
    qtbot.waitUntil(lambda: (lambda g: not g["pending"] and g["lines"] > 0)(grid(js, view)),
                    timeout=10_000)
    return grid(js, view)


def test_geodesy_module_agrees_with_the_python_mgrs(make_view, units, js) -> None:
    """The page's geodesy module loads (as an ES module from enlace://) and writes the same
    MGRS reference as fieldclient.core.coords for places across Mexico (1 m at most apart:
    both truncate, the last metre can differ where the two libraries' projections do)."""
    view = make_view()
    assert js(view, "EnlaceMap.stats().geo") is True
    points = [ZOCALO, GDL_CATHEDRAL, (25.6866, -100.3161), (16.8634, -99.8901),
              (32.5, -117.0), (14.9, -92.3), (21.16, -86.85), (27.48, -109.93)]
    page = json.loads(js(view, "JSON.stringify(" + json.dumps(points) + ".map(function (p) {"
                               " return EnlaceGeo.mgrs(p[0], p[1]); }))"))
    for (lat, lon), ref in zip(points, page, strict=True):
        py = coords.format_mgrs(lat, lon)
        assert ref[:9] == py[:9], (ref, py)  # zone, band, square
        a = [int(x) for x in ref.split()[2:]]
        b = [int(x) for x in py.split()[2:]]
        assert abs(a[0] - b[0]) <= 1 and abs(a[1] - b[1]) <= 1, (ref, py)


def test_grid_is_drawn_and_its_labels_follow_the_zoom(make_view, units, js, qtbot) -> None:
    """With the grid on: grid zones ("14Q") when the country is in view, 100 km squares
    ("MG") at state scale, 10 km and 1 km lines labelled with their two digits when zoomed
    in; each level draws lines, and off removes them."""
    view = make_view()
    view.set_grid(True)
    levels = {}
    for zoom in (5, 7, 10, 13):
        levels[zoom] = settled_grid(qtbot, js, view, zoom)
    assert levels[5]["level"] == "gzd" and "14Q" in levels[5]["labels"]
    assert levels[7]["level"] == 100000
    assert any(re.fullmatch(r"(14Q )?MG", t) for t in levels[7]["labels"]), levels[7]["labels"]
    assert levels[10]["level"] == 10000 and levels[13]["level"] == 1000
    for zoom in (10, 13):
        digits = [t for t in levels[zoom]["labels"] if re.fullmatch(r"\d\d", t)]
        assert len(digits) >= 4, levels[zoom]["labels"]
        assert "14Q MG" in levels[zoom]["labels"]  # the square in view is named
    assert all(t.endswith("0") for t in levels[10]["labels"] if re.fullmatch(r"\d\d", t))
    assert {tuple(sorted(g["labels"])) for g in levels.values()}.__len__() == 4
    assert js(view, "document.querySelectorAll('.leaflet-enlGrid-pane path').length") > 0
    view.set_grid(False)
    qtbot.waitUntil(lambda: grid(js, view)["lines"] == 0, timeout=10_000)
    assert js(view, "document.querySelectorAll('.enl-grid-label').length") == 0


EASTING_LABELS = """JSON.stringify((function () {
  var map = EnlaceMap.map(), root = map.getContainer().getBoundingClientRect();
  return Array.from(document.querySelectorAll('.enl-grid-label.enl-grid-e')).map(function (e) {
    var r = e.getBoundingClientRect();
    var ll = map.containerPointToLatLng([r.left - root.left - 3, r.top - root.top]).wrap();
    return [e.textContent, ll.lat, ll.lng];
  });
})())"""


@pytest.mark.parametrize("zoom, step", [(13, 1000), (10, 10000)])
def test_grid_lines_lie_on_the_mgrs_lines_of_the_python_library(make_view, units, js, qtbot,
                                                                 zoom, step) -> None:
    """Every easting label sits on its line, and fieldclient.core.coords (the mgrs C library,
    independent of the page's geodesy) puts that point on the easting the label names: the
    grid is in the right place, not just drawn."""
    view = make_view()
    view.set_grid(True)
    settled_grid(qtbot, js, view, zoom)
    labels = json.loads(js(view, EASTING_LABELS))
    assert len(labels) >= 4
    metres_per_px = 156543.03 * 0.943 / 2**zoom
    for text, lat, lon in labels:
        easting = int(coords.format_mgrs(lat, lon).split()[2])  # metres into the square
        nearest = round(easting / step) * step
        assert abs(easting - nearest) <= 2 * metres_per_px + 1, (text, easting)
        assert text == f"{(nearest % 100000) // 1000:02d}", (text, easting)


def test_crosshair_shows_the_centre_in_the_chosen_format(make_view, units, js, qtbot) -> None:
    """The centre readout gives the map centre as "Copy coordinates" writes it, in DD, DMS
    (O for west in Spanish) and MGRS, and follows the map as it moves."""
    view = make_view()
    view.set_crosshair(True)
    set_view(js, view, 19.43261, -99.13321, 12)
    text = lambda: js(view, "EnlaceGrid.stats().crosshair")  # noqa: E731
    qtbot.waitUntil(lambda: text() == coords.format_dd(19.43261, -99.13321), timeout=10_000)
    assert js(view, "getComputedStyle(document.querySelector('.enl-crosshair')).display") != "none"
    view.set_coord_format("dms")
    qtbot.waitUntil(lambda: text() == coords.format_dms(19.43261, -99.13321), timeout=10_000)
    view.tools.set(west="O")
    qtbot.waitUntil(lambda: text() == coords.format_dms(19.43261, -99.13321, lang="es"),
                    timeout=10_000)
    view.set_coord_format("mgrs")
    qtbot.waitUntil(lambda: text() == geo.format_latlon(19.43261, -99.13321, "mgrs"),
                    timeout=10_000)
    set_view(js, view, 20.6767, -103.3475, 12)
    qtbot.waitUntil(lambda: text().startswith("13Q"), timeout=10_000)
    view.set_crosshair(False)
    qtbot.waitUntil(lambda: js(view, "document.querySelector('.enl-centre') === null"),
                    timeout=10_000)


CLICK = "EnlaceMap.map().fire('click', {latlng: L.latLng(%f, %f)}); 1"


def test_measure_gives_distance_and_bearing_of_two_known_points(make_view, units, js, qtbot) -> None:
    """Mexico City's Zócalo to Guadalajara's cathedral: the distance is within 0.5% (in fact
    a metre) of the WGS84 geodesic that GeographicLib computes independently, the bearing
    within 0.05 degrees; the label shows kilometres and mils, nothing imperial."""
    view = make_view()
    view.set_measuring(True)
    qtbot.waitUntil(lambda: measure(js, view)["on"], timeout=10_000)
    js(view, CLICK % ZOCALO)
    js(view, CLICK % GDL_CATHEDRAL)
    qtbot.waitUntil(lambda: measure(js, view)["distance"] is not None, timeout=10_000)
    got = measure(js, view)
    ref = Geodesic.WGS84.Inverse(*ZOCALO, *GDL_CATHEDRAL)
    assert got["distance"] == pytest.approx(ref["s12"], rel=0.005)
    assert abs(got["distance"] - ref["s12"]) < 1.0
    assert abs(got["bearing"] - ref["azi1"] % 360) < 0.05
    assert re.search(r"\d+\.\d km", got["text"]) and "mils" in got["text"]
    assert not re.search(r"\b(mi|ft|yd|nm)\b", got["text"])
    assert "%05.1f°" % (ref["azi1"] % 360) in got["text"]
    js(view, "document.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape'})); 1")
    qtbot.waitUntil(lambda: measure(js, view)["a"] is None, timeout=10_000)
    view.set_measuring(False)
    qtbot.waitUntil(lambda: not measure(js, view)["on"], timeout=10_000)


def test_measure_from_a_unit_follows_the_unit(make_view, units, writer, js, qtbot, applied) -> None:
    """In measuring mode a click on a unit's symbol starts the line at the unit (no selection
    happens), and when the unit reports a new position the line and its distance follow."""
    view = make_view()
    view.set_measuring(True)
    show = (f"EnlaceMap.map().setView([19.8, -103.0], 13, {{animate: false}}), "
            f"EnlaceMap.unit('{units[2]}').shown")
    qtbot.waitUntil(lambda: js(view, show), timeout=10_000)
    selected = []
    view.unitSelected.connect(selected.append)
    assert js(view, f"EnlaceMap.click('{units[2]}')")
    js(view, CLICK % (19.9, -103.0))
    qtbot.waitUntil(lambda: measure(js, view)["distance"] is not None, timeout=10_000)
    first = measure(js, view)
    assert first["a"]["unit"] == units[2] and first["a"]["lat"] == pytest.approx(19.8)
    assert first["distance"] == pytest.approx(Geodesic.WGS84.Inverse(19.8, -103.0, 19.9, -103.0)["s12"],
                                              abs=1)
    assert selected == []
    with applied(view):
        writer.log_position(units[2], 19.85, -103.0)
    qtbot.waitUntil(lambda: measure(js, view)["a"]["lat"] == pytest.approx(19.85), timeout=10_000)
    qtbot.waitUntil(lambda: measure(js, view)["distance"] < first["distance"] * 0.6, timeout=10_000)


def test_scale_is_metric_only(make_view, units, js) -> None:
    """The scale bar has one line, in metres or kilometres (it showed miles and feet too)."""
    view = make_view()
    lines = json.loads(js(view, "JSON.stringify(Array.from(document.querySelectorAll("
                                "'.leaflet-control-scale-line')).map(function (e) {"
                                " return e.textContent; }))"))
    assert len(lines) == 1 and re.fullmatch(r"\d+ k?m", lines[0]), lines


def test_geonames_attribution_is_on_the_map(make_view, units, js) -> None:
    """The map's attribution line credits GeoNames (CC BY 4.0), whose names "go to" uses."""
    view = make_view()
    text = js(view, "document.querySelector('.leaflet-control-attribution').textContent")
    assert "GeoNames" in text and "CC BY 4.0" in text
