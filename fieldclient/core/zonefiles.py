"""Reading jurisdiction boundaries from the files agencies hold: GeoJSON, KML and Esri
Shapefile (INEGI's Marco Geoestadístico ships as shapefiles).

`read_zone_file(path)` gives each area of the file as the `geometry` a zone record
takes (a MultiPolygon's coordinates in WGS84 longitude/latitude), with its name and
where it came from, or refuses the whole file with a message that says what is wrong
and where: a file that is none of the three, a truncated one, one over the size cap, a
feature whose boundary crosses itself, a shapefile in another projection without the
`.prj` that says which. Parsing is left to the libraries (json, fastkml, pyshp), the
geometry to shapely 2 and the projection to pyproj. Nothing here writes: the command
(fieldclient/zones_cli.py) stores what it reads through the local writer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fieldclient.core.errors import InvalidInput
from fieldclient.core.i18n import QT_TRANSLATE_NOOP
from sync.protocol.limits import MAX_ZONE_VERTICES

# "100 MB of vertices": a file this large is refused before it is parsed.
MAX_FILE_BYTES = 100 * 1024 * 1024
# Attributes that name an area in common sources, tried in order when no --name-field
# is given (NOMGEO: INEGI's Marco Geoestadístico).
NAME_FIELDS = ("name", "Name", "NAME", "nombre", "Nombre", "NOMBRE", "NOMGEO", "NOM_MUN",
               "NOM_ENT", "NOM_LOC")
_SHP_MAGIC = b"\x00\x00\x27\x0a"
_MAX_LISTED = 5  # invalid features named in one message


@dataclass
class ZoneShape:
    """One area read from a file."""

    name: str
    geometry: list[Any]  # MultiPolygon coordinates, [[[[lon, lat], ...], ...], ...]
    feature: int  # its place in the file, from 1
    points: int
    simplified_from: int | None = None  # points before simplification to fit a zone


@dataclass
class ZoneFile:
    kind: str  # "GeoJSON", "KML", "Esri Shapefile"
    zones: list[ZoneShape]
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (feature, geometry type)
    reprojected_from: str | None = None  # the CRS the file was in, when not WGS84


def read_zone_file(path: str | Path, name_field: str | None = None) -> ZoneFile:
    """The areas of a GeoJSON, KML or Esri Shapefile file (see the module docstring)."""
    p = Path(path)
    try:
        size = p.stat().st_size
        head = p.open("rb").read(512)
    except OSError as exc:
        raise InvalidInput(QT_TRANSLATE_NOOP("errors", "Cannot read {path}: {why}"),
                           path=str(p), why=exc.strerror or str(exc)) from None
    if size > MAX_FILE_BYTES:
        raise InvalidInput(QT_TRANSLATE_NOOP(
            "errors", "{path} is {mb} MB; zone files of at most {max} MB are imported "
            "(split it, or import one level at a time)."),
            path=p.name, mb=size // (1024 * 1024), max=MAX_FILE_BYTES // (1024 * 1024))
    if head.startswith(_SHP_MAGIC) or p.suffix.lower() == ".shp":
        return _shapefile(p, name_field)
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith((b"{", b"[")):
        return _geojson(p, name_field)
    if text.startswith(b"<"):
        return _kml(p, name_field)
    raise InvalidInput(QT_TRANSLATE_NOOP(
        "errors", "{path} is not GeoJSON, KML or an Esri Shapefile (.shp with its .shx and "
        ".dbf)."), path=p.name)


# -- the three formats ------------------------------------------------------------------


def _geojson(p: Path, name_field: str | None) -> ZoneFile:
    raw = p.read_bytes()
    try:
        doc = json.loads(raw)
    except ValueError as exc:
        pos = getattr(exc, "pos", 0)
        if pos >= len(raw.rstrip()) - 1:
            raise InvalidInput(QT_TRANSLATE_NOOP(
                "errors", "{path} ends before its GeoJSON does: the file is truncated."),
                path=p.name) from None
        raise InvalidInput(QT_TRANSLATE_NOOP(
            "errors", "{path} is damaged: not valid GeoJSON ({why})."),
            path=p.name, why=str(exc)) from None
    features: list[tuple[dict[str, Any] | None, Any]]
    kind = doc.get("type") if isinstance(doc, dict) else None
    if kind == "FeatureCollection" and isinstance(doc.get("features"), list):
        features = [(f.get("properties"), f.get("geometry")) if isinstance(f, dict)
                    else (None, None) for f in doc["features"]]
    elif kind == "Feature":
        features = [(doc.get("properties"), doc.get("geometry"))]
    elif kind in ("Polygon", "MultiPolygon", "GeometryCollection"):
        features = [(None, doc)]
    else:
        raise InvalidInput(QT_TRANSLATE_NOOP(
            "errors", "{path} is JSON but not GeoJSON (no FeatureCollection, Feature or "
            "geometry)."), path=p.name)
    transform, source = _geojson_crs(p, doc)
    return _finish(p, "GeoJSON", [(props or {}, geom) for props, geom in features],
                   name_field, transform, source)


def _geojson_crs(p: Path, doc: Any) -> tuple[Any, str | None]:
    """GeoJSON is WGS84 (RFC 7946); an old-style `crs` member naming another is honoured."""
    crs = doc.get("crs") if isinstance(doc, dict) else None
    name = ((crs or {}).get("properties") or {}).get("name") if isinstance(crs, dict) else None
    if not name or str(name).upper().endswith(("CRS84", ":4326", "::4326")):
        return None, None
    return _transformer(p, str(name))


def _kml(p: Path, name_field: str | None) -> ZoneFile:
    from fastkml import KML
    from lxml import etree

    try:
        # well-formed first: fastkml's parser recovers from a cut file without a word
        etree.parse(str(p), etree.XMLParser(huge_tree=True, resolve_entities=False,
                                            no_network=True))
        doc = KML.parse(p, validate=False, strict=False)
    except etree.XMLSyntaxError as exc:
        truncated = "end" in str(exc).lower() or "premature" in str(exc).lower()
        if truncated:
            raise InvalidInput(QT_TRANSLATE_NOOP(
                "errors", "{path} ends before its KML does: the file is truncated."),
                path=p.name) from None
        raise InvalidInput(QT_TRANSLATE_NOOP(
            "errors", "{path} is damaged: not valid KML ({why})."),
            path=p.name, why=str(exc)) from None
    except (ValueError, TypeError, AttributeError) as exc:
        raise InvalidInput(QT_TRANSLATE_NOOP(
            "errors", "{path} is damaged: not valid KML ({why})."),
            path=p.name, why=str(exc)) from None
    placemarks: list[tuple[dict[str, Any], Any]] = []

    def walk(node: Any) -> None:
        for item in getattr(node, "features", None) or []:
            if getattr(item, "features", None) is None and hasattr(item, "geometry"):
                props: dict[str, Any] = {"name": item.name}
                for data in getattr(item.extended_data, "elements", None) or []:
                    if hasattr(data, "data"):  # SchemaData: SimpleData items
                        props.update({d.name: d.value for d in data.data})
                    elif getattr(data, "name", None):
                        props[data.name] = data.value
                geom = item.geometry
                placemarks.append((props, geom.__geo_interface__ if geom is not None else None))
            else:
                walk(item)

    walk(doc)
    if not placemarks and doc.features == []:
        raise InvalidInput(QT_TRANSLATE_NOOP(
            "errors", "{path} is XML but holds no KML placemarks."), path=p.name)
    return _finish(p, "KML", placemarks, name_field, None, None)


def _shapefile(p: Path, name_field: str | None) -> ZoneFile:
    import shapefile  # pyshp

    shp = p.with_suffix(".shp") if p.suffix.lower() != ".shp" else p
    declared = int.from_bytes(shp.read_bytes()[24:28], "big") * 2 if shp.exists() else 0
    if shp.exists() and shp.stat().st_size < declared:
        raise InvalidInput(QT_TRANSLATE_NOOP(
            "errors", "{path} is truncated: its header says {declared} bytes, the file has "
            "{size}."), path=shp.name, declared=declared, size=shp.stat().st_size)
    try:
        reader = shapefile.Reader(str(shp))
        fields = [f[0] for f in reader.fields[1:]]
        records = [(dict(zip(fields, rec, strict=False)), shape.__geo_interface__
                    if shape.shapeType != shapefile.NULL else None)
                   for rec, shape in zip(reader.iterRecords(), reader.iterShapes(), strict=False)]
        reader.close()
    except (shapefile.ShapefileException, OSError, ValueError, IndexError) as exc:
        raise InvalidInput(QT_TRANSLATE_NOOP(
            "errors", "{path} is not a complete Esri Shapefile ({why}); it needs its .shx and "
            ".dbf beside it."), path=shp.name, why=str(exc)) from None
    except Exception as exc:  # struct.error and the like: a cut file
        raise InvalidInput(QT_TRANSLATE_NOOP(
            "errors", "{path} is damaged or truncated ({why})."),
            path=shp.name, why=str(exc) or type(exc).__name__) from None
    prj = next((c for c in (shp.with_suffix(".prj"), shp.with_suffix(".PRJ")) if c.exists()),
               None)
    transform, source = (None, None)
    if prj is not None:
        transform, source = _transformer(prj, prj.read_text(encoding="utf-8", errors="replace"))
    return _finish(p, "Esri Shapefile", records, name_field, transform, source,
                   lonlat_unknown=prj is None)


# -- shared: projection, names, validity --------------------------------------------------


def _transformer(p: Path, crs_text: str) -> tuple[Any, str | None]:
    """A function reprojecting (N, 2) arrays to WGS84 lon/lat, and the source CRS's name;
    (None, None) when the CRS is WGS84 already."""
    from pyproj import CRS, Transformer
    from pyproj.exceptions import CRSError

    try:
        crs = CRS.from_user_input(crs_text)
    except CRSError as exc:
        raise InvalidInput(QT_TRANSLATE_NOOP(
            "errors", "{path} names a projection that cannot be read ({why})."),
            path=p.name, why=str(exc)) from None
    wgs84 = CRS.from_epsg(4326)
    if crs.is_geographic and crs.equals(wgs84, ignore_axis_order=True):
        return None, None
    transformer = Transformer.from_crs(crs, wgs84, always_xy=True)

    def transform(xy: Any) -> Any:
        import numpy as np

        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return transform, crs.name


def _finish(p: Path, kind: str, features: list[tuple[dict[str, Any], Any]],
            name_field: str | None, transform: Any, source: str | None,
            lonlat_unknown: bool = False) -> ZoneFile:
    import shapely

    if name_field is not None and features and not any(name_field in props
                                                       for props, _ in features):
        names = sorted({k for props, _ in features for k in props})
        raise InvalidInput(QT_TRANSLATE_NOOP(
            "errors", "{path} has no attribute “{name}”; it has: {names}."),
            path=p.name, name=name_field, names=", ".join(names) or "-")
    out = ZoneFile(kind, [], reprojected_from=source)
    invalid: list[str] = []
    for n, (props, geom) in enumerate(features, start=1):
        gtype = geom.get("type") if isinstance(geom, dict) else None
        if gtype not in ("Polygon", "MultiPolygon", "GeometryCollection"):
            out.skipped.append((n, str(gtype or "-")))
            continue
        name = _name(props, name_field) or f"{p.stem} {n}"
        try:
            shape = _to_shape(geom)
        except (ValueError, TypeError, AttributeError, IndexError, KeyError,
                shapely.errors.ShapelyError) as exc:
            invalid.append(f"{n} (“{name}”): {exc}")
            continue
        if gtype == "GeometryCollection":
            parts = [g for g in shape.geoms if g.geom_type in ("Polygon", "MultiPolygon")]
            if not parts:
                out.skipped.append((n, gtype))
                continue
            shape = shapely.union_all(parts)
        if lonlat_unknown:
            _must_be_lonlat(p, shape)
        if transform is not None:
            shape = shapely.transform(shape, transform)
        reason = _invalid_reason(shape)
        if reason is not None:
            invalid.append(f"{n} (“{name}”): {reason}")
            continue
        out.zones.append(_zone_shape(name, n, shape))
    if invalid:
        more = len(invalid) - _MAX_LISTED
        raise InvalidInput(QT_TRANSLATE_NOOP(
            "errors", "{path}: {count} feature(s) are not valid areas (the reason, then where: "
            "latitude, longitude); nothing was imported. Feature(s): {list}{more}"),
            path=p.name, count=len(invalid), list="; ".join(invalid[:_MAX_LISTED]),
            more=f" (+{more})" if more > 0 else "")
    if not out.zones:
        raise InvalidInput(QT_TRANSLATE_NOOP(
            "errors", "{path} holds no polygons ({count} feature(s), none an area)."),
            path=p.name, count=len(features))
    return out


def _to_shape(geom: dict[str, Any]) -> Any:
    """A GeoJSON-like geometry as shapely's, in two dimensions (KML carries altitudes);
    polygons are built from arrays, ten times faster than point by point."""
    import shapely
    from shapely.geometry import shape

    if geom["type"] == "Polygon":
        return _polygon(geom["coordinates"])
    if geom["type"] == "MultiPolygon":
        return shapely.multipolygons([_polygon(part) for part in geom["coordinates"]])
    return shapely.force_2d(shape(geom))


def _polygon(rings: Any) -> Any:
    import numpy as np
    import shapely

    shell, *holes = (shapely.linearrings(np.asarray(ring, dtype=float)[:, :2])
                     for ring in rings)
    return shapely.polygons(shell, holes or None)


def _name(props: dict[str, Any], name_field: str | None) -> str:
    for key in (name_field,) if name_field else NAME_FIELDS:
        value = props.get(key) if key else None
        if value is not None and str(value).strip():
            return " ".join(str(value).split())[:200]
    return ""


def _must_be_lonlat(p: Path, shape: Any) -> None:
    """A shapefile without .prj is read as WGS84 only when its numbers can be lon/lat."""
    x0, y0, x1, y1 = shape.bounds
    if x0 < -180 or x1 > 180 or y0 < -90 or y1 > 90:
        raise InvalidInput(QT_TRANSLATE_NOOP(
            "errors", "{path} has no .prj and its coordinates (e.g. {x}, {y}) are not "
            "longitude and latitude: put the .prj that came with it beside it."),
            path=p.name, x=f"{x0:.0f}", y=f"{y0:.0f}")


def _invalid_reason(shape: Any) -> str | None:
    """Why a shape is not a valid area, in shapely's words with the place as lat/lon."""
    import shapely

    if shape.is_empty:
        return "Empty"
    if shapely.is_valid(shape):
        return None
    reason = str(shapely.is_valid_reason(shape))
    what, _, where = reason.partition("[")
    coords = where.rstrip("]").split()
    if len(coords) >= 2:
        return f"{what.strip()} ({float(coords[1]):.6f}, {float(coords[0]):.6f})"
    return reason


def _zone_shape(name: str, n: int, shape: Any) -> ZoneShape:
    """The shape as zone coordinates, simplified (topology kept) when it has more points
    than one zone carries: official boundaries can be very detailed."""
    import shapely

    points = int(shapely.get_num_coordinates(shape))
    simplified_from = None
    tolerance = 1e-5  # degrees (about a metre)
    while points > MAX_ZONE_VERTICES:
        simplified_from = simplified_from or points
        shape = shapely.simplify(shape, tolerance, preserve_topology=True)
        points = int(shapely.get_num_coordinates(shape))
        tolerance *= 2
    polygons = list(shape.geoms) if shape.geom_type == "MultiPolygon" else [shape]
    coords = [[shapely.get_coordinates(ring).tolist() for ring in (poly.exterior, *poly.interiors)]
              for poly in polygons]
    return ZoneShape(name, coords, n, points, simplified_from)
