"""Pinned web assets, shipped basemap and the page HTML (no browser needed)."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from fieldclient.map.page import build_page_html

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "resources" / "web"
VENDOR = WEB / "vendor"


def test_manifest_hashes_match_vendored_files() -> None:
    """Every file fetch-web-assets.py copied still has the sha256 its manifest recorded."""
    manifest = json.loads((VENDOR / "manifest.json").read_text())
    assert set(manifest) >= {"leaflet", "leaflet.markercluster", "milsymbol"}
    for pkg, entry in manifest.items():
        assert entry["integrity"].startswith("sha512-"), pkg
        for rel, digest in entry["files"].items():
            data = (VENDOR / entry.get("dir", pkg) / rel).read_bytes()
            assert hashlib.sha256(data).hexdigest() == digest, f"{pkg}/{rel}"


def test_versions_are_pinned_and_licences_shipped() -> None:
    """package.json pins exact versions, the lockfile agrees, and each package ships a licence."""
    pkg = json.loads((WEB / "package.json").read_text())
    lock = json.loads((WEB / "package-lock.json").read_text())
    manifest = json.loads((VENDOR / "manifest.json").read_text())
    for name, version in pkg["dependencies"].items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name} not pinned: {version}"
        assert lock["packages"][f"node_modules/{name}"]["version"] == version
        assert manifest[name]["version"] == version
        assert any("LICEN" in f for f in manifest[name]["files"]), name


def test_bundled_code_ships_its_licences() -> None:
    """The area editor's bundle (leaflet-geoman) ships its own licence and the licence of
    every npm package the lockfile says it depends on (they are compiled into it)."""
    lock = json.loads((WEB / "package-lock.json").read_text())
    manifest = json.loads((VENDOR / "manifest.json").read_text())
    entry = manifest["@geoman-io/leaflet-geoman-free"]
    assert (VENDOR / entry["dir"] / "LICENSE").read_text().startswith("MIT License")
    deps = lock["packages"]["node_modules/@geoman-io/leaflet-geoman-free"]["dependencies"]
    shipped = {f.split(".bundled--", 1)[1].replace("--", "/") for f in entry["files"]
               if ".bundled--" in f}
    assert set(deps) <= shipped, set(deps) - shipped


def test_basemap_outlines_cover_mexico_and_neighbours() -> None:
    """The shipped GeoJSON holds Mexico, the USA and Guatemala with real polygons."""
    doc = json.loads((ROOT / "resources" / "basemap" / "countries-mx-region.geojson").read_text())
    names = {f["properties"]["name"] for f in doc["features"]}
    assert {"Mexico", "United States of America", "Guatemala", "Belize"} <= names
    mexico = next(f for f in doc["features"] if f["properties"]["name"] == "Mexico")
    ring = mexico["geometry"]["coordinates"][0][0]
    assert len(ring) > 200
    assert all(-119 < x < -86 and 14 < y < 33 for x, y in ring)


def test_page_is_small_and_loads_nothing_remote() -> None:
    """The page HTML is under 1 MB and every script and stylesheet is an enlace:// URL."""
    html = build_page_html().decode()
    assert len(html.encode()) < 1_000_000
    links = re.findall(r"""(?:src|href)=["']([^"']+)""", html)
    assert links and all(u.startswith("enlace://app/") for u in links), links
    assert "cdn" not in html.lower() and "http://" not in html and "https://" not in html
    assert "Content-Security-Policy" in html and "unsafe-eval" not in html


CDN_HOSTS = re.compile(
    r"cdn\.|jsdelivr|unpkg\.com|cdnjs|googleapis\.com|bootstrapcdn|code\.jquery\.com", re.I
)


def test_no_shipped_file_names_a_cdn() -> None:
    """Proves nothing the app ships (vendored assets, own page code, basemap) points at a CDN."""
    shipped = [p for p in (WEB / "vendor").rglob("*") if p.is_file()]
    shipped += [p for p in WEB.glob("*.*") if p.suffix in {".js", ".css", ".html"}]
    shipped += list((ROOT / "fieldclient" / "map").rglob("*.py"))
    shipped += list((ROOT / "resources" / "basemap").rglob("*.*"))
    offenders = [
        f"{p.relative_to(ROOT)}: {m.group(0)}"
        for p in shipped
        for m in [CDN_HOSTS.search(p.read_text(encoding="utf-8", errors="ignore"))]
        if m
    ]
    assert offenders == []


def test_mexican_states_ship_with_their_linkware_licence_and_import_as_zones() -> None:
    """Proves the 32 state boundaries are shipped from the pinned amCharts geodata with
    its licence next to them (byte for byte the package's, as linkware requires), and that
    the zone importer reads all 32 as valid areas, Guadalajara falling in Jalisco."""
    import shapely

    from fieldclient.core.zonefiles import read_zone_file

    basemap = ROOT / "resources" / "basemap"
    manifest = json.loads((VENDOR / "manifest.json").read_text())
    entry = manifest["@amcharts/amcharts4-geodata"]
    licence = (VENDOR / entry["dir"] / "LICENSE").read_bytes()
    assert b"linkware" in licence
    assert (basemap / "mx-states.LICENSE").read_bytes() == licence
    assert "amCharts" in (basemap / "README.md").read_text()
    read = read_zone_file(basemap / "mx-states.geojson", name_field="name")
    assert len(read.zones) == 32 and not read.skipped
    by_name = {z.name: z for z in read.zones}
    assert {"Jalisco", "Ciudad de México", "Yucatán", "Baja California Sur"} <= set(by_name)
    jalisco = shapely.MultiPolygon([(p[0], p[1:]) for p in by_name["Jalisco"].geometry])
    assert jalisco.contains(shapely.Point(-103.35, 20.67))  # Guadalajara
