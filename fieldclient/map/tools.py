"""The map tools as the page draws them, held on the Python side.

MGRS grid, centre crosshair, measuring, go-to and trails are drawn by the page
(map-grid.js, map-measure.js, map-trails.js); their state lives here, so a page
that reloads (after a renderer crash) gets it back with its first messages, and
MapView stays about units and incidents. Every message is built here from
checked values: a unit id that is not an id, a coordinate out of range or a
zoom past the map's are refused before anything reaches the page.

Trails are read off the UI thread, on the map's own serial pool (after any full
load already queued), encoded by SQLite, and handed to the page as a one-time
URL like the full load; the page reports the frame that shows them.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal

from fieldclient.core import coords
from fieldclient.map import data
from fieldclient.map.bridge import ID_RE
from fieldclient.map.data import MAX_ZOOM, MIN_ZOOM
from fieldclient.map.scheme import AssetSchemeHandler
from fieldclient.store.db import Store
from fieldclient.ui.tasks import run_task

log = logging.getLogger(__name__)

TRAIL_HOURS = (1, 3, 6, 12, 24)  # the replay windows offered
MAX_TRAIL_HOURS = 24


class PageTools(QObject):
    """Grid, crosshair, measuring, go-to pin and trails of one map page."""

    trailsShown = Signal(int, int)  # units, reports: the page drew the trails
    trailsClosed = Signal()  # closed from the page's time bar
    trailsRefused = Signal(int)  # an agency has more units than TRAIL_UNITS (its count)

    def __init__(
        self, store: Store, handler: AssetSchemeHandler, pool: QThreadPool,
        send: Callable[[dict[str, Any]], None], parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._handler = handler
        self._pool = pool
        self._send = send
        self._ready = False
        self.grid = False
        self.crosshair = False
        self.measuring = False
        self.coord_format = "dd"
        self.west = "W"
        self.goto: dict[str, Any] | None = None
        self.trail_units: list[str] = []
        self.trail_agency: str | None = None
        self.trail_hours = 6.0
        self._trail_gen = 0
        self._trail_url: str | None = None

    # -- state --------------------------------------------------------------------------

    def set(self, **changes: Any) -> None:
        """grid, crosshair, measuring (bool), coord_format ("dd" | "dms" | "mgrs"), west."""
        for key, value in changes.items():
            if key in ("grid", "crosshair", "measuring"):
                setattr(self, key, bool(value))
            elif key == "coord_format":
                if value not in coords.FORMATS:
                    raise ValueError(f"unknown coordinate format {value!r}")
                self.coord_format = value
            elif key == "west":
                self.west = "O" if value == "O" else "W"
            else:
                raise TypeError(f"unknown map tool setting {key!r}")
        self._send_tools()

    def message(self) -> dict[str, Any]:
        return {"type": "tools", "grid": self.grid, "crosshair": self.crosshair,
                "measure": self.measuring, "format": self.coord_format, "west": self.west}

    def page_ready(self) -> None:
        """The page said hello (first load or reload): everything again."""
        self._ready = True
        self._send_tools()
        if self.goto is not None:
            self._send(self.goto)
        if self.has_trails():
            self._load_trails()

    def page_gone(self) -> None:
        self._ready = False

    def _send_tools(self) -> None:
        if self._ready:
            self._send(self.message())

    # -- go to --------------------------------------------------------------------------

    def go_to(self, lat: float, lon: float, zoom: int | None = None, label: str = "") -> None:
        """Centre the map on (lat, lon), at `zoom` if given, with a pin named `label`."""
        lat, lon = coords.check_lat(lat), coords.check_lon(lon)
        msg: dict[str, Any] = {"type": "goto", "lat": lat, "lon": lon, "label": str(label)[:200]}
        if zoom is not None:
            msg["zoom"] = max(MIN_ZOOM, min(MAX_ZOOM, int(zoom)))
        self.goto = msg
        if self._ready:
            self._send(msg)

    # -- trails -------------------------------------------------------------------------

    def show_trails(self, unit_ids: Iterable[str] = (), agency: str | None = None,
                    hours: float = 6.0) -> None:
        """Trails of the given units and/or every unit of `agency`, over the last `hours`."""
        if not (isinstance(hours, int | float) and math.isfinite(hours) and hours > 0):
            raise ValueError("hours must be a positive number")
        self.trail_hours = min(float(hours), MAX_TRAIL_HOURS)
        self.trail_units = list(dict.fromkeys(
            u for u in unit_ids if isinstance(u, str) and ID_RE.match(u)))[: data.TRAIL_UNITS]
        self.trail_agency = agency if agency and ID_RE.match(agency) else None
        self._load_trails()

    def has_trails(self) -> bool:
        return bool(self.trail_units or self.trail_agency)

    def clear_trails(self) -> None:
        self._forget()
        if self._ready:
            self._send({"type": "trails", "url": None})

    def closed_in_page(self) -> None:
        self._forget()
        self.trailsClosed.emit()

    def _forget(self) -> None:
        self.trail_units = []
        self.trail_agency = None
        self._trail_gen += 1
        if self._trail_url:
            self._handler.drop_blob(self._trail_url)
            self._trail_url = None

    def _load_trails(self) -> None:
        if not self.has_trails():
            self.clear_trails()
            return
        self._trail_gen += 1
        gen, store = self._trail_gen, self._store
        ids, agency = list(self.trail_units), self.trail_agency
        now_ms = int(time.time() * 1000)
        since_ms = now_ms - int(self.trail_hours * 3600 * 1000)

        def work() -> tuple[bytes | None, int]:
            # An agency's members are read now, so its trails include units added since.
            members = data.units_of_agency(store, agency) if agency else []
            if len(members) > data.TRAIL_UNITS:
                return None, len(members)
            chosen = list(dict.fromkeys(ids + members))[: data.TRAIL_UNITS]
            return data.trails_json(store, chosen, since_ms, now_ms), len(chosen)

        def done(result: Any, error: BaseException | None) -> None:
            if error is not None:
                log.error("map: reading trails failed", exc_info=error)
                return
            if gen != self._trail_gen:
                return  # cleared or replaced meanwhile
            body, count = result
            if body is None:
                self._forget()
                self.trailsRefused.emit(count)
                return
            if not self._ready:
                return  # the page's hello asks again
            if self._trail_url:
                self._handler.drop_blob(self._trail_url)
            self._trail_url = self._handler.put_blob(body)
            self._send({"type": "trails", "url": self._trail_url})

        run_task(work, done, self._pool)
