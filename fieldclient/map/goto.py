"""What "go to" understands: an MGRS reference, coordinates, a callsign or a place (no Qt).

`Locator.resolve(text)` turns what was typed into a `Target` (where, how close,
what to call it) or raises `InvalidInput` saying why not, in the order people
mean it:

1. an MGRS reference ("14Q MG 86 48", any precision; the centre of the square it
   names), read by `fieldclient.core.coords` like every coordinate in the app;
2. coordinates in decimal degrees or degrees, minutes and seconds (the same
   parsers as the position dialog; their messages explain a mistake such as 61
   minutes);
3. the callsign of a unit on the map (case and accents ignored);
4. a place of the offline gazetteer (fieldclient/map/gazetteer.py), "Name" or
   "Name, State"; several places of one name: the most populous;
5. else the first suggestion for what was typed (a unit whose callsign starts
   with it, then places), as a search box does.

Reads run on a worker thread (the map tools' own pool): the gazetteer takes a
second or two to index, and the callsign index reads every unit once after
units change.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass

from fieldclient.core import coords
from fieldclient.core.errors import InvalidInput
from fieldclient.core.i18n import QT_TRANSLATE_NOOP
from fieldclient.map import data
from fieldclient.map.gazetteer import Gazetteer, Place, fold
from fieldclient.store.db import Store

FIELD = "goto"
MGRS_SHAPE = re.compile(r"^(\d{1,2}[A-Z])([A-Z]{2})(\d*)$")
# Text that can only be coordinates: digits, signs, separators, degree/minute/second
# marks and hemisphere letters or words.
COORD_SHAPE = re.compile(
    r"^(?:[\d\s.,;:°º˚′'’‘´`″\"”“+\-−–/]|[NSEWO]\b|\b(?:NORTE|SUR|ESTE|OESTE|NORTH|SOUTH|EAST|WEST)\b)+$",
    re.I,
)
DMS_MARKS = re.compile(r"[°º˚′'’‘´`″\"”“]")
MGRS_ZOOM = {0: 9, 1: 11, 2: 13, 3: 15, 4: 16, 5: 16}  # by digits per axis
COORD_ZOOM = 15
UNIT_ZOOM = 15


@dataclass(frozen=True)
class Target:
    lat: float
    lon: float
    zoom: int
    label: str
    kind: str  # "mgrs", "dd", "dms", "unit" or "place"
    unit_id: str | None = None


def _not_found(text: str) -> InvalidInput:
    return InvalidInput(
        QT_TRANSLATE_NOOP(
            "errors",
            "Nothing found for “{text}”: write an MGRS reference, coordinates, a callsign "
            "or a town.",
        ),
        field=FIELD,
        text=text.strip()[:100],
    )


# (population at least, zoom): a city fills the window, a village shows its streets.
PLACE_ZOOMS = ((10**6, 11), (10**5, 12), (10**4, 13))


def place_zoom(place: Place) -> int:
    """The zoom that shows a place whole: closer for smaller places."""
    return next((zoom for people, zoom in PLACE_ZOOMS if place.population >= people), 14)


def mgrs_target(text: str) -> Target | None:
    """The centre of the square an MGRS reference names, or None if it is not one."""
    compact = re.sub(r"\s+", "", text.upper())
    m = MGRS_SHAPE.match(compact)
    if not m:
        return None
    gzd, square, digits = m.groups()
    half = len(digits) // 2
    if len(digits) % 2 or half > 5:
        coords.parse_mgrs(compact)  # raises its own message (odd or too many digits)
    east, north = digits[:half], digits[half:]
    if half < 5:
        # A reference names a square; its centre is where people expect to land.
        east, north = (d + "5" + "0" * (4 - half) for d in (east, north))
    lat, lon = coords.parse_mgrs(gzd + square + east + north)
    label = " ".join(p for p in (gzd, square, digits[:half], digits[half:]) if p)
    return Target(lat, lon, MGRS_ZOOM[half], label, "mgrs")


def coordinate_target(text: str) -> Target | None:
    """Decimal degrees or DMS; None when the text is not coordinates at all."""
    if not COORD_SHAPE.match(text.strip()) or not re.search(r"\d", text):
        return None
    try:
        lat, lon = coords.parse_dd(text)
        return Target(lat, lon, COORD_ZOOM, text.strip(), "dd")
    except InvalidInput as dd_error:
        try:
            lat, lon = coords.parse_dms(text)
            return Target(lat, lon, COORD_ZOOM, text.strip(), "dms")
        except InvalidInput as dms_error:
            # Explain with the format the text was written in.
            numbers = len(re.findall(r"\d+(?:[.,]\d+)?", text))
            raise dms_error if DMS_MARKS.search(text) or numbers > 2 else dd_error from None


class Locator:
    """Resolves "go to" text against the store's units and the gazetteer."""

    def __init__(self, store: Store, load_gazetteer: Callable[[], Gazetteer] = Gazetteer.load) -> None:
        self._store = store
        self._load_gazetteer = load_gazetteer
        self._gazetteer: Gazetteer | None = None
        self._units: dict[str, list[tuple[str, str]]] | None = None  # fold -> [(id, callsign)]
        self._keys: list[str] = []
        self._lock = threading.Lock()

    def units_changed(self) -> None:
        """Units were added, renamed or moved off the map: read the callsigns again."""
        self._units = None

    def gazetteer(self) -> Gazetteer:
        with self._lock:
            if self._gazetteer is None:
                self._gazetteer = self._load_gazetteer()
            return self._gazetteer

    def _callsigns(self) -> dict[str, list[tuple[str, str]]]:
        units = self._units
        if units is None:
            units = {}
            rows = data._query(self._store, "SELECT id, callsign FROM unit WHERE callsign IS NOT NULL "
                                            f"AND {data.UNIT_ON_MAP} ORDER BY pos_observed_at DESC")
            for uid, callsign in rows:
                units.setdefault(fold(callsign), []).append((uid, callsign))
            self._keys = sorted(units)
            self._units = units
        return units

    def _unit_target(self, uid: str, callsign: str) -> Target | None:
        rows = data._query(self._store, f"SELECT pos_lat, pos_lon FROM unit WHERE id = ? AND "
                                        f"{data.UNIT_ON_MAP}", (uid,))
        if not rows:
            return None
        return Target(float(rows[0][0]), float(rows[0][1]), UNIT_ZOOM, callsign, "unit", uid)

    def _units_starting(self, key: str, limit: int) -> list[tuple[str, str]]:
        units = self._callsigns()
        out: list[tuple[str, str]] = []
        for k in self._keys:
            if k.startswith(key):
                out += units[k]
                if len(out) >= limit:
                    break
        return out[:limit]

    def resolve(self, text: str) -> Target:
        """Where `text` points; InvalidInput (translatable) when it points nowhere."""
        if not text.strip():
            raise InvalidInput(QT_TRANSLATE_NOOP("errors", "Enter a location."), field=FIELD)
        problem: InvalidInput | None = None
        try:
            target = mgrs_target(text) or coordinate_target(text)
        except InvalidInput as exc:
            target, problem = None, exc  # unless a unit is called that (a callsign "4-12")
        if target is not None:
            return target
        key = fold(text)
        for uid, callsign in self._callsigns().get(key, []):
            found = self._unit_target(uid, callsign)
            if found is not None:
                return found
        if problem is not None:
            raise problem
        places = self.gazetteer().lookup(text)
        if places:
            return self._place(places[0])
        for uid, callsign in self._units_starting(key, 1):
            found = self._unit_target(uid, callsign)
            if found is not None:
                return found
        suggested = self.gazetteer().suggest(text, 1)
        if suggested:
            return self._place(suggested[0])
        raise _not_found(text)

    @staticmethod
    def _place(place: Place) -> Target:
        return Target(place.lat, place.lon, place_zoom(place), place.display(), "place")

    def suggest(self, text: str, limit: int = 10) -> list[str]:
        """What a completer offers for `text`: callsigns first, then places."""
        key = fold(text)
        if len(key) < 2 or COORD_SHAPE.match(text.strip()) or mgrs_shape(text):
            return []
        units = [callsign for _, callsign in self._units_starting(key, max(1, limit // 3))]
        places = [p.display() for p in self.gazetteer().suggest(text, limit - len(units))]
        return list(dict.fromkeys(units + places))[:limit]


def mgrs_shape(text: str) -> bool:
    return MGRS_SHAPE.match(re.sub(r"\s+", "", text.upper())) is not None

