"""Importing jurisdiction zones (issue 12 item 5) from real GeoJSON, KML and Esri Shapefile
files (shapefiles written with pyshp, with and without .prj, one in UTM 13N), and the
clear refusals of bad files, nothing stored."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import shapefile
from pyproj import CRS, Transformer
from sqlalchemy import func, select

from fieldclient.core.errors import InvalidInput
from fieldclient.core.zonefiles import read_zone_file
from tests.test_cli import run

ZAPOPAN = [[-103.50, 20.65], [-103.38, 20.65], [-103.38, 20.80], [-103.50, 20.80],
           [-103.50, 20.65]]
GDL = [[-103.38, 20.62], [-103.28, 20.62], [-103.28, 20.74], [-103.38, 20.74], [-103.38, 20.62]]
HOLE = [[-103.35, 20.65], [-103.33, 20.65], [-103.33, 20.67], [-103.35, 20.65]]
ISLAND = [[-103.0, 20.0], [-102.9, 20.0], [-102.9, 20.1], [-103.0, 20.0]]
BOW_TIE = [[-103.4, 20.6], [-103.3, 20.7], [-103.3, 20.6], [-103.4, 20.7], [-103.4, 20.6]]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    from fieldclient.demo import load_agencies
    from fieldclient.store.db import open_store

    st = open_store(tmp_path / "data")
    load_agencies(st)
    st.close()
    return tmp_path / "data"


def _zones(data: Path) -> list[Any]:
    from fieldclient.store import zones
    from fieldclient.store.db import open_store
    from fieldclient.store.models import Outbox

    st = open_store(data)
    try:
        with st.session() as s:
            found = [(z.name, z.agency, z.level, z.geometry) for z in zones.all_zones(s)]
            queued = s.scalar(select(func.count()).select_from(Outbox).where(
                Outbox.entity == "zone"))
        assert queued == len(found)  # every zone goes to the server
        return found
    finally:
        st.close()


def _geojson(path: Path, *features: tuple[str, dict[str, Any]]) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"NOMGEO": name}, "geometry": geom}
        for name, geom in features]}), encoding="utf-8")
    return path


def _shp(base: Path, rings: list[list[list[float]]], prj: str | None) -> Path:
    with shapefile.Writer(str(base), shapeType=shapefile.POLYGON) as w:
        w.field("NOMGEO", "C", 60)
        w.field("CVEGEO", "C", 10)
        w.poly([rings[0]])
        w.record("Zapopan", "14120")
        w.poly([rings[1]])
        w.record("Guadalajara", "14039")
    if prj is not None:
        base.with_suffix(".prj").write_text(prj, encoding="utf-8")
    return base.with_suffix(".shp")


def test_geojson_import_from_the_command_line(tmp_path: Path, data: Path) -> None:
    """Proves `zone import` stores one zone per GeoJSON feature (a polygon with a hole, a
    multipolygon), named from NOMGEO, each queued for the server, and reports them."""
    f = _geojson(tmp_path / "mun.geojson",
                 ("Guadalajara", {"type": "Polygon", "coordinates": [GDL, HOLE]}),
                 ("Zapopan", {"type": "MultiPolygon", "coordinates": [[ZAPOPAN], [ISLAND]]}),
                 ("Un punto", {"type": "Point", "coordinates": [-103.3, 20.6]}))
    r = run(data, "--lang", "en", "zone", "import", str(f), "--agency", "mun-gdl",
            "--level", "municipal")
    assert r.returncode == 0, r.stderr
    assert "Imported 2 zone(s)" in r.stdout and "Skipped feature 3: a Point" in r.stdout
    assert "Guadalajara\t1 part(s)\t9 points" in r.stdout
    zones = {z[0]: z for z in _zones(data)}
    assert set(zones) == {"Guadalajara", "Zapopan"}
    assert zones["Zapopan"][1:3] == ("mun-gdl", "municipal")
    assert len(zones["Zapopan"][3]) == 2 and len(zones["Guadalajara"][3][0]) == 2
    es = run(data, "--lang", "es", "zone", "import", str(f), "--agency", "mun-gdl",
             "--level", "municipal")
    assert es.returncode == 0 and "Se importaron 2 zona(s)" in es.stdout, es.stdout


def test_kml_placemarks_and_their_data(tmp_path: Path) -> None:
    """Proves a KML's placemarks become zones (a polygon with altitudes, a MultiGeometry),
    named by the placemark or by a SchemaData attribute, a point skipped."""
    def ring(points: list[list[float]]) -> str:
        return " ".join(f"{x},{y},0" for x, y in points)

    f = tmp_path / "zonas.kml"
    f.write_text(f"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Folder>
<Placemark><name>Zapopan</name><ExtendedData><SchemaData schemaUrl="#s">
<SimpleData name="CVEGEO">14120</SimpleData></SchemaData></ExtendedData>
<Polygon><outerBoundaryIs><LinearRing><coordinates>{ring(ZAPOPAN)}</coordinates></LinearRing>
</outerBoundaryIs></Polygon></Placemark>
<Placemark><name>Guadalajara</name><MultiGeometry>
<Polygon><outerBoundaryIs><LinearRing><coordinates>{ring(GDL)}</coordinates></LinearRing>
</outerBoundaryIs></Polygon>
<Polygon><outerBoundaryIs><LinearRing><coordinates>{ring(ISLAND)}</coordinates></LinearRing>
</outerBoundaryIs></Polygon></MultiGeometry></Placemark>
<Placemark><name>Base</name><Point><coordinates>-103.3,20.6</coordinates></Point></Placemark>
</Folder></Document></kml>""", encoding="utf-8")
    read = read_zone_file(f)
    assert read.kind == "KML" and [z.name for z in read.zones] == ["Zapopan", "Guadalajara"]
    assert read.zones[0].geometry == [[ZAPOPAN]] and len(read.zones[1].geometry) == 2
    assert read.skipped == [(3, "Point")]
    assert read_zone_file(f, "CVEGEO").zones[0].name == "14120"


def test_shapefiles_with_and_without_prj(tmp_path: Path) -> None:
    """Proves a shapefile in lon/lat is read with or without .prj, one in UTM 13N is
    reprojected from its .prj to WGS84 (back within a centimetre), and one in UTM without
    .prj is refused with what to do."""
    wgs = _shp(tmp_path / "wgs", [ZAPOPAN, GDL], CRS.from_epsg(4326).to_wkt("WKT1_ESRI"))
    bare = _shp(tmp_path / "bare", [ZAPOPAN, GDL], None)
    for f in (wgs, bare):
        read = read_zone_file(f)
        assert read.kind == "Esri Shapefile" and read.reprojected_from is None
        assert [z.name for z in read.zones] == ["Zapopan", "Guadalajara"]
        assert sorted(map(tuple, read.zones[0].geometry[0][0])) == sorted(map(tuple, ZAPOPAN))
    to_utm = Transformer.from_crs(4326, 32613, always_xy=True)
    utm = [[list(to_utm.transform(x, y)) for x, y in r] for r in (ZAPOPAN, GDL)]
    projected = _shp(tmp_path / "utm", utm, CRS.from_epsg(32613).to_wkt("WKT1_ESRI"))
    read = read_zone_file(projected)
    assert read.reprojected_from is not None and "13N" in read.reprojected_from
    got = read.zones[1].geometry[0][0]
    assert all(abs(a - b) < 1e-7 for p, q in zip(sorted(got), sorted(GDL), strict=True)
               for a, b in zip(p, q, strict=True))
    projected.with_suffix(".prj").unlink()
    with pytest.raises(InvalidInput) as refused:
        read_zone_file(projected)
    assert "no .prj" in str(refused.value) and "longitude and latitude" in str(refused.value)


def test_bad_files_are_refused_and_nothing_is_stored(tmp_path: Path, data: Path) -> None:
    """Proves a self-intersecting feature (named, with where), a truncated GeoJSON, KML or
    shapefile, a file of none of the three formats and one over 100 MB are each refused
    with a clear message, and the command stores nothing."""
    bad = _geojson(tmp_path / "bad.geojson",
                   ("Zapopan", {"type": "Polygon", "coordinates": [ZAPOPAN]}),
                   ("Tlaquepaque", {"type": "Polygon", "coordinates": [BOW_TIE]}))
    r = run(data, "--lang", "en", "zone", "import", str(bad), "--agency", "mun-gdl",
            "--level", "municipal")
    assert r.returncode != 0 and "nothing was imported" in r.stderr
    assert "Feature(s): 2 (“Tlaquepaque”): Self-intersection (20.650000, -103.350000)" in r.stderr
    assert _zones(data) == []

    good = _geojson(tmp_path / "good.geojson", ("Z", {"type": "Polygon", "coordinates": [GDL]}))
    cut = tmp_path / "cut.geojson"
    cut.write_bytes(good.read_bytes()[:-30])
    with pytest.raises(InvalidInput, match="truncated"):
        read_zone_file(cut)
    kml = tmp_path / "cut.kml"
    kml.write_text('<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2">'
                   "<Document><Placemark><name>Z</name><Polygon><outerBoundaryIs>",
                   encoding="utf-8")
    with pytest.raises(InvalidInput, match="truncated"):
        read_zone_file(kml)
    shp = _shp(tmp_path / "cut", [ZAPOPAN, GDL], None)
    shp.write_bytes(shp.read_bytes()[:-40])
    with pytest.raises(InvalidInput, match="truncated"):
        read_zone_file(shp)
    png = tmp_path / "mapa.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    with pytest.raises(InvalidInput, match="not GeoJSON, KML or an Esri Shapefile"):
        read_zone_file(png)
    huge = tmp_path / "huge.geojson"
    with huge.open("wb") as fh:  # sparse: no disk used
        fh.write(b"{")
        fh.truncate(101 * 1024 * 1024)
    r = run(data, "--lang", "en", "zone", "import", str(huge), "--agency", "mun-gdl",
            "--level", "municipal")
    assert r.returncode != 0 and "at most 100 MB" in r.stderr
    assert _zones(data) == []


def test_a_detailed_boundary_is_simplified_to_fit_a_zone(tmp_path: Path) -> None:
    """Proves a boundary with more points than a zone carries is simplified (its shape
    kept, still valid) and the report says from how many points."""
    import math

    n = 30_000
    circle = [[-103.35 + 0.1 * math.cos(2 * math.pi * i / n),
               20.67 + 0.1 * math.sin(2 * math.pi * i / n) * (1 + 0.001 * (i % 2))]
              for i in range(n)]
    circle.append(circle[0])
    f = _geojson(tmp_path / "fine.geojson", ("Fino", {"type": "Polygon", "coordinates": [circle]}))
    (zone,) = read_zone_file(f).zones
    from sync.protocol.limits import MAX_ZONE_VERTICES

    assert zone.simplified_from == n + 1 and zone.points <= MAX_ZONE_VERTICES
