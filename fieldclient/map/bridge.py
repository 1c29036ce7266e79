"""The one object the map page sees through QWebChannel, and the only door into Python.

Python -> page: the `push` signal carries one JSON message (config, reset,
delta, select, track, view, showLayer, tools, goto, trails, outside, areas, editArea,
areaRefused, custody). Page -> Python: a handful
of slots, each taking one JSON string. Every argument is parsed and checked here (types, ranges,
lengths, known ids) before anything else sees it; a malformed call is logged
and dropped, counted in `rejected`, and never raises into the page.
JSON strings rather than typed slot arguments because Qt would silently
coerce a wrong type (a string passed where a double is expected becomes 0.0,
a valid coordinate).
"""

from __future__ import annotations

import json
import logging
import math
import re
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from sync.protocol.limits import MAX_POLYGON_VERTICES

log = logging.getLogger(__name__)

ID_RE = re.compile(r"^[A-Za-z0-9-]{1,64}$")
BASE_RE = re.compile(r"^(plain|mbt-[a-z0-9-]{1,60})$")
MAX_MESSAGE = 4096  # page -> Python messages are tiny; anything bigger is abuse
# ... except a drawn operation area: up to sync.protocol's limit of points and as many
# again, so that too many points get the polygon's own message, not silence.
MAX_AREA_POINTS = 2 * MAX_POLYGON_VERTICES
MAX_AREA_MESSAGE = 50 * MAX_AREA_POINTS  # "[-103.123456789012,20.123456789012]," each
# Links in map notices, and the close button of the trails' time bar.
MAX_COUNT = 2**31 - 1  # a count the page reports (its loads): anything a JS counter reaches
PAGE_ACTIONS = frozenset({"import-map", "map-help", "trails-closed"})


class BadCall(ValueError):
    pass


def _obj(raw: object, keys: set[str], limit: int = MAX_MESSAGE) -> dict[str, Any]:
    if not isinstance(raw, str) or len(raw) > limit:
        raise BadCall("payload must be a short JSON string")
    try:
        data = json.loads(raw)
    except ValueError:
        raise BadCall("payload is not JSON") from None
    if not isinstance(data, dict) or set(data) != keys:
        raise BadCall(f"payload must be an object with exactly {sorted(keys)}")
    return data


def _number(value: object, lo: float, hi: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadCall("not a number")
    v = float(value)
    if not math.isfinite(v) or not lo <= v <= hi:
        raise BadCall("number out of range")
    return v


def _int(value: object, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise BadCall("not an integer in range")
    return value


def _id(value: object) -> str:
    if not isinstance(value, str) or not ID_RE.match(value):
        raise BadCall("not an id")
    return value


def _latlon(data: dict[str, Any]) -> tuple[float, float]:
    return _number(data["lat"], -90, 90), _number(data["lon"], -180, 180)


class BridgeEvents(QObject):
    """Validated page events for MapView. A separate object so the page cannot see them:
    QWebChannel publishes every signal and slot of the registered object."""

    hello = Signal(int)  # page load count
    applied = Signal(int, int)  # seq, units in page
    unitClicked = Signal(str)
    incidentClicked = Signal(str)
    contextMenu = Signal(float, float)
    cursorMoved = Signal(float, float)
    viewChanged = Signal(float, float, int, str)  # lat, lon, zoom, base layer key
    action = Signal(str)  # a link in a map notice: one of PAGE_ACTIONS
    trailsDrawn = Signal(int, int)  # units, reports drawn (the frame with the trails is up)
    areasDrawn = Signal(int, int)  # zones, operation areas drawn (the frame with them is up)
    areaDrawn = Signal(str, object)  # operation id, rings [[[lat, lon], ...], ...] to save
    areaClosed = Signal(str)  # the area editor was cancelled in the page (operation id)
    areasView = Signal(int, float, float, float, float)  # zoom, south, west, north, east


class MapBridge(QObject):
    """Registered on the page's QWebChannel as "enlace": one signal out, thirteen slots in."""

    push = Signal(str)  # to the page: one JSON message

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.events = BridgeEvents(self)
        self.rejected = 0

    def send(self, message: dict[str, Any]) -> None:
        self.push.emit(json.dumps(message, separators=(",", ":"), allow_nan=False))

    def _reject(self, method: str, exc: Exception) -> None:
        self.rejected += 1
        log.warning("map bridge: rejected %s call: %s", method, exc)

    @Slot(str)
    def hello(self, raw: str) -> None:
        try:
            loads = _int(_obj(raw, {"loads"})["loads"], 1, MAX_COUNT)
        except BadCall as exc:
            self._reject("hello", exc)
            return
        self.events.hello.emit(loads)

    @Slot(str)
    def applied(self, raw: str) -> None:
        try:
            data = _obj(raw, {"seq", "units"})
            seq = _int(data["seq"], 0, 2**31 - 1)
            count = _int(data["units"], 0, 10_000_000)
        except BadCall as exc:
            self._reject("applied", exc)
            return
        self.events.applied.emit(seq, count)

    @Slot(str)
    def unitClicked(self, raw: str) -> None:  # the name the page calls
        try:
            uid = _id(_obj(raw, {"id"})["id"])
        except BadCall as exc:
            self._reject("unitClicked", exc)
            return
        self.events.unitClicked.emit(uid)

    @Slot(str)
    def incidentClicked(self, raw: str) -> None:  # the name the page calls
        try:
            iid = _id(_obj(raw, {"id"})["id"])
        except BadCall as exc:
            self._reject("incidentClicked", exc)
            return
        self.events.incidentClicked.emit(iid)

    @Slot(str)
    def contextMenu(self, raw: str) -> None:  # the name the page calls
        try:
            lat, lon = _latlon(_obj(raw, {"lat", "lon"}))
        except BadCall as exc:
            self._reject("contextMenu", exc)
            return
        self.events.contextMenu.emit(lat, lon)

    @Slot(str)
    def cursorMoved(self, raw: str) -> None:  # the name the page calls
        try:
            lat, lon = _latlon(_obj(raw, {"lat", "lon"}))
        except BadCall as exc:
            self._reject("cursorMoved", exc)
            return
        self.events.cursorMoved.emit(lat, lon)

    @Slot(str)
    def viewChanged(self, raw: str) -> None:  # the name the page calls
        try:
            data = _obj(raw, {"lat", "lon", "zoom", "base"})
            lat, lon = _latlon(data)
            zoom = _int(data["zoom"], 0, 24)
            base = data["base"]
            if not isinstance(base, str) or not BASE_RE.match(base):
                raise BadCall("unknown base layer")
        except BadCall as exc:
            self._reject("viewChanged", exc)
            return
        self.events.viewChanged.emit(lat, lon, zoom, base)

    @Slot(str)
    def action(self, raw: str) -> None:  # the name the page calls
        try:
            name = _obj(raw, {"name"})["name"]
            if not isinstance(name, str) or name not in PAGE_ACTIONS:
                raise BadCall("unknown action")
        except BadCall as exc:
            self._reject("action", exc)
            return
        self.events.action.emit(name)

    @Slot(str)
    def trailsDrawn(self, raw: str) -> None:  # the name the page calls
        try:
            data = _obj(raw, {"units", "points"})
            units = _int(data["units"], 0, 100_000)
            points = _int(data["points"], 0, 100_000_000)
        except BadCall as exc:
            self._reject("trailsDrawn", exc)
            return
        self.events.trailsDrawn.emit(units, points)

    @Slot(str)
    def areasDrawn(self, raw: str) -> None:  # the name the page calls
        try:
            data = _obj(raw, {"zones", "ops"})
            zones = _int(data["zones"], 0, 10_000_000)
            ops = _int(data["ops"], 0, 10_000_000)
        except BadCall as exc:
            self._reject("areasDrawn", exc)
            return
        self.events.areasDrawn.emit(zones, ops)

    @Slot(str)
    def areaDrawn(self, raw: str) -> None:  # the name the page calls
        """Only the shape is checked here (lists of [lat, lon] numbers in range, at most
        MAX_AREA_POINTS); whether it is a valid polygon, and whether the user may store
        it, is the write path's to say (fieldclient/map/area_edit.py)."""
        try:
            data = _obj(raw, {"id", "rings"}, MAX_AREA_MESSAGE)
            op_id = _id(data["id"])
            rings = data["rings"]
            if not isinstance(rings, list) or not all(isinstance(r, list) for r in rings):
                raise BadCall("rings must be lists of points")
            if sum(len(r) for r in rings) > MAX_AREA_POINTS:
                raise BadCall("too many points")
            for ring in rings:
                for p in ring:
                    if not isinstance(p, list) or len(p) != 2:
                        raise BadCall("a point is [lat, lon]")
                    _number(p[0], -90, 90)
                    _number(p[1], -180, 180)
        except BadCall as exc:
            self._reject("areaDrawn", exc)
            return
        self.events.areaDrawn.emit(op_id, rings)

    @Slot(str)
    def areaClosed(self, raw: str) -> None:  # the name the page calls
        try:
            op_id = _id(_obj(raw, {"id"})["id"])
        except BadCall as exc:
            self._reject("areaClosed", exc)
            return
        self.events.areaClosed.emit(op_id)

    @Slot(str)
    def areasView(self, raw: str) -> None:  # the name the page calls
        """The page zoomed in past the far zooms' zones: it asks for those in its view."""
        try:
            data = _obj(raw, {"zoom", "south", "west", "north", "east"})
            zoom = _int(data["zoom"], 0, 24)
            south, north = _number(data["south"], -90, 90), _number(data["north"], -90, 90)
            west, east = _number(data["west"], -180, 180), _number(data["east"], -180, 180)
        except BadCall as exc:
            self._reject("areasView", exc)
            return
        self.events.areasView.emit(zoom, south, west, north, east)
