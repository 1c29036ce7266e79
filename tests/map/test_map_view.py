"""MapView in a real offscreen QtWebEngine: offline load, live updates, selection, safety."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtWebEngineCore import QWebEnginePage

from fieldclient.map.page import MapPage
from fieldclient.map.scheme import map_profile
from fieldclient.store.models import Incident, Unit

PROBE_HOST = "192.0.2.7"  # TEST-NET-1: never routable


def remote_attempts(guard, start: int) -> list[str]:
    """Requests the guard blocked since `start`, except the probe of the guard's own test."""
    return [u for u in guard.blocked[start:] if PROBE_HOST not in u]


def stats(js, view) -> dict:
    return json.loads(js(view, "JSON.stringify(EnlaceMap.stats())"))


def test_page_loads_offline_with_leaflet_and_no_remote_request(make_view, units, js) -> None:
    """The page loads from enlace:// only: Leaflet, clustering and milsymbol are present,
    the guard saw local requests and blocked none, and the console shows no error."""
    _, handler, guard = map_profile()
    start = len(guard.blocked)
    view = make_view()
    assert js(view, "typeof L === 'object' && typeof L.markerClusterGroup === 'function' "
                    "&& typeof ms.Symbol === 'function' && typeof QWebChannel === 'function'")
    assert guard.seen > 0
    assert remote_attempts(guard, start) == []
    assert any(u.endswith("/vendor/leaflet/leaflet.js") for u in handler.served)
    assert [m for lvl, m in view.page().console if lvl >= 2] == []
    assert js(view, "document.querySelectorAll('.leaflet-overlay-pane path').length") > 5


def test_guard_blocks_and_logs_remote_requests(qtbot, qapp) -> None:
    """A remote request made on the map profile is blocked and its URL logged.

    A plain page is used: MapPage refuses the navigation itself, and Chromium's
    local-content rules stop remote subresources of enlace:// documents even earlier."""
    profile, _, guard = map_profile()
    page = QWebEnginePage(profile)
    with qtbot.waitSignal(page.loadFinished, timeout=10_000) as done:
        page.load(QUrl(f"http://{PROBE_HOST}/tiles.png"))
    assert done.args == [False]
    assert any(PROBE_HOST in u for u in guard.blocked)
    page.deleteLater()


def test_units_in_page_equal_units_in_store(make_view, units, writer, store, js) -> None:
    """Every unit with a position is placed once; retired and position-less units are not."""
    writer.create_unit({"callsign": "NOPOS", "agency": "gn", "kind": "police"})
    writer.retire_unit(units[0])
    view = make_view()
    with store.session() as s:
        on_map = s.query(Unit).filter(Unit.pos_lat.isnot(None), Unit.status != "retired").count()
    s = stats(js, view)
    assert s["units"] == s["placed"] == on_map == len(units) - 1 == view.page_units


def test_store_change_moves_marker_without_reload(make_view, units, writer, js, applied) -> None:
    """log_position moves the marker through a delta: same page (probe kept, load count 1),
    same pan and zoom."""
    view = make_view()
    js(view, "window.__probe = 42; EnlaceMap.map().setView([20.5, -101.5], 8, {animate: false}); 1")
    before = js(view, "JSON.stringify([EnlaceMap.map().getCenter(), EnlaceMap.map().getZoom()])")
    with applied(view):
        writer.log_position(units[3], 21.25, -100.75)
    assert js(view, f"EnlaceMap.unit('{units[3]}').lat") == 21.25
    assert js(view, f"EnlaceMap.unit('{units[3]}').lon") == -100.75
    assert js(view, "window.__probe") == 42
    assert stats(js, view)["loads"] == 1 and view._page_loads == 1
    after = js(view, "JSON.stringify([EnlaceMap.map().getCenter(), EnlaceMap.map().getZoom()])")
    assert after == before


def test_new_and_retired_units_follow_the_store(make_view, units, writer, js, applied) -> None:
    """A unit created and positioned appears; a retired one disappears (live, no reload)."""
    view = make_view()
    with applied(view):
        uid = writer.create_unit({"callsign": "NEW-1", "agency": "semar", "kind": "marines"})
        writer.log_position(uid, 18.0, -95.0)
        writer.retire_unit(units[0])
    assert stats(js, view)["units"] == len(units)
    assert js(view, f"EnlaceMap.unit('{uid}') !== null")
    assert js(view, f"EnlaceMap.unit('{units[0]}') === null")


def test_selection_follows_both_ways(make_view, units, js, qtbot) -> None:
    """Clicking a marker emits unitSelected; select_unit() highlights the marker in the page."""
    view = make_view()
    js(view, "EnlaceMap.map().setView([19.8, -103.0], 15, {animate: false}); 1")  # units[2]
    qtbot.waitUntil(lambda: js(view, f"EnlaceMap.unit('{units[2]}').shown"), timeout=10_000)
    with qtbot.waitSignal(view.unitSelected, timeout=10_000) as sig:
        assert js(view, f"EnlaceMap.click('{units[2]}')")
    assert sig.args == [units[2]]
    view.select_unit(units[5])
    qtbot.waitUntil(lambda: stats(js, view)["selected"] == units[5], timeout=10_000)
    qtbot.waitUntil(lambda: js(view, f"EnlaceMap.unit('{units[5]}').selected"), timeout=10_000)
    assert js(view, f"EnlaceMap.unit('{units[2]}').selected") is False


def test_context_menu_actions(make_view, units, js, qtbot) -> None:
    """Right-click offers log position (needs a selection), new incident and copy in 3 formats."""
    view = make_view()
    view.set_coord_format("dms")
    with qtbot.waitSignal(view._bridge.events.contextMenu, timeout=10_000):
        js(view, "EnlaceMap.map().fire('contextmenu', {latlng: L.latLng(19.4326, -99.1332)}); 1")
    menu = view._menu
    log_act = menu.findChild(type(menu.actions()[0]), "map-log-position")
    assert not log_act.isEnabled()  # nothing selected yet
    with qtbot.waitSignal(view.newIncidentRequested) as sig:
        menu.findChild(type(log_act), "map-new-incident").trigger()
    assert sig.args == pytest.approx([19.4326, -99.1332])
    copy = [a for a in menu.findChildren(type(log_act)) if a.objectName().startswith("map-copy-")]
    assert [a.objectName() for a in copy] == ["map-copy-dms", "map-copy-dd", "map-copy-mgrs"]
    copy[2].trigger()
    assert QGuiApplication.clipboard().text().replace(" ", "").startswith("14Q")
    menu.close()
    view.select_unit(units[0])
    with qtbot.waitSignal(view._bridge.events.contextMenu, timeout=10_000):
        js(view, "EnlaceMap.map().fire('contextmenu', {latlng: L.latLng(19.5, -99.5)}); 1")
    assert view._menu is not menu
    act = view._menu.findChild(type(log_act), "map-log-position")
    with qtbot.waitSignal(view.logPositionRequested) as sig:
        act.trigger()
    assert sig.args == pytest.approx([19.5, -99.5])


def test_cursor_moves_are_reported(make_view, units, js, qtbot) -> None:
    """Mouse moves on the map reach cursorMoved with validated coordinates."""
    view = make_view()
    with qtbot.waitSignal(view.cursorMoved, timeout=10_000) as sig:
        js(view, "EnlaceMap.map().fire('mousemove', {latlng: L.latLng(17.25, -92.5)}); 1")
    assert sig.args == pytest.approx([17.25, -92.5])


PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    "${alert(1)}",
    "`",
    "trailing\\",
    "</script><script>alert(2)</script>",
    "A" * 10_000,
]


def test_hostile_text_is_inert(make_view, units, store, writer, js, qtbot, applied) -> None:
    """Callsigns and titles with markup, template syntax, a backtick, a trailing backslash and
    10 kB are shown verbatim as text; nothing executes and the page keeps working."""
    _, handler, guard = map_profile()
    start = len(guard.blocked)
    view = make_view()
    js(view, "window.__calls = []; ['alert','confirm','prompt'].forEach(function (n) {"
             " window[n] = function () { __calls.push(n); }; }); 1")
    now = datetime.now(UTC)
    with store.transaction() as s:  # straight into the store: the map must not rely on validation
        for i, text in enumerate(PAYLOADS):
            s.add(Unit(id=f"00000000-0000-7000-8000-00000000000{i}", callsign=text, agency="x",
                       kind="police", status="available", name=text, pos_lat=25.0 + i,
                       pos_lon=-110.0, pos_observed_at=now, field_hlcs={}))
            s.add(Incident(id=f"00000000-0000-7000-8000-0000000000a{i}", title=text,
                           kind="blockade", severity=4, status="open", lat=25.0 + i, lon=-108.0,
                           occurred_at=now, agency="x", agencies=[], field_hlcs={}))
    with applied(view):
        writer.log_position(units[0], 19.0, -99.0)  # any commit: the delta carries the ids below
        view._on_changes(type("CS", (), {"get": lambda self, e: {
            "unit": {f"00000000-0000-7000-8000-00000000000{i}" for i in range(len(PAYLOADS))},
            "incident": {f"00000000-0000-7000-8000-0000000000a{i}" for i in range(len(PAYLOADS))},
        }.get(e, set())})())
    assert stats(js, view)["incidents"] == len(PAYLOADS)
    for i, text in enumerate(PAYLOADS):
        uid = f"00000000-0000-7000-8000-00000000000{i}"
        # Jump to the unit, zoomed in past clustering; the jump is repeated while polling
        # because the cluster layer ignores moves made during its own zoom animation.
        show = (f"EnlaceMap.map().setView([{25.0 + i}, -110.0], 15, {{animate: false}}), "
                f"EnlaceMap.unit('{uid}').label")
        qtbot.waitUntil(lambda show=show, text=text: js(view, show) == text, timeout=10_000)
        iid = f"00000000-0000-7000-8000-0000000000a{i}"
        assert js(view, f"EnlaceMap.incident('{iid}').label") == text
    assert js(view, "window.__calls.length") == 0
    assert js(view, "document.querySelectorAll('.enl-label img, .enl-label script').length") == 0
    assert not any(u.endswith("/x") for u in handler.served)
    assert remote_attempts(guard, start) == []
    with applied(view):
        writer.log_position(units[1], 20.5, -98.5)  # still live afterwards
    assert js(view, f"EnlaceMap.unit('{units[1]}').lat") == 20.5
    # A fresh page gets the same records through the full snapshot (SQLite-encoded JSON).
    fresh = make_view()
    for i in (0, 3, 5):
        uid = f"00000000-0000-7000-8000-00000000000{i}"
        show = (f"EnlaceMap.map().setView([{25.0 + i}, -110.0], 15, {{animate: false}}), "
                f"EnlaceMap.unit('{uid}').label")
        qtbot.waitUntil(lambda show=show, i=i: js(fresh, show) == PAYLOADS[i], timeout=10_000)
        iid = f"00000000-0000-7000-8000-0000000000a{i}"
        assert js(fresh, f"EnlaceMap.incident('{iid}').label") == PAYLOADS[i]


def test_page_cannot_inject_bad_bridge_calls(make_view, units, js, qtbot) -> None:
    """Malformed calls made from page script are rejected and change nothing; the checks
    run after the last call is processed (calls arrive in order, the last is a hello)."""
    view = make_view()
    seen: list = []
    view.unitSelected.connect(seen.append)
    view.cursorMoved.connect(lambda *a: seen.append(a))
    before = view._bridge.rejected
    with qtbot.waitSignal(view._bridge.events.hello, timeout=10_000):
        js(view, """(function () { new QWebChannel(qt.webChannelTransport, function (c) {
            var e = c.objects.enlace;
            e.unitClicked('{"id": "<b>"}'); e.unitClicked(42); e.cursorMoved('{"lat": 500, "lon": 0}');
            e.contextMenu({lat: 1, lon: 2}); e.unitClicked('{"id": "00000000-0000-7000-8000-ffffffffffff"}');
            e.hello('{"loads": 1}');
        }); })(); 1""")
    assert view._bridge.rejected == before + 4
    assert seen == []  # the well-formed but unknown unit id is ignored too


def test_stale_positions_are_faded(make_view, writer, js, qtbot) -> None:
    """A unit whose latest report is older than the threshold is drawn faded; a fresh one not."""
    old = writer.create_unit({"callsign": "OLD", "agency": "gn", "kind": "police"})
    writer.log_position(old, 19.0, -99.0, observed_at=datetime.now(UTC) - timedelta(minutes=45))
    new = writer.create_unit({"callsign": "NEW", "agency": "gn", "kind": "police"})
    writer.log_position(new, 19.1, -99.1)
    view = make_view(stale_minutes=30)
    assert js(view, f"EnlaceMap.unit('{old}').stale") is True
    assert js(view, f"EnlaceMap.unit('{new}').stale") is False
    view.set_stale_minutes(60)
    qtbot.waitUntil(lambda: js(view, f"EnlaceMap.unit('{old}').stale") is False, timeout=10_000)


def test_track_of_selected_unit_is_drawn(make_view, units, writer, js, qtbot) -> None:
    """show_track draws the unit's reports as a line with points and time marks, kept live."""
    for k in range(4):
        writer.log_position(units[0], 19.0 + k * 0.1, -99.0,
                            observed_at=datetime.now(UTC) - timedelta(minutes=10 - k))
    view = make_view()
    view.show_track(units[0])
    qtbot.waitUntil(lambda: stats(js, view)["track"] > 0, timeout=10_000)
    n = stats(js, view)["track"]
    assert js(view, "document.querySelectorAll('.enl-timemark').length") >= 2
    writer.log_position(units[0], 19.9, -99.0)
    qtbot.waitUntil(lambda: stats(js, view)["track"] > n, timeout=10_000)
    view.show_track(None)
    qtbot.waitUntil(lambda: stats(js, view)["track"] == 0, timeout=10_000)


def test_view_state_round_trips(make_view, units, js, qtbot) -> None:
    """save_view_state reflects the page's view; restore_view_state applies it; junk is ignored."""
    view = make_view()
    reported = view._bridge.events.viewChanged  # the page reports each view it settles on
    with qtbot.waitSignal(reported, timeout=10_000, check_params_cb=lambda *a: a[2] == 9):
        js(view, "EnlaceMap.map().setView([21.5, -100.25], 9, {animate: false}); 1")
    state = view.save_view_state()
    assert state["lat"] == 21.5 and state["lon"] == -100.25 and state["base"] == "plain"
    with qtbot.waitSignal(reported, timeout=10_000, check_params_cb=lambda *a: a[2] == 6):
        view.restore_view_state({"lat": 18.0, "lon": -95.0, "zoom": 6, "base": "plain"})
    assert js(view, "EnlaceMap.map().getZoom()") == 6
    view.restore_view_state({"lat": "x"})
    view.restore_view_state({"lat": 999, "lon": 0, "zoom": 3})
    assert view.save_view_state()["lat"] == 18.0


def test_mbtiles_layers_served_and_bad_files_reported(qtbot, store, events, mbtiles_factory,
                                                      make_view, js) -> None:
    """An installed package becomes a base layer whose tiles the scheme serves with the TMS flip;
    a corrupt file is skipped with a visible notice."""
    maps = store.data_dir / "maps"
    tiles = mbtiles_factory(maps / "sierra.mbtiles", name="Sierra <b>Madre</b>", zooms=2)
    (maps / "broken.mbtiles").write_bytes(b"SQLite format 3\x00" + b"\x00" * 500)
    notices: list[str] = []
    view = make_view()
    assert [layer["name"] for layer in view.base_layers()] == ["Sierra <b>Madre</b>"]
    assert len(view.notices()) == 1 and "broken.mbtiles" in view.notices()[0]
    assert "broken.mbtiles" in js(view, "document.querySelector('.enl-notices').textContent")
    names = json.loads(js(view, "JSON.stringify(Array.from(document.querySelectorAll("
                                "'.leaflet-control-layers-base label')).map(function (s) {"
                                " return s.textContent.trim(); }))"))
    assert "Sierra <b>Madre</b>" in names  # shown as text, not markup
    rev = view.base_layers()[0]["rev"]
    js(view, f"window.__tile = null; fetch('enlace://app/tiles/mbt-sierra/{rev}/1/0/0')"
             ".then(function (r) { return r.arrayBuffer(); })"
             ".then(function (b) { window.__tile = Array.from(new Uint8Array(b)); }); 1")
    qtbot.waitUntil(lambda: js(view, "window.__tile !== null"), timeout=10_000)
    assert bytes(json.loads(js(view, "JSON.stringify(window.__tile)"))) == tiles[(1, 0, 1)]  # y=0 (north) is TMS row 1
    js(view, f"window.__st = null; fetch('enlace://app/tiles/mbt-sierra/{rev}/1/5/0')"
             ".then(function (r) { window.__st = r.status; }, function () { window.__st = -1; }); 1")
    qtbot.waitUntil(lambda: js(view, "window.__st !== null"), timeout=10_000)
    assert js(view, "window.__st") != 200
    view.restore_view_state({"lat": 0.0, "lon": 0.0, "zoom": 1, "base": "mbt-sierra"})
    qtbot.waitUntil(lambda: js(view, "document.querySelectorAll('.leaflet-tile-loaded').length") > 0,
                    timeout=10_000)
    assert notices == []


def test_scheme_refuses_paths_outside_its_folders(make_view, units, js, qtbot) -> None:
    """Path traversal and package files (node_modules, package.json) are not served."""
    view = make_view()
    js(view, "window.__r = null; Promise.all(['enlace://app/web/package.json',"
             " 'enlace://app/vendor/../../../pyproject.toml', 'enlace://app/web/node_modules/leaflet/package.json']"
             ".map(function (u) { return fetch(u).then(function (r) { return r.status; },"
             " function () { return -1; }); })).then(function (s) { window.__r = s; }); 1")
    qtbot.waitUntil(lambda: js(view, "window.__r !== null"), timeout=10_000)
    assert all(code != 200 for code in js(view, "window.__r"))


def test_screenshot_is_not_blank(make_view, units, tmp_path) -> None:
    """A grab of the widget shows a drawn map (many distinct colours, not one flat fill)."""
    view = make_view()
    img = view.grab().toImage()
    img.save(str(tmp_path / "map.png"))
    colours = {img.pixel(x, y) for x in range(0, img.width(), 7) for y in range(0, img.height(), 7)}
    assert img.width() >= 700 and len(colours) > 10


def test_navigation_away_is_refused(qtbot, qapp) -> None:
    """The map page accepts only its own URL as a main-frame navigation, and opens no windows."""
    profile, _, _ = map_profile()
    page = MapPage(profile)
    nav = QWebEnginePage.NavigationType.NavigationTypeLinkClicked
    assert page.acceptNavigationRequest(QUrl("enlace://app/map.html"), nav, True)
    assert not page.acceptNavigationRequest(QUrl("https://example.org/"), nav, True)
    assert not page.acceptNavigationRequest(QUrl("enlace://app/web/map.js"), nav, True)
    assert page.createWindow(QWebEnginePage.WebWindowType.WebBrowserTab) is None
    page.deleteLater()
