"""Map packages made the way GIS units make them, from a generated GeoTIFF over Guadalajara:

- GDAL's MBTiles driver (through the rasterio wheel, which ships GDAL), with or
  without overviews (`gdaladdo`);
- `rio mbtiles` (rio-mbtiles 1.6), which writes no minzoom/maxzoom;
- `mb-util` 0.3 packing a folder of tiles, with or without a metadata.json.

The raster is four flat colours, one per quadrant around (MID_LAT, MID_LON), so
a test can check the right colour is drawn at the right place (and that the
map is not flipped north-south).
"""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import rasterio
import rasterio.shutil
import rasterio.windows
from rasterio.transform import from_bounds

BIN = Path(sys.executable).parent
WEST, SOUTH, EAST, NORTH = -103.50, 20.55, -103.20, 20.80  # Guadalajara
MID_LON, MID_LAT = (WEST + EAST) / 2, (SOUTH + NORTH) / 2
COLOURS = {  # quadrant -> RGB
    "nw": (210, 40, 40),
    "ne": (40, 170, 60),
    "sw": (40, 70, 210),
    "se": (230, 200, 40),
}
LAND = (0xF2, 0xEF, 0xE9)  # the outlines' land fill (map-tiles.js)
SEA = (0xB9, 0xD3, 0xE6)  # the page background (map.css)


def point(quadrant: str) -> tuple[float, float]:
    """(lat, lon) well inside a quadrant."""
    lat = (NORTH + MID_LAT) / 2 if quadrant[0] == "n" else (SOUTH + MID_LAT) / 2
    lon = (WEST + MID_LON) / 2 if quadrant[1] == "w" else (EAST + MID_LON) / 2
    return lat, lon


def geotiff(path: Path, zoom: int = 14, bounds: tuple[float, float, float, float] | None = None
            ) -> Path:
    """An RGB GeoTIFF (EPSG:4326) at about the resolution of `zoom`, coloured by quadrant."""
    w, s, e, n = bounds or (WEST, SOUTH, EAST, NORTH)
    res = 360 / ((1 << zoom) * 256)
    width, height = round((e - w) / res), round((n - s) / res)
    data = np.zeros((3, height, width), dtype=np.uint8)
    # Quadrants around the middle of the package's own area.
    mx = round((MID_LON - w) / (e - w) * width) if w < MID_LON < e else width // 2
    my = round((n - MID_LAT) / (n - s) * height) if s < MID_LAT < n else height // 2
    for q, rgb in COLOURS.items():
        rows = slice(0, my) if q[0] == "n" else slice(my, height)
        cols = slice(0, mx) if q[1] == "w" else slice(mx, width)
        for band in range(3):
            data[band, rows, cols] = rgb[band]
    profile = {"driver": "GTiff", "width": width, "height": height, "count": 3,
               "dtype": "uint8", "crs": "EPSG:4326", "compress": "deflate", "tiled": True,
               "transform": from_bounds(w, s, e, n, width, height)}
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data)
    return path


def imagery_geotiff(path: Path, bounds: tuple[float, float, float, float], zoom: int,
                    seed: int = 1) -> Path:
    """An RGB GeoTIFF that compresses like aerial imagery (smooth fields, fine grain), at about
    the resolution of `zoom`: JPEG tiles of about 15 KB, as an orthophoto package has."""
    w, s, e, n = bounds
    res = 360 / ((1 << zoom) * 256)
    width, height = round((e - w) / res), round((n - s) / res)
    rnd = np.random.default_rng(seed)
    profile = {"driver": "GTiff", "width": width, "height": height, "count": 3,
               "dtype": "uint8", "crs": "EPSG:4326", "tiled": True, "compress": "deflate",
               "transform": from_bounds(w, s, e, n, width, height)}
    strip = 512
    coarse = rnd.integers(40, 200, size=(3, height // 16 + 2, width // 16 + 2))
    with rasterio.open(path, "w", **profile) as dst:
        for top in range(0, height, strip):
            rows = min(strip, height - top)
            block = coarse[:, top // 16: (top + rows) // 16 + 2, :]
            big = block.repeat(16, axis=1).repeat(16, axis=2)
            off = top % 16
            big = big[:, off: off + rows, :width].astype(np.int16)
            big += rnd.integers(-30, 30, size=big.shape, dtype=np.int16)
            dst.write(np.clip(big, 0, 255).astype(np.uint8),
                      window=rasterio.windows.Window(0, top, width, rows))
    return path


def gdal_mbtiles(tif: Path, out: Path, tile_format: str = "PNG", overviews: bool = False,
                 name: str | None = None) -> Path:
    """`gdal_translate -of MBTiles` (and `gdaladdo` when `overviews`)."""
    options = {"TILE_FORMAT": tile_format, "RESAMPLING": "NEAREST"}
    if name:
        options["NAME"] = name
    rasterio.shutil.copy(str(tif), str(out), driver="MBTiles", **options)
    if overviews:
        with rasterio.open(out, "r+") as ds:
            ds.build_overviews([2, 4, 8, 16], rasterio.enums.Resampling.nearest)
    return out


def rio_mbtiles(tif: Path, out: Path, tile_format: str = "JPEG", zooms: str = "10..14") -> Path:
    """`rio mbtiles` as a GIS unit runs it (rio-mbtiles writes no minzoom/maxzoom)."""
    subprocess.run([str(BIN / "rio"), "mbtiles", str(tif), str(out), "--format", tile_format,
                    "--zoom-levels", zooms, "--resampling", "nearest", "-j", "1"],
                   check=True, capture_output=True)
    return out


def mbutil(folder: Path, out: Path) -> Path:
    """`mb-util FOLDER OUT.mbtiles`: packs a z/x/y tile folder (metadata from metadata.json)."""
    subprocess.run([sys.executable, str(BIN / "mb-util"), "--silent", str(folder), str(out)],
                   check=True, capture_output=True)
    return out


def tile_folder(package: Path, folder: Path, keep_metadata: bool = False) -> Path:
    """The tiles of `package` as a z/x/y folder (`mb-util PKG FOLDER`), as a tile cache
    or a tile renderer leaves them; without metadata.json unless asked."""
    subprocess.run([sys.executable, str(BIN / "mb-util"), "--silent", str(package), str(folder)],
                   check=True, capture_output=True)
    if not keep_metadata:
        (folder / "metadata.json").unlink(missing_ok=True)
    return folder


def vector_folder(folder: Path, fmt_label: str = "png") -> Path:
    """A tile folder of gzip-compressed vector tiles whose metadata says `fmt_label`."""
    for x in range(2):
        tile_dir = folder / "3" / str(x)
        tile_dir.mkdir(parents=True, exist_ok=True)
        for y in range(2):
            body = b"\x1a\x0c\x0a\x05roads\x78\x02" + bytes(range(8))
            (tile_dir / f"{y}.{fmt_label}").write_bytes(gzip.compress(body))
    (folder / "metadata.json").write_text(json.dumps({"name": "Calles", "format": fmt_label}))
    return folder


def build_all(root: Path) -> dict[str, Path]:
    """Every kind of package the tests use, built once per session."""
    def out(sub: str, name: str) -> Path:  # each in a folder of its own, as delivered
        (root / sub).mkdir(parents=True, exist_ok=True)
        return root / sub / name

    tif = geotiff(out(".", "guadalajara.tif"))
    built = {
        "gdal": gdal_mbtiles(tif, out("gdal", "gdl-gdal.mbtiles"), name="GDL GDAL"),
        "rio_jpeg": rio_mbtiles(tif, out("rio", "gdl-rio.mbtiles")),
        "rio_webp": rio_mbtiles(tif, out("webp", "gdl-webp.mbtiles"), "WEBP", "12..14"),
    }
    folder = tile_folder(built["gdal"], root / "tiles")
    built["mbutil"] = mbutil(folder, out("mbutil", "guadalajara-tiles.mbtiles"))
    built["vector"] = mbutil(vector_folder(root / "vector-tiles"), out("vector", "calles.mbtiles"))
    return built


def copy_as(package: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(package, target)
    return target
