"""MBTiles raster packages: inspection, discovery in `<data dir>/maps/`, tile reads.

No Qt here: the command line (`fieldclient maps import|list`) uses it too.
An MBTiles file (https://github.com/mapbox/mbtiles-spec) is an SQLite
database with a `tiles` table or view (zoom_level, tile_column, tile_row,
tile_data) whose rows are in TMS order (row 0 at the south), and a
`metadata` table of name/value pairs.

Packages come from many tools, and their metadata is often incomplete or
wrong: `rio mbtiles` writes no zoom range, `mb-util` writes no metadata at all
without a metadata.json, and a package can say `png` while holding vector
tiles. So what the map relies on is read from the tiles themselves: the zoom
levels and the extent from the `tiles` table, the image format from the first
tiles' bytes. The name falls back to the file name.
"""

from __future__ import annotations

import json
import logging
import math
import re
import sqlite3
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fieldclient.core.errors import InvalidInput
from fieldclient.core.i18n import QT_TRANSLATE_NOOP

log = logging.getLogger(__name__)

MAPS_DIR = "maps"
EXTENSION = ".mbtiles"
PART_SUFFIX = ".part"  # an import still copying (or one a crash interrupted)
SQLITE_MAGIC = b"SQLite format 3\x00"
MIME = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}
TILE_COLUMNS = {"zoom_level", "tile_column", "tile_row", "tile_data"}
MAX_ZOOM = 24  # levels beyond this are not web-map levels; such rows are ignored
EXTENTS_KEY = "enlace_extents"  # per-level tile extents, written at import
SAMPLE_TILES = 4  # tiles read at the lowest and at the highest level to learn the format
MAX_LAT = 85.0511287798066  # the Web Mercator square

MSG_INVALID = QT_TRANSLATE_NOOP("errors", "{path} is not a usable MBTiles map package: {why}")
# Each reason says what is wrong and what to do about it.
WHY_NOT_FOUND = QT_TRANSLATE_NOOP("errors", "the file does not exist.")
WHY_UNREADABLE = QT_TRANSLATE_NOOP(
    "errors", "it cannot be read ({detail}). Check the file's permissions, or copy it again.")
WHY_NOT_SQLITE = QT_TRANSLATE_NOOP(
    "errors",
    "it is not an SQLite database, which every MBTiles package is. Check that the file was "
    "copied completely, or export the map again as MBTiles.")
WHY_DAMAGED = QT_TRANSLATE_NOOP(
    "errors", "the database is damaged ({detail}). Copy the package again from the original.")
WHY_NO_TILES = QT_TRANSLATE_NOOP(
    "errors",
    "it has no 'tiles' table, so it is an SQLite database but not an MBTiles package. A "
    "GeoTIFF or GeoPackage can be converted with: gdal_translate -of MBTiles IN OUT.mbtiles")
WHY_COLUMNS = QT_TRANSLATE_NOOP(
    "errors", "its 'tiles' table lacks the columns {columns}. Export the map again as MBTiles.")
WHY_EMPTY = QT_TRANSLATE_NOOP(
    "errors", "it holds no tiles between zoom levels 0 and 24. Export the map again with the "
              "zoom levels you need.")
WHY_VECTOR = QT_TRANSLATE_NOOP(
    "errors",
    "its tiles are vector tiles (Mapbox Vector Tiles), which Enlace cannot draw. Ask for a "
    "raster package (PNG, JPEG or WebP tiles) or make one as docs/map.md explains.")
WHY_UNKNOWN = QT_TRANSLATE_NOOP(
    "errors",
    "its tiles are not PNG, JPEG or WebP images (they begin with {start}). Export the map "
    "again with PNG, JPEG or WebP tiles.")


class InvalidMBTiles(InvalidInput):
    """A file that cannot be used as an MBTiles raster package; `why` says how to fix it."""

    def __init__(self, path: Path | str, why: str, **why_params: Any) -> None:
        self.why_template = why
        self.why_params = why_params
        self.why = why.format(**why_params) if why_params else why
        super().__init__(MSG_INVALID, path=str(path), why=self.why)
        self.path = str(path)

    def reason(self, translate: Any) -> str:
        """Why, in the user's language; `translate(context, text)` translates."""
        try:
            return translate("errors", self.why_template).format(**self.why_params)
        except (KeyError, IndexError, ValueError):  # a broken translation must not hide it
            return self.why

    def message(self, translate: Any) -> str:
        """The whole message in the user's language."""
        try:
            return translate("errors", self.template).format(
                path=self.path, why=self.reason(translate))
        except (KeyError, IndexError, ValueError):
            return str(self)


Bounds = tuple[float, float, float, float]  # west, south, east, north (degrees)
Extent = tuple[int, int, int, int]  # first and last column, first and last XYZ row (north = 0)


@dataclass(frozen=True)
class MBTilesInfo:
    path: Path
    key: str  # URL-safe id used in enlace://app/tiles/<key>/...
    name: str
    format: str  # png, jpg or webp: what the tiles are, whatever the metadata says
    minzoom: int  # the lowest and highest levels that hold tiles
    maxzoom: int
    bounds: Bounds  # the area of the tiles at maxzoom
    coverage: Bounds  # the area the package says it covers (within its tiles), shown on the map
    extents: dict[int, Extent]  # per level: the tiles the map may ask for, and no others
    attribution: str | None = None
    name_from_file: bool = False  # the metadata had no name
    format_from_tiles: bool = False  # the metadata had no format, or a wrong one
    zooms_from_tiles: bool = False  # the metadata's zoom range was missing or wrong
    indexed: bool = True  # the tiles table has an index for tile lookups
    metadata: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def layer(self) -> dict[str, Any]:
        """What the map page needs to know of this package (JSON-safe)."""
        return {
            "key": self.key, "name": self.name, "minzoom": self.minzoom,
            "maxzoom": self.maxzoom, "coverage": list(self.coverage),
            "extents": {str(z): list(e) for z, e in sorted(self.extents.items())},
            "attribution": self.attribution or "",
        }


def is_package_file(path: Path) -> bool:
    """Whether `path` names a package: `.mbtiles` in any case (a hand copy says `Topo.MBTiles`)."""
    return path.suffix.lower() == EXTENSION and not path.name.startswith(".")


def layer_key(path: Path) -> str:
    """A stable URL-safe key for a package from its file name (case-insensitive)."""
    stem = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")[:48] or "map"
    return "mbt-" + stem


def connect_ro(path: Path, immutable: bool = False) -> sqlite3.Connection:
    """A read-only connection. `immutable` for a source on removable or read-only media:
    no locks and no -wal/-shm files, which a read-only folder could not hold."""
    uri = f"file:{quote(str(path))}?mode=ro" + ("&immutable=1" if immutable else "")
    return sqlite3.connect(uri, uri=True, check_same_thread=False)


def sniff(data: bytes) -> str | None:
    """The format of one tile from its first bytes: png, jpg, webp, "vector" or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    # Vector tiles are protocol buffers, usually gzip- or zlib-compressed; an
    # uncompressed tile starts with a layer (field 3, length-delimited: 0x1a).
    if data.startswith(b"\x1f\x8b") or data[:1] == b"\x1a" or (
            len(data) > 1 and data[0] == 0x78 and data[1] in (0x01, 0x5E, 0x9C, 0xDA)):
        return "vector"
    return None


def mime_of(data: bytes, fallback: str = "application/octet-stream") -> str:
    fmt = sniff(data)
    return MIME.get(fmt or "", fallback)


def tile_to_lonlat(z: int, x: float, y_xyz: float) -> tuple[float, float]:
    """The north-west corner of XYZ tile (x, y) at zoom z, as (lon, lat)."""
    n = 1 << z
    lon = x / n * 360.0 - 180.0
    lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y_xyz / n))))
    return lon, lat


def extent_bounds(z: int, extent: Extent) -> Bounds:
    """The area covered by the XYZ tiles x0..x1, y0..y1 of level z."""
    x0, y0, x1, y1 = extent
    west, north = tile_to_lonlat(z, x0, y0)
    east, south = tile_to_lonlat(z, x1 + 1, y1 + 1)
    return west, south, east, north


def _meta_bounds(value: str | None) -> Bounds | None:
    try:
        w, s, e, n = (float(x) for x in str(value).split(","))
    except (TypeError, ValueError):
        return None
    if not (-180 <= w < e <= 180 and -90 <= s < n <= 90):
        return None
    return w, max(s, -MAX_LAT), e, min(n, MAX_LAT)


def _clip(inner: Bounds | None, outer: Bounds) -> Bounds:
    if inner is None:
        return outer
    w, s = max(inner[0], outer[0]), max(inner[1], outer[1])
    e, n = min(inner[2], outer[2]), min(inner[3], outer[3])
    return (w, s, e, n) if w < e and s < n else outer


def _int(value: str | None) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _has_zoom_index(con: sqlite3.Connection, table: str) -> bool:
    for row in con.execute(f"PRAGMA index_list({table})"):
        cols = [r[2] for r in con.execute(f"PRAGMA index_info({row[1]!r})")]
        if cols[:1] == ["zoom_level"]:
            return True
    return False


def _xyz(z: int, c0: int, c1: int, r0: int, r1: int) -> Extent:
    n = 1 << z
    return int(c0), n - 1 - int(r1), int(c1), n - 1 - int(r0)


def _extents(con: sqlite3.Connection, indexed: bool) -> dict[int, Extent]:
    """{zoom: extent} of every level that holds tiles, read from the tiles themselves."""
    where = f"zoom_level BETWEEN 0 AND {MAX_ZOOM}"
    if not indexed:  # one pass over the table instead of one per level
        rows = con.execute(
            "SELECT zoom_level, min(tile_column), max(tile_column), min(tile_row), "
            f"max(tile_row) FROM tiles WHERE {where} GROUP BY zoom_level").fetchall()
        return {int(r[0]): _xyz(int(r[0]), *r[1:]) for r in rows}
    out: dict[int, Extent] = {}
    z = con.execute(f"SELECT min(zoom_level) FROM tiles WHERE {where}").fetchone()[0]
    while z is not None:  # an index skip-scan: a few look-ups per level
        z = int(z)
        row = con.execute(
            "SELECT min(tile_column), max(tile_column), min(tile_row), max(tile_row) "
            "FROM tiles WHERE zoom_level = ?", (z,)).fetchone()
        out[z] = _xyz(z, *row)
        z = con.execute(f"SELECT min(zoom_level) FROM tiles WHERE {where} AND zoom_level > ?",
                        (z,)).fetchone()[0]
    return out


def _stored_extents(meta: dict[str, str]) -> dict[int, Extent] | None:
    """The extents an earlier import wrote into the package (see importer.py)."""
    try:
        raw = json.loads(meta[EXTENTS_KEY])
        out = {int(z): (int(e[0]), int(e[1]), int(e[2]), int(e[3])) for z, e in raw.items()}
    except (KeyError, TypeError, ValueError, IndexError, AttributeError):
        return None
    ok = out and all(0 <= z <= MAX_ZOOM and 0 <= e[0] <= e[2] < (1 << z)
                     and 0 <= e[1] <= e[3] < (1 << z) for z, e in out.items())
    return out if ok else None


def extents_json(extents: dict[int, Extent]) -> str:
    return json.dumps({str(z): list(e) for z, e in sorted(extents.items())},
                      separators=(",", ":"))


def _sample(con: sqlite3.Connection, zoom: int) -> list[bytes]:
    rows = con.execute("SELECT tile_data FROM tiles WHERE zoom_level = ? LIMIT ?",
                       (zoom, SAMPLE_TILES)).fetchall()
    return [bytes(r[0]) for r in rows if r[0] is not None]


def _tiles_format(path: Path, samples: list[bytes]) -> str:
    kinds = [sniff(b) for b in samples]
    if "vector" in kinds:
        raise InvalidMBTiles(path, WHY_VECTOR)
    for kind, data in zip(kinds, samples, strict=True):
        if kind is None:
            raise InvalidMBTiles(path, WHY_UNKNOWN, start=data[:8].hex(" ") or "(empty)")
    # Mixed PNG/JPEG packages exist (opaque tiles as JPEG): each tile is served with
    # its own type, so the first is as good a label as any.
    return str(kinds[0])


def validate(path: Path | str, immutable: bool = False) -> MBTilesInfo:
    """Inspect `path`; raise InvalidMBTiles saying why it cannot be used and how to fix it."""
    p = Path(path)
    if not p.is_file():
        raise InvalidMBTiles(p, WHY_NOT_FOUND)
    try:
        with p.open("rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise InvalidMBTiles(p, WHY_UNREADABLE, detail=exc.strerror or str(exc)) from None
    if head != SQLITE_MAGIC:
        raise InvalidMBTiles(p, WHY_NOT_SQLITE)
    try:
        con = connect_ro(p, immutable)
        try:
            objects = {
                r[0]: r[1]
                for r in con.execute(
                    "SELECT name, type FROM sqlite_master WHERE type IN ('table','view')")
            }
            if "tiles" not in objects:
                raise InvalidMBTiles(p, WHY_NO_TILES)
            cols = {r[1] for r in con.execute("PRAGMA table_info(tiles)")}
            missing = TILE_COLUMNS - cols
            if missing:
                raise InvalidMBTiles(p, WHY_COLUMNS, columns=", ".join(sorted(missing)))
            meta: dict[str, str] = {}
            if "metadata" in objects:
                meta_cols = {r[1] for r in con.execute("PRAGMA table_info(metadata)")}
                if {"name", "value"} <= meta_cols:
                    meta = {str(k): str(v) for k, v in con.execute(
                        "SELECT name, value FROM metadata") if k is not None and v is not None}
            # A view (mb-util's deduplicated schema) is read through its tables' indexes,
            # but walking its levels one by one would join at every step.
            is_view = objects["tiles"] == "view"
            indexed = is_view or _has_zoom_index(con, "tiles")
            extents = _stored_extents(meta) or _extents(con, indexed and not is_view)
            if not extents:
                raise InvalidMBTiles(p, WHY_EMPTY)
            lo, hi = min(extents), max(extents)
            samples = _sample(con, lo) + (_sample(con, hi) if hi != lo else [])
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise InvalidMBTiles(p, WHY_DAMAGED, detail=str(exc)) from None
    if not samples:
        raise InvalidMBTiles(p, WHY_EMPTY)
    fmt = _tiles_format(p, samples)
    said = meta.get("format", "").strip().lower().replace("jpeg", "jpg")
    name = " ".join(meta.get("name", "").split())[:200]
    bounds = extent_bounds(hi, extents[hi])
    meta_bounds = _meta_bounds(meta.get("bounds"))
    return MBTilesInfo(
        path=p,
        key=layer_key(p),
        name=name or p.stem,
        format=fmt,
        minzoom=lo,
        maxzoom=hi,
        bounds=bounds,
        # The lowest level's tiles reach furthest (a world overview over a city plan).
        coverage=_clip(meta_bounds, extent_bounds(lo, extents[lo])) if meta_bounds else bounds,
        extents=extents,
        attribution=(meta.get("attribution") or "").strip()[:500] or None,
        name_from_file=not name,
        format_from_tiles=said != fmt,
        zooms_from_tiles=(_int(meta.get("minzoom")), _int(meta.get("maxzoom"))) != (lo, hi),
        indexed=indexed,
        metadata=meta,
    )


def maps_dir(data_dir: Path) -> Path:
    return Path(data_dir) / MAPS_DIR


@dataclass
class ScanResult:
    good: list[MBTilesInfo]
    bad: list[InvalidMBTiles]
    unfinished: list[Path]  # `.part` files of an import that did not finish


class InspectCache:
    """Inspections by (path, size, mtime): a rescan of `maps/` reads only what changed."""

    def __init__(self) -> None:
        self._seen: dict[Path, tuple[tuple[int, int], MBTilesInfo | InvalidMBTiles]] = {}
        self._lock = threading.Lock()

    def inspect(self, path: Path) -> MBTilesInfo:
        try:
            st = path.stat()
            stamp = (st.st_size, st.st_mtime_ns)
        except OSError:
            stamp = (-1, -1)
        with self._lock:
            hit = self._seen.get(path)
        if hit is not None and hit[0] == stamp:
            outcome = hit[1]
        else:
            try:
                outcome = validate(path)
            except InvalidMBTiles as exc:
                outcome = exc
            with self._lock:
                self._seen[path] = (stamp, outcome)
        if isinstance(outcome, InvalidMBTiles):
            raise outcome
        return outcome


def scan(data_dir: Path, cache: InspectCache | None = None) -> ScanResult:
    """Installed packages in `<data_dir>/maps/`, the files refused (each with why) and
    unfinished imports."""
    folder = maps_dir(data_dir)
    result = ScanResult([], [], [])
    if not folder.is_dir():
        return result
    inspect = cache.inspect if cache is not None else validate
    keys: set[str] = set()
    for path in sorted(folder.iterdir(), key=lambda p: p.name.lower()):
        if path.name.lower().endswith(EXTENSION + PART_SUFFIX):
            result.unfinished.append(path)
            continue
        if not is_package_file(path) or not path.is_file():
            continue
        try:
            info = inspect(path)
        except InvalidMBTiles as exc:
            log.warning("map package skipped: %s", exc)
            result.bad.append(exc)
            continue
        if info.key in keys:  # two names that normalise alike: keep both, apart
            info = replace(info, key=f"{info.key}-{len(keys)}")
        keys.add(info.key)
        result.good.append(info)
    return result


class TileSource:
    """Reads the tiles of one package. The map reads them on a worker thread, one at a
    time (fieldclient.map.scheme), never on the UI thread."""

    def __init__(self, info: MBTilesInfo) -> None:
        self.info = info
        self._con: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        """The tile at XYZ (Leaflet's rows, north at 0); MBTiles rows are TMS (flipped)."""
        if not 0 <= z <= MAX_ZOOM:
            return None
        n = 1 << z
        if not (0 <= x < n and 0 <= y < n):
            return None
        row = n - 1 - y
        with self._lock:
            try:
                if self._con is None:
                    self._con = connect_ro(self.info.path)
                hit = self._con.execute(
                    "SELECT tile_data FROM tiles WHERE zoom_level=? AND tile_column=? AND tile_row=?",
                    (z, x, row),
                ).fetchone()
            except sqlite3.DatabaseError as exc:
                log.warning("tile read failed in %s: %s", self.info.path, exc)
                return None
        return bytes(hit[0]) if hit and hit[0] is not None else None

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
                self._con = None
