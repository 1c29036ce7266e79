"""MBTiles raster packages: validation, discovery in `<data dir>/maps/`, tile reads.

No Qt here: the command line (`fieldclient maps import|list`) uses it too.
An MBTiles file (https://github.com/mapbox/mbtiles-spec) is an SQLite
database with a `tiles` table or view (zoom_level, tile_column, tile_row,
tile_data) whose rows are in TMS order (row 0 at the south), and a
`metadata` table of name/value pairs. Only raster formats are accepted.
"""

from __future__ import annotations

import logging
import re
import shutil
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path

from fieldclient.core.errors import InvalidInput
from fieldclient.core.i18n import QT_TRANSLATE_NOOP

log = logging.getLogger(__name__)

MAPS_DIR = "maps"
SQLITE_MAGIC = b"SQLite format 3\x00"
FORMATS = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp"}
TILE_COLUMNS = {"zoom_level", "tile_column", "tile_row", "tile_data"}


MSG_INVALID = QT_TRANSLATE_NOOP("errors", "{path} is not a usable MBTiles map package: {why}")


class InvalidMBTiles(InvalidInput):
    """A file that cannot be used as an MBTiles raster package."""

    def __init__(self, path: Path | str, why: str) -> None:
        super().__init__(MSG_INVALID, path=str(path), why=why)
        self.path = str(path)
        self.why = why


@dataclass(frozen=True)
class MBTilesInfo:
    path: Path
    key: str  # URL-safe id used in enlace://app/tiles/<key>/...
    name: str
    format: str
    minzoom: int | None = None
    maxzoom: int | None = None
    bounds: tuple[float, float, float, float] | None = None
    attribution: str | None = None
    metadata: dict[str, str] = field(default_factory=dict, compare=False, repr=False)


def layer_key(path: Path) -> str:
    """A stable URL-safe key for a package from its file name."""
    stem = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")[:48] or "map"
    return "mbt-" + stem


def _connect_ro(path: Path) -> sqlite3.Connection:
    # immutable=1 would skip locking, but a package being copied in could change; plain ro.
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)


def validate(path: Path | str) -> MBTilesInfo:
    """Check that `path` is an MBTiles raster package; raise InvalidMBTiles saying why not."""
    p = Path(path)
    if not p.is_file():
        raise InvalidMBTiles(p, "file not found")
    with p.open("rb") as fh:
        if fh.read(16) != SQLITE_MAGIC:
            raise InvalidMBTiles(p, "not an SQLite database")
    try:
        con = _connect_ro(p)
        try:
            objects = {
                r[0]: r[1]
                for r in con.execute(
                    "SELECT name, type FROM sqlite_master WHERE type IN ('table','view')"
                )
            }
            if "tiles" not in objects:
                raise InvalidMBTiles(p, "no 'tiles' table")
            if "metadata" not in objects:
                raise InvalidMBTiles(p, "no 'metadata' table")
            cols = {r[1] for r in con.execute("PRAGMA table_info(tiles)")}
            missing = TILE_COLUMNS - cols
            if missing:
                raise InvalidMBTiles(p, "'tiles' lacks " + ", ".join(sorted(missing)))
            meta_cols = {r[1] for r in con.execute("PRAGMA table_info(metadata)")}
            if not {"name", "value"} <= meta_cols:
                raise InvalidMBTiles(p, "'metadata' lacks name/value columns")
            meta = {
                str(k): str(v)
                for k, v in con.execute("SELECT name, value FROM metadata")
                if k is not None and v is not None
            }
            # Reading one row proves the tiles b-tree is readable, not just the schema.
            con.execute("SELECT zoom_level, tile_column, tile_row, length(tile_data) "
                        "FROM tiles LIMIT 1").fetchall()
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise InvalidMBTiles(p, f"damaged database ({exc})") from None
    name = meta.get("name", "").strip()
    if not name:
        raise InvalidMBTiles(p, "metadata has no name")
    fmt = meta.get("format", "").strip().lower()
    if fmt not in FORMATS:
        raise InvalidMBTiles(p, f"tile format {fmt or '(none)'!r} is not png, jpg or webp")
    return MBTilesInfo(
        path=p,
        key=layer_key(p),
        name=name[:200],
        format=fmt,
        minzoom=_int(meta.get("minzoom")),
        maxzoom=_int(meta.get("maxzoom")),
        bounds=_bounds(meta.get("bounds")),
        attribution=meta.get("attribution"),
        metadata=meta,
    )


def _int(value: str | None) -> int | None:
    try:
        v = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return v if 0 <= v <= 24 else None


def _bounds(value: str | None) -> tuple[float, float, float, float] | None:
    try:
        parts = [float(x) for x in str(value).split(",")]
    except (TypeError, ValueError):
        return None
    return (parts[0], parts[1], parts[2], parts[3]) if len(parts) == 4 else None


def maps_dir(data_dir: Path) -> Path:
    return Path(data_dir) / MAPS_DIR


def scan(data_dir: Path) -> tuple[list[MBTilesInfo], list[InvalidMBTiles]]:
    """Installed packages in `<data_dir>/maps/`, and the files refused (each with why)."""
    folder = maps_dir(data_dir)
    good: list[MBTilesInfo] = []
    bad: list[InvalidMBTiles] = []
    if not folder.is_dir():
        return good, bad
    keys: set[str] = set()
    for path in sorted(folder.glob("*.mbtiles")):
        try:
            info = validate(path)
        except InvalidMBTiles as exc:
            log.warning("map package skipped: %s", exc)
            bad.append(exc)
            continue
        if info.key in keys:  # two names that normalise alike: keep both, apart
            info = MBTilesInfo(**{**info.__dict__, "key": f"{info.key}-{len(keys)}"})
        keys.add(info.key)
        good.append(info)
    return good, bad


def install(source: Path | str, data_dir: Path) -> MBTilesInfo:
    """Validate and copy a package into `<data_dir>/maps/` (atomically, never half-copied)."""
    validate(source)  # refuse before copying anything
    folder = maps_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / (Path(source).stem + ".mbtiles")
    tmp = target.with_name(target.name + ".part")
    shutil.copyfile(source, tmp)
    tmp.replace(target)
    return validate(target)


class TileSource:
    """Reads tiles of one package; called from the UI thread by the scheme handler."""

    def __init__(self, info: MBTilesInfo) -> None:
        self.info = info
        self.mime = FORMATS[info.format]
        self._con: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        """The tile at XYZ (Leaflet's rows, north at 0); MBTiles rows are TMS (flipped)."""
        if not 0 <= z <= 30:
            return None
        n = 1 << z
        if not (0 <= x < n and 0 <= y < n):
            return None
        row = n - 1 - y
        with self._lock:
            try:
                if self._con is None:
                    self._con = _connect_ro(self.info.path)
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
