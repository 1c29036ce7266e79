"""The map's record overlays, held on the Python side: jurisdiction zones and operation
areas (areas.py, map-areas.js), the area editor (area_edit.py, map-areaedit.js), the
"outside jurisdiction" badges on units, and the detention shown with its route and
custody clock (custody_layer.py, map-custody.js).

Like PageTools, the state lives here so a page that reloads gets it back with its first
messages, and MapView stays about units and incidents. Reads run on the map's serial
pool; the zones document goes to the page as a one-time URL.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal
from shiboken6 import isValid

from fieldclient.core import custody
from fieldclient.core.errors import UserFacingError
from fieldclient.core.timefmt import utcnow
from fieldclient.map import area_edit, areas, custody_layer
from fieldclient.map.bridge import ID_RE, MAX_AREA_POINTS, BridgeEvents
from fieldclient.map.scheme import AssetSchemeHandler
from fieldclient.store.db import Store
from fieldclient.store.events import ChangeSet
from fieldclient.ui.errors import error_text
from fieldclient.ui.labels import agency_names, labels_of
from fieldclient.ui.tasks import run_task

log = logging.getLogger(__name__)

RELOAD_MS = 250  # zones imported by the thousand arrive as many change sets: one reload
CLOCK_MS = 60_000  # the shown detention's clock moves on while nothing changes
_AREA_KINDS = ("zone", "operation", "agency")


class MapOverlays(QObject):
    """Zones, operation areas, the area editor, outside-jurisdiction badges and the
    detention shown, for one map page."""

    areasShown = Signal(int, int)  # zones, operation areas: the page drew them
    areaSaved = Signal(str)  # operation id: its drawn area was stored
    areaRefused = Signal(str)  # why the drawn area was not stored (shown in the page too)
    areaClosed = Signal()  # the editor was closed in the page

    def __init__(self, store: Store, handler: AssetSchemeHandler, pool: QThreadPool,
                 send: Callable[[dict[str, Any]], None], events: BridgeEvents,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._handler = handler
        self._pool = pool
        self._send = send
        self._ready = False
        self.operation = ""
        self.outside: set[str] = set()
        self.detention: str | None = None
        self._detention_unit: str | None = None  # whose new reports extend its route
        self.editing: str | None = None
        self._areas_gen = 0
        self._areas_url: str | None = None
        self._detail_url: str | None = None
        self._shapes: areas.ZoneShapes | None = None  # the zones shown, for detail requests
        self._view_gen = 0
        self.pushed_at = 0.0  # when the last areas document was handed to the page
        self._reload = QTimer(self)
        self._reload.setSingleShot(True)
        self._reload.setInterval(RELOAD_MS)
        self._reload.timeout.connect(self.reload_areas)
        self._clock = QTimer(self)
        self._clock.setInterval(CLOCK_MS)
        self._clock.timeout.connect(lambda: self._load_detention(False))
        events.areasDrawn.connect(self.areasShown)
        events.areaDrawn.connect(self._on_area_drawn)
        events.areaClosed.connect(self._on_area_closed)
        events.areasView.connect(self._on_areas_view)

    # -- lifecycle ----------------------------------------------------------------------

    def page_ready(self) -> None:
        """The page said hello: everything again, but the zones (`units_placed`)."""
        self._ready = True
        self._send_outside()
        if self.detention:
            self._load_detention(False)
        if self.editing:
            self._start_edit(self.editing)

    def units_placed(self) -> None:
        """The page has placed every unit: now the zones (units come first at start-up,
        and the map's pool reads one thing at a time)."""
        self.reload_areas()

    def page_gone(self) -> None:
        self._ready = False

    def retranslate(self) -> None:
        if self._ready:
            self.reload_areas()

    def on_changes(self, changes: ChangeSet) -> None:
        if any(changes.get(k) for k in _AREA_KINDS):
            self._reload.start()
        if self.detention and (changes.get("detention") or (
                self._detention_unit and self._detention_unit in changes.get("unit"))):
            self._load_detention(False)

    # -- zones and operation areas ------------------------------------------------------

    def set_operation(self, operation_id: str) -> None:
        """Follow the window's operation selector ("" = all)."""
        operation_id = operation_id if ID_RE.match(operation_id or "") else ""
        if operation_id != self.operation:
            self.operation = operation_id
            self.reload_areas()

    def _texts(self) -> dict[str, str]:
        return {
            "zones": self.tr("Jurisdiction zones"),
            "operations": self.tr("Operation areas"),
            "lead": self.tr("Lead: {agency}"),
        }

    def _labels(self) -> dict[str, dict[str, str]]:
        return {"agency": agency_names(), "zoneLevel": labels_of("zone_level"),
                "authority": labels_of("authority")}

    def reload_areas(self) -> None:
        """Read the zones and areas again (off the UI thread) and hand them to the page."""
        self._reload.stop()
        if not self._ready:
            return
        self._areas_gen += 1
        gen, store, operation = self._areas_gen, self._store, self.operation

        def work() -> tuple[areas.ZoneShapes, bytes]:
            shapes = areas.ZoneShapes.load(store, operation)
            return shapes, shapes.document()

        def done(result: Any, error: BaseException | None) -> None:
            if not isValid(self):
                return  # the map was closed meanwhile
            if error is not None:
                log.error("map: reading zones and operation areas failed", exc_info=error)
                result = (None, areas.EMPTY)
            if gen != self._areas_gen or not self._ready:
                return
            self._shapes, body = result
            if self._areas_url:
                self._handler.drop_blob(self._areas_url)
            self._areas_url = self._handler.put_blob(body)
            self.pushed_at = time.perf_counter()
            self._send({"type": "areas", "url": self._areas_url, "texts": self._texts(),
                        "labels": self._labels(), "detailZoom": areas.DETAIL_ZOOM})

        run_task(work, done, self._pool)

    def _on_areas_view(self, zoom: int, south: float, west: float, north: float,
                       east: float) -> None:
        """The zones of the page's view at its zoom's level of detail (areas.py)."""
        shapes = self._shapes
        if shapes is None or zoom < areas.DETAIL_ZOOM or not self._ready:
            return
        self._view_gen += 1
        gen = self._view_gen

        def done(body: Any, error: BaseException | None) -> None:
            if not isValid(self) or gen != self._view_gen or not self._ready:
                return
            if error is not None:
                log.error("map: reading the zones in view failed", exc_info=error)
                return
            if self._detail_url:
                self._handler.drop_blob(self._detail_url)
            self._detail_url = self._handler.put_blob(body)
            self._send({"type": "areasDetail", "url": self._detail_url})

        run_task(lambda: shapes.detail(zoom, south, west, north, east), done, self._pool)

    # -- outside jurisdiction -----------------------------------------------------------

    def set_outside(self, unit_ids: Iterable[str], among: Iterable[str] | None = None) -> None:
        """The units flagged outside their jurisdiction (as the roster's model has them,
        store/zones.py); `among`: only these were judged again."""
        ids = {u for u in unit_ids if isinstance(u, str) and ID_RE.match(u)}
        fresh = ids if among is None else (self.outside - set(among)) | ids
        if fresh != self.outside:
            self.outside = fresh
            self._send_outside()

    def _send_outside(self) -> None:
        if self._ready:
            self._send({"type": "outside", "ids": sorted(self.outside)})

    # -- the area editor ----------------------------------------------------------------

    def edit_area(self, operation_id: str) -> UserFacingError | None:
        """Open the area editor for an operation; the refusal (not found, not allowed)
        instead, in which case the page gets no tools."""
        problem = area_edit.edit_problem(self._store, operation_id)
        if problem is not None:
            return problem
        self.editing = operation_id
        if self._ready:
            self._start_edit(operation_id)
        return None

    def close_editor(self) -> None:
        self.editing = None
        if self._ready:
            self._send({"type": "editArea", "id": None})

    def _edit_texts(self) -> dict[str, str]:
        return {
            "title": self.tr("Area of {code}"),
            "save": self.tr("Save area"),
            "cancel": self.tr("Cancel"),
            "drawHint": self.tr(
                "Click the corners of the area; click the first one again to close it."),
            "editHint": self.tr("Drag the vertices to change the area; then Save."),
            "nothingDrawn": self.tr(
                "Draw the area first: click its corners, then the first one again."),
            "saving": self.tr("Saving…"),
            "tooManyPoints": self.tr("The area has too many vertices."),
        }

    def _start_edit(self, operation_id: str) -> None:
        try:
            code, area = area_edit.operation_area(self._store, operation_id)
        except UserFacingError as exc:
            self.editing = None
            self.areaRefused.emit(error_text(exc))
            return
        rings = [[[lat, lon] for lon, lat in ring[:-1]] for ring in area] if area else None
        self._send({"type": "editArea", "id": operation_id, "code": code, "rings": rings,
                    "texts": self._edit_texts(), "maxPoints": MAX_AREA_POINTS})

    def _on_area_drawn(self, operation_id: str, latlngs: Any) -> None:
        if operation_id != self.editing:
            log.warning("map: a drawn area for an operation not being edited was ignored")
            return
        try:
            area_edit.save_area(self._store, operation_id, latlngs)
        except UserFacingError as exc:
            text = error_text(exc)
            self._send({"type": "areaRefused", "message": text})
            self.areaRefused.emit(text)
            return
        self.close_editor()
        self.areaSaved.emit(operation_id)

    def _on_area_closed(self, operation_id: str) -> None:
        if operation_id == self.editing:
            self.editing = None
            self.areaClosed.emit()

    # -- a detention's route and custody clock ------------------------------------------

    def show_detention(self, detention_id: str | None) -> None:
        """Draw a detention's transfer route and custody clock (None clears it)."""
        self.detention = detention_id if detention_id and ID_RE.match(detention_id) else None
        if self.detention:
            self._clock.start()
        else:
            self._clock.stop()
        self._load_detention(True)

    def _load_detention(self, reveal: bool) -> None:
        if not self._ready:
            return
        wanted, store = self.detention, self._store
        if wanted is None:
            self._send(custody_layer.message(None, "", False))
            return

        def work() -> Any:
            return custody_layer.read(store, wanted, utcnow())

        def done(found: Any, error: BaseException | None) -> None:
            if not isValid(self):
                return  # the map was closed meanwhile
            if error is not None:
                log.error("map: reading a detention failed", exc_info=error)
                found = None
            if wanted != self.detention or not self._ready:
                return
            self._detention_unit = found.unit_id if found is not None else None
            self._send(custody_layer.message(found, self._clock_text(found), reveal))

        run_task(work, done, self._pool)

    def _clock_text(self, found: custody_layer.OnMap | None) -> str:
        if found is None or found.clock is None:
            return self.tr("Detention")
        elapsed = custody.elapsed_text(found.clock.elapsed)
        if found.clock.open:
            return self.tr("In custody {elapsed}").format(elapsed=elapsed)
        return self.tr("Handed over after {elapsed}").format(elapsed=elapsed)
