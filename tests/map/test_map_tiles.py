"""Map packages from GDAL, rio mbtiles and mb-util in the real map (offscreen QtWebEngine).

Each package is imported through the command line into the store's data folder,
then drawn by a live MapView; colours are read from a grab of the widget at the
screen position of known coordinates (issue 17).
"""

from __future__ import annotations

import json
import re
import shutil
import threading
from pathlib import Path

import pytest

from fieldclient import cli
from fieldclient.map.mbtiles import TileSource, layer_key, validate
from fieldclient.map.scheme import map_profile
from fieldclient.map.widget import MapView
from tests.map.packages import COLOURS, LAND, MID_LAT, MID_LON, SEA, point

TILE_URL = re.compile(r"/tiles/(mbt-[a-z0-9-]+)/[a-z0-9]+/(\d+)/(\d+)/(\d+)$")


def install(store, package: Path) -> str:
    assert cli.main(["--data-dir", str(store.data_dir), "maps", "import", str(package)]) == 0
    return layer_key(package)


def tiles(js, view) -> dict:
    return json.loads(js(view, "JSON.stringify(EnlaceTiles.stats())"))


def requested(start: int, key: str) -> list[tuple[int, int, int]]:
    """Tiles of `key` the page asked the scheme for since served[start]."""
    _, handler, _ = map_profile()
    out = []
    for url in handler.served[start:]:
        m = TILE_URL.search(url)
        if m and m.group(1) == key:
            out.append((int(m.group(2)), int(m.group(3)), int(m.group(4))))
    return out


def served_count() -> int:
    return len(map_profile()[1].served)


def goto(js, view, lat: float, lon: float, zoom: int) -> None:
    js(view, f"EnlaceMap.map().setView([{lat}, {lon}], {zoom}, {{animate: false}}); 1")


def settle(qtbot, js, view) -> dict:
    """Wait until the package layer has loaded every tile it asked for."""
    qtbot.waitUntil(lambda: not tiles(js, view)["loading"], timeout=20_000)
    return tiles(js, view)


def colour_at(js, view, lat: float, lon: float) -> tuple[int, int, int]:
    p = json.loads(js(view, f"JSON.stringify(EnlaceMap.map().latLngToContainerPoint([{lat}, {lon}]))"))
    img = view.grab().toImage()
    c = img.pixelColor(int(p["x"]), int(p["y"]))
    return c.red(), c.green(), c.blue()


def near(a: tuple[int, int, int], b: tuple[int, int, int], tol: int = 30) -> bool:
    return all(abs(x - y) <= tol for x, y in zip(a, b, strict=True))


def wait_colour(qtbot, js, view, lat: float, lon: float, rgb: tuple[int, int, int]) -> None:
    seen: list = []

    def check() -> bool:
        seen.append(colour_at(js, view, lat, lon))
        return near(seen[-1], rgb)

    try:
        qtbot.waitUntil(check, timeout=15_000)
    except Exception:
        raise AssertionError(f"colour at {lat},{lon} is {seen[-1]}, expected {rgb}") from None


@pytest.mark.parametrize("kind", ["gdal", "rio_jpeg", "rio_webp", "mbutil"])
def test_packages_draw_their_colours_in_the_right_place(kind, gis_packages, store, make_view, js,
                                                        qtbot) -> None:
    """Each tool's package (PNG, JPEG, WebP; with and without metadata) draws each quadrant's
    colour at its coordinates: right place, no north-south flip."""
    key = install(store, gis_packages[kind])
    view = make_view()
    view.restore_view_state({"lat": MID_LAT, "lon": MID_LON, "zoom": 14, "base": key})
    for quadrant in ("nw", "se", "sw"):
        lat, lon = point(quadrant)
        goto(js, view, lat, lon, 14)
        settle(qtbot, js, view)
        wait_colour(qtbot, js, view, lat, lon, COLOURS[quadrant])


def test_zoom_out_over_a_package_without_overviews_stays_bounded(gis_packages, store, make_view,
                                                                 js, qtbot) -> None:
    """Zooming out step by step from 14 to 5 over a GDAL package with zoom 14 only asks for at
    most 200 tiles, all inside the package; below zoom 13 none, with a notice and the coverage."""
    key = install(store, gis_packages["gdal"])
    extent = validate(store.data_dir / "maps" / "gdl-gdal.mbtiles").extents[14]
    view = make_view()
    view.restore_view_state({"lat": MID_LAT, "lon": MID_LON, "zoom": 14, "base": key})
    qtbot.waitUntil(lambda: tiles(js, view)["base"] == key, timeout=10_000)
    start, before = served_count(), tiles(js, view)["requests"].get(key, 0)
    goto(js, view, MID_LAT, MID_LON, 14)
    for zoom in range(14, 4, -1):
        js(view, f"EnlaceMap.map().setZoom({zoom}, {{animate: false}}); 1")
        state = settle(qtbot, js, view)
        if zoom < 13:
            assert state["notice"] == "zoom" and state["coverage"]
    asked = requested(start, key)
    assert 0 < len(asked) <= 200
    assert {z for z, _, _ in asked} == {14}
    x0, y0, x1, y1 = extent
    assert all(x0 <= x <= x1 and y0 <= y <= y1 for _, x, y in asked)
    # The page's own count (tiles it started, some aborted before reaching the scheme).
    assert len(asked) <= tiles(js, view)["requests"][key] - before <= 200


def test_restored_view_far_out_asks_for_no_tiles(gis_packages, store, events, js, qtbot) -> None:
    """A view saved at zoom 5 with a zoom-14-only package as the base (the freeze that came
    back at every start) opens with no tile request and says to zoom in, twice in a row."""
    key = install(store, gis_packages["gdal"])
    for _ in range(2):  # a start, and the start after it
        start = served_count()
        # As the window does at start: the saved view is handed over before the page is up.
        view = MapView(store, events)
        qtbot.addWidget(view)
        view.restore_view_state({"lat": 23.6, "lon": -102.5, "zoom": 5, "base": key})
        view.resize(800, 600)
        with qtbot.waitSignal(view.ready, timeout=30_000):
            view.show()
        qtbot.waitUntil(lambda view=view: tiles(js, view)["notice"] == "zoom", timeout=10_000)
        state = tiles(js, view)
        assert state["base"] == key and state["tileZoom"] is None
        assert requested(start, key) == [] and state["requests"].get(key, 0) == 0
        assert "from zoom 13" in state["noticeText"]  # its lowest level, at half size
        view.close()


def test_overzoom_past_the_highest_level(gis_packages, store, make_view, js, qtbot) -> None:
    """At zoom 16 a package made up to 14 (rio mbtiles, no zoom range in its metadata) is drawn
    from its zoom 14 tiles, enlarged; nothing above 14 is asked for."""
    key = install(store, gis_packages["rio_jpeg"])
    view = make_view()
    lat, lon = point("ne")
    view.restore_view_state({"lat": lat, "lon": lon, "zoom": 16, "base": key})
    qtbot.waitUntil(lambda: tiles(js, view)["base"] == key, timeout=10_000)
    start = served_count()
    for zoom in (16, 18):
        goto(js, view, lat, lon, zoom)
        state = settle(qtbot, js, view)
        assert state["tileZoom"] == 14 and state["loaded"] > 0
        wait_colour(qtbot, js, view, lat, lon, COLOURS["ne"])
    assert {z for z, _, _ in requested(start, key)} <= {14}


def test_land_outside_the_package_is_land_and_coverage_is_shown(gis_packages, store, make_view,
                                                                js, qtbot) -> None:
    """With a package as the base, land beyond its tiles keeps the outlines' land colour (not
    the sea's), so does the filler of its edge tiles, and the package's coverage is outlined."""
    key = install(store, gis_packages["rio_jpeg"])
    view = make_view()
    view.restore_view_state({"lat": 20.55, "lon": -103.5, "zoom": 11, "base": key})
    qtbot.waitUntil(lambda: tiles(js, view)["base"] == key, timeout=10_000)
    state = settle(qtbot, js, view)
    assert state["coverage"] and state["notice"] is None
    wait_colour(qtbot, js, view, 20.42, -103.7, LAND)  # beyond the package's tiles
    assert not near(colour_at(js, view, 20.42, -103.7), SEA)
    # Inside an edge tile but outside the package's area: JPEG fills it black; land shows.
    wait_colour(qtbot, js, view, 20.50, -103.35, LAND)
    wait_colour(qtbot, js, view, *point("sw"), COLOURS["sw"])
    assert js(view, "document.querySelectorAll('.leaflet-overlay-pane path[stroke-dasharray]')"
                    ".length") == 1


def test_layer_list_follows_the_maps_folder(gis_packages, store, make_view, js, qtbot) -> None:
    """A package copied into maps/ while the map is open appears in the layer switcher, and
    leaves it when deleted; no restart."""
    view = make_view()
    assert view.base_layers() == []
    target = store.data_dir / "maps" / "copied-by-hand.mbtiles"
    with qtbot.waitSignal(view.layersChanged, timeout=10_000):
        shutil.copyfile(gis_packages["rio_webp"], target)
    qtbot.waitUntil(lambda: [la["key"] for la in view.base_layers()] == ["mbt-copied-by-hand"],
                    timeout=10_000)
    names = ("JSON.stringify(Array.from(document.querySelectorAll("
             "'.leaflet-control-layers-base label')).map(function (s) { return s.textContent.trim(); }))")
    qtbot.waitUntil(lambda: "guadalajara.tif" in json.loads(js(view, names)), timeout=10_000)
    target.unlink()
    qtbot.waitUntil(lambda: view.base_layers() == [], timeout=10_000)
    qtbot.waitUntil(lambda: "guadalajara.tif" not in json.loads(js(view, names)), timeout=10_000)


def test_tiles_are_read_off_the_ui_thread(gis_packages, store, make_view, js, qtbot,
                                          monkeypatch) -> None:
    """Every tile read happens on a worker thread; the UI thread only hands the bytes over."""
    key = install(store, gis_packages["gdal"])
    on_ui: list[bool] = []
    read = TileSource.tile

    def spy(self, z: int, x: int, y: int) -> bytes | None:
        on_ui.append(threading.current_thread() is threading.main_thread())
        return read(self, z, x, y)

    monkeypatch.setattr(TileSource, "tile", spy)
    view = make_view()
    view.restore_view_state({"lat": MID_LAT, "lon": MID_LON, "zoom": 14, "base": key})
    qtbot.waitUntil(lambda: tiles(js, view)["loaded"] > 4, timeout=20_000)
    assert on_ui and not any(on_ui)


def test_outlines_only_notice_links_to_import_and_help(store, make_view, js, qtbot) -> None:
    """With no package installed the map says only outlines are available, with links that ask
    the window to import a map and to show where to get one."""
    view = make_view()
    qtbot.waitUntil(lambda: tiles(js, view)["notice"] == "outlines", timeout=10_000)
    assert "no map package is installed" in tiles(js, view)["noticeText"]
    click = "document.querySelectorAll('.enl-tiles-notice .enl-link')[{}].click(); 1"
    with qtbot.waitSignal(view.importRequested, timeout=10_000):
        js(view, click.format(0))
    with qtbot.waitSignal(view.helpRequested, timeout=10_000):
        js(view, click.format(1))
    js(view, click.format(2))  # the close button
    assert tiles(js, view)["notice"] is None
