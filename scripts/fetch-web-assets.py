#!/usr/bin/env python3
"""Fetches the map's pinned third-party web assets and the shipped basemap (`make assets`).

Runs with the system python3 (standard library only):

1. `npm ci --ignore-scripts` in resources/web: npm installs exactly what
   package-lock.json pins and verifies each tarball against its integrity hash;
   install scripts never run.
2. Copies only the files the page loads, plus each package's licence (and the licences
   of what a bundle compiles in, BUNDLED), into resources/web/vendor/<package>/ (DIRS
   names a scoped package's folder) and writes vendor/manifest.json with the sha256 of
   every copied file (checked by tests/map/test_map_assets.py).
3. Converts Natural Earth country outlines of Mexico and its neighbours
   (world-atlas countries-50m TopoJSON) to GeoJSON in resources/basemap/, and the
   boundaries of Mexico's 32 states (amCharts geodata, linkware: its LICENSE ships
   next to them and the map credits amCharts) to resources/basemap/mx-states.geojson,
   importable as jurisdiction zones.
4. Touches vendor/.stamp (the Makefile target).

Idempotent: npm ci is skipped when node_modules already matches the lockfile,
and vendor/ is rebuilt in a temporary folder and swapped in whole, so a failed
run never leaves a half-copied vendor/ behind. `--force` reinstalls.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WEB = ROOT / "resources" / "web"
VENDOR = WEB / "vendor"
MODULES = WEB / "node_modules"
BASEMAP = ROOT / "resources" / "basemap"
LOCK_MARK = MODULES / ".enlace-lock-sha256"

# package -> files (relative to the package root) the page needs, licence included.
FILES: dict[str, list[str]] = {
    "leaflet": [
        "dist/leaflet.js",
        "dist/leaflet.css",
        "dist/images/layers.png",
        "dist/images/layers-2x.png",
        "dist/images/marker-icon.png",
        "dist/images/marker-icon-2x.png",
        "dist/images/marker-shadow.png",
        "LICENSE",
    ],
    "leaflet.markercluster": [
        "dist/leaflet.markercluster.js",
        "dist/MarkerCluster.css",
        "dist/MarkerCluster.Default.css",
        "MIT-LICENCE.txt",
    ],
    "milsymbol": ["dist/milsymbol.js", "LICENSE"],
    # ES modules, loaded by web/map-geo.js: MGRS and UTM (the grid, the crosshair) and
    # Vincenty's ellipsoidal distance and bearing (the measuring tool).
    "geodesy": [
        "mgrs.js",
        "utm.js",
        "latlon-ellipsoidal-datum.js",
        "latlon-ellipsoidal-vincenty.js",
        "latlon-ellipsoidal.js",
        "dms.js",
        "vector3d.js",
        "LICENSE",
    ],
    "world-atlas": ["LICENSE"],  # attribution lives in resources/basemap/README.md
    # Mexico's 32 states (build_states). Linkware: the licence ships here and next to the
    # converted file, and the map's attribution line credits amCharts.
    "@amcharts/amcharts4-geodata": ["LICENSE"],
    # Drawing and editing an operation's area (web/map-areas.js). Its dist file is one
    # self-contained bundle; the licences of what it bundles ship next to it (BUNDLED).
    "@geoman-io/leaflet-geoman-free": [
        "dist/leaflet-geoman.min.js",
        "dist/leaflet-geoman.css",
        "LICENSE",
    ],
}

# package -> the npm packages compiled into its dist bundle: their licences are shipped
# in vendor/<package>/bundled/ (the bundle is their code too). Checked against the lock.
BUNDLED: dict[str, list[str]] = {
    "@geoman-io/leaflet-geoman-free": [
        "@turf/bbox", "@turf/bearing", "@turf/boolean-contains",
        "@turf/boolean-point-in-polygon", "@turf/boolean-point-on-line", "@turf/destination",
        "@turf/distance", "@turf/helpers", "@turf/invariant", "@turf/kinks",
        "@turf/line-intersect", "@turf/line-segment", "@turf/line-split", "@turf/meta",
        "@turf/nearest-point-on-line", "@turf/square", "@turf/truncate", "bignumber.js",
        "geojson-rbush", "lodash", "polyclip-ts", "quickselect", "rbush", "splaytree-ts",
    ],
}
LICENCE_NAMES = ("LICENSE", "LICENCE.md", "LICENSE.md", "LICENCE", "LICENSE.txt")
# A scoped package's folder in vendor/ (one level, as the page's URLs and the release's
# licence collection expect); others keep their name.
DIRS = {"@geoman-io/leaflet-geoman-free": "leaflet-geoman",
        "@amcharts/amcharts4-geodata": "amcharts4-geodata"}


def vendor_dir(name: str) -> str:
    return DIRS.get(name, name)

# Natural Earth ISO 3166 numeric ids: Mexico and the countries around it.
REGION_IDS = {
    "484", "840", "320", "084", "340", "222", "558", "188", "591",
    "192", "388", "332", "214", "044", "170", "862", "124",
}
REGION_BOX = (-125.0, 5.0, -74.0, 36.0)  # lon/lat box; polygons outside it are dropped
DECIMALS = 3  # ~100 m, finer than the 1:50m source


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 16), b""):
            h.update(block)
    return h.hexdigest()


def npm_ci(force: bool) -> None:
    lock = WEB / "package-lock.json"
    want = sha256(lock)
    if not force and LOCK_MARK.exists() and LOCK_MARK.read_text().strip() == want:
        return
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("fetch-web-assets: npm not found (run `make system` first)")
    cmd = [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"]
    print("fetch-web-assets:", " ".join(cmd[1:]), flush=True)
    subprocess.run(cmd, cwd=WEB, check=True)
    LOCK_MARK.write_text(want + "\n")


def locked_packages() -> dict[str, dict[str, str]]:
    lock = json.loads((WEB / "package-lock.json").read_text(encoding="utf-8"))
    out = {}
    for name in FILES:
        entry = lock["packages"].get(f"node_modules/{name}")
        if entry is None:
            sys.exit(f"fetch-web-assets: {name} is not in package-lock.json")
        installed = json.loads((MODULES / name / "package.json").read_text(encoding="utf-8"))
        if installed["version"] != entry["version"]:
            sys.exit(
                f"fetch-web-assets: {name} {installed['version']} installed, "
                f"lockfile pins {entry['version']}; rerun with --force"
            )
        out[name] = {"version": entry["version"], "integrity": entry["integrity"]}
    return out


def copy_vendor(packages: dict[str, dict[str, str]]) -> dict[str, object]:
    tmp = WEB / "vendor.tmp"
    if tmp.exists():
        shutil.rmtree(tmp)
    manifest: dict[str, object] = {}
    for name, files in FILES.items():
        hashes = {}
        for rel in files:
            src = MODULES / name / rel
            # dist/ is flattened: vendor/leaflet/leaflet.js, vendor/leaflet/images/...
            dest_rel = rel[len("dist/"):] if rel.startswith("dist/") else rel
            dest = tmp / vendor_dir(name) / dest_rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest)
            hashes[dest_rel] = sha256(dest)
        for dep in BUNDLED.get(name, []):
            src = next((MODULES / dep / n for n in LICENCE_NAMES if (MODULES / dep / n).is_file()),
                       None)
            if src is None:
                sys.exit(f"fetch-web-assets: {dep} (bundled in {name}) has no licence file")
            dest_rel = f"{src.name}.bundled--{dep.replace('/', '--')}"
            dest = tmp / vendor_dir(name) / dest_rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest)
            hashes[dest_rel] = sha256(dest)
        manifest[name] = {**packages[name], "dir": vendor_dir(name), "files": hashes}
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    old = WEB / "vendor.old"
    if old.exists():
        shutil.rmtree(old)
    if VENDOR.exists():
        VENDOR.rename(old)
    tmp.rename(VENDOR)
    if old.exists():
        shutil.rmtree(old)
    return manifest


# -- TopoJSON -> GeoJSON (spec: github.com/topojson/topojson-specification) ------------


def _decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:  # delta-encoded, quantized
            x += dx
            y += dy
            pts.append((round(x * sx + tx, DECIMALS), round(y * sy + ty, DECIMALS)))
        arcs.append(pts)
    return arcs


def _ring(indices: list[int], arcs: list[list[tuple[float, float]]]) -> list[list[float]]:
    out: list[tuple[float, float]] = []
    for i in indices:
        pts = arcs[i] if i >= 0 else arcs[~i][::-1]
        out.extend(pts if not out else pts[1:])
    return [list(p) for p in out]


def _in_box(polygon: list[list[list[float]]]) -> bool:
    x0, y0, x1, y1 = REGION_BOX
    outer = polygon[0]
    xs = [p[0] for p in outer]
    ys = [p[1] for p in outer]
    return max(xs) >= x0 and min(xs) <= x1 and max(ys) >= y0 and min(ys) <= y1


def build_basemap() -> Path:
    src = MODULES / "world-atlas" / "countries-50m.json"
    topo = json.loads(src.read_text(encoding="utf-8"))
    arcs = _decode_arcs(topo)
    features = []
    for geom in topo["objects"]["countries"]["geometries"]:
        if geom.get("id") not in REGION_IDS:
            continue
        if geom["type"] == "Polygon":
            polys = [geom["arcs"]]
        elif geom["type"] == "MultiPolygon":
            polys = geom["arcs"]
        else:
            continue
        rings = [[_ring(r, arcs) for r in poly] for poly in polys]
        rings = [p for p in rings if _in_box(p)]
        if not rings:
            continue
        features.append(
            {
                "type": "Feature",
                "id": geom["id"],
                "properties": {"name": geom["properties"]["name"], "iso_n3": geom["id"]},
                "geometry": {"type": "MultiPolygon", "coordinates": rings},
            }
        )
    features.sort(key=lambda f: f["id"])
    doc = {
        "type": "FeatureCollection",
        "source": "Natural Earth 1:50m Admin 0 countries v4.1.0 via world-atlas 2.0.2",
        "features": features,
    }
    BASEMAP.mkdir(parents=True, exist_ok=True)
    out = BASEMAP / "countries-mx-region.geojson"
    text = json.dumps(doc, separators=(",", ":"), sort_keys=True) + "\n"
    if not out.exists() or out.read_text(encoding="utf-8") != text:
        out.write_text(text, encoding="utf-8")
    return out


STATES_DECIMALS = 5  # ~1 m, as precise as the source


def build_states() -> Path:
    """Mexico's 32 states as a GeoJSON FeatureCollection (`name`, `iso` = ISO 3166-2),
    from amCharts' mexicoHigh, with amCharts' LICENSE beside it (the licence asks that
    it travel with the files)."""
    pkg = MODULES / "@amcharts" / "amcharts4-geodata"
    doc = json.loads((pkg / "json" / "mexicoHigh.json").read_text(encoding="utf-8"))

    def rounded(x: object) -> object:
        if isinstance(x, list):
            return [rounded(v) for v in x]
        return round(x, STATES_DECIMALS) if isinstance(x, float) else x

    features = [{"type": "Feature", "id": f["properties"]["id"],
                 "properties": {"name": f["properties"]["name"], "iso": f["properties"]["id"]},
                 "geometry": {"type": f["geometry"]["type"],
                              "coordinates": rounded(f["geometry"]["coordinates"])}}
                for f in doc["features"]]
    if len(features) != 32:
        sys.exit(f"fetch-web-assets: expected Mexico's 32 states, found {len(features)}")
    features.sort(key=lambda f: f["id"])
    out = BASEMAP / "mx-states.geojson"
    text = json.dumps({"type": "FeatureCollection",
                       "source": "amCharts 4 geodata (mexicoHigh), @amcharts/amcharts4-geodata "
                                 + json.loads((pkg / "package.json").read_text())["version"]
                                 + "; linkware, see mx-states.LICENSE",
                       "features": features}, separators=(",", ":"), ensure_ascii=False,
                      sort_keys=True) + "\n"
    if not out.exists() or out.read_text(encoding="utf-8") != text:
        out.write_text(text, encoding="utf-8")
    licence = BASEMAP / "mx-states.LICENSE"
    if not licence.exists() or licence.read_bytes() != (pkg / "LICENSE").read_bytes():
        shutil.copyfile(pkg / "LICENSE", licence)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--force", action="store_true", help="reinstall node_modules even if current")
    args = ap.parse_args()
    npm_ci(args.force)
    packages = locked_packages()
    manifest = copy_vendor(packages)
    basemap = build_basemap()
    build_states()
    (VENDOR / ".stamp").write_text("ok\n")
    files = sum(len(p["files"]) for p in manifest.values())  # type: ignore[index]
    print(f"fetch-web-assets: {files} files in {VENDOR.relative_to(ROOT)}, "
          f"basemap {basemap.relative_to(ROOT)} ({basemap.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
