"""MapView: the shared map widget at the centre of the main window.

Data flow: the store's ChangeSets (StoreEvents.changed, on the UI thread) mark
units and incidents dirty; at most once per frame (~16 ms) the dirty rows are
read with one small query each and pushed to the page as one JSON delta.
Only one delta is in flight at a time: the page acks each one, so a page that
falls behind gets fewer, larger deltas instead of a growing queue. The first
full load runs as a `ui.tasks` task on the map's own one-thread pool (no bulk database
work on the UI thread).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QLocale, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCursor, QGuiApplication
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QMenu, QVBoxLayout, QWidget

from fieldclient.map import data
from fieldclient.map.bridge import BASE_RE, ID_RE, MapBridge
from fieldclient.map.layers import LayerCatalogue
from fieldclient.map.overlays import MapOverlays
from fieldclient.map.page import CENTER, ZOOM, MapPage, build_page_html
from fieldclient.map.scheme import map_profile, register_url_scheme
from fieldclient.map.tools import PageTools
from fieldclient.store.db import Store
from fieldclient.store.events import ChangeSet
from fieldclient.ui import geo
from fieldclient.ui.i18n import Retranslatable
from fieldclient.ui.labels import agency_names, field_name, labels_of
from fieldclient.ui.tasks import run_task, serial_pool

log = logging.getLogger(__name__)

if QCoreApplication.instance() is None:
    register_url_scheme()

FRAME_MS = 16
ACK_TIMEOUT_MS = 2000  # a lost ack (page reloading) must not stall updates forever
MARKER_GROUPS = {  # what map.js calls each vocabulary it labels
    "status": "unit_status",
    "incidentStatus": "incident_status",
    "incidentKind": "incident_kind",
}


class MapView(Retranslatable, QWidget):
    unitSelected = Signal(str)
    incidentSelected = Signal(str)
    logPositionRequested = Signal(float, float)
    newIncidentRequested = Signal(float, float)
    cursorMoved = Signal(float, float)
    ready = Signal()
    noticeRaised = Signal(str)
    frameApplied = Signal(int)  # diagnostics: the page acked delta `seq`
    layersChanged = Signal()  # the installed map packages changed (see base_layers())
    importRequested = Signal()  # "Import map…" in a map notice
    helpRequested = Signal()  # "Where to get map packages" in a map notice
    unitsChanged = Signal()  # units were written (callsigns for "go to" may have changed)
    trailsShown = Signal(int, int)  # the page drew trails: units, reports
    trailsClosed = Signal()  # the trails' time bar was closed in the page
    trailsRefused = Signal(int)  # an agency with more units than one view draws (its count)

    def __init__(
        self, store: Store, events: QObject, parent: QWidget | None = None,
        stale_minutes: float = 30.0,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._reader = data.Reader(store)
        reader = self._reader
        self.destroyed.connect(lambda *_: reader.close())
        self._stale_minutes = float(stale_minutes)
        self._coord_format = "dd"
        self._selected: str | None = None
        self._track_unit: str | None = None
        self._view_state: dict[str, Any] = {
            "lat": CENTER[0], "lon": CENTER[1], "zoom": ZOOM, "base": "plain"
        }
        self._pending_view: dict[str, Any] | None = None
        self._notices: list[str] = []
        self._layers: list[dict[str, Any]] = []
        # delta pipeline
        self._page_ready = False
        self._is_ready = False
        self._ready_sent = False
        self._page_loads = 0
        self._generation = 0
        self._seq = 0
        self._inflight: int | None = None
        self._reset_seq: int | None = None
        self._last_push = 0.0
        self._dirty_units: set[str] = set()
        self._dirty_positions: set[str] = set()
        self._dirty_incidents: set[str] = set()
        # unit -> (lat, lon, seq) of the last position a delta sent (benchmarks, tests)
        self.sent_pos: dict[str, tuple[float, float, int]] = {}
        self.acked_seq = -1
        self.page_units = 0
        self._menu: QMenu | None = None
        self._night = False

        profile, handler, self._interceptor = map_profile()
        if not handler.page_html:
            handler.page_html = build_page_html()
        self._handler = handler
        self._view = QWebEngineView(self)
        self._view.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self._view.setAcceptDrops(False)
        self._page = MapPage(profile, self._view)
        self._view.setPage(self._page)
        self._bridge = MapBridge(self)
        self._channel = QWebChannel(self._page)
        self._channel.registerObject("enlace", self._bridge)
        self._page.setWebChannel(self._channel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._view)

        ev = self._bridge.events
        ev.hello.connect(self._on_hello)
        ev.applied.connect(self._on_applied)
        ev.unitClicked.connect(self._on_unit_clicked)
        ev.incidentClicked.connect(self._on_incident_clicked)
        ev.contextMenu.connect(self._on_context_menu)
        ev.cursorMoved.connect(self.cursorMoved)
        ev.viewChanged.connect(self._on_view_changed)
        ev.action.connect(self._on_page_action)
        self._page.renderProcessTerminated.connect(self._on_render_crash)

        # Full loads run one at a time, in order: an older snapshot never lands after a newer one.
        self._pool = serial_pool(self)
        # Grid, crosshair, measuring, go-to and trails (fieldclient/map/tools.py).
        self.tools = PageTools(store, handler, self._pool, self._bridge.send, self)
        self.tools.set(west=self._west())
        self.tools.trailsClosed.connect(self.trailsClosed)
        self.tools.trailsRefused.connect(self.trailsRefused)
        ev.trailsDrawn.connect(self.trailsShown)
        # Zones, operation areas, the area editor, outside-jurisdiction badges, detentions.
        self.overlays = MapOverlays(store, handler, self._pool, self._bridge.send, ev, self)
        self.ready.connect(self.overlays.units_placed)
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.timeout.connect(self._flush)
        self._ack_timer = QTimer(self)
        self._ack_timer.setSingleShot(True)
        self._ack_timer.timeout.connect(self._on_ack_timeout)
        events.changed.connect(self._on_changes)  # type: ignore[attr-defined]

        # The map packages are read (off the UI thread) while Chromium starts, and again
        # whenever maps/ changes.
        self._catalogue = LayerCatalogue(store.data_dir, handler.tiles, self)
        self._catalogue.changed.connect(self._on_layers)
        owned, tiles = self._catalogue.owned, handler.tiles
        self.destroyed.connect(lambda *_: tiles.drop(list(owned)))
        self._catalogue.rescan()
        # Read the store while Chromium starts: the page gets its data the moment it is up.
        self._prefetched: tuple[tuple[bytes, int], float] | None = None
        self._snapshot_url: str | None = None
        self._prefetch: int | None = 1
        self._start_full_load()
        self._page.load_map()

    # -- public API ---------------------------------------------------------------------

    def selected_unit(self) -> str | None:
        return self._selected

    def choose_unit(self, unit_id: str) -> None:
        """Select a unit as a click on it does: highlighted here, unitSelected for the rest."""
        if ID_RE.match(unit_id):
            self.select_unit(unit_id)
            self.unitSelected.emit(unit_id)

    def select_unit(self, unit_id: str | None) -> None:
        """Highlight a unit (from the roster) and bring it into view; does not emit unitSelected."""
        self._selected = unit_id if unit_id and ID_RE.match(unit_id) else None
        if self._page_ready:
            self._bridge.send({"type": "select", "id": self._selected, "reveal": True})

    def set_coord_format(self, fmt: str) -> None:
        """dd, dms or mgrs (any case): the format offered first by "Copy coordinates"."""
        fmt = fmt.lower()
        if fmt not in geo.FORMATS:
            raise ValueError(f"unknown coordinate format {fmt!r}")
        self._coord_format = fmt
        self.tools.set(coord_format=fmt)  # the centre readout too

    # The map tools (the toolbar's; fieldclient/map/tools_ui.py). Each is remembered and
    # given again to a page that reloads.

    def set_grid(self, on: bool) -> None:
        """Show the MGRS grid (lines and labels adapt to the zoom)."""
        self.tools.set(grid=on)

    def set_crosshair(self, on: bool) -> None:
        """Show the centre crosshair and its coordinate, in the chosen format."""
        self.tools.set(crosshair=on)

    def set_measuring(self, on: bool) -> None:
        """Clicks measure range and bearing (a unit clicked is used itself); off clears."""
        self.tools.set(measuring=on)

    def go_to(self, lat: float, lon: float, zoom: int | None = None, label: str = "") -> None:
        """Centre on (lat, lon) and mark it with a pin named `label` (shown as text)."""
        self.tools.go_to(lat, lon, zoom, label)

    def show_trails(self, unit_ids: list[str] | tuple[str, ...] = (), agency: str | None = None,
                    hours: float = 6.0) -> None:
        """Trails of units and/or a whole agency over the last `hours`, with a replay slider."""
        self.tools.show_trails(unit_ids, agency, hours)

    def clear_trails(self) -> None:
        self.tools.clear_trails()

    def centre(self) -> tuple[float, float]:
        """The centre of the map as the page last reported it."""
        return float(self._view_state["lat"]), float(self._view_state["lon"])

    def zoom(self) -> int:
        return int(self._view_state["zoom"])

    def show_track(self, unit_id: str | None) -> None:
        """Draw the unit's recent track (None clears it); kept live as reports arrive."""
        self._track_unit = unit_id if unit_id and ID_RE.match(unit_id) else None
        if self._page_ready:
            self._send_track()

    def pan_to(self, lat: float, lon: float, min_zoom: int | None = None) -> None:
        """Centre the map on a point (an incident chosen in the log), zooming in to
        `min_zoom` if the map is further out; the current zoom otherwise."""
        zoom = int(self._view_state.get("zoom", ZOOM))
        if min_zoom is not None:
            zoom = max(zoom, min_zoom)
        self.restore_view_state({**self._view_state, "lat": lat, "lon": lon, "zoom": zoom})

    def set_unit_filter(self, agency: str = "", kind: str = "", status: str = "",
                        operation: str = "") -> None:
        """Show only the units of this agency, kind and status ("" = any): the roster's
        filter; with an operation (its id), only what it covers, incidents included (the
        window's operation selector). The page is reloaded through the usual snapshot;
        deltas follow it."""
        chosen: tuple[str, ...] | None = (agency, kind, status, operation) if operation else (
            (agency, kind, status) if any((agency, kind, status)) else None)
        self.overlays.set_operation(operation)
        if chosen == self._reader.unit_filter:
            return
        self._reader.unit_filter = chosen
        if self._page_ready:
            self._start_full_load()
        else:
            self._prefetch = None  # the snapshot read at start-up has every unit

    def set_night_mode(self, on: bool) -> None:
        """Dim, red-tinted map for night use (the page applies a CSS filter)."""
        self._night = bool(on)
        if self._page_ready:
            self._bridge.send({"type": "theme", "night": self._night})

    def set_stale_minutes(self, minutes: float) -> None:
        self._stale_minutes = max(1.0, float(minutes))
        if self._page_ready:
            self._send_config()

    def save_view_state(self) -> dict[str, Any]:
        """Centre, zoom and base layer, as last reported by the page (JSON-safe)."""
        return dict(self._view_state)

    def restore_view_state(self, state: dict[str, Any]) -> None:
        """Apply a dict from save_view_state(); anything malformed is ignored."""
        try:
            lat, lon, zoom = float(state["lat"]), float(state["lon"]), int(state["zoom"])
            base = str(state.get("base", "plain"))
        except (KeyError, TypeError, ValueError):
            log.warning("map: ignoring malformed saved view %r", state)
            return
        if not (-90 <= lat <= 90 and -180 <= lon <= 180 and 0 <= zoom <= 24):
            return
        if not BASE_RE.match(base):
            base = "plain"
        view = {"lat": lat, "lon": lon, "zoom": zoom, "base": base}
        self._view_state = dict(view)
        if self._page_ready:
            self._bridge.send({"type": "view", **view})
        else:
            self._pending_view = view

    def refresh_base_layers(self) -> None:
        """Rescan `<data dir>/maps/` now (it is also watched); `layersChanged` follows."""
        self._catalogue.rescan()

    def show_layer(self, key: str) -> None:
        """Switch to an installed package and bring its area into view (after an import)."""
        if BASE_RE.match(key) and self._page_ready:
            self._bridge.send({"type": "showLayer", "key": key})

    def _on_layers(self) -> None:
        self._layers = [dict(layer) for layer in self._catalogue.layers]
        before = set(self._notices)
        self._notices = self._skipped_notices()
        for text in self._notices:
            if text not in before:
                self.noticeRaised.emit(text)
        if self._page_ready:
            self._send_config()  # before the signal: a listener may show a new layer at once
        self.layersChanged.emit()
        self._maybe_ready()

    def _skipped_notices(self) -> list[str]:
        return [self.tr("Map package {file} was skipped: {why}").format(
                    file=Path(exc.path).name, why=exc.reason(QCoreApplication.translate))
                for exc in self._catalogue.problems]

    def notices(self) -> list[str]:
        return list(self._notices)

    def base_layers(self) -> list[dict[str, Any]]:
        return [dict(layer) for layer in self._layers]

    def page(self) -> MapPage:
        return self._page

    def retranslateUi(self) -> None:
        # The page's texts (layer names, hover labels, notices) come from Python.
        self._notices = self._skipped_notices()
        self.tools.set(west=self._west())
        self.overlays.retranslate()
        if self._page_ready:
            self._send_config()

    @staticmethod
    def _west() -> str:
        # DMS writes west as O (oeste) in Spanish, as "Copy coordinates" does (ui.geo).
        return "O" if QLocale().language() == QLocale.Language.Spanish else "W"

    # -- page lifecycle -----------------------------------------------------------------

    def _on_hello(self, loads: int) -> None:
        self._page_loads += 1
        self._page_ready = True
        self._is_ready = False
        self._ready_sent = False
        self._inflight = None
        self._send_config()
        self._bridge.send({"type": "theme", "night": self._night})
        if self._pending_view is not None:
            self._bridge.send({"type": "view", **self._pending_view})
            self._pending_view = None
        self.tools.page_ready()
        self.overlays.page_ready()
        if self._prefetch is not None:
            self._prefetch = None  # the first load overlapped Chromium's start-up: use it
            if self._prefetched is not None:
                self._on_loaded(self._generation, *self._prefetched)
            return
        self._start_full_load()

    def _on_render_crash(self, *_args: object) -> None:
        log.error("map page renderer ended; reloading the map")
        self._page_ready = False
        self.tools.page_gone()
        self.overlays.page_gone()
        self._prefetch = None
        self._page.load_map()

    def _send_config(self) -> None:
        self._bridge.send(
            {
                "type": "config",
                "staleMinutes": self._stale_minutes,
                "texts": self._texts(),
                "labels": self._labels(),
                "layers": self._layers,
                "layersKnown": self._catalogue.scanned,  # else `layers` is not read yet
                "notices": self._notices,
            }
        )

    def _start_full_load(self) -> None:
        self._generation += 1
        gen = self._generation
        store = self._store
        unit_filter = self._reader.unit_filter
        # Changes from now on are re-sent after the reset, so none is lost in between.
        self._dirty_units.clear()
        self._dirty_positions.clear()
        self._dirty_incidents.clear()

        def work() -> tuple[tuple[bytes, int], float]:
            # Query and JSON encoding both happen here, off the UI thread.
            t = time.perf_counter()
            try:
                return data.snapshot_json(store, unit_filter), t
            except Exception:
                log.exception("map: loading units and incidents failed")
                return (b'{"units":[],"incidents":[],"sidcs":{}}', 0), t

        def done(result: Any, _error: BaseException | None) -> None:
            self._on_loaded(gen, *result)

        run_task(work, done, self._pool)

    def _on_loaded(self, gen: int, payload: tuple[bytes, int], read_at: float) -> None:
        if gen != self._generation:
            return
        if not self._page_ready:
            self._prefetched = (payload, read_at)  # sent when the page says hello
            return
        self._prefetched = None
        body, count = payload
        seq = self._next_seq()
        self._reset_seq = seq
        self.sent_pos = {}  # positions sent by deltas since this reset
        self._ack_timer.start(ACK_TIMEOUT_MS + count // 10)  # ~5 s more for 50,000
        if self._snapshot_url:
            self._handler.drop_blob(self._snapshot_url)
        self._snapshot_url = self._handler.put_blob(body)
        self._bridge.send({"type": "reset", "seq": seq, "url": self._snapshot_url})
        self._bridge.send({"type": "select", "id": self._selected, "reveal": False})
        self._send_track()

    def _next_seq(self) -> int:
        self._seq += 1
        self._inflight = self._seq
        self._last_push = time.perf_counter()
        self._ack_timer.start(ACK_TIMEOUT_MS)
        return self._seq

    def _on_applied(self, seq: int, count: int) -> None:
        if seq == self._reset_seq and not self._is_ready and self._page_ready:
            self._inflight = seq  # a big reset may ack after the timeout; it still counts
        if seq != self._inflight:
            return
        self._inflight = None
        self._ack_timer.stop()
        self.acked_seq = seq
        self.page_units = count
        if seq == self._reset_seq and not self._is_ready:
            self._is_ready = True
            self._maybe_ready()
        self.frameApplied.emit(seq)
        self._schedule()

    def _maybe_ready(self) -> None:
        # Ready once every unit is placed and the map packages are listed.
        if self._is_ready and self._catalogue.scanned and not self._ready_sent:
            self._ready_sent = True
            self.ready.emit()

    def _on_ack_timeout(self) -> None:
        log.warning("map: page did not ack delta %s in time", self._inflight)
        self._inflight = None
        self._schedule()

    # -- live updates -------------------------------------------------------------------

    def _on_changes(self, changes: ChangeSet) -> None:
        self.overlays.on_changes(changes)
        units = changes.get("unit")
        positions = changes.get("position")
        incidents = changes.get("incident")
        if changes.get("agency"):
            self._reader.agencies_changed()
            if self._page_ready:
                self._send_config()  # agency names in the hover box
        if not (units or positions or incidents):
            return
        if units:
            self.unitsChanged.emit()
        self._dirty_units |= units
        if positions and not units:
            # The writer and replication name the unit along with its new report; a
            # change naming reports alone is resolved to units at flush time.
            self._dirty_positions |= positions
        self._dirty_incidents |= incidents
        self._schedule()

    def _schedule(self) -> None:
        if not self._is_ready or self._inflight is not None or self._flush_timer.isActive():
            return
        if not (self._dirty_units or self._dirty_positions or self._dirty_incidents):
            return
        since = (time.perf_counter() - self._last_push) * 1000
        self._flush_timer.start(max(0, int(FRAME_MS - since)))

    def _flush(self) -> None:
        if not self._is_ready or self._inflight is not None:
            return
        unit_ids, self._dirty_units = self._dirty_units, set()
        pos_ids, self._dirty_positions = self._dirty_positions, set()
        inc_ids, self._dirty_incidents = self._dirty_incidents, set()
        if pos_ids:
            unit_ids |= self._reader.units_of_positions(pos_ids)
        msg: dict[str, Any] = {"type": "delta"}
        if unit_ids:
            msg["units"], msg["unitsGone"] = self._reader.units(unit_ids)
        if inc_ids:
            msg["incidents"], msg["incidentsGone"] = self._reader.incidents(inc_ids)
        track = self._track_unit is not None and self._track_unit in unit_ids
        seq = self._next_seq()
        msg["seq"] = seq
        for row in msg.get("units", []):
            self.sent_pos[row[0]] = (row[3], row[4], seq)
        for gone in msg.get("unitsGone", []):
            self.sent_pos.pop(gone, None)
        self._bridge.send(msg)
        if track:
            self._send_track()

    def _send_track(self) -> None:
        uid = self._track_unit
        points = self._reader.track(uid) if uid else []
        self._bridge.send({"type": "track", "id": uid, "points": points})

    # -- events from the page -----------------------------------------------------------

    def _on_unit_clicked(self, unit_id: str) -> None:
        if not self._reader.units([unit_id])[0]:  # only units that are on the map
            log.warning("map: click on unknown unit ignored")
            return
        self._selected = unit_id
        self.unitSelected.emit(unit_id)

    def _on_incident_clicked(self, incident_id: str) -> None:
        if not self._reader.incidents([incident_id])[0]:
            return
        self.incidentSelected.emit(incident_id)

    def _on_view_changed(self, lat: float, lon: float, zoom: int, base: str) -> None:
        self._view_state = {"lat": lat, "lon": lon, "zoom": zoom, "base": base}

    def _on_page_action(self, name: str) -> None:
        if name == "import-map":
            self.importRequested.emit()
        elif name == "map-help":
            self.helpRequested.emit()
        elif name == "trails-closed":
            self.tools.closed_in_page()

    def _on_context_menu(self, lat: float, lon: float) -> None:
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        act = menu.addAction(self.tr("Log position of the selected unit here"))
        act.setObjectName("map-log-position")
        act.setEnabled(self._selected is not None)
        act.triggered.connect(lambda: self.logPositionRequested.emit(lat, lon))
        act = menu.addAction(self.tr("New incident here"))
        act.setObjectName("map-new-incident")
        act.triggered.connect(lambda: self.newIncidentRequested.emit(lat, lon))
        copy = menu.addMenu(self.tr("Copy coordinates"))
        order = [self._coord_format] + [f for f in geo.FORMATS if f != self._coord_format]
        for fmt in order:
            text = geo.format_latlon(lat, lon, fmt)
            act = copy.addAction(
                self.tr("{format}: {coordinates}").format(format=fmt.upper(), coordinates=text))
            act.setObjectName(f"map-copy-{fmt}")
            act.triggered.connect(lambda _=False, t=text: QGuiApplication.clipboard().setText(t))
            if fmt == self._coord_format:
                copy.setDefaultAction(act)
        self._menu = menu
        menu.popup(QCursor.pos())

    # -- translated texts for the page ----------------------------------------------------

    def _texts(self) -> dict[str, str]:
        return {
            "plain": self.tr("Outlines only"),
            "outlines": self.tr("Country outlines"),
            "severity": field_name("incident", "severity"),
            "onlyOutlines": self.tr(
                "Only country outlines are available: no map package is installed."),
            "importMap": self.tr("Import map…"),
            "mapHelp": self.tr("Where to get map packages"),
            "close": self.tr("Close"),
            "zoomIn": self.tr("{name} has no detail at this zoom; it is drawn from zoom {zoom}."),
            "tooMany": self.tr("{name} would need too many tiles for this view; zoom in."),
            "outside": self.tr("This view is outside the area of {name}."),
            "showArea": self.tr("Show its area"),
            # map tools
            "measureStart": self.tr("Click the start point: a place or a unit (Esc clears)"),
            "measureEnd": self.tr("Click the end point"),
            "measureFrom": self.tr("From {name}"),
            "measureTo": self.tr("To {name}"),
            "mils": self.tr("mils"),
            "play": self.tr("Replay"),
            "pause": self.tr("Pause"),
            "replay": self.tr("Time of the replay"),
            "closeTrails": self.tr("Close the trails"),
            "trailsSummary": self.tr("{count} trails"),
            "outside_jurisdiction": self.tr("Outside jurisdiction"),
            "statesCredit": self.tr("State boundaries: amCharts"),
        }

    def _labels(self) -> dict[str, dict[str, str]]:
        # The same vocabulary, in the same words, as the roster, the log and the dialogs.
        out = {key: labels_of(group) for key, group in MARKER_GROUPS.items()}
        out["agency"] = agency_names()  # agencies by name, as everywhere else
        return out
